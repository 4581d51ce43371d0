"""The first draft of a model file: every required field, and a TODO wherever only a person can answer.

``render`` turns a Draft into YAML text; ``refusals`` and ``validator_problems`` say why a
draft must not be written. scripts/new_model.py does the input and output.
"""
from __future__ import annotations

import difflib
import re
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterable

import yaml

from atlas import schema
from atlas.load import load_file
from atlas.placeholder import MESSAGE as PLACEHOLDER_MESSAGE
from atlas.placeholder import PLACEHOLDER
from atlas.pipeline import Paths, load_catalog
from atlas.validate import ID_RE, date_problem, today

SCHEMA_LINE = "# yaml-language-server: $schema=../schema/model.schema.json"
DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
# Modalities that a kind nearly always has. Kinds that vary (speech-model covers both
# recognition and synthesis) get a TODO instead of a guess.
DEFAULT_MODALITIES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "llm": (("text",), ("text",)),
    "mm-llm": (("text", "image"), ("text",)),
    "vision-encoder": (("image",), ("embedding",)),
    "vision-language-encoder": (("text", "image"), ("embedding",)),
    "image-generator": (("text",), ("image",)),
    "video-generator": (("text",), ("video",)),
}
ACCESS_CHOICES = {
    "weights": "open, restricted or closed",
    "code": "open, partial or closed",
    "data": "open, partial or closed",
    "api": "true or false",
}
# Fields that ``refusals`` checks with messages about the command-line flags.
REFUSED_FIELDS = {"id", "file", "released", "kind", "organizations"}
SUMMARY_TODO = f"{PLACEHOLDER}: one plain sentence, in your own words, saying what the model is and why it matters"


@dataclass(frozen=True)
class Draft:
    """What the contributor told the scaffold about a new model."""

    model_id: str
    name: str
    organizations: tuple[str, ...]
    released: str
    kind: str
    inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    parameters: str | None = None
    built_on: tuple[str, ...] = ()
    techniques: tuple[str, ...] = ()
    weights: str | None = None
    code: str | None = None
    data: str | None = None
    api: bool | None = None
    license: str | None = None
    links: tuple[tuple[str, str], ...] = ()
    references: tuple[str, ...] = ()

    @property
    def relative_path(self) -> str:
        return f"catalog/models/{self.model_id}.yaml"


def kinds() -> list[str]:
    """The kinds the schema allows, in schema order."""
    return list(schema.schema("model")["properties"]["kind"]["enum"])


def _flow(value: Any) -> str:
    """One YAML value on one line, quoted only where YAML needs it."""
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000)
    return text.removesuffix("\n...\n").strip()


def _line(key: str, value: Any, comment: str = "", indent: int = 0) -> str:
    text = f"{' ' * indent}{key}: {_flow(value)}"
    return f"{text}  # {comment}" if comment else text


def render(draft: Draft) -> str:
    """The YAML text of the draft; TODO marks each value the contributor must supply."""
    default_in, default_out = DEFAULT_MODALITIES.get(draft.kind, ((PLACEHOLDER,), (PLACEHOLDER,)))
    inputs, outputs = list(draft.inputs or default_in), list(draft.outputs or default_out)
    guessed = not (draft.inputs and draft.outputs) and draft.kind in DEFAULT_MODALITIES
    lines = [
        SCHEMA_LINE,
        "# Written by scripts/new_model.py. Replace every TODO, then check the file with",
        f"#   python scripts/validate.py {draft.relative_path}",
        _line("name", draft.name),
    ]
    if draft.aliases:
        lines.append(_line("aliases", list(draft.aliases)))
    lines += [
        _line("organizations", list(draft.organizations)),
        # Unquoted like the rest of the catalog; anything else is quoted, so the YAML stays valid.
        f"released: {draft.released}" if DATE_RE.match(draft.released) else _line("released", draft.released),
        _line("kind", draft.kind),
        "modalities:" + (f"  # the usual ones for kind {draft.kind}; check them against the paper" if guessed else ""),
        _line("input", inputs, indent=2),
        _line("output", outputs, indent=2),
    ]
    if draft.parameters:
        lines.append(_line("parameters", draft.parameters))
    if draft.built_on:
        lines.append(_line("built_on", list(draft.built_on)))
    if draft.techniques:
        lines.append(_line("techniques", list(draft.techniques)))
    lines.append("access:")
    for field, choices in ACCESS_CHOICES.items():
        value = getattr(draft, field)
        lines.append(_line(field, PLACEHOLDER, choices, indent=2) if value is None else _line(field, value, indent=2))
    if draft.license:
        lines.append(_line("license", draft.license))
    if draft.links:
        lines.append("links:")
        lines += [_line(name, url, indent=2) for name, url in draft.links]
    if draft.references:
        lines.append(_line("references", list(draft.references), "the first is the primary source"))
    else:
        lines.append(_line("references", [PLACEHOLDER], "BibTeX keys from catalog/references.bib; the first is the primary source"))
    lines.append("sources:")
    facts = ["released"] + (["parameters"] if draft.parameters else []) + ["access"]
    for index, fact in enumerate(facts):
        lines.append(_line(fact, PLACEHOLDER, "the BibTeX key or URL that supports this fact" if index == 0 else "", indent=2))
    lines.append(_line("summary", SUMMARY_TODO))
    return "\n".join(lines) + "\n"


