"""JSON Schema checks, with messages written for contributors rather than for validators."""
from __future__ import annotations

import difflib
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from atlas.files import MAX_SCHEMA_BYTES, read_regular
from atlas.load import Document, Key
from atlas.problems import Problem

if TYPE_CHECKING:  # jsonschema is imported on first use: a run served from the cache never needs it
    import jsonschema
    from jsonschema.exceptions import ValidationError

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "catalog" / "schema"
SCHEMA_FILES = {
    "model": "model.schema.json",
    "organizations": "organizations.schema.json",
    "techniques": "techniques.schema.json",
    "families": "families.schema.json",
    "benchmarks": "benchmarks.schema.json",
}
_TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "empty",
}


@lru_cache(maxsize=None)
def schema(name: str) -> dict[str, Any]:
    """The parsed JSON Schema called ``name`` (model, organizations or techniques)."""
    return json.loads(read_regular(SCHEMA_DIR / SCHEMA_FILES[name], MAX_SCHEMA_BYTES).decode("utf-8"))


def resolve(node: dict[str, Any], name: str = "model") -> dict[str, Any]:
    """``node`` of the schema called ``name`` with its ``$ref`` to a local definition followed."""
    defs = schema(name).get("$defs", {})
    while "$ref" in node:
        node = {**defs[node["$ref"].split("/")[-1]], **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def inline_refs(node: Any, defs: dict[str, Any], depth: int = 0) -> Any:
    """The schema with every local ``#/$defs/...`` reference replaced by its target.

    Resolving references is most of jsonschema's time; our schemas are not recursive, so
    the inlined schema accepts and rejects exactly the same documents. A target's keys
    are merged into the referring object; where both set the same keyword (other than
    description) the target goes under allOf, which is what $ref means.
    """
    if depth > 50:
        raise ValueError("schema references nest too deeply to inline")
    if isinstance(node, list):
        return [inline_refs(item, defs, depth + 1) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: inline_refs(value, defs, depth + 1) for key, value in node.items() if key not in ("$ref", "$defs")}
    ref = node.get("$ref")
    if ref is None:
        return out
    if not (isinstance(ref, str) and ref.startswith("#/$defs/") and ref[len("#/$defs/"):] in defs):
        raise ValueError(f"cannot inline $ref {ref!r}")
    target = inline_refs(defs[ref[len("#/$defs/"):]], defs, depth + 1)
    if set(target) & set(out) - {"description"}:
        return {**out, "allOf": [target]}
    return {**target, **out}


@lru_cache(maxsize=None)
def _validator(name: str) -> jsonschema.Draft202012Validator:
    import jsonschema

    full = schema(name)
    try:
        inlined = inline_refs(full, full.get("$defs", {}))
    except ValueError:
        inlined = full
    # JSON Schema patterns are ECMA-262 regular expressions, where "$" is the end of the text.
    # Python's "$" also matches before a final line break, so "llava\n" would pass "^[a-z]+$".
    strict = jsonschema.validators.extend(jsonschema.Draft202012Validator, {"pattern": _pattern})
    return strict(inlined)


def _pattern(validator: Any, pattern: str, instance: Any, subschema: Any) -> Any:
    """The ``pattern`` keyword with ECMA-262's "$": the end of the text, never before a final line break."""
    from jsonschema.exceptions import ValidationError

    if validator.is_type(instance, "string") and not _ecma_regex(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _dollars(pattern: str) -> list[tuple[str, bool | None]]:
    """Each character of ``pattern``, with whether it is an unescaped "$" inside a [...] class
    (True), outside one (False), or not such a "$" at all (None)."""
    out: list[tuple[str, bool | None]] = []
    escaped = False
    first = -1  # where the open class's members start (after "[" or "[^"), or -1 outside a class
    for index, char in enumerate(pattern):
        kind: bool | None = None
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[" and first < 0:
            first = index + 2 if pattern[index + 1: index + 2] == "^" else index + 1
        elif char == "]" and first >= 0 and index > first:  # a "]" first in a class is a member
            first = -1
        elif char == "$":
            kind = first >= 0
        out.append((char, kind))
    return out


@lru_cache(maxsize=None)
def _ecma_regex(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled with each "$" outside a [...] class read as the end of the text."""
    return re.compile("".join(r"\Z" if inside is False else char for char, inside in _dollars(pattern)))


def _escape_class_dollars(pattern: str) -> str:
    """``pattern`` with each ``$`` inside a [...] class escaped: the same regular expression.

    fastjsonschema turns every unescaped ``$`` into ``\\Z``, which is an error inside a class.
    """
    return "".join("\\$" if inside else char for char, inside in _dollars(pattern))


def _literal_dollars(node: Any) -> Any:
    """The schema with ``_escape_class_dollars`` applied to every pattern."""
    if isinstance(node, list):
        return [_literal_dollars(item) for item in node]
    if not isinstance(node, dict):
        return node
    return {key: _escape_class_dollars(value) if key == "pattern" and isinstance(value, str) else _literal_dollars(value) for key, value in node.items()}


@lru_cache(maxsize=None)
def _fast_validator(name: str) -> Callable[[Any], Any] | None:
    """A fastjsonschema function for the schema called ``name``, or None if it cannot be built.

    It only answers valid or invalid: for a file it refuses, jsonschema runs and words the
    messages. The schemas use only keywords that mean the same in draft 7, which
    fastjsonschema implements; the tests check that both agree on every fixture.
    """
    try:
        import fastjsonschema
    except ImportError:  # pragma: no cover
        return None
    full = schema(name)
    try:
        inlined = inline_refs(full, full.get("$defs", {}))
    except ValueError:
        return None
    inlined = {key: value for key, value in _literal_dollars(inlined).items() if key not in ("$schema", "$id")}
    inlined["$schema"] = "http://json-schema.org/draft-07/schema#"
    try:
        return fastjsonschema.compile(inlined, use_default=False, use_formats=False)
    except Exception:  # noqa: BLE001  # pragma: no cover (a schema it cannot compile: jsonschema checks every file)
        return None


def is_valid(data: Any, name: str) -> bool:
    """True only if ``data`` surely passes the schema called ``name`` (the fast check)."""
    fast = _fast_validator(name)
    if fast is None:
        return False
    try:
        fast(data)
    except Exception:  # noqa: BLE001  (invalid, or data it cannot handle: jsonschema decides)
        return False
    return True


def field_name(key: Key) -> str:
    """A path into a document as contributors write it: ``modalities.input[1]``."""
    out = ""
    for part in key:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _type_of(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _suggest(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _messages(error: ValidationError) -> list[tuple[Key, str]]:
    """Turn one jsonschema error into (path, message) pairs."""
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        key: Key = tuple(error.absolute_path)
        allowed = sorted(error.schema.get("properties", {}))
        out = []
        for name in sorted(set(error.instance) - set(allowed)):
            tip = _suggest(name, allowed) or f"; allowed fields: {', '.join(allowed)}"
            out.append((key + (name,), f"unknown field{tip}"))
        return out
    return [_message(error)]


def _message(error: ValidationError) -> tuple[Key, str]:
    """Turn one jsonschema error into (path, message)."""
    key: Key = tuple(error.absolute_path)
    if "propertyNames" in error.schema_path:
        key = key + (str(error.instance),)
    sub = error.schema if isinstance(error.schema, dict) else {}
    hint = sub.get("x-hint")
    value = error.instance
    kind = error.validator
    if kind == "required":
        missing = error.message.split("'")[1]
        return key + (missing,), "is required but missing"
    if kind == "enum":
        options = [str(option) for option in sub["enum"]]
        tip = _suggest(str(value), options) if isinstance(value, str) else ""
        return key, f"must be one of: {', '.join(options)} (got {_show(value)}){tip}"
    if kind == "type":
        wanted = sub["type"] if isinstance(sub["type"], str) else sub["type"][0]
        got = _type_of(value)
        shown = _show(value) if got in ("boolean", "null") else f"{_TYPE_NAMES[got]} {_show(value)}"
        return key, f"must be {_TYPE_NAMES[wanted]} (got {shown})"
    if kind == "pattern":
        if hint and "URL" in hint and isinstance(value, str) and value.lower().startswith(("http://", "https://")):
            return key, f"must be a URL without spaces, quotes, < > ` or backslashes; percent-encode them, e.g. %20 for a space (got {_show(value)})"
        return key, f"must be {hint or 'in the documented form'} (got {_show(value)})"
    if kind == "propertyNames":
        return key, f"{_show(value)} is not a valid name: must be {hint or 'a valid name'}"
    if kind == "oneOf":
        return key, f"must be {hint or 'one of the documented forms'} (got {_show(value)})"
    if kind == "uniqueItems":
        return key, "lists the same item more than once"
    if kind == "minItems":
        return key, f"must list at least {error.validator_value} item{'s' if error.validator_value != 1 else ''}"
    if kind == "minLength":
        return key, f"must be at least {error.validator_value} characters long"
    if kind == "maxLength":
        return key, f"must be at most {error.validator_value} characters long (got {len(value)})"
    if kind in ("minimum", "exclusiveMinimum"):
        return key, f"must be greater than {'or equal to ' if kind == 'minimum' else ''}{error.validator_value} (got {_show(value)})"
    return key, error.message


def check(document: Document, name: str) -> list[Problem]:
    """Every schema problem of ``document`` against the schema called ``name``."""
    if is_valid(document.data, name):
        return []
    problems = set()
    for error in _validator(name).iter_errors(document.data):
        for key, message in _messages(error):
            problems.add(Problem(document.path, document.line(key), field_name(key), message))
    return sorted(problems)
