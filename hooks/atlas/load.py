"""Safe YAML loading that keeps the line of every key and value.

Contributor files are untrusted, so the loader is deliberately narrower than YAML:
no anchors or aliases (no "billion laughs"), no tags beyond the plain scalar, list and
mapping types, no duplicate keys, one document, UTF-8 only, at most MAX_BYTES per file,
MAX_DEPTH levels of nesting, MAX_NODES values, and numbers that JSON can carry exactly.
Dates stay strings (the schema checks their form) and yes/no/on/off stay strings too.
"""
from __future__ import annotations

import math
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
# Integers beyond 2**53 lose precision in JSON readers (JavaScript), so the exports could not carry them.
MAX_INT = 2**53

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


def _events(text: str) -> Any:
    """The parse events of ``text``; the event parsers are iterative, so any nesting is safe here."""
    if _FastParser is not None:
        parser = _FastParser(text)
        try:
            while True:
                event = parser.get_event()
                if event is None:
                    return
                yield event
        finally:
            parser.dispose()
    else:  # pragma: no cover
        parser = _Composer(text)
        while parser.check_event():
            yield parser.get_event()


def _scan(text: str, path: str) -> list[Problem]:
    """Refuse aliases, deep nesting, too many values and extra documents before composing.

    Composing a node tree recurses (in C, for libyaml), so a file nested thousands of levels
    deep would crash the process; walking the events first keeps every check bounded.
    """
    # One frame per open collection: [is_mapping, key or index, expecting a key]
    stack: list[list[Any]] = []
    documents = 0
    values = 0
    for event in _events(text):
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                return [Problem(path, event.start_mark.line + 1, "yaml", "a second YAML document starts here ('---'); a model file holds one mapping of fields")]
            continue
        if isinstance(event, (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent)):
            continue
        if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            stack.pop()
            _advance(stack)
            continue
        line = event.start_mark.line + 1
        is_key = bool(stack) and stack[-1][0] and stack[-1][2]
        key = _path(stack)
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            return [Problem(path, line, _field(key), "anchors and aliases (&name, *name) are not allowed; write the value out in full")]
        if not is_key:
            values += 1
            if values > MAX_NODES:
                return [Problem(path, line, _field(key), f"the file has more than {MAX_NODES:,} values")]
            if len(key) > MAX_DEPTH:
                return [Problem(path, line, _field(key), f"nesting is deeper than {MAX_DEPTH} levels")]
        if isinstance(event, yaml.ScalarEvent):
            if is_key:
                stack[-1][1], stack[-1][2] = event.value, False
            else:
                _advance(stack)
        else:
            stack.append([isinstance(event, yaml.MappingStartEvent), None if isinstance(event, yaml.MappingStartEvent) else 0, True])
    return []


def _path(stack: list[list[Any]]) -> Key:
    key: list[str | int] = []
    for index, (is_mapping, part, expecting_key) in enumerate(stack):
        if is_mapping and (expecting_key or part is None):
            if index == len(stack) - 1:
                break
            part = "?"
        key.append(part)
    return tuple(key)


def _advance(stack: list[list[Any]]) -> None:
    """A node is complete: move its parent on to the next key or item."""
    if not stack:
        return
    frame = stack[-1]
    if not frame[0]:
        frame[1] += 1
    elif frame[2]:  # a complex key ended; its value comes next
        frame[1], frame[2] = "?", False
    else:
        frame[2] = True


# Contexts of libyaml's errors, as a contributor would name them.
_CONTEXTS = {
    "while parsing a flow sequence": "the [ ] list",
    "while parsing a flow mapping": "the { } mapping",
    "while parsing a block mapping": "the block of fields",
    "while parsing a block collection": "the list",
    "while scanning a quoted scalar": "the quoted text",
}


