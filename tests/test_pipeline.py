"""The pipeline as one behaviour: validate.py and the build give the same verdict, and the cache never serves a stale one.

``scripts/validate.py`` and the build both go through ``pipeline.load_catalog`` and the
one cache of whole results. These tests hold them to that: on every fixture case and on
mutations of real catalog entries, the problems validate.py prints are exactly those the
build refuses with, whichever of the two ran first and filled the cache; and a change to
any rule of the atlas package changes the cached verdict.
"""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import validate as validate_script
from atlas.pipeline import load_catalog
from atlas.problems import CatalogError
from atlas.schema import schema
from atlas.site import Site
from conftest import INVALID, ROOT, VALID, overlay_case

CASES = sorted(path.name for path in INVALID.iterdir() if path.is_dir())
REAL = sorted((ROOT / "catalog" / "models").glob("*.yaml"))


def validate_verdict(root: Path, cache: Path) -> list[str]:
    """The problem lines scripts/validate.py prints for the catalog under ``root``."""
    out = io.StringIO()
    os.environ["ATLAS_CACHE_DIR"] = str(cache)
    with redirect_stdout(out):
        code = validate_script.main(["--root", str(root)])
    lines = out.getvalue().splitlines()
    assert (code == 0) == (lines[-1:] == [f"OK: {len(list((root / 'catalog' / 'models').glob('*.yaml')))} models, no problems."] or not lines)
    return [] if code == 0 else lines


def build_verdict(root: Path, cache: Path) -> list[str]:
    """The problem lines the build refuses with (its on_config loads the site exactly so)."""
    try:
        Site.load(root, "https://example.org/", cache)
    except CatalogError as exc:
        return [str(p) for p in exc.problems]
    return []


@pytest.fixture
def cache_dir(tmp_path: Path):
    previous = os.environ.get("ATLAS_CACHE_DIR")
    yield tmp_path / "cache"
    if previous is None:
        os.environ.pop("ATLAS_CACHE_DIR", None)
    else:
        os.environ["ATLAS_CACHE_DIR"] = previous


@pytest.mark.parametrize("case", ["(valid)", *CASES])
def test_validate_and_the_build_agree_on_every_fixture(case: str, tmp_path: Path, cache_dir: Path) -> None:
    root = VALID if case == "(valid)" else overlay_case(INVALID / case, tmp_path / "repo")
    first = validate_verdict(root, cache_dir)  # fills the cache
    assert build_verdict(root, cache_dir) == first  # served from it
    assert build_verdict(root, tmp_path / "fresh") == first  # and afresh
    assert validate_verdict(root, tmp_path / "fresh") == first  # validate.py after the build filled the cache
    expected = [] if case == "(valid)" else (INVALID / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert first == expected


@pytest.fixture(scope="module")
def mutable(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("mutations") / "repo"
    shutil.copytree(ROOT / "catalog", root / "catalog")
    return root


# Edits a contributor might make to a real entry: retype a field, blank it, break a reference, add an unknown key.
EDITS = st.sampled_from([
    ("released: ", "released: 2999-01-01 #"), ("kind: ", "kind: robot #"), ("parameters: ", "parameters: lots #"),
    ("organizations: [", "organizations: [nobody-lab, "), ("references: [", "references: [nokey2020x, "),
    ("summary: ", "summary: short #"), ("name: ", "name: GPT-4 #"), ("built_on: [", "built_on: [no-such-model, "),
    ("access:\n", "access:\n  weights: maybe\n"), ("license: ", "license: <b> #"), ("\n", "\nfamily_tree: x\n"),
    ("techniques: [", "techniques: [magic, "), ("  - benchmark: ", "  - benchmark: \n    extra: 1\n    benchmark: "),
])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(REAL), edits=st.lists(EDITS, min_size=1, max_size=3))
def test_validate_and_the_build_agree_on_mutated_real_entries(path: Path, edits: list[tuple[str, str]], mutable: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    target = mutable / "catalog" / "models" / path.name
    original = path.read_text(encoding="utf-8")
    text = original
    for old, new in edits:
        text = text.replace(old, new, 1)
    target.write_text(text, encoding="utf-8")
    cache = tmp_path_factory.mktemp("cache")
    try:
        previous = os.environ.get("ATLAS_CACHE_DIR")
        first = validate_verdict(mutable, cache)
        assert build_verdict(mutable, cache) == first
        if previous is not None:
            os.environ["ATLAS_CACHE_DIR"] = previous
        assert (first == []) == (text == original)  # every edit above is an error
    finally:
        target.write_text(original, encoding="utf-8")


def test_a_changed_rule_changes_the_cached_verdict(tmp_path: Path) -> None:
    """The cache is keyed by every source file of the atlas package: edit a rule, and a cached verdict is not reused."""
    hooks = tmp_path / "hooks"
    shutil.copytree(ROOT / "hooks", hooks, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "catalog" / "schema", tmp_path / "catalog" / "schema")  # where the package finds its schemas
    cache = tmp_path / "cache"
    script = (
        "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]);"
        "from atlas.pipeline import load_catalog;"
        "_, problems = load_catalog(Path(sys.argv[2]), cache_dir=Path(sys.argv[3]), build=False);"
        "print('\\n'.join(map(str, problems)) or 'OK')"
    )

    def verdict() -> str:
        return subprocess.run([sys.executable, "-c", script, str(hooks), str(VALID), str(cache)], capture_output=True, text=True, check=True).stdout.strip()

    assert verdict() == "OK"
    assert verdict() == "OK"  # now from the cache
    rules = hooks / "atlas" / "validate.py"
    # A new file rule: licences may not be Apache-2.0. The fixture's base-llm is.
    rules.write_text(rules.read_text(encoding="utf-8").replace(
        "    if passed:\n        local += _findings(document, variant_size_rule(document))",
        "    if passed and document.data.get('license') == 'Apache-2.0':\n        local.append(Problem(path, document.line(('license',)), 'license', 'Apache-2.0 is refused'))\n"
        "    if passed:\n        local += _findings(document, variant_size_rule(document))",
    ), encoding="utf-8")
    assert verdict() == "catalog/models/base-llm.yaml:31: license: Apache-2.0 is refused"


def test_a_file_changed_behind_its_modification_time_is_checked_again(tmp_path: Path) -> None:
    """Same size, same modification time, new bytes: the cache notices (the change time moved) and checks it afresh."""
    root = tmp_path / "repo"
    shutil.copytree(VALID, root)
    model = root / "catalog" / "models" / "vision-enc.yaml"
    settled = model.stat().st_mtime_ns - 10_000_000_000
    os.utime(model, ns=(settled, settled))
    assert load_catalog(root, cache_dir=tmp_path / "cache", build=False)[1] == []
    model.write_text(model.read_text(encoding="utf-8").replace("kind: vision-encoder", "kind: vision-enkoder"), encoding="utf-8")
    os.utime(model, ns=(settled, settled))
    problems = load_catalog(root, cache_dir=tmp_path / "cache", build=False)[1]
    assert [p.message.split(" (got")[0] for p in problems] == ["must be one of: " + ", ".join(schema("model")["properties"]["kind"]["enum"])]
