"""The rules of the catalog: small functions that yield ``(field, line, message)``.

File rules look at one file and their verdicts are cached with it (``check_model``,
``check_mapping``). Catalog rules look at a file against the others and run every time.
``atlas.pipeline`` runs them all in one order; nothing here reads files, caches or builds.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from atlas import schema
from atlas.characters import CONTROL, INVISIBLE, NONCHARACTER, codepoint
from atlas.load import MAX_INT, Document, read_yaml
from atlas.lookalikes import name_key
from atlas.page_paths import WINDOWS_DEVICES, WINDOWS_RESERVED
from atlas.placeholder import MESSAGE as PLACEHOLDER_MESSAGE
from atlas.placeholder import PLACEHOLDER, is_placeholder
from atlas.problems import Problem
from atlas.records import Reference, parse_count

Finding = tuple[str, int, str]  # (field, line, message)

ID_RE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")  # used with fullmatch: "$" would accept a final line break
URL_RE = re.compile(r"^https?://")
DATE_RE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
MAX_ID = 64
# Python-Markdown recurses once per level of lists and quotes, and fails near 200 levels.
MAX_MARKDOWN_NESTING = 20
# The prefix of a Markdown line that opens or continues lists and quotes.
_CONTAINER_PREFIX = re.compile(r"(?:[ \t]|>|[-*+](?=[ \t])|[0-9]{1,9}[.)](?=[ \t]))*")
# What to write in place of each TODO that scripts/new_model.py leaves.
PLACEHOLDER_HINTS = {
    "summary": "write one plain sentence, in your own words, saying what the model is and why it matters",
    "references": "give the BibTeX key of the primary source and add its entry to catalog/references.bib",
    "sources": "give the BibTeX key or URL of the reference that supports {fact}",
    "access.weights": "set it from the official release: open, restricted or closed",
    "access.code": "set it from the official release: open, partial or closed",
    "access.data": "set it from the official release: open, partial or closed",
    "access.api": "set it from the official release: true or false",
    "modalities": "list the modalities the paper describes, e.g. [text, image]",
    "organizations": "list the developers' ids from catalog/organizations.yaml, lead developer first",
}


# ---------------------------------------------------------------- helpers


def today() -> dt.date:
    return dt.date.today()


def date_problem(text: str) -> str | None:
    """None if ``text`` (already matching the schema's form) is a real date, else why not."""
    parts = [int(part) for part in text.split("-")]
    if parts[0] < 1900:
        return "year must be 1900 or later"
    if len(parts) >= 2 and not 1 <= parts[1] <= 12:
        return f"month {parts[1]:02d} does not exist"
    if len(parts) == 3:
        try:
            dt.date(*parts)
        except ValueError:
            return f"day {parts[2]:02d} does not exist in {parts[0]}-{parts[1]:02d}"
    return None


def short(text: str) -> str:
    shown = repr(text)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def suggest(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def strings(value: Any, key: tuple = (), out: list[tuple[tuple, str]] | None = None) -> list[tuple[tuple, str]]:
    """Every text value in ``value`` with its path, in document order."""
    if out is None:
        out = []
    if isinstance(value, str):
        out.append((key, value))
    elif isinstance(value, dict):
        for name, child in value.items():
            if isinstance(child, str):
                out.append((key + (name,), child))
            elif isinstance(child, (dict, list)):
                strings(child, key + (name,), out)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            if isinstance(child, str):
                out.append((key + (index,), child))
            elif isinstance(child, (dict, list)):
                strings(child, key + (index,), out)
    return out


def model_refs(data: dict[str, Any]) -> list[tuple[tuple, str]]:
    """Every reference a model names (references, sources, result sources), with its path."""
    refs: list[tuple[tuple, str]] = [(("references", i), key) for i, key in enumerate(data.get("references") or [])]
    for name, value in (data.get("sources") or {}).items():
        if isinstance(value, dict):
            refs.append((("sources", name, "ref"), value.get("ref", "")))
        else:
            refs.append((("sources", name), value))
    for i, result in enumerate(data.get("results") or []):
        refs.append((("results", i, "source"), result.get("source", "")))
    return refs


# ---------------------------------------------------------------- file rules (cached with the file)


def schema_rule(document: Document, schema_name: str) -> Iterator[Finding]:
    for problem in schema.check(document, schema_name):
        yield problem.field, problem.line, problem.message


def text_rule(document: Document, skip: set[str], found: list[tuple[tuple, str]]) -> Iterator[Finding]:
    """Line breaks only in description; no control, bidi-override or invisible characters elsewhere."""
    for key, value in found:
        if value.isascii() and value.isprintable():  # none of the characters below
            continue
        name = schema.field_name(key)
        if name in skip:  # the schema already said what is wrong with it
            continue
        odd = NONCHARACTER.search(value)
        if odd:
            yield name, document.line(key), f"contains {codepoint(odd.group())}; non-characters are not allowed (a feed reader refuses the whole feed)"
            continue
        if key and key[0] == "description":
            control = CONTROL.search(value.replace("\t", ""))
            if control:
                yield name, document.line(key), f"contains {codepoint(control.group())}; control and text-direction characters are not allowed"
            continue
        if "\n" in value:
            yield name, document.line(key), "must be on one line"
        elif CONTROL.search(value):
            yield name, document.line(key), f"contains {codepoint(CONTROL.search(value).group())}; control and text-direction characters are not allowed"
        elif INVISIBLE.search(value):
            yield name, document.line(key), f"contains {codepoint(INVISIBLE.search(value).group())}; invisible characters are allowed only in a model's description"


def _placeholder_hint(key: tuple) -> str:
    name = schema.field_name(key)
    for prefix in (name.split("[")[0], str(key[0])):
        if prefix in PLACEHOLDER_HINTS:
            return PLACEHOLDER_HINTS[prefix].format(fact=schema.field_name(key[1:]) if len(key) > 1 else name)
    if len(key) == 1 and key[0] in schema.schema("model")["required"]:
        return "replace it with a value from the primary source"
    return "replace it with a sourced value, or remove the field if no source gives one"


def placeholder_rule(document: Document, found: list[tuple[tuple, str]]) -> Iterator[Finding]:
    """One finding for every TODO placeholder the scaffold left."""
    for key, value in found:
        if value.startswith(PLACEHOLDER) and is_placeholder(value):
            yield schema.field_name(key), document.line(key), f"{PLACEHOLDER_MESSAGE}; {_placeholder_hint(key)}"


def real_date_rule(document: Document) -> Iterator[Finding]:
    """Dates of the schema's form must exist (no month 13, no 30 February)."""
    data = document.data
    value = data.get("released")
    if isinstance(value, str) and DATE_RE.fullmatch(value) and date_problem(value):
        yield "released", document.line(("released",)), f"{value!r} is not a real date: {date_problem(value)}"
    variants = data.get("variants") if isinstance(data.get("variants"), list) else []  # the schema may have refused it
    for index, variant in enumerate(variants):
        value = variant.get("released") if isinstance(variant, dict) else None
        if isinstance(value, str) and DATE_RE.fullmatch(value) and date_problem(value):
            yield f"variants[{index}].released", document.line(("variants", index, "released")), f"{value!r} is not a real date: {date_problem(value)}"


def variant_size_rule(document: Document) -> Iterator[Finding]:
    """``parameters`` is the largest variant."""
    data = document.data
    top = parse_count(data.get("parameters"))
    for index, variant in enumerate(data.get("variants") or []):
        size = parse_count(variant.get("parameters"))
        if top is not None and size is not None and size > top:
            yield f"variants[{index}].parameters", document.line(("variants", index, "parameters")), f"{variant['parameters']} is larger than the model's parameters ({data['parameters']}); parameters must be the largest variant"


def count_rule(document: Document) -> Iterator[Finding]:
    """Counts ("13B") are at most 2^53, the largest whole number every JSON reader keeps exactly."""
    data = document.data
    counts = [(("parameters",), data.get("parameters"))]
    counts += [(("variants", i, "parameters"), v.get("parameters")) for i, v in enumerate(data.get("variants") or [])]
    counts.append((("training", "tokens"), (data.get("training") or {}).get("tokens")))
    for key, value in counts:
        count = parse_count(value)
        if count is not None and count > MAX_INT:
            yield schema.field_name(key), document.line(key), f"{value} is {count:,}; a count must be at most 2^53 ({MAX_INT:,}), the largest whole number the exports carry exactly"


def nesting_depth(line: str) -> int:
    """Levels of lists and quotes a Markdown line may open: each marker, and each 4 columns of indentation."""
    prefix = _CONTAINER_PREFIX.match(line).group()
    markers = re.findall(r">|[-*+](?=[ \t])|[0-9]{1,9}[.)](?=[ \t])", prefix)
    # The columns of indentation, less the marks and the one space that follows each mark.
    columns = len(prefix.replace("\t", "    ")) - sum(len(mark) + 1 for mark in markers)
    return len(markers) + max(columns, 0) // 4


def nesting_rule(document: Document) -> Iterator[Finding]:
    """A description nests lists and quotes at most MAX_MARKDOWN_NESTING levels deep."""
    text = document.data.get("description")
    if not isinstance(text, str):
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if len(line) > MAX_MARKDOWN_NESTING and nesting_depth(line) > MAX_MARKDOWN_NESTING:
            yield "description", document.line(("description",)), f"line {number} of the description nests lists, quotes or indentation {nesting_depth(line)} levels deep; at most {MAX_MARKDOWN_NESTING} are allowed (each list marker, each > and each 4 spaces count as one)"
            return


def source_field_rule(document: Document) -> Iterator[Finding]:
    """Each key of ``sources`` names a model field."""
    fields = schema.schema("model")["properties"]
    for key in document.data.get("sources") or {}:
        head = key.split(".")[0]
        if head == "sources":
            yield f"sources.{key}", document.line(("sources", key)), "names no fact; sources lists the fields that references support"
        elif head not in fields:
            yield f"sources.{key}", document.line(("sources", key)), f"is not a model field{suggest(head, fields)}"


def _normalize_years(data: Any) -> None:
    """Let contributors write ``released: 2023`` unquoted: YAML reads it as a number."""
    if isinstance(data, dict):
        if isinstance(data.get("released"), int) and not isinstance(data.get("released"), bool):
            data["released"] = str(data["released"])
        variants = data.get("variants")
        for variant in variants if isinstance(variants, list) else []:
            if isinstance(variant, dict) and isinstance(variant.get("released"), int) and not isinstance(variant.get("released"), bool):
                variant["released"] = str(variant["released"])


@dataclass(frozen=True)
class Checked:
    """A file as read and checked: its document (None if unreadable), its problems, and whether it passed the schema."""

    document: Document | None
    problems: tuple[Problem, ...]
    passed: bool


def _parsed(text: str | None, problems: list[Problem], path: str, not_a_mapping: str) -> tuple[Document | None, list[Problem]]:
    if text is None:
        return None, problems
    document, problems = read_yaml(text, path)
    if document is not None and not isinstance(document.data, dict):
        return None, [Problem(path, 1, "(top level)", not_a_mapping)]
    return document, problems


def _findings(document: Document, found: Iterable[Finding]) -> list[Problem]:
    return [Problem(document.path, line, name, message) for name, line, message in found]


def check_model(text: str | None, problems: list[Problem], path: str) -> Checked:
    """Run the file rules on one model file (``text`` decoded, or None with why not)."""
    document, problems = _parsed(text, problems, path, "must be a mapping of fields, such as name: and kind:")
    if document is None:
        return Checked(None, tuple(problems), False)
    _normalize_years(document.data)
    found = strings(document.data)
    placeholders = _findings(document, placeholder_rule(document, found))
    # A placeholder is reported once, as a placeholder, not also as a schema violation.
    pending = {p.field for p in placeholders}
    refused = _findings(document, schema_rule(document, "model"))
    refused += _findings(document, text_rule(document, {p.field for p in refused}, found))
    local = [p for p in refused if p.field not in pending]
    # A TODO where a list or mapping belongs would mislead the later rules.
    misplaced = any(p.field in pending and p.message.startswith(("must be a list", "must be a mapping")) for p in refused)
    passed = not local and not misplaced
    local += _findings(document, real_date_rule(document))
    if passed:
        local += _findings(document, variant_size_rule(document))
        local += _findings(document, count_rule(document))
        local += _findings(document, nesting_rule(document))
        local += _findings(document, source_field_rule(document))
    return Checked(document, tuple(local + placeholders), passed)


def check_mapping(text: str | None, problems: list[Problem], path: str, schema_name: str) -> Checked:
    """Run the file rules on organizations.yaml or techniques.yaml."""
    document, problems = _parsed(text, problems, path, "must be a mapping of id to record")
    if document is None:
        return Checked(None, tuple(problems), False)
    found = _findings(document, schema_rule(document, schema_name))
    found += _findings(document, text_rule(document, {p.field for p in found}, strings(document.data)))
    return Checked(document, tuple(found), not found)


def file_name_rule(name: str) -> Iterator[Finding]:
    """A model file is <id>.yaml with a valid id."""
    if not name.endswith(".yaml"):
        yield "file", 1, "model files must end in .yaml" + ("; rename it to .yaml" if name.endswith(".yml") else "")
        return
    model_id = name[: -len(".yaml")]
    if len(model_id) > MAX_ID:
        yield "id", 1, f"file name {short(model_id)} is {len(model_id)} characters long; an id has at most {MAX_ID}"
    elif not ID_RE.fullmatch(model_id):
        odd = sorted({ch for ch in model_id if not ch.isascii() or not ch.isprintable()})
        kind = ("non-ASCII" if not odd[0].isascii() else "control") if odd else ""
        why = f"; it contains the {kind} character {odd[0]!r} {codepoint(odd[0])}" if odd else ""
        yield "id", 1, f"file name {model_id!r} is not a valid id: use lowercase letters, digits and single hyphens, e.g. 'llava-1-5'{why}"
    elif model_id in WINDOWS_RESERVED:
        yield "id", 1, f"file name {model_id!r} is a name Windows reserves for a device ({WINDOWS_DEVICES}), so the repository could not be checked out there; choose another id"


# ---------------------------------------------------------------- catalog rules (one file against the others)


# The fields that the rules run on every model each time read (names, shared papers,
# lineage, dates in the future). The cache keeps them at hand, so a run that reports on one file
# need not unpack every other file; any other field is still there, unpacked on first use.
CATALOG_FIELDS = ("name", "aliases", "built_on", "shares_paper_with", "references", "released", "succeeds", "derived_from")


@dataclass(frozen=True)
class Context:
    """What the catalog rules compare a file against. A shared file that failed its own checks is None in ``shared``."""

    documents: dict[str, Document]  # model id -> document, for the models that passed the schema
    model_ids: set[str]  # every model file with a valid name, passed or not
    shared: dict[str, dict[str, Any] | None]  # organizations, techniques, families, benchmarks
    references: dict[str, Reference] | None

    @property
    def organizations(self) -> dict[str, Any] | None:
        return self.shared["organizations"]

    @property
    def techniques(self) -> dict[str, Any] | None:
        return self.shared["techniques"]


def future_rule(document: Document, when: dt.date) -> Iterator[Finding]:
    value = document.data.get("released")
    if isinstance(value, str) and DATE_RE.fullmatch(value) and not date_problem(value) and value > when.isoformat()[: len(value)]:
        yield "released", document.line(("released",)), f"{value!r} is in the future"


def organizations_rule(document: Document, context: Context) -> Iterator[Finding]:
    if context.organizations is None:
        return
    for index, org in enumerate(document.data["organizations"]):
        if not is_placeholder(org) and org not in context.organizations:
            yield f"organizations[{index}]", document.line(("organizations", index)), f"unknown organization {org!r}{suggest(org, context.organizations)}; add it to catalog/organizations.yaml"


def techniques_rule(document: Document, context: Context) -> Iterator[Finding]:
    if context.techniques is None:
        return
    for index, tech in enumerate(document.data.get("techniques") or []):
        if not is_placeholder(tech) and tech not in context.techniques:
            yield f"techniques[{index}]", document.line(("techniques", index)), f"unknown technique {tech!r}{suggest(tech, context.techniques)}; see catalog/techniques.yaml"


def built_on_rule(model_id: str, document: Document, context: Context) -> Iterator[Finding]:
    for index, target in enumerate(document.data.get("built_on") or []):
        if is_placeholder(target):
            continue
        if target == model_id:
            yield f"built_on[{index}]", document.line(("built_on", index)), "a model cannot be built on itself"
        elif target not in context.model_ids:
            yield f"built_on[{index}]", document.line(("built_on", index)), f"unknown model {target!r}{suggest(target, context.documents)}"


def references_rule(document: Document, context: Context) -> Iterator[Finding]:
    if context.references is None:
        return
    for key, ref in model_refs(document.data):
        if not is_placeholder(ref) and not URL_RE.match(ref) and ref not in context.references:
            yield schema.field_name(key), document.line(key), f"unknown BibTeX key {ref!r}{suggest(ref, context.references)}; add the entry to catalog/references.bib"


def family_rule(document: Document, context: Context) -> Iterator[Finding]:
    families = context.shared["families"]
    family = document.data.get("family")
    if family and families is not None and family not in families:
        yield "family", document.line(("family",)), f"unknown family {family!r}{suggest(family, families)}; add it to catalog/families.yaml"


def _released(model_id: str, context: Context) -> str | None:
    document = context.documents.get(model_id)
    return document.data.get("released") if document is not None else None


def succeeds_rule(model_id: str, document: Document, context: Context) -> Iterator[Finding]:
    """The previous version exists, is another model, and is not newer."""
    target = document.data.get("succeeds")
    if not target or is_placeholder(target):
        return
    line = document.line(("succeeds",))
    if target == model_id:
        yield "succeeds", line, "a model cannot succeed itself"
    elif target not in context.model_ids:
        yield "succeeds", line, f"unknown model {target!r}{suggest(target, context.documents)}"
    else:
        before, after = _released(target, context), document.data.get("released")
        if isinstance(before, str) and isinstance(after, str):
            common = min(len(before), len(after))
            if before[:common] > after[:common]:
                yield "succeeds", line, f"{target!r} was released in {before}, after this model ({after}); a successor cannot be older than its predecessor"
        predecessor = context.documents.get(target)
        if predecessor is not None and document.data.get("family") and predecessor.data.get("family") not in (None, document.data.get("family")):
            yield "succeeds", line, f"{target!r} is in family {predecessor.data.get('family')!r}, not {document.data.get('family')!r}; succeeds names the previous version in the same family"


def derived_from_rule(model_id: str, document: Document, context: Context) -> Iterator[Finding]:
    seen: set[str] = set()
    for index, relation in enumerate(document.data.get("derived_from") or []):
        target = relation["model"]
        where = (f"derived_from[{index}].model", document.line(("derived_from", index, "model")))
        if target == model_id:
            yield *where, "a model cannot be derived from itself"
        elif target not in context.model_ids:
            yield *where, f"unknown model {target!r}{suggest(target, context.documents)}"
        elif target in seen:
            yield *where, f"{target!r} is named twice; give one relation per base model"
        seen.add(target)


def _condition(result: dict[str, Any]) -> tuple[Any, ...]:
    samples = result.get("samples") or {}
    return (result["benchmark"], result["split"], result.get("setting"), result.get("shots"), result.get("cot"), samples.get("k"), samples.get("aggregate"), result.get("checkpoint"))


def results_rule(document: Document, context: Context) -> Iterator[Finding]:
    """Each result names a registered benchmark and split, scores within its range, and agrees with its twins."""
    benchmarks = context.shared["benchmarks"]
    if benchmarks is None:
        return
    seen: dict[tuple[Any, ...], tuple[int, Any]] = {}
    for index, result in enumerate(document.data.get("results") or []):
        key = ("results", index)
        benchmark = benchmarks.get(result["benchmark"])
        if benchmark is None:
            yield f"results[{index}].benchmark", document.line(key + ("benchmark",)), f"unknown benchmark {result['benchmark']!r}{suggest(result['benchmark'], benchmarks)}; register it in catalog/benchmarks.yaml"
            continue
        splits = {split["id"]: split for split in benchmark["splits"]}
        split = splits.get(result["split"])
        if split is None:
            yield f"results[{index}].split", document.line(key + ("split",)), f"{result['benchmark']} has no split {result['split']!r}; use one of: {', '.join(splits)}"
            continue
        low, high = split.get("range") or benchmark["range"]
        score = result["score"]
        if score < low or (high is not None and score > high):
            scale = f"from {low:g} to {high:g}" if high is not None else f"from {low:g}"
            yield f"results[{index}].score", document.line(key + ("score",)), f"{score:g} is outside the {benchmark['name']} {split['id']} scale, which runs {scale} ({split.get('metric', benchmark['metric'])})"
        twin = seen.get(_condition(result))
        if twin is not None and twin[1] != score and not (result.get("note") and document.data["results"][twin[0]].get("note")):
            yield f"results[{index}].score", document.line(key + ("score",)), f"{score:g} disagrees with results[{twin[0]}] ({twin[1]:g}) for the same benchmark, split, setting and checkpoint; keep one, or give both a note saying why they differ"
        seen.setdefault(_condition(result), (index, score))


MODEL_RULES = (organizations_rule, techniques_rule, references_rule, family_rule, results_rule)


def model_rules(model_id: str, document: Document, context: Context) -> list[Problem]:
    """The catalog rules of one model that passed the schema."""
    found = _findings(document, built_on_rule(model_id, document, context))
    found += _findings(document, succeeds_rule(model_id, document, context))
    found += _findings(document, derived_from_rule(model_id, document, context))
    for rule in MODEL_RULES:
        found += _findings(document, rule(document, context))
    return found


def names_rule(documents: dict[str, Document]) -> Iterator[Problem]:
    """Names and aliases are unique across the catalog, ignoring case, punctuation and look-alike letters."""
    names: dict[str, tuple[str, str, str]] = {}
    for model_id, document in documents.items():
        data = document.data
        labels: list[tuple[str, str, tuple]] = [("name", data["name"], ("name",))]
        labels += [(f"aliases[{i}]", alias, ("aliases", i)) for i, alias in enumerate(data.get("aliases") or [])]
        own: set[str] = set()
        for name, label, where in labels:
            if is_placeholder(label):
                continue
            folded = name_key(label)
            if folded in own:
                continue
            own.add(folded)
            if folded in names:
                other_id, other_label, other_path = names[folded]
                yield Problem(document.path, document.line(where), name, f"{label!r} clashes with {other_label!r} of model {other_id!r} ({other_path}); names and aliases must be unique, ignoring case, punctuation and look-alike letters")
            else:
                names[folded] = (model_id, label, document.path)


def shared_papers_rule(documents: dict[str, Document], references: dict[str, Reference]) -> Iterator[Problem]:
    """Two models may share a primary arXiv paper only when one marks it with shares_paper_with."""
    by_eprint: dict[str, list[str]] = {}
    for model_id, document in documents.items():
        for index, target in enumerate(document.data.get("shares_paper_with") or []):
            if target not in documents:
                yield Problem(document.path, document.line(("shares_paper_with", index)), f"shares_paper_with[{index}]", f"unknown model {target!r}{suggest(target, documents)}")
        primary = references.get(document.data["references"][0])
        if primary is not None and primary.get("eprint"):
            by_eprint.setdefault(primary.get("eprint"), []).append(model_id)
    for eprint, ids in sorted(by_eprint.items()):
        for index, first in enumerate(ids):
            for second in ids[index + 1:]:
                marked = second in (documents[first].data.get("shares_paper_with") or []) or first in (documents[second].data.get("shares_paper_with") or [])
                if not marked:
                    document = documents[second]
                    yield Problem(document.path, document.line(("references", 0)), "references[0]", f"the primary paper (arXiv {eprint}) is also the primary reference of {first!r}; if both models come from that paper on purpose, add {first!r} to shares_paper_with")


def cycles(graph: dict[str, tuple[str, ...]]) -> list[list[str]]:
    """Each cycle of ``graph`` once, as a list of ids starting at its smallest id; iterative, so any depth is safe."""
    found: set[tuple[str, ...]] = set()
    state: dict[str, int] = {}
    for start in sorted(graph):
        if state.get(start):
            continue
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(graph.get(start, ())))]
        path = [start]
        state[start] = 1
        while stack:
            node, targets = stack[-1]
            for target in targets:
                if target == node:  # reported as "built on itself"
                    continue
                if state.get(target) == 1:
                    cycle = path[path.index(target):]
                    first = cycle.index(min(cycle))
                    found.add(tuple(cycle[first:] + cycle[:first]))
                elif target in graph and not state.get(target):
                    state[target] = 1
                    path.append(target)
                    stack.append((target, iter(graph.get(target, ()))))
                    break
            else:
                stack.pop()
                path.pop()
                state[node] = 2
    return [list(cycle) for cycle in sorted(found)]