def _syntax_message(exc: yaml.MarkedYAMLError, text: str) -> tuple[int, str]:
    """Line and message for a YAML syntax error, with the likely fix where one is known."""
    mark = exc.problem_mark or exc.context_mark
    lines = text.splitlines()
    # At the end of the file libyaml points one line past the last one.
    line = min(mark.line + 1, max(len(lines), 1)) if mark else 1
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""
    problem = exc.problem or exc.context or "invalid YAML"
    context = _CONTEXTS.get(exc.context or "", "")
    start = exc.context_mark.line + 1 if exc.context_mark else line
    if "\t" in source_line[: len(source_line) - len(source_line.lstrip())] or "'\\t'" in problem:
        return line, "tabs are not allowed for indentation; use spaces"
    if problem.startswith("did not find expected ',' or"):
        closing = problem[-2]
        return line, f"{context} that starts on line {start} is not closed with {closing}, or two of its items lack a comma between them"
    if context == "the quoted text" and "end of stream" in problem:
        return start, f"the quoted text that starts on line {start} is never closed; add the closing quote"
    if problem.startswith("mapping values are not allowed"):
        return line, "unexpected ': '; a value that contains ': ' must be put in quotes, e.g. summary: \"Note: ...\""
    if problem == "did not find expected key":
        tip = "a value that contains a quote needs the other kind around it, e.g. name: \"it's\"" if re.search(r":\s*['\"]", source_line) else "check the indentation of this line"
        return line, f"expected a field name here, inside {context or 'the mapping'} that starts on line {start}; {tip}"
    if problem.startswith("found character that cannot start any token") and mark is not None and mark.column < len(source_line):
        return line, f"a value cannot start with {source_line[mark.column]!r}; put the value in quotes"
    if context and start != line:
        return line, f"{problem}, in {context} that starts on line {start}"
    return line, problem


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


# Characters YAML does not allow in a stream (it allows tab, line feed, carriage return and NEL).
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")


def parse_yaml(text: str, path: str) -> tuple[Document | None, list[Problem]]:
    """Parse one YAML document safely, returning the data with a line for each path."""
    found = _UNPRINTABLE.search(text)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        return None, [Problem(path, line, "file", f"contains the control character U+{ord(found.group()):04X}, which YAML does not allow; remove it")]
    try:
        refused = _scan(text, path)
        if refused:
            return None, refused
        if _FastParser is not None:
            fast = type("_Fast", (_FastParser, _Resolver), {})(text)
            try:
                node = fast.get_single_node()
            finally:
                fast.dispose()
        else:  # pragma: no cover
            node = _Composer(text).get_single_node()
    except _Refused as exc:  # pragma: no cover (the scan refuses aliases first)
        return None, [Problem(path, exc.line, "yaml", exc.message)]
    except yaml.MarkedYAMLError as exc:
        line, message = _syntax_message(exc, text)
        return None, [Problem(path, line, "yaml", f"syntax error: {message}")]
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


_PLAIN_TAGS = {"": _NULL}  # resolved once per distinct plain scalar below
_RESOLVER = _Resolver()


def _plain_tag(value: str) -> str:
    tag = _PLAIN_TAGS.get(value)
    if tag is None:
        tag = _RESOLVER.resolve(ScalarNode, value, (True, False))
        if len(_PLAIN_TAGS) < 100_000:
            _PLAIN_TAGS[value] = tag
    return tag


def quick_data(text: str) -> dict[str, Any] | None:
    """The data of a plain, well-formed file in one pass over libyaml's events, else None.

    Returns exactly what ``parse_yaml`` gives as ``Document.data`` for the same text, but
    only for a file that ``parse_yaml`` accepts without a problem and whose top level is a
    mapping; anything else (an anchor, alias or tag, a duplicate or complex key, a second
    document, a number it would refuse, nesting or size near the limits, a syntax error)
    gives None, and ``parse_yaml`` reads the file and words the problem.
    """
    if _FastParser is None or _UNPRINTABLE.search(text):  # pragma: no cover (no libyaml)
        return None
    parser = _FastParser(text)
    try:
        return _quick_events(parser)
    except yaml.YAMLError:
        return None
    finally:
        parser.dispose()


# A plain scalar starting with none of these is text: no resolver above looks at it.
_RESOLVED_FIRST = frozenset("tTfF-+0123456789.~nN")