def _suggest(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def slug(text: str) -> str:
    """A valid id made from a name: 'LLaVA 1.5' -> 'llava-1-5'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _organization_ids(root: Path) -> tuple[set[str] | None, str | None]:
    path = Paths(root).catalog / "organizations.yaml"
    document, problems = load_file(path, "catalog/organizations.yaml") if path.exists() else (None, [])
    if document is None or not isinstance(document.data, dict):
        reason = str(problems[0]) if problems else "catalog/organizations.yaml is missing"
        return None, f"cannot read the organizations ({reason}); fix that file first"
    return set(document.data), None


def refusals(draft: Draft, root: Path) -> list[str]:
    """Why the core arguments cannot make a new entry; empty when they can."""
    errors = []
    if not ID_RE.fullmatch(draft.model_id) or len(draft.model_id) > 64:
        hint = f"; did you mean {slug(draft.model_id)!r}?" if slug(draft.model_id) and ID_RE.fullmatch(slug(draft.model_id)) else ""
        errors.append(f"{draft.model_id!r} is not a valid id: use lowercase letters, digits and single hyphens, e.g. 'llava-1-5'{hint}")
    elif (Paths(root).models / f"{draft.model_id}.yaml").exists():
        errors.append(f"{draft.relative_path} already exists; edit that file, or choose another id")
    known, problem = _organization_ids(root)
    if problem:
        errors.append(problem)
    for org in draft.organizations:
        if known is not None and org not in known:
            errors.append(f"unknown organization {org!r}{_suggest(org, known)}; add it to catalog/organizations.yaml first")
    if not DATE_RE.match(draft.released):
        errors.append(f"--released must be YYYY, YYYY-MM or YYYY-MM-DD (got {draft.released!r})")
    elif date_problem(draft.released):
        errors.append(f"--released {draft.released!r} is not a real date: {date_problem(draft.released)}")
    elif draft.released > today().isoformat()[: len(draft.released)]:
        errors.append(f"--released {draft.released!r} is in the future")
    if draft.kind not in kinds():
        errors.append(f"unknown kind {draft.kind!r}{_suggest(draft.kind, kinds())}; allowed: {', '.join(kinds())}")
    return errors


def validator_problems(draft: Draft, root: Path) -> list[str]:
    """Every validator problem of the draft except its TODO placeholders and REFUSED_FIELDS, as 'field: message'.

    The draft is checked against the whole catalog (names, lineage, techniques) from a
    temporary file, so nothing under ``root`` changes.
    """
    unreferenced = replace(draft, references=())
    with tempfile.TemporaryDirectory() as folder:
        candidate = Path(folder) / f"{draft.model_id}.yaml"
        candidate.write_text(render(unreferenced), encoding="utf-8")
        _, problems = load_catalog(root, only=[candidate], extra=[candidate])
    return [
        f"{p.field}: {p.message}"
        for p in problems
        if not p.message.startswith(PLACEHOLDER_MESSAGE) and p.field.split("[")[0] not in REFUSED_FIELDS
    ]


def primary_users(root: Path, key: str) -> list[str]:
    """Ids of the catalog models whose primary reference is the BibTeX key ``key``."""
    users = []
    for path in sorted(Paths(root).models.glob("*.yaml")):
        document, _ = load_file(path, path.name)
        data = document.data if document is not None else None
        if isinstance(data, dict) and isinstance(data.get("references"), list) and data["references"][:1] == [key]:
            users.append(path.stem)
    return users
