"""Safe YAML loading that keeps the line of every key and value.

Contributor files are untrusted, so the loader is deliberately narrower than YAML:
no anchors or aliases (no "billion laughs"), no tags beyond the plain scalar, list and
mapping types, no duplicate keys, UTF-8 only, and at most MAX_BYTES per file.
Dates stay strings (the schema checks their form) and yes/no/on/off stay strings too.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from atlas.problems import Problem

MAX_BYTES = 256 * 1024
# references.bib holds one or more entries per model, so it grows with the catalog.
BIB_MAX_BYTES = 32 * 1024 * 1024
MAX_DEPTH = 20
MAX_NODES = 20_000

Key = tuple[str | int, ...]

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
ALLOWED_TAGS = {_STR, _INT, _FLOAT, _BOOL, _NULL, _SEQ, _MAP}

_FLOAT_RE = re.compile(r"^[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9_]+|[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)$|^[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9_]+)$")
_INT_RE = re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$")
_BOOL_RE = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_NULL_RE = re.compile(r"^(?:~|null|Null|NULL|)$")


class _Resolver(yaml.resolver.BaseResolver):
    """YAML 1.2-like core schema: only true/false are booleans; dates stay strings."""


_Resolver.add_implicit_resolver(_BOOL, _BOOL_RE, list("tTfF"))
_Resolver.add_implicit_resolver(_FLOAT, _FLOAT_RE, list("-+0123456789."))
_Resolver.add_implicit_resolver(_INT, _INT_RE, list("-+0123456789"))
_Resolver.add_implicit_resolver(_NULL, _NULL_RE, ["~", "n", "N", ""])


try:  # libyaml is about ten times faster; the checks below do not depend on it
    from yaml._yaml import CParser as _FastParser
except ImportError:  # pragma: no cover
    _FastParser = None


class _Composer(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer, _Resolver):
    """Builds a node tree and refuses anchors and aliases before they can expand."""

    def __init__(self, text: str) -> None:
        yaml.reader.Reader.__init__(self, text)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        _Resolver.__init__(self)

    def compose_node(self, parent: Node | None, index: Any) -> Node:  # type: ignore[override]
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _Refused(event.start_mark.line + 1, "anchors and aliases (&name, *name) are not allowed")
        return super().compose_node(parent, index)


class _Refused(Exception):
    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Document:
    """A parsed YAML file: its data, and the 1-based line of each path into it."""

    path: str
    data: Any
    lines: dict[Key, int]

    def line(self, key: Key) -> int:
        """Line of the deepest known prefix of ``key`` (1 when nothing matches)."""
        for end in range(len(key), -1, -1):
            if key[:end] in self.lines:
                return self.lines[key[:end]]
        return 1


def _binary_size(size: int) -> str:
    return f"{size // 1024 ** 2} MiB" if size >= 1024 ** 2 else f"{size // 1024} KiB"


def decode(raw: bytes, path: str, limit: int = MAX_BYTES) -> tuple[str | None, list[Problem]]:
    """Bytes to text, refusing files over ``limit`` bytes, byte-order marks and non-UTF-8."""
    if len(raw) > limit:
        return None, [Problem(path, 1, "file", f"is {len(raw):,} bytes; the limit is {limit:,} bytes ({_binary_size(limit)})")]
    if raw.startswith(b"\xef\xbb\xbf"):
        return None, [Problem(path, 1, "file", "starts with a UTF-8 byte-order mark; save the file as UTF-8 without BOM")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(path, line, "file", f"is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); save it as UTF-8")]
    if "\x00" in text:
        return None, [Problem(path, text[: text.index("\x00")].count("\n") + 1, "file", "contains a NUL character")]
    return text, []


def parse_yaml(text: str, path: str) -> tuple[Document | None, list[Problem]]:
    """Parse one YAML document safely, returning the data with a line for each path."""
    try:
        if _FastParser is not None:
            fast = type("_Fast", (_FastParser, _Resolver), {})(text)
            try:
                node = fast.get_single_node()
            finally:
                fast.dispose()
        else:
            node = _Composer(text).get_single_node()
    except _Refused as exc:
        return None, [Problem(path, exc.line, "yaml", exc.message)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = exc.problem or exc.context or "invalid YAML"
        source_line = text.splitlines()[line - 1] if 0 < line <= len(text.splitlines()) else ""
        if "\t" in source_line[: len(source_line) - len(source_line.lstrip())] or "'\\t'" in what:
            what = "tabs are not allowed for indentation; use spaces"
        return None, [Problem(path, line, "yaml", f"syntax error: {what}")]
    except yaml.YAMLError as exc:
        return None, [Problem(path, 1, "yaml", f"syntax error: {exc}")]
    if node is None:
        return None, [Problem(path, 1, "file", "is empty; a model file is a mapping of fields")]
    lines: dict[Key, int] = {}
    problems: list[Problem] = []
    counter = [0]
    data = _build(node, (), lines, problems, path, counter, set())
    if problems:
        return None, problems
    return Document(path, data, lines), []


def load_file(file: Path, display: str) -> tuple[Document | None, list[Problem]]:
    """Read and parse ``file``; ``display`` is the path used in messages."""
    try:
        with file.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        return None, [Problem(display, 1, "file", f"cannot be read: {exc.strerror}")]
    text, problems = decode(raw, display)
    if text is None:
        return None, problems
    return parse_yaml(text, display)


def _field(key: Key) -> str:
    out = ""
    for part in key:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _build(node: Node, key: Key, lines: dict[Key, int], problems: list[Problem], path: str, counter: list[int], seen: set[int]) -> Any:
    counter[0] += 1
    line = node.start_mark.line + 1
    lines.setdefault(key, line)
    if isinstance(node, (MappingNode, SequenceNode)) or node.value:
        if id(node) in seen:  # the same node twice means an alias (*name)
            if -1 not in seen:
                seen.add(-1)
                where = lines.get(key[:-1], line) if key else line
                problems.append(Problem(path, where, _field(key), "anchors and aliases (&name, *name) are not allowed"))
            return None
        seen.add(id(node))
    if counter[0] > MAX_NODES:
        if counter[0] == MAX_NODES + 1:
            problems.append(Problem(path, line, _field(key), f"the file has more than {MAX_NODES:,} values"))
        return None
    if len(key) > MAX_DEPTH:
        problems.append(Problem(path, line, _field(key), f"nesting is deeper than {MAX_DEPTH} levels"))
        return None
    if node.tag not in ALLOWED_TAGS:
        problems.append(Problem(path, line, _field(key), f"YAML tag {node.tag!r} is not allowed; write plain values"))
        return None
    if isinstance(node, MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag not in (_STR, _INT, _BOOL, _NULL, _FLOAT):
                problems.append(Problem(path, key_node.start_mark.line + 1, _field(key), "mapping keys must be plain names"))
                continue
            name = str(key_node.value)
            child = key + (name,)
            if name in result:
                first = lines.get(child, 0)
                problems.append(Problem(path, key_node.start_mark.line + 1, _field(child), f"duplicate key (first defined on line {first})"))
                continue
            lines[child] = key_node.start_mark.line + 1
            result[name] = _build(value_node, child, lines, problems, path, counter, seen)
        return result
    if isinstance(node, SequenceNode):
        return [_build(item, key + (index,), lines, problems, path, counter, seen) for index, item in enumerate(node.value)]
    assert isinstance(node, ScalarNode)
    value = node.value
    if node.tag == _STR:
        return value
    if node.tag == _NULL:
        return None
    if node.tag == _BOOL:
        return value.lower() == "true"
    if node.tag == _INT:
        return int(value.replace("_", ""))
    try:
        return float(value.replace("_", ""))
    except ValueError:
        problems.append(Problem(path, line, _field(key), f"{value!r} is not a number"))
        return None