def _quick_scalar(text: str) -> Any:
    """A plain scalar's value as ``_build`` gives it, or _REFUSE where ``_build`` would report a problem."""
    tag = _plain_tag(text)
    if tag == _STR:
        return text
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return text.lower() == "true"
    digits = text.replace("_", "")
    if tag == _INT:
        if not re.fullmatch(r"[-+]?[0-9]{1,20}", digits) or abs(int(digits)) > MAX_INT:
            return _REFUSE
        return int(digits)
    try:
        number = float(digits)
    except ValueError:
        return _REFUSE
    return number if math.isfinite(number) else _REFUSE


_REFUSE = object()


def _quick_events(parser: Any) -> dict[str, Any] | None:
    scalar, mapping_start, sequence_start = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    mapping_end, sequence_end, document_start = yaml.MappingEndEvent, yaml.SequenceEndEvent, yaml.DocumentStartEvent
    skipped = (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent)
    resolved_first = _RESOLVED_FIRST
    refuse = _REFUSE
    get_event = parser.get_event
    # The open collections under the current one, each as (container, is a mapping, key).
    stack: list[tuple[Any, bool, Any]] = []
    top: Any = None  # the innermost open collection
    is_map = False
    key: Any = None  # in a mapping, the key waiting for its value (None: a key comes next)
    root: Any = None
    documents = values = 0
    depth_limit, value_limit = MAX_DEPTH - 2, MAX_NODES // 2
    while True:
        event = get_event()
        if event is None:
            break
        kind = type(event)
        if kind is scalar:
            if event.anchor is not None or event.tag is not None:
                return None
            text = event.value
            if is_map and key is None:
                if text in top:
                    return None  # a duplicate key
                key = text
                continue
            values += 1
            if event.implicit[0] and (not text or text[0] in resolved_first):
                value = _quick_scalar(text)
                if value is refuse:
                    return None
            else:
                value = text
        elif kind is mapping_start or kind is sequence_start:
            if event.anchor is not None or event.tag is not None or len(stack) >= depth_limit or (is_map and key is None):
                return None  # an anchor, a tag, deep nesting, or a list or mapping as a key
            values += 1
            if top is not None:
                stack.append((top, is_map, key))
            top, is_map, key = ({} if kind is mapping_start else []), kind is mapping_start, None
            continue
        elif kind is mapping_end or kind is sequence_end:
            value = top
            if stack:
                top, is_map, key = stack.pop()
            else:
                top, is_map, key = None, False, None
        elif kind is document_start:
            documents += 1
            if documents > 1:
                return None
            continue
        elif kind in skipped:
            continue
        else:  # an alias
            return None
        if values > value_limit:
            return None
        if top is None:
            root = value
        elif is_map:
            top[key] = value
            key = None
        else:
            top.append(value)
    return root if type(root) is dict else None


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
    """A path as contributors write it, with over-long key names shortened."""
    out = ""
    for part in key:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            name = part if len(part) <= 60 else part[:57] + "..."
            out += f".{name}" if out else name
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
        shown = "!!" + node.tag[len("tag:yaml.org,2002:"):] if node.tag.startswith("tag:yaml.org,2002:") else node.tag
        problems.append(Problem(path, line, _field(key), f"the YAML tag {shown} is not allowed; write a plain value"))
        return None
    if isinstance(node, MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag not in (_STR, _INT, _BOOL, _NULL, _FLOAT):
                problems.append(Problem(path, key_node.start_mark.line + 1, _field(key), "keys must be plain names such as kind, not lists or mappings"))
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
    digits = value.replace("_", "")
    if node.tag == _INT:
        number = int(digits) if re.fullmatch(r"[-+]?[0-9]{1,20}", digits) else None
        if number is None and not re.fullmatch(r"[-+]?[0-9]+", digits):
            problems.append(Problem(path, line, _field(key), f"{_short(value)} is not a whole number"))
        elif number is None or abs(number) > MAX_INT:
            problems.append(Problem(path, line, _field(key), f"{_short(value)} is too large; whole numbers must be at most 2^53 ({MAX_INT:,})"))
        else:
            return number
        return None
    try:
        number = float(digits)
    except ValueError:
        problems.append(Problem(path, line, _field(key), f"{_short(value)} is not a number"))
        return None
    if not math.isfinite(number):
        problems.append(Problem(path, line, _field(key), f"{_short(value)} is not a finite number"))
        return None
    return number


def _short(value: str) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
