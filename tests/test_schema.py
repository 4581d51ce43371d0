"""The schema check: the inlined schema a validator compiles finds what the schema as written finds."""
from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from atlas import schema
from atlas.load import load_file
from conftest import INVALID, ROOT, VALID

MODEL_FILES = sorted(
    path for path in [*VALID.rglob("models/*.yaml"), *INVALID.rglob("models/*.yaml"), *(ROOT / "catalog" / "models").glob("*.yaml")]
    if load_file(path, path.name)[0] is not None
)


def _messages(validator: jsonschema.protocols.Validator, data: object) -> list[tuple[tuple, str, str]]:
    return sorted((tuple(e.absolute_path), e.validator, e.message) for e in validator.iter_errors(data))


def test_inlined_schema_has_no_references_left() -> None:
    full = schema.schema("model")
    assert "$ref" not in str(schema.inline_refs(full, full["$defs"]))


@pytest.mark.parametrize("path", MODEL_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_inlined_schema_finds_the_same_errors(path: Path) -> None:
    document, _ = load_file(path, path.name)
    original = jsonschema.Draft202012Validator(schema.schema("model"))
    assert _messages(schema._validator("model"), document.data) == _messages(original, document.data)


def test_inlining_keeps_a_clashing_target_under_all_of() -> None:
    defs = {"short": {"type": "string", "maxLength": 3}}
    assert schema.inline_refs({"$ref": "#/$defs/short", "maxLength": 9, "description": "d"}, defs) == {
        "maxLength": 9, "description": "d", "allOf": [{"type": "string", "maxLength": 3}],
    }
    with pytest.raises(ValueError, match="cannot inline"):
        schema.inline_refs({"$ref": "https://example.org/other.json"}, defs)


@pytest.mark.parametrize("path", MODEL_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_the_fast_check_agrees_with_jsonschema(path: Path) -> None:
    document, _ = load_file(path, path.name)
    assert schema.is_valid(document.data, "model") == (not _messages(jsonschema.Draft202012Validator(schema.schema("model")), document.data))