def lineage_rule(documents: dict[str, Document]) -> Iterator[Problem]:
    """built_on, derived_from and succeeds together have no cycles."""
    graph: dict[str, tuple[str, ...]] = {}
    fields: dict[tuple[str, str], tuple[str, tuple]] = {}
    for model_id, doc in documents.items():
        data = doc.data
        targets = [(t, (f"built_on[{i}]", ("built_on", i))) for i, t in enumerate(data.get("built_on") or ())]
        targets += [(r["model"], (f"derived_from[{i}].model", ("derived_from", i, "model"))) for i, r in enumerate(data.get("derived_from") or ())]
        if data.get("succeeds"):
            targets.append((data["succeeds"], ("succeeds", ("succeeds",))))
        for target, where in targets:
            fields.setdefault((model_id, target), where)
        graph[model_id] = tuple(dict.fromkeys(target for target, _ in targets))
    for cycle in cycles(graph):
        document = documents[cycle[0]]
        name, key = fields[(cycle[0], cycle[1] if len(cycle) > 1 else cycle[0])]
        yield Problem(document.path, document.line(key), name, "lineage cycle: " + " -> ".join(cycle + [cycle[0]]))


def organization_parent_rule(document: Document) -> Iterator[Finding]:
    for key, value in document.data.items():
        parent = value.get("parent")
        if parent and parent not in document.data:
            yield f"{key}.parent", document.line((key, "parent")), f"unknown organization {parent!r}{suggest(parent, document.data)}"


