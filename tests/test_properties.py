"""Property-based tests: any mutation of a valid entry validates or gets located messages.

Each example mutates one model file of the valid fixture catalog (delete a field, retype a
value, inject characters, swap in a reference, or inject characters into the raw YAML) and
loads the catalog. Whatever the mutation, load_catalog never raises; every problem is one
line naming a catalog file, a line inside it and a field; the mutated file (or its model) is
named; a structured mutation is reported at the field it touched or a field around it; and
a catalog that validates also renders and exports as strict JSON.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atlas.load import read_yaml
from atlas.render.exports import models_csv, models_json
from atlas.schema import field_name
from atlas.site import generated_pages
from atlas.pipeline import load_catalog
from conftest import VALID

MODELS = ("base-llm", "demo-vlm", "vision-enc")
FILES = {f"catalog/models/{m}.yaml" for m in MODELS} | {"catalog/references.bib", "catalog/organizations.yaml", "catalog/techniques.yaml"}
REFERENCE_FIELDS = re.compile(r"^(organizations|techniques|built_on|references)\[\d+\]$|^sources\.[a-z_.]+(\.ref)?$|^results\[\d+\]\.source$|^architecture\.[a-z_]+(\[\d+\])?$")
# Characters that have broken parsers, renderers or terminals before.
NASTY = "<>{}[]()*_`|\\#!@$%^=~\";:'&/-\t\n\r\x00\x07\x1b\x7f\u0085\u00a0\u00ad\u200b\u200d\u2028\u2029\u202e\u2066\ufeff\ufffd\U0001f600аеοΑ"
SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

Path_ = tuple[Any, ...]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the valid fixture catalog; each example restores what it changed."""
    root = tmp_path_factory.mktemp("properties") / "repo"
    shutil.copytree(VALID, root)
    return root


ORIGINALS = {m: (VALID / "catalog" / "models" / f"{m}.yaml").read_text(encoding="utf-8") for m in MODELS}
DATA = {m: read_yaml(text, m)[0].data for m, text in ORIGINALS.items()}  # dates stay strings, as in the catalog


def paths(value: Any, prefix: Path_ = ()) -> Iterator[Path_]:
    """Every path into ``value`` below the top level."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield prefix + (key,)
            yield from paths(child, prefix + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield prefix + (index,)
            yield from paths(child, prefix + (index,))


def get(data: Any, path: Path_) -> Any:
    for part in path:
        data = data[part]
    return data


def mutated(data: Any, path: Path_, action: str, value: Any = None) -> Any:
    """A deep copy of ``data`` with the value at ``path`` deleted or replaced."""
    copy = json.loads(json.dumps(data))
    parent = get(copy, path[:-1])
    if action == "delete":
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return copy


def related(field: str, touched: str) -> bool:
    """True if a problem at ``field`` is about the mutation at ``touched`` (same, inside or around it)."""
    return field == touched or touched.startswith((field + ".", field + "[")) or field.startswith((touched + ".", touched + "["))


def check(root: Path, model: str, text: str, touched: str | None) -> None:
    """Write ``text`` as the model's file, load the catalog, and check the properties."""
    target = root / "catalog" / "models" / f"{model}.yaml"
    target.write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        catalog, problems = load_catalog(root)
    finally:
        target.write_text(ORIGINALS[model], encoding="utf-8")
    if not problems:
        assert catalog is not None
        pages = generated_pages(catalog, "https://example.org/atlas/", "2026")
        assert f"models/{model}.md" in pages
        json.loads(models_json(catalog, "https://example.org/atlas/"), parse_constant=lambda name: pytest.fail(f"models.json holds {name}"))
        models_csv(catalog, "https://example.org/atlas/")
        return
    assert catalog is None
    path = f"catalog/models/{model}.yaml"
    line_counts = {p: len((root / p).read_text(encoding="utf-8").splitlines()) for p in FILES if p != path}
    line_counts[path] = len(text.splitlines())
    for problem in problems:
        assert problem.path in FILES, problem
        assert 1 <= problem.line <= max(line_counts[problem.path], 1), problem
        assert problem.field and problem.message, problem
        assert "\n" not in str(problem) and "\r" not in str(problem), problem
        assert str(problem) == f"{problem.path}:{problem.line}: {problem.field}: {problem.message}"
    assert any(p.path == path or f"'{model}'" in p.message for p in problems), problems
    if touched is not None:
        mine = [p for p in problems if p.path == path]
        assert not mine or any(related(p.field, touched) for p in mine), (touched, [str(p) for p in mine])


def dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)


models = st.sampled_from(MODELS)
nasty_text = st.text(alphabet=st.sampled_from(NASTY) | st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12)
other_values = st.sampled_from([None, True, False, 0, -1, 7, 2**60, 1.5, -0.0, 1e308, "", "text", "13B", "2023-01", [], ["x"], [1, 2], {}, {"a": 1}, {"ref": "doe2020base"}])
references = st.sampled_from([
    "base-llm", "demo-vlm", "vision-enc", "example-lab", "example-corp", "instruction-tuning", "linear-projection",
    "doe2020base", "roe2021vision", "examplecorp2023demo", "Doe2020base", "doe2020bas", "exаmple-lab", "Example-Lab",
    "https://example.org/x", "http://example.org", "javascript:alert(1)", "data:text/html,x", "//example.org", "", "-", "a" * 70,
]) | nasty_text


@st.composite
def structured(draw: st.DrawFn, action: str) -> tuple[str, str, str]:
    model = draw(models)
    data = DATA[model]
    if action == "swap":
        candidates = [p for p in paths(data) if REFERENCE_FIELDS.match(field_name(p)) and isinstance(get(data, p), str)]
    elif action == "inject":
        candidates = [p for p in paths(data) if isinstance(get(data, p), str)]
    else:
        candidates = list(paths(data))
    path = draw(st.sampled_from(candidates))
    if action == "delete":
        result = mutated(data, path, "delete")
    elif action == "retype":
        original = get(data, path)
        result = mutated(data, path, "set", draw(other_values.filter(lambda v: type(v) is not type(original))))
    elif action == "inject":
        original = get(data, path)
        at = draw(st.integers(0, len(original)))
        result = mutated(data, path, "set", original[:at] + draw(nasty_text) + original[at:])
    else:
        result = mutated(data, path, "set", draw(references))
    return model, dump(result), field_name(path)


@SETTINGS
@given(case=structured("delete"))
def test_deleting_a_field(workspace: Path, case: tuple[str, str, str]) -> None:
    check(workspace, *case)


@SETTINGS
@given(case=structured("retype"))
def test_retyping_a_value(workspace: Path, case: tuple[str, str, str]) -> None:
    check(workspace, *case)


@SETTINGS
@given(case=structured("inject"))
def test_injecting_characters_into_a_value(workspace: Path, case: tuple[str, str, str]) -> None:
    check(workspace, *case)


@SETTINGS
@given(case=structured("swap"))
def test_swapping_in_a_reference(workspace: Path, case: tuple[str, str, str]) -> None:
    check(workspace, *case)


@SETTINGS
@given(model=models, data=st.data())
def test_injecting_characters_into_the_raw_file(workspace: Path, model: str, data: st.DataObject) -> None:
    text = ORIGINALS[model]
    at = data.draw(st.integers(0, len(text)))
    check(workspace, model, text[:at] + data.draw(nasty_text) + text[at:], None)
