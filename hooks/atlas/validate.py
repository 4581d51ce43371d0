"""The rules of the catalog: small functions that yield ``(field, line, message)``.

File rules look at one file and their verdicts are cached with it (``check_model``,
``check_mapping``). Catalog rules look at a file against the others and run every time.
``atlas.pipeline`` runs them all in one order; nothing here reads files, caches or builds.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from atlas import schema
from atlas.load import Document, read_yaml
from atlas.placeholder import MESSAGE as PLACEHOLDER_MESSAGE
from atlas.placeholder import PLACEHOLDER, is_placeholder
from atlas.problems import Problem
from atlas.records import Reference, parse_count

Finding = tuple[str, int, str]  # (field, line, message)

ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
URL_RE = re.compile(r"^https?://")
DATE_RE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
MAX_ID = 64
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
# Letters from other scripts that look like Latin ones, folded before comparing names.
CONFUSABLES = str.maketrans({
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "у": "y", "і": "i", "ј": "j", "ѕ": "s",
    "ԁ": "d", "ɡ": "g", "һ": "h", "ո": "n", "ν": "v", "ο": "o", "α": "a", "ε": "e", "ι": "i", "κ": "k",
    "τ": "t", "ρ": "p", "Ι": "i", "Ο": "o", "Α": "a", "Β": "b", "Ε": "e", "Κ": "k", "Μ": "m", "Ν": "n",
    "Τ": "t", "Χ": "x", "Ζ": "z", "Н": "h", "М": "m", "Т": "t", "В": "b", "К": "k", "l": "l", "0": "0",
})
NAME_PUNCTUATION = re.compile(r"[\s\-_.·,'()/+:&]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# Characters that show nothing; in a name they would make look-alike duplicates.
_INVISIBLE = re.compile(r"[\u00ad\u034f\u061c\u115f\u1160\u180e\u200b-\u200f\u2060-\u2064\u3164\ufeff\uffa0]")


# ---------------------------------------------------------------- helpers


def name_key(text: str) -> str:
    """Fold case, width, look-alike letters and punctuation so near-identical names collide."""
    visible = "".join(ch for ch in text if unicodedata.category(ch) != "Cf") if not text.isascii() else text  # zero-width and bidi marks
    if visible.isascii():  # the Unicode folds below leave ASCII as it is, apart from case
        return NAME_PUNCTUATION.sub("", visible.casefold())
    folded = unicodedata.normalize("NFKC", visible).translate(CONFUSABLES).casefold()
    folded = "".join(ch for ch in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(ch))
    return NAME_PUNCTUATION.sub("", folded)


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


def codepoint(char: str) -> str:
    """'U+202E (right-to-left override)'; control characters have no Unicode name."""
    return f"U+{ord(char):04X} ({unicodedata.name(char, 'a control character').lower()})"


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
        if key and key[0] == "description":
            control = _CONTROL.search(value.replace("\t", ""))
            if control:
                yield name, document.line(key), f"contains {codepoint(control.group())}; control and text-direction characters are not allowed"
            continue
        if "\n" in value:
            yield name, document.line(key), "must be on one line"
        elif _CONTROL.search(value):
            yield name, document.line(key), f"contains {codepoint(_CONTROL.search(value).group())}; control and text-direction characters are not allowed"
        elif _INVISIBLE.search(value):
            yield name, document.line(key), f"contains {codepoint(_INVISIBLE.search(value).group())}; invisible characters are allowed only in a model's description"


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
    elif not ID_RE.match(model_id):
        odd = sorted({f"{ch!r} {codepoint(ch)}" for ch in model_id if not ch.isascii()})
        why = f"; it contains the non-ASCII character {odd[0]}" if odd else ""
        yield "id", 1, f"file name {model_id!r} is not a valid id: use lowercase letters, digits and single hyphens, e.g. 'llava-1-5'{why}"


# ---------------------------------------------------------------- catalog rules (one file against the others)


# The fields that the rules run on every model each time read (names, shared papers,
# lineage, dates in the future). The cache keeps them at hand, so a run that reports on one file
# need not unpack every other file; any other field is still there, unpacked on first use.
CATALOG_FIELDS = ("name", "aliases", "built_on", "shares_paper_with", "references", "released")


@dataclass(frozen=True)
class Context:
    """What the catalog rules compare a file against. A shared file that failed its own checks is None."""

    documents: dict[str, Document]  # model id -> document, for the models that passed the schema
    model_ids: set[str]  # every model file with a valid name, passed or not
    organizations: dict[str, Any] | None
    techniques: dict[str, Any] | None
    references: dict[str, Reference] | None


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


MODEL_RULES = (organizations_rule, techniques_rule, references_rule)


def model_rules(model_id: str, document: Document, context: Context) -> list[Problem]:
    """The catalog rules of one model that passed the schema."""
    found = _findings(document, built_on_rule(model_id, document, context))
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
                yield Problem(document.path, document.line(where), name, f"{label!r} clashes with {other_label!r} of model {other_id!r} ({other_path}); names and aliases must be unique, ignoring case and punctuation")
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
    """built_on has no cycles."""
    graph = {model_id: tuple(doc.data.get("built_on") or ()) for model_id, doc in documents.items()}
    for cycle in cycles(graph):
        document = documents[cycle[0]]
        index = list(graph[cycle[0]]).index(cycle[1] if len(cycle) > 1 else cycle[0])
        yield Problem(document.path, document.line(("built_on", index)), f"built_on[{index}]", "lineage cycle: " + " -> ".join(cycle + [cycle[0]]))


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


def catalog_problems(context: Context, organizations: Document | None, techniques: Document | None, wanted: set[str] | None) -> list[Problem]:
    """Every catalog rule, for the files in ``wanted`` (all when None)."""
    problems: list[Problem] = []
    if organizations is not None and context.organizations is not None:
        problems += _findings(organizations, organization_parent_rule(organizations))
    if techniques is not None and context.techniques is not None and context.references is not None:
        problems += _findings(techniques, technique_references_rule(techniques, context.references))
    for model_id, document in context.documents.items():
        if wanted is None or document.path in wanted:
            problems += model_rules(model_id, document, context)
    problems += names_rule(context.documents)
    problems += shared_papers_rule(context.documents, context.references or {})
    problems += lineage_rule(context.documents)
    return problems