def technique_references_rule(document: Document, references: dict[str, Reference]) -> Iterator[Finding]:
    for key, value in document.data.items():
        for index, ref in enumerate(value.get("references") or ()):
            if ref not in references:
                yield f"{key}.references[{index}]", document.line((key, "references", index)), f"unknown BibTeX key {ref!r}{suggest(ref, references)}"


def family_rules(document: Document, context: Context) -> Iterator[Finding]:
    """A family's organizations and references exist."""
    organizations = context.organizations
    for key, value in document.data.items():
        for index, org in enumerate(value["organizations"]):
            if organizations is not None and org not in organizations:
                yield f"{key}.organizations[{index}]", document.line((key, "organizations", index)), f"unknown organization {org!r}{suggest(org, organizations)}"
        for index, ref in enumerate(value["references"]):
            if context.references is not None and ref not in context.references:
                yield f"{key}.references[{index}]", document.line((key, "references", index)), f"unknown BibTeX key {ref!r}{suggest(ref, context.references)}"


def benchmark_rules(document: Document, context: Context) -> Iterator[Finding]:
    """A benchmark's reference exists, its split ids are unique, its ranges run upwards."""
    for key, value in document.data.items():
        if context.references is not None and value["reference"] not in context.references:
            yield f"{key}.reference", document.line((key, "reference")), f"unknown BibTeX key {value['reference']!r}{suggest(value['reference'], context.references)}"
        ids: set[str] = set()
        for index, split in enumerate(value["splits"]):
            if context.references is not None and split.get("reference") and split["reference"] not in context.references:
                yield f"{key}.splits[{index}].reference", document.line((key, "splits", index, "reference")), f"unknown BibTeX key {split['reference']!r}{suggest(split['reference'], context.references)}"
            if split["id"] in ids:
                yield f"{key}.splits[{index}].id", document.line((key, "splits", index, "id")), f"split {split['id']!r} is listed twice"
            ids.add(split["id"])
        for where, (low, high) in [((key, "range"), value["range"])] + [((key, "splits", i, "range"), s["range"]) for i, s in enumerate(value["splits"]) if "range" in s]:
            if high is not None and high <= low:
                yield schema.field_name(where), document.line(where), f"the range must run from a lower to a higher score (got [{low:g}, {high:g}])"


