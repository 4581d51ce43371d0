"""validate.py's fast paths give the same answers as the full ones: index, YAML, schema, bibliography, workers."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import jsonschema
import pytest

from atlas import bibliography, cache, load, schema, validate
from atlas.bibliography import parse_bibliography
from atlas.cache import INDEX_FILE, FileIndex
from atlas.validate import load_catalog
from conftest import FIXTURES, INVALID, ROOT, VALID, overlay_case

CASES = sorted(path.name for path in INVALID.iterdir() if path.is_dir())
YAML_FILES = sorted({*FIXTURES.rglob("*.yaml"), *(ROOT / "catalog").rglob("*.yaml")})
BIB_FILES = sorted({*FIXTURES.rglob("*.bib"), ROOT / "catalog" / "references.bib"})


def _texts(problems: list) -> list[str]:
    return [str(p) for p in problems]


class Counter:
    """Counts the calls of a function it wraps."""

    def __init__(self, function: object) -> None:
        self.function = function
        self.calls: list[tuple] = []

    def __call__(self, *args: object) -> object:
        self.calls.append(args)
        return self.function(*args)  # type: ignore[operator]


def _count(monkeypatch: pytest.MonkeyPatch, name: str) -> Counter:
    counter = Counter(getattr(validate, name))
    monkeypatch.setattr(validate, name, counter)
    return counter


# --- the fast schema pass -------------------------------------------------------------

def test_every_schema_has_a_fast_validator() -> None:
    assert all(schema._fast_validator(name) is not None for name in schema.SCHEMA_FILES)


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_fastjsonschema_and_jsonschema_agree(path: Path) -> None:
    document, _ = load.load_file(path, path.name)
    if document is None:
        pytest.skip("not YAML that parses")
    name = {"organizations.yaml": "organizations", "techniques.yaml": "techniques"}.get(path.name, "model")
    validate._normalize_years(document)
    full = jsonschema.Draft202012Validator(schema.schema(name))
    assert schema.is_valid(document.data, name) == full.is_valid(document.data)


@pytest.mark.parametrize("value", [
    {"parameters": True}, {"parameters": 7}, {"context_window": 1.0}, {"context_window": True}, {"modalities": {"input": ["text", "text"], "output": ["text"]}},
    {"references": ["doe2020base", "doe2020base"]}, {"name": "x\n"}, {"released": "2023-01\n"}, {"summary": None}, {"access": {"weights": 1}},
])
def test_the_fast_pass_never_accepts_what_jsonschema_refuses(value: dict) -> None:
    """It may refuse more (its $ is Python's \\Z, so 'x\\n' fails it); jsonschema then decides and words it."""
    document, _ = load.load_file(VALID / "catalog" / "models" / "base-llm.yaml", "base-llm.yaml")
    data = {**document.data, **value}
    full = jsonschema.Draft202012Validator(schema.schema("model")).is_valid(data)
    assert not schema.is_valid(data, "model") or full
    assert (schema.check(load.Document("m.yaml", data, {}), "model") == []) == full


def test_dollar_signs_in_classes_are_escaped_only_there() -> None:
    assert schema._escape_class_dollars(r"^[^$\]a$]+$") == r"^[^\$\]a\$]+$"
    assert schema._escape_class_dollars(r"[]$] [^]$] [a^]$") == r"[]\$] [^]\$] [a^]$"


# --- the one-pass YAML reader -----------------------------------------------------------

@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_quick_yaml_gives_parse_yamls_data_or_steps_aside(path: Path) -> None:
    text, _ = load.decode(path.read_bytes(), path.name)
    if text is None:
        pytest.skip("not UTF-8 text")
    document, problems = load.parse_yaml(text, path.name)
    quick = load.quick_data(text)
    if document is not None and not problems and isinstance(document.data, dict):
        assert repr(quick) == repr(document.data)  # the same values, of the same types
    else:
        assert quick is None


@pytest.mark.parametrize("text", [
    "a: &x 1\nb: *x\n", "a: 1\na: 2\n", "? [a]\n: 1\n", "a: 1\n---\nb: 2\n", "a: 99999999999999999999\n",
    "a: 1e999\n", "- a\n", "a: [1, 2\n", "a: 1_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0\n",
])
def test_quick_yaml_steps_aside_for_anything_parse_yaml_would_report(text: str) -> None:
    document, problems = load.parse_yaml(text, "x.yaml")
    assert problems or not isinstance(document.data, dict)
    assert load.quick_data(text) is None


def test_quick_yaml_leaves_tags_to_parse_yaml() -> None:
    assert load.quick_data("a: !!str 1\n") is None
    assert load.parse_yaml("a: !!str 1\n", "x.yaml")[0].data == {"a": "1"}


# --- the fast bibliography ----------------------------------------------------------

@pytest.mark.parametrize("path", BIB_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_fast_bibliography_equals_pybtexs(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bibliography, "_FORMATS_WELL", set())
    slow = parse_bibliography(path.read_bytes(), "references.bib")
    fast = parse_bibliography(path.read_bytes(), "references.bib", fast=True)
    assert list(fast[0].items()) == list(slow[0].items())
    assert sorted(fast[1]) == sorted(slow[1])


def test_a_shape_that_failed_to_format_is_formatted_each_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bibliography, "_FORMATS_WELL", set())
    entry = "@article{{{key},\n  title = {{{title}}},\n  author = {{Doe, Jane}},\n  year = {{2020}}\n}}\n\n"
    raw = "".join(entry.format(key=key, title=key.title()) for key in ("aaa2020one", "bbb2021two")).encode()
    _, problems = parse_bibliography(raw, "references.bib", fast=True)
    assert _texts(problems) == [
        "references.bib:1: aaa2020one: cannot be formatted for the reference list: missing journal in aaa2020one",
        "references.bib:7: bbb2021two: cannot be formatted for the reference list: missing journal in bbb2021two",
    ]


def test_a_pybtex_error_beside_simple_entries_reads_the_whole_file_again(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = (
        b"@misc{good2020a,\n  title = {A},\n  howpublished = {Web},\n  year = {2020}\n}\n\n"
        b"@misc{bad2020b,\n  title = {B} junk,\n  year = {2020}\n}\n\n"
        b"@misc{good2020c,\n  title = {C},\n  howpublished = {Web},\n  year = {2020}\n}\n"
    )
    again = []
    original = bibliography.parse_bibliography
    monkeypatch.setattr(bibliography, "parse_bibliography", lambda *args, **kwargs: again.append(args) or original(*args, **kwargs))
    fast = original(raw, "references.bib", fast=True)
    assert again == [(raw, "references.bib")]
    assert fast == original(raw, "references.bib")


# --- the index -------------------------------------------------------------------

@pytest.fixture
def trusting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written by the test a moment ago count as settled, as older files do."""
    monkeypatch.setattr(cache, "RACY_NS", 0)


@pytest.mark.parametrize("case", CASES)
def test_the_index_reports_what_a_full_check_reports(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, trusting: None) -> None:
    root = overlay_case(INVALID / case, tmp_path / "repo")
    expected = (INVALID / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    index = tmp_path / "index"
    assert _texts(load_catalog(root, cache_dir=index, build=False)[1]) == expected  # cold
    checks = _count(monkeypatch, "_check_model")
    assert _texts(load_catalog(root, cache_dir=index, build=False)[1]) == expected  # warm
    assert checks.calls == []
    for model in sorted((root / "catalog" / "models").glob("*.yaml")):
        display = f"catalog/models/{model.name}"
        alone = _texts(load_catalog(root, only=[model], cache_dir=index, build=False)[1])
        assert alone == _texts(load_catalog(root, only=[model])[1]), display  # the full engine, no cache
        assert alone == [line for line in expected if line.startswith(display + ":") or _cited_bib_line(line, root, model)]


def _cited_bib_line(line: str, root: Path, model: Path) -> bool:
    """A references.bib problem of an entry that ``model`` cites (one-file runs report those)."""
    if not line.startswith("catalog/references.bib:"):
        return False
    key = line.split(": ")[1].split(".")[0]
    return key in model.read_text(encoding="utf-8", errors="replace")


def test_an_unchanged_file_is_neither_read_nor_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, trusting: None) -> None:
    root = shutil.copytree(VALID, tmp_path / "repo")
    load_catalog(root, cache_dir=tmp_path / "index", build=False)
    reads, checks = _count(monkeypatch, "_read"), _count(monkeypatch, "_check_model")
    edited = root / "catalog" / "models" / "demo-vlm.yaml"
    edited.write_text(edited.read_text(encoding="utf-8").replace("summary: ", "summary: Edited. ", 1), encoding="utf-8")
    assert load_catalog(root, only=[edited], cache_dir=tmp_path / "index", build=False)[1] == []
    assert [display for _, display in reads.calls] == ["catalog/models/demo-vlm.yaml"]
    assert [display for _, display in checks.calls] == ["catalog/models/demo-vlm.yaml"]


def test_a_file_changed_this_moment_is_hashed_not_trusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = shutil.copytree(VALID, tmp_path / "repo")  # every file is new: within RACY_NS of the run
    load_catalog(root, cache_dir=tmp_path / "index", build=False)
    reads, checks = _count(monkeypatch, "_read"), _count(monkeypatch, "_check_model")
    assert load_catalog(root, cache_dir=tmp_path / "index", build=False)[1] == []
    assert sorted(display for _, display in reads.calls if display.startswith("catalog/models/")) == [
        "catalog/models/base-llm.yaml", "catalog/models/demo-vlm.yaml", "catalog/models/vision-enc.yaml",
    ]
    assert checks.calls == []  # the same bytes: the stored result stands


def test_an_edit_that_keeps_size_and_modification_time_is_still_seen(tmp_path: Path, trusting: None) -> None:
    root = shutil.copytree(VALID, tmp_path / "repo")
    model = root / "catalog" / "models" / "vision-enc.yaml"
    load_catalog(root, cache_dir=tmp_path / "index", build=False)
    before = model.stat()
    text = model.read_text(encoding="utf-8")
    edited = text.replace("kind: vision-encoder", "kind: vision-encodor")
    assert edited != text and len(edited) == len(text)
    model.write_text(edited, encoding="utf-8")
    os.utime(model, ns=(before.st_atime_ns, before.st_mtime_ns))  # as tar or cp -p would leave it
    assert model.stat().st_mtime_ns == before.st_mtime_ns and model.stat().st_size == before.st_size
    problems = _texts(load_catalog(root, only=[model], cache_dir=tmp_path / "index", build=False)[1])
    assert len(problems) == 1 and problems[0].startswith("catalog/models/vision-enc.yaml:") and "(got 'vision-encodor')" in problems[0]


@pytest.mark.parametrize("edit, message", [
    (("name: Vision Enc", "name: Base LLM"), "name: 'Base LLM' clashes with 'Base LLM' of model 'base-llm' (catalog/models/base-llm.yaml); names and aliases must be unique, ignoring case and punctuation"),
    (("references: [roe2021vision]", "references: [nobody2000]"), "references[0]: unknown BibTeX key 'nobody2000'; add the entry to catalog/references.bib"),
    (("kind: vision-encoder", "kind: vision-encoder\nbuilt_on: [no-such-model]"), "built_on[0]: unknown model 'no-such-model'"),
])
def test_cross_file_problems_show_in_a_one_file_run_on_a_warm_index(edit: tuple[str, str], message: str, tmp_path: Path, trusting: None) -> None:
    root = shutil.copytree(VALID, tmp_path / "repo")
    model = root / "catalog" / "models" / "vision-enc.yaml"
    for _ in range(2):
        assert load_catalog(root, cache_dir=tmp_path / "index", build=False)[1] == []
    text = model.read_text(encoding="utf-8")
    assert edit[0] in text
    model.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    for _ in range(2):  # the first run checks the edit, the second answers from the index
        problems = _texts(load_catalog(root, only=[model], cache_dir=tmp_path / "index", build=False)[1])
        assert [p.split(": ", 1)[1] for p in problems] == [message]
    assert problems == _texts(load_catalog(root, only=[model])[1])


def test_another_engine_or_schema_starts_a_fresh_index(tmp_path: Path) -> None:
    index = FileIndex(tmp_path, "engine one")
    index.put("model", "catalog/models/x.yaml", (1, 2, 3, 4), b"hash", ("value",))
    index.save()
    assert (tmp_path / INDEX_FILE).is_file()
    assert FileIndex(tmp_path, "engine one").previous["catalog/models/x.yaml"][4] == ("value",)
    assert FileIndex(tmp_path, "engine two").previous == {}
    (tmp_path / INDEX_FILE).write_bytes(b"\x00damaged")
    assert FileIndex(tmp_path, "engine one").previous == {}


# --- the second process on a cold index ----------------------------------------------

@pytest.mark.parametrize("case", ["duplicate-name-case", "lineage-cycle", "todo-placeholders", "yaml-syntax", "unknown-bibkey"])
def test_a_worker_process_reports_what_this_one_would(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = overlay_case(INVALID / case, tmp_path / "repo")
    expected = (INVALID / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    monkeypatch.setattr(validate, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    finished: list[bool] = []
    original = validate._finish_checks
    monkeypatch.setattr(validate, "_finish_checks", lambda index, future: finished.append(future is not None) or original(index, future))
    checks = _count(monkeypatch, "_check_model")  # counts this process only: the worker's calls happen in its copy
    assert _texts(load_catalog(root, cache_dir=tmp_path / "index", build=False)[1]) == expected
    assert finished == [True]
    models = [p for p in (root / "catalog" / "models").iterdir() if p.suffix == ".yaml"]
    assert len(checks.calls) < len(models)
