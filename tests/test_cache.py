"""The per-file result cache: same messages as a fresh check, and never stale."""
from __future__ import annotations

import marshal
from pathlib import Path

import pytest

from atlas import validate
from atlas.cache import CACHE_FILE, ResultCache
from atlas.validate import load_catalog
from conftest import INVALID, VALID, overlay_case

CASES = sorted(path.name for path in INVALID.iterdir() if path.is_dir())


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("parsed a file that the cache holds")

    monkeypatch.setattr(validate, "_check_model", refuse)
    monkeypatch.setattr(validate, "_check_mapping", refuse)
    monkeypatch.setattr(validate, "parse_bibliography", refuse)


@pytest.mark.parametrize("case", CASES)
def test_a_cached_run_reports_exactly_the_same_problems(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = overlay_case(INVALID / case, tmp_path / "repo")
    expected = (INVALID / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    first = load_catalog(root, cache_dir=tmp_path / "cache")[1]
    _no_parsing(monkeypatch)
    second = load_catalog(root, cache_dir=tmp_path / "cache")[1]
    assert [str(p) for p in first] == [str(p) for p in second] == expected


def test_a_cached_catalog_equals_a_fresh_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fresh, _ = load_catalog(VALID)
    load_catalog(VALID, cache_dir=tmp_path)
    _no_parsing(monkeypatch)
    cached, problems = load_catalog(VALID, cache_dir=tmp_path)
    assert problems == []
    assert cached.models == fresh.models
    assert cached.references == fresh.references
    assert cached.organizations == fresh.organizations and cached.techniques == fresh.techniques


def test_an_edited_file_is_checked_again(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    overlay_case(INVALID / "bad-enum", root)  # copies the valid catalog first
    bad = (root / "catalog" / "models" / "vision-enc.yaml").read_bytes()
    (root / "catalog" / "models" / "vision-enc.yaml").write_bytes((VALID / "catalog" / "models" / "vision-enc.yaml").read_bytes())
    assert load_catalog(root, cache_dir=tmp_path / "cache")[1] == []
    (root / "catalog" / "models" / "vision-enc.yaml").write_bytes(bad)
    problems = load_catalog(root, cache_dir=tmp_path / "cache")[1]
    assert [str(p) for p in problems] == (INVALID / "bad-enum" / "expected.txt").read_text(encoding="utf-8").splitlines()


def test_a_damaged_or_foreign_cache_is_ignored(tmp_path: Path) -> None:
    (tmp_path / CACHE_FILE).write_bytes(b"\x00not marshal")
    catalog, problems = load_catalog(VALID, cache_dir=tmp_path)
    assert problems == [] and len(catalog.models) == 3
    (tmp_path / CACHE_FILE).write_bytes(marshal.dumps(("another engine", {("model", "x", b"1"): "junk"})))
    assert ResultCache(tmp_path, "this engine").previous == {}


def test_the_cache_forgets_files_that_are_gone(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    overlay_case(INVALID / "bad-enum", root)
    (root / "catalog" / "models" / "vision-enc.yaml").write_bytes((VALID / "catalog" / "models" / "vision-enc.yaml").read_bytes())
    load_catalog(root, cache_dir=tmp_path / "cache")
    (root / "catalog" / "models" / "demo-vlm.yaml").unlink()
    load_catalog(root, cache_dir=tmp_path / "cache")
    _, entries = marshal.loads((tmp_path / "cache" / CACHE_FILE).read_bytes())
    assert sorted(display for kind, display, _ in entries if kind == "model") == ["catalog/models/base-llm.yaml", "catalog/models/vision-enc.yaml"]