def organization_names_rule(document: Document) -> Iterator[Finding]:
    """Organization names and aliases are unique, ignoring case, punctuation and look-alike letters."""
    names: dict[str, tuple[str, str]] = {}
    for key, value in document.data.items():
        labels = [("name", value["name"], (key, "name"))] + [(f"aliases[{i}]", alias, (key, "aliases", i)) for i, alias in enumerate(value.get("aliases") or [])]
        own: set[str] = set()
        for name, label, where in labels:
            folded = name_key(label)
            if folded in own:
                continue
            own.add(folded)
            if folded in names and names[folded][0] != key:
                yield f"{key}.{name}", document.line(where), f"{label!r} clashes with {names[folded][1]!r} of organization {names[folded][0]!r}; names and aliases must be unique, ignoring case, punctuation and look-alike letters"
            else:
                names.setdefault(folded, (key, label))


def catalog_problems(context: Context, shared: dict[str, Document | None], wanted: set[str] | None) -> list[Problem]:
    """Every catalog rule, for the files in ``wanted`` (all when None)."""
    problems: list[Problem] = []
    organizations, techniques = shared["organizations"], shared["techniques"]
    if organizations is not None and context.organizations is not None:
        problems += _findings(organizations, organization_parent_rule(organizations))
        problems += _findings(organizations, organization_names_rule(organizations))
    if techniques is not None and context.techniques is not None and context.references is not None:
        problems += _findings(techniques, technique_references_rule(techniques, context.references))
    if shared["families"] is not None and context.shared["families"] is not None:
        problems += _findings(shared["families"], family_rules(shared["families"], context))
    if shared["benchmarks"] is not None and context.shared["benchmarks"] is not None:
        problems += _findings(shared["benchmarks"], benchmark_rules(shared["benchmarks"], context))
    for model_id, document in context.documents.items():
        if wanted is None or document.path in wanted:
            problems += model_rules(model_id, document, context)
    problems += names_rule(context.documents)
    problems += shared_papers_rule(context.documents, context.references or {})
    problems += lineage_rule(context.documents)
    return problems
