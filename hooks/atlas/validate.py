"""Load and validate the whole catalog: schema first, then the cross-checks.

``load_catalog`` is the single entry point used by scripts/validate.py, the MkDocs hooks
and the tests. It returns every problem at once, sorted by file and line.
"""
from __future__ import annotations

import datetime as dt
import difflib
import marshal
import os
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from atlas import schema
from atlas.bibliography import Reference, parse_bibliography
from atlas.cache import FileIndex, ResultCache, digest, engine_stamp, file_stat
from atlas.load import MAX_BYTES, Document, decode, parse_yaml, quick_data
from atlas.placeholder import MESSAGE as PLACEHOLDER_MESSAGE
from atlas.placeholder import PLACEHOLDER, is_placeholder
from atlas.problems import Problem
from atlas.records import (
    PART_NAMES,
    Access,
    Catalog,
    Model,
    Organization,
    Result,
    Source,
    Technique,
    Training,
    Variant,
    parse_count,
)

ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
URL_RE = re.compile(r"^https?://")
DATE_FIELDS = ("released",)
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


@dataclass(frozen=True)
class Paths:
    """Where the catalog lives, relative to the repository root."""

    root: Path

    @property
    def catalog(self) -> Path:
        return self.root / "catalog"

    @property
    def models(self) -> Path:
        return self.catalog / "models"

    @property
    def bibliography(self) -> Path:
        return self.catalog / "references.bib"

    def display(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()


NAME_PUNCTUATION = re.compile(r"[\s\-_.·,'()/+:&]+")


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


def _normalize_years(document: Document) -> None:
    """Let contributors write ``released: 2023`` unquoted: YAML reads it as a number."""
    data = document.data
    if isinstance(data, dict):
        if isinstance(data.get("released"), int) and not isinstance(data.get("released"), bool):
            data["released"] = str(data["released"])
        variants = data.get("variants")
        for variant in variants if isinstance(variants, list) else []:
            if isinstance(variant, dict) and isinstance(variant.get("released"), int) and not isinstance(variant.get("released"), bool):
                variant["released"] = str(variant["released"])


def _strings(value: Any, key: tuple = (), out: list[tuple[tuple, str]] | None = None) -> list[tuple[tuple, str]]:
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
                _strings(child, key + (name,), out)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            if isinstance(child, str):
                out.append((key + (index,), child))
            elif isinstance(child, (dict, list)):
                _strings(child, key + (index,), out)
    return out


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# Characters that show nothing; in a name they would make look-alike duplicates.
_INVISIBLE = re.compile(r"[\u00ad\u034f\u061c\u115f\u1160\u180e\u200b-\u200f\u2060-\u2064\u3164\ufeff\uffa0]")


def _short(text: str) -> str:
    shown = repr(text)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def _codepoint(char: str) -> str:
    """'U+202E (right-to-left override)'; control characters have no Unicode name."""
    return f"U+{ord(char):04X} ({unicodedata.name(char, 'a control character').lower()})"


def _text_problems(document: Document, skip: set[str] = frozenset(), strings: list[tuple[tuple, str]] | None = None) -> list[Problem]:
    """Line breaks only in description; no control, bidi-override or invisible characters elsewhere."""
    problems = []
    for key, value in _strings(document.data) if strings is None else strings:
        if value.isascii() and value.isprintable():  # none of the characters below
            continue
        field = schema.field_name(key)
        if field in skip:  # the schema already said what is wrong with it
            continue
        if key and key[0] == "description":
            found = _CONTROL.search(value.replace("\t", ""))
            if found:
                problems.append(Problem(document.path, document.line(key), field, f"contains {_codepoint(found.group())}; control and text-direction characters are not allowed"))
            continue
        if "\n" in value:
            problems.append(Problem(document.path, document.line(key), field, "must be on one line"))
        elif _CONTROL.search(value):
            problems.append(Problem(document.path, document.line(key), field, f"contains {_codepoint(_CONTROL.search(value).group())}; control and text-direction characters are not allowed"))
        elif _INVISIBLE.search(value):
            problems.append(Problem(document.path, document.line(key), field, f"contains {_codepoint(_INVISIBLE.search(value).group())}; invisible characters are allowed only in a model's description"))
    return problems


def _placeholder_hint(key: tuple) -> str:
    field = schema.field_name(key)
    for prefix in (field.split("[")[0], str(key[0])):
        if prefix in PLACEHOLDER_HINTS:
            return PLACEHOLDER_HINTS[prefix].format(fact=schema.field_name(key[1:]) if len(key) > 1 else field)
    if len(key) == 1 and key[0] in schema.schema("model")["required"]:
        return "replace it with a value from the primary source"
    return "replace it with a sourced value, or remove the field if no source gives one"


def _placeholder_problems(document: Document, strings: list[tuple[tuple, str]] | None = None) -> list[Problem]:
    """One problem for every TODO placeholder the scaffold left in ``document``."""
    return [
        Problem(document.path, document.line(key), schema.field_name(key), f"{PLACEHOLDER_MESSAGE}; {_placeholder_hint(key)}")
        for key, value in (_strings(document.data) if strings is None else strings)
        if value.startswith(PLACEHOLDER) and is_placeholder(value)
    ]


def _ref_ok(ref: str, references: dict[str, Reference]) -> bool:
    return bool(URL_RE.match(ref)) or ref in references


def _suggest(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _model_refs(data: dict[str, Any]) -> list[tuple[tuple, str]]:
    refs: list[tuple[tuple, str]] = [(("references", i), key) for i, key in enumerate(data.get("references") or [])]
    for name, value in (data.get("sources") or {}).items():
        if isinstance(value, dict):
            refs.append((("sources", name, "ref"), value.get("ref", "")))
        else:
            refs.append((("sources", name), value))
    for i, result in enumerate(data.get("results") or []):
        refs.append((("results", i, "source"), result.get("source", "")))
    return refs


def _build_model(model_id: str, document: Document) -> Model:
    data = document.data
    architecture = data.get("architecture") or {}
    parts = []
    for name in PART_NAMES:
        value = architecture.get(name)
        if value:
            parts.append((name, tuple(value) if isinstance(value, list) else (value,)))
    training = data.get("training")
    sources = []
    for field, value in (data.get("sources") or {}).items():
        if isinstance(value, dict):
            sources.append(Source(field, value["ref"], value.get("note")))
        else:
            sources.append(Source(field, value))
    return Model(
        id=model_id,
        path=document.path,
        name=data["name"],
        organizations=tuple(data["organizations"]),
        released=data["released"],
        kind=data["kind"],
        inputs=tuple(data["modalities"]["input"]),
        outputs=tuple(data["modalities"]["output"]),
        access=Access(**data["access"]),
        references=tuple(data["references"]),
        summary=data["summary"],
        aliases=tuple(data.get("aliases") or ()),
        parameters=data.get("parameters"),
        variants=tuple(Variant(**variant) for variant in data.get("variants") or ()),
        context_window=data.get("context_window"),
        training=Training(**training) if training else None,
        architecture_type=architecture.get("type"),
        parts=tuple(parts),
        built_on=tuple(data.get("built_on") or ()),
        shares_paper_with=tuple(data.get("shares_paper_with") or ()),
        techniques=tuple(data.get("techniques") or ()),
        license=data.get("license"),
        links=tuple((name, url) for name, url in (data.get("links") or {}).items()),
        sources=tuple(sources),
        results=tuple(Result(r["benchmark"], r["score"], r["source"], r.get("setting")) for r in data.get("results") or ()),
        description=data.get("description"),
    )


def _read(file: str | Path, display: str) -> tuple[bytes | None, list[Problem]]:
    """The bytes of ``file``, up to one byte past the size limit."""
    try:
        with open(file, "rb") as handle:
            return handle.read(MAX_BYTES + 1), []
    except OSError as exc:
        return None, [Problem(display, 1, "file", f"cannot be read: {exc.strerror}")]


# A checked file as plain data, so it can be cached: (data, lines, problems, passed the schema).
# The cache stores None for lines: they are parsed again only if a message needs one.
Checked = tuple[Any, dict | None, tuple[tuple[str, int, str, str], ...], bool]


class LazyLines(dict):  # type: ignore[type-arg]
    """The line of each key of a cached document, parsed from its bytes (or file) on first use."""

    def __init__(self, raw: bytes | str | Path, display: str) -> None:
        super().__init__()
        self._source: tuple[bytes | str | Path, str] | None = (raw, display)

    def _fill(self) -> None:
        if self._source is not None:
            raw, display = self._source
            self._source = None
            if not isinstance(raw, bytes):  # an indexed file, unchanged since its stat was compared
                raw, _ = _read(raw, display)
                if raw is None:
                    return
            text, _ = decode(raw, display)
            document, _ = parse_yaml(text or "", display)
            if document is not None:
                self.update(document.lines)

    def __contains__(self, key: object) -> bool:
        self._fill()
        return super().__contains__(key)

    def __getitem__(self, key: Any) -> int:
        self._fill()
        return super().__getitem__(key)


def _parsed(raw: bytes, display: str, not_a_mapping: str) -> tuple[Document | None, Checked]:
    """The file's document, or None with the Checked result that says why there is none."""
    text, problems = decode(raw, display)
    document = None
    if text is not None:
        data = quick_data(text)
        if data is not None:  # a clean mapping: its lines are parsed only if a message needs one
            return Document(display, data, LazyLines(raw, display)), (None, None, (), False)
        document, problems = parse_yaml(text, display)
    if document is not None and not isinstance(document.data, dict):
        document, problems = None, [Problem(display, 1, "(top level)", not_a_mapping)]
    return document, (None, None, _plain(problems), False)


def _check_mapping(raw: bytes, display: str, schema_name: str) -> Checked:
    """Parse and schema-check organizations.yaml or techniques.yaml."""
    document, refused = _parsed(raw, display, "must be a mapping of id to record")
    if document is None:
        return refused
    problems = schema.check(document, schema_name)
    problems += _text_problems(document, {p.field for p in problems})
    return document.data, document.lines, _plain(problems), not problems


def _check_model(raw: bytes, display: str) -> Checked:
    """Parse one model file and run the checks that need no other file."""
    document, refused = _parsed(raw, display, "must be a mapping of fields, such as name: and kind:")
    if document is None:
        return refused
    _normalize_years(document)
    strings = _strings(document.data)
    placeholders = _placeholder_problems(document, strings)
    # A placeholder is reported once, as a placeholder, not also as a schema violation.
    pending = {p.field for p in placeholders}
    found = schema.check(document, "model")
    found += _text_problems(document, {p.field for p in found}, strings)
    schema_problems = [p for p in found if p.field not in pending]
    # A TODO where a list or mapping belongs would mislead the cross-checks.
    misplaced = any(p.field in pending and p.message.startswith(("must be a list", "must be a mapping")) for p in found)
    return document.data, document.lines, _plain(schema_problems + placeholders), not schema_problems and not misplaced


def _plain(problems: list[Problem]) -> tuple[tuple[str, int, str, str], ...]:
    return tuple((p.path, p.line, p.field, p.message) for p in problems)


# What the checks after the schema read from a model file; the index keeps only these.
# The cross-checks between models read the first group for every model; the second is read
# only for the files whose problems are reported, so the index stores it as one opaque blob.
SHARED_FIELDS = ("name", "aliases", "built_on", "shares_paper_with", "references")
LOCAL_FIELDS = ("organizations", "techniques", "sources", "results", "parameters", "variants", "released")


def _summary(kind: str, data: Any) -> Any:
    """The part of a file's data that the later checks read: (shared fields, marshalled local fields)."""
    if kind != "model" or not isinstance(data, dict):
        return data
    shared = {sys.intern(key): data[key] for key in SHARED_FIELDS if key in data}
    local = {key: data[key] for key in LOCAL_FIELDS if key in data}
    # Of the lists of mappings, only these fields are read (and only when the schema passed).
    for key, kept in (("results", ("source",)), ("variants", ("parameters", "released"))):
        if isinstance(local.get(key), list):
            local[key] = [{name: item[name] for name in kept if name in item} if isinstance(item, dict) else item for item in local[key]]
    return shared, marshal.dumps(local)


def _unpack(kind: str, summary: Any, full: bool) -> Any:
    """A file's data as the later checks need it, with its local fields only when ``full``."""
    if kind != "model" or not isinstance(summary, tuple):
        return summary
    shared, local = summary
    return {**shared, **marshal.loads(local)} if full else shared


def _indexed(index: FileIndex, kind: str, file: str | Path, display: str, entry: os.DirEntry | None, full: bool) -> tuple[Document | None, list[Problem], bool]:
    """A file's summary, problems and schema verdict, from the index while the file is unchanged.

    Without ``full`` the caller reports no problem of this file: only what the checks
    between models read is returned, and no problem.
    """
    try:
        status = file_stat(entry.stat() if entry is not None else os.stat(file))
    except OSError:
        status = None
    value = index.trusted(kind, display, status) if status is not None else None
    raw: bytes | None = None
    ready = index.ready.pop(display, None)
    if value is None and ready is not None and status is not None and ready[0] == status:
        value = ready[2]  # checked by a worker process during this run
        index.put(kind, display, status, ready[1], value)
    if value is None:
        raw, problems = _read(file, display)
        if raw is None:
            return None, problems, False
        content = digest(raw)
        value = index.matching(kind, display, status, content) if status is not None else None
        if value is None:
            data, _, plain, passed = _check_model(raw, display) if kind == "model" else _check_mapping(raw, display, kind)
            value = (_summary(kind, data), plain, passed)
            if status is not None:
                index.put(kind, display, status, content, value)
    summary, plain, passed = value
    data = _unpack(kind, summary, full)
    # Without ``full`` no message about this file is shown, so it needs no lines.
    lines = LazyLines(raw if raw is not None else file, display) if full else {}
    document = Document(display, data, lines) if data is not None else None
    return document, [Problem(*p) for p in plain] if full or document is None else [], passed


# Below this many files to check, starting a second process costs more than it saves.
PARALLEL_MIN_FILES = 400


def _check_files(items: list[tuple[str, str, bytes | None]]) -> list[tuple[str, Any, bytes, Any]]:
    """Check model files in a worker process: (display, stat, hash, index value) for each one read.

    A file whose hash is still the one the index holds is left to the index.
    """
    out = []
    for display, file, known in items:
        try:
            status = file_stat(os.stat(file))
        except OSError:
            continue
        raw, problems = _read(file, display)
        if raw is None or digest(raw) == known:
            continue
        data, _, plain, passed = _check_model(raw, display)
        out.append((display, status, digest(raw), (_summary("model", data), plain, passed)))
    return out


def _start_checks(index: ResultCache | FileIndex, files: list[tuple[str, str, os.DirEntry | None]], models_dir: str, share: float) -> Any:
    """Hand ``share`` of the model files that the index cannot answer to a second process; its future, or None.

    Worth it only on a cold or stale index with many files, on a machine with a second
    core, where processes can be forked (the worker inherits the loaded modules).
    """
    import multiprocessing

    if not isinstance(index, FileIndex) or index.path is None or (os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    if len(index.previous) > len(files) - PARALLEL_MIN_FILES:
        return None  # the index knows nearly every file: most runs change a few, so do not stat them all twice
    todo = []
    for name, file, entry in files:
        if entry is None or name.startswith(".") or not name.endswith(".yaml"):
            continue
        display = f"{models_dir}/{name}"
        try:
            status = file_stat(entry.stat())
        except OSError:
            continue
        if index.trusted("model", display, status) is None:
            known = index.previous.get(display)
            todo.append((display, str(file), known[2] if known is not None and known[0] == "model" else None))
    if len(todo) < PARALLEL_MIN_FILES:
        return None
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
    future = pool.submit(_check_files, todo[: int(len(todo) * share)])
    pool.shutdown(wait=False)
    return future


def _finish_checks(index: ResultCache | FileIndex, future: Any) -> None:
    """Keep the worker's results for the files it checked; if it failed, they are checked here."""
    if future is None or not isinstance(index, FileIndex):
        return
    try:
        results = future.result()
    except Exception:  # noqa: BLE001  (a worker that died: this process checks its files itself)
        return
    for display, status, content, value in results:
        index.ready[display] = (status, content, value)


def _checked(
    cache: ResultCache | FileIndex, kind: str, file: str | Path, display: str, entry: os.DirEntry | None = None, full: bool = True
) -> tuple[Document | None, list[Problem], bool]:
    """A file's document, problems and schema verdict, from the cache when its bytes are unchanged."""
    if isinstance(cache, FileIndex):
        return _indexed(cache, kind, file, display, entry, full)
    raw, problems = _read(file, display)
    if raw is None:
        return None, problems, False
    key = (kind, display, digest(raw))
    result = cache.get(key)
    if result is None:
        result = _check_model(raw, display) if kind == "model" else _check_mapping(raw, display, kind)
        data, _, plain, passed = result
        cache.put(key, (data, None, plain, passed))
    else:
        data, _, plain, passed = result
    # The line map of every file at once took hundreds of MiB at 10,000 models; parse it again if a message needs it.
    lines = LazyLines(raw, display)
    document = Document(display, data, lines) if data is not None else None
    return document, [Problem(*p) for p in plain], passed


def _load_mapping_file(path: Path, paths: Paths, schema_name: str, cache: ResultCache | FileIndex) -> tuple[Document | None, list[Problem]]:
    display = paths.display(path)
    if not path.exists():
        return None, [Problem(display, 1, "file", "is missing")]
    document, problems, _ = _checked(cache, schema_name, path, display)
    return document, problems


def _bibliography(raw: bytes, display: str, cache: ResultCache | FileIndex) -> tuple[dict[str, Reference], list[Problem]]:
    """references.bib parsed, or its cached parse when the file is unchanged."""
    if isinstance(cache, FileIndex):
        return _indexed_bibliography(raw, display, cache)
    key = ("bibliography", display, digest(raw))
    stored = cache.get(key)
    if stored is None:
        references, problems = parse_bibliography(raw, display)
        stored = (tuple(tuple(vars(r).values()) for r in references.values()), _plain(problems))
        cache.put(key, stored)
        return references, problems
    entries, plain = stored
    return {entry[0]: Reference(*entry) for entry in entries}, [Problem(*p) for p in plain]


def _indexed_bibliography(raw: bytes, display: str, index: FileIndex) -> tuple[dict[str, Reference], list[Problem]]:
    """Each key of references.bib with only its arXiv id, which is all the cross-checks read, and its problems."""
    content = digest(raw)
    stored = index.matching("bibliography", display, (len(raw), 0, 0, 0), content)
    if stored is None:
        references, problems = parse_bibliography(raw, display, fast=True)  # no build follows: nothing to hand on
        stored = (tuple((key, reference.get("eprint")) for key, reference in references.items()), _plain(problems))
        index.put("bibliography", display, (len(raw), 0, 0, 0), content, stored)
    keys, plain = stored
    light = {key: Reference(key, "", 0, (("eprint", eprint),) if eprint else (), (), "") for key, eprint in keys}
    return light, [Problem(*p) for p in plain]


def _cycles(graph: dict[str, tuple[str, ...]]) -> list[list[str]]:
    """Each lineage cycle once, as a list of ids starting at its smallest id."""
    found: set[tuple[str, ...]] = set()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for target in graph.get(node, ()):
            if target == node:  # reported as "built on itself"
                continue
            if state.get(target) == 1:
                cycle = stack[stack.index(target):]
                start = cycle.index(min(cycle))
                found.add(tuple(cycle[start:] + cycle[:start]))
            elif target in graph and not state.get(target):
                visit(target)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if not state.get(node):
            visit(node)
    return [list(cycle) for cycle in sorted(found)]


def _shared_papers(documents: dict[str, Document], references: dict[str, Reference]) -> list[Problem]:
    """Two models may share a primary arXiv paper only when one marks it with shares_paper_with."""
    problems = []
    by_eprint: dict[str, list[str]] = {}
    for model_id, document in documents.items():
        for index, target in enumerate(document.data.get("shares_paper_with") or []):
            if target not in documents:
                problems.append(Problem(document.path, document.line(("shares_paper_with", index)), f"shares_paper_with[{index}]", f"unknown model {target!r}{_suggest(target, documents)}"))
        primary = references.get(document.data["references"][0])
        if primary is not None and primary.get("eprint"):
            by_eprint.setdefault(primary.get("eprint"), []).append(model_id)
    for eprint, ids in sorted(by_eprint.items()):
        for index, first in enumerate(ids):
            for second in ids[index + 1:]:
                marked = second in (documents[first].data.get("shares_paper_with") or []) or first in (documents[second].data.get("shares_paper_with") or [])
                if not marked:
                    document = documents[second]
                    problems.append(Problem(document.path, document.line(("references", 0)), "references[0]", f"the primary paper (arXiv {eprint}) is also the primary reference of {first!r}; if both models come from that paper on purpose, add {first!r} to shares_paper_with"))
    return problems


def _model_problems(
    model_id: str, document: Document, documents: dict[str, Document], paths: Paths, organizations: dict[str, Organization],
    techniques: dict[str, Technique], references: dict[str, Reference], organizations_ok: bool, techniques_ok: bool, bibliography_failed: bool,
) -> list[Problem]:
    """The cross-checks of one model (that passed the schema) against the shared files and the other models."""
    problems: list[Problem] = []
    data = document.data
    display = document.path
    for index, org in enumerate(data["organizations"]):
        if is_placeholder(org):
            continue
        if org not in organizations and organizations_ok:
            problems.append(Problem(display, document.line(("organizations", index)), f"organizations[{index}]", f"unknown organization {org!r}{_suggest(org, organizations)}; add it to catalog/organizations.yaml"))
    for index, tech in enumerate(data.get("techniques") or []):
        if is_placeholder(tech):
            continue
        if tech not in techniques and techniques_ok:
            problems.append(Problem(display, document.line(("techniques", index)), f"techniques[{index}]", f"unknown technique {tech!r}{_suggest(tech, techniques)}; see catalog/techniques.yaml"))
    for index, target in enumerate(data.get("built_on") or []):
        if is_placeholder(target):
            continue
        if target == model_id:
            problems.append(Problem(display, document.line(("built_on", index)), f"built_on[{index}]", "a model cannot be built on itself"))
        elif target not in documents and not (paths.models / f"{target}.yaml").exists():
            problems.append(Problem(display, document.line(("built_on", index)), f"built_on[{index}]", f"unknown model {target!r}{_suggest(target, documents)}"))
    for key, ref in _model_refs(data):
        if is_placeholder(ref):
            continue
        if not _ref_ok(ref, references) and not bibliography_failed:
            problems.append(Problem(display, document.line(key), schema.field_name(key), f"unknown BibTeX key {ref!r}{_suggest(ref, references)}; add the entry to catalog/references.bib"))
    for key in data.get("sources") or {}:
        head = key.split(".")[0]
        if head == "sources":
            problems.append(Problem(display, document.line(("sources", key)), f"sources.{key}", "names no fact; sources lists the fields that references support"))
        elif head not in schema.schema("model")["properties"]:
            problems.append(Problem(display, document.line(("sources", key)), f"sources.{key}", f"is not a model field{_suggest(head, schema.schema('model')['properties'])}"))
    top = parse_count(data.get("parameters"))
    for index, variant in enumerate(data.get("variants") or []):
        size = parse_count(variant.get("parameters"))
        if top is not None and size is not None and size > top:
            problems.append(Problem(display, document.line(("variants", index, "parameters")), f"variants[{index}].parameters", f"{variant['parameters']} is larger than the model's parameters ({data['parameters']}); parameters must be the largest variant"))
    return problems


def load_catalog(
    root: Path, only: Iterable[Path] | None = None, extra: Iterable[Path] = (), cache_dir: Path | None = None, build: bool = True
) -> tuple[Catalog | None, list[Problem]]:
    """Load, validate and cross-link the catalog under ``root``.

    ``extra`` adds model files from outside catalog/models (validate.py given new paths).
    ``only`` limits the reported problems to those files (the whole catalog is still read,
    since cross-checks need it). The Catalog is None whenever any problem was found.
    With ``cache_dir``, per-file results are reused while a file's bytes are unchanged.
    With ``build=False`` only the problems are wanted and the Catalog is always None.
    """
    stamp = engine_stamp(schema.SCHEMA_DIR) if cache_dir is not None else ""
    # Only a build needs each model's full data; validation keeps the small index.
    cache = ResultCache(cache_dir, stamp) if build else FileIndex(cache_dir, stamp)
    try:
        return _load_catalog(Paths(root), only, extra, cache, build)
    finally:
        cache.save()


def _load_catalog(paths: Paths, only: Iterable[Path] | None, extra: Iterable[Path], cache: ResultCache | FileIndex, build: bool) -> tuple[Catalog | None, list[Problem]]:
    problems: list[Problem] = []

    # os.scandir knows which entries are plain files, so 10,000 files need no stat or resolve each.
    entries = sorted(os.scandir(paths.models), key=lambda e: e.name) if paths.models.is_dir() else []
    # (name, file, its directory entry if it is a plain file in catalog/models); no Path each, for speed.
    files: list[tuple[str, str | Path, os.DirEntry | None]] = [(e.name, e.path, e if e.is_file(follow_symlinks=False) else None) for e in entries]
    models_dir = paths.display(paths.models)
    raw_bib = paths.bibliography.read_bytes() if paths.bibliography.exists() else b""
    # While this process reads the bibliography, a second one checks most of the model files.
    future = _start_checks(cache, files, models_dir, 0.6)
    references, bib_problems = _bibliography(raw_bib, paths.display(paths.bibliography), cache)
    problems += bib_problems

    org_doc, org_problems = _load_mapping_file(paths.catalog / "organizations.yaml", paths, "organizations", cache)
    tech_doc, tech_problems = _load_mapping_file(paths.catalog / "techniques.yaml", paths, "techniques", cache)
    problems += org_problems + tech_problems
    organizations: dict[str, Organization] = {}
    if org_doc is not None and not org_problems:
        organizations = {key: Organization(id=key, **value) for key, value in org_doc.data.items()}
        for key, org in organizations.items():
            if org.parent and org.parent not in organizations:
                problems.append(Problem(org_doc.path, org_doc.line((key, "parent")), f"{key}.parent", f"unknown organization {org.parent!r}{_suggest(org.parent, organizations)}"))
    techniques: dict[str, Technique] = {}
    if tech_doc is not None and not tech_problems:
        for key, value in tech_doc.data.items():
            techniques[key] = Technique(id=key, name=value["name"], category=value["category"], summary=value["summary"], aliases=tuple(value.get("aliases") or ()), references=tuple(value.get("references") or ()))
            for index, ref in enumerate(value.get("references") or ()):
                if ref not in references and not bib_problems:
                    problems.append(Problem(tech_doc.path, tech_doc.line((key, "references", index)), f"{key}.references[{index}]", f"unknown BibTeX key {ref!r}{_suggest(ref, references)}"))

    if extra:
        known = {Path(f).resolve() for _, f, _ in files}
        files += [(Path(p).name, Path(p), None) for p in extra if Path(p).resolve() not in known]
    _finish_checks(cache, future)
    # With ``only``, problems in other files are not reported, so the checks local to them are skipped.
    wanted = {paths.display(Path(p)) for p in only} if only is not None else None
    documents: dict[str, Document] = {}
    for name, file, entry in files:
        display = f"{models_dir}/{name}" if entry is not None else paths.display(Path(file))
        if name.startswith(".") or (entry is None and Path(file).is_dir()):
            continue
        if not name.endswith(".yaml"):  # the same as Path(name).suffix != ".yaml" for a name not starting with "."
            problems.append(Problem(display, 1, "file", "model files must end in .yaml" + ("; rename it to .yaml" if Path(name).suffix == ".yml" else "")))
            continue
        model_id = name[: -len(".yaml")]
        if len(model_id) > 64:
            problems.append(Problem(display, 1, "id", f"file name {_short(model_id)} is {len(model_id)} characters long; an id has at most 64"))
            continue
        if not ID_RE.match(model_id):
            odd = sorted({f"{ch!r} {_codepoint(ch)}" for ch in model_id if not ch.isascii()})
            why = f"; it contains the non-ASCII character {odd[0]}" if odd else ""
            problems.append(Problem(display, 1, "id", f"file name {model_id!r} is not a valid id: use lowercase letters, digits and single hyphens, e.g. 'llava-1-5'{why}"))
            continue
        if model_id in documents:
            problems.append(Problem(display, 1, "id", f"duplicate id: {documents[model_id].path} already defines {model_id!r}"))
            continue
        document, file_problems, passed = _checked(cache, "model", Path(file) if isinstance(cache, ResultCache) else file, display, entry, wanted is None or display in wanted)
        if document is None:
            problems += file_problems
            continue
        if passed:
            documents[model_id] = document
        if wanted is not None and display not in wanted:
            continue
        problems += file_problems
        data = document.data
        for field in DATE_FIELDS:
            value = data.get(field)
            if isinstance(value, str) and re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
                why = date_problem(value)
                if why:
                    problems.append(Problem(display, document.line((field,)), field, f"{value!r} is not a real date: {why}"))
                elif value > today().isoformat()[: len(value)]:
                    problems.append(Problem(display, document.line((field,)), field, f"{value!r} is in the future"))
        # The schema may have refused "variants"; it is read here only if it is a list.
        variants = data.get("variants") if isinstance(data.get("variants"), list) else []
        for index, variant in enumerate(variants):
            value = variant.get("released") if isinstance(variant, dict) else None
            if isinstance(value, str) and re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value) and date_problem(value):
                problems.append(Problem(display, document.line(("variants", index, "released")), f"variants[{index}].released", f"{value!r} is not a real date: {date_problem(value)}"))

    # Cross-checks need every file parsed; they run on the files that passed the schema.
    names: dict[str, tuple[str, str, str]] = {}
    for model_id, document in documents.items():
        data = document.data
        display = document.path
        if wanted is None or display in wanted:
            problems += _model_problems(model_id, document, documents, paths, organizations, techniques, references, org_doc is not None and not org_problems, tech_doc is not None and not tech_problems, bool(bib_problems))
        # Keys, not lines: a cached document parses its lines again only when a message needs one.
        labels: list[tuple[str, str, tuple]] = [("name", data["name"], ("name",))]
        labels += [(f"aliases[{i}]", alias, ("aliases", i)) for i, alias in enumerate(data.get("aliases") or [])]
        own: set[str] = set()
        for field, label, where in labels:
            if is_placeholder(label):
                continue
            folded = name_key(label)
            if folded in own:
                continue
            own.add(folded)
            if folded in names:
                other_id, other_label, other_path = names[folded]
                problems.append(Problem(display, document.line(where), field, f"{label!r} clashes with {other_label!r} of model {other_id!r} ({other_path}); names and aliases must be unique, ignoring case and punctuation"))
            else:
                names[folded] = (model_id, label, display)

    problems += _shared_papers(documents, references)

    graph = {model_id: tuple(doc.data.get("built_on") or ()) for model_id, doc in documents.items()}
    for cycle in _cycles(graph):
        document = documents[cycle[0]]
        index = list(graph[cycle[0]]).index(cycle[1] if len(cycle) > 1 else cycle[0])
        problems.append(Problem(document.path, document.line(("built_on", index)), f"built_on[{index}]", "lineage cycle: " + " -> ".join(cycle + [cycle[0]])))

    if wanted is not None:
        # The BibTeX entries a checked file cites are part of it: a stub left by the scaffold must show.
        cited = {ref for doc in documents.values() if doc.path in wanted for _, ref in _model_refs(doc.data)}
        bib_path = paths.display(paths.bibliography)
        problems = [p for p in problems if p.path in wanted or (p.path == bib_path and p.field.split(".")[0] in cited)]
    problems = sorted(set(problems))
    if problems or not build:
        return None, problems

    used_by: dict[str, list[str]] = {model_id: [] for model_id in documents}
    for model_id, targets in graph.items():
        for target in targets:
            if target in used_by:
                used_by[target].append(model_id)
    models = []
    for model_id, document in sorted(documents.items()):
        model = _build_model(model_id, document)
        object.__setattr__(model, "used_by", tuple(sorted(used_by[model_id])))
        models.append(model)
    return Catalog(tuple(models), organizations, techniques, references), []
