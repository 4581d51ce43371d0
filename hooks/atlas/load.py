"""Read contributor files: bytes to text, and YAML text to data with the line of every key.

Contributor files are untrusted, so the reader is deliberately narrower than YAML: no
anchors or aliases (no "billion laughs"), no tags beyond the plain scalar, list and
mapping types, no duplicate or complex keys, one document, UTF-8 only, at most MAX_BYTES
per file, MAX_DEPTH levels of nesting, MAX_NODES values, and numbers that JSON can carry
exactly. Dates stay strings (the schema checks their form) and yes/no/on/off stay strings.

There is one reader: a single pass over libyaml's parse events, which builds the data,
records each key's line and words every refusal. The event parser is iterative, so no
nesting can exhaust the stack.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml._yaml import CParser

from atlas.files import SpecialFile, read_regular
from atlas.problems import Problem

MAX_BYTES = 256 * 1024
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
SCALAR_TAGS = {_STR, _INT, _FLOAT, _BOOL, _NULL}
KEY_TAGS = SCALAR_TAGS

# A YAML 1.2-like core schema: only true/false are booleans, dates stay strings.
_IMPLICIT = (
    (_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")),
    (_FLOAT, re.compile(r"^[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9_]+|[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)$|^[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9_]+)$")),
    (_INT, re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$")),
    (_NULL, re.compile(r"^(?:~|null|Null|NULL)$")),
)
# A plain scalar starting with none of these is text: no pattern above can match it.
_RESOLVED_FIRST = frozenset("tTfF-+0123456789.~nN")
# Characters YAML does not allow in a stream (it allows tab, line feed, carriage return and NEL).
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
# Contexts of libyaml's errors, as a contributor would name them.
_CONTEXTS = {
    "while parsing a flow sequence": "the [ ] list",
    "while parsing a flow mapping": "the { } mapping",
    "while parsing a block mapping": "the block of fields",
    "while parsing a block collection": "the list",
    "while scanning a quoted scalar": "the quoted text",
}


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


def field(key: Key) -> str:
    """A path as contributors write it (``modalities.input[1]``), with over-long key names shortened."""
    out = ""
    for part in key:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            name = part if len(part) <= 60 else part[:57] + "..."
            out += f".{name}" if out else name
    return out or "(top level)"


def _short(value: str) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class _Refused(Exception):
    """A refusal that ends the read: only this one problem is reported."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def _scalar(tag: str, value: str, path: str, line: int, key: Key, problems: list[Problem]) -> Any:
    """The value of a scalar resolved to ``tag``; a number that cannot be carried is a problem."""
    if tag == _STR:
        return value
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return value.lower() == "true"
    digits = value.replace("_", "")
    if tag == _INT:
        number = int(digits) if re.fullmatch(r"[-+]?[0-9]{1,20}", digits) else None
        if number is None and not re.fullmatch(r"[-+]?[0-9]+", digits):
            problems.append(Problem(path, line, field(key), f"{_short(value)} is not a whole number"))
        elif number is None or abs(number) > MAX_INT:
            problems.append(Problem(path, line, field(key), f"{_short(value)} is too large; whole numbers must be at most 2^53 ({MAX_INT:,})"))
        else:
            return number
        return None
    try:
        number = float(digits)
    except ValueError:
        problems.append(Problem(path, line, field(key), f"{_short(value)} is not a number"))
        return None
    if not math.isfinite(number):
        problems.append(Problem(path, line, field(key), f"{_short(value)} is not a finite number"))
        return None
    return number


def _resolve(event: Any) -> str:
    """The tag of a scalar event: its explicit tag, else the core schema's reading of a plain value."""
    if event.tag is not None and event.tag != "!":
        return event.tag
    value = event.value
    if not event.implicit[0]:  # quoted, or a block scalar
        return _STR
    if not value:
        return _NULL
    if value[0] in _RESOLVED_FIRST:
        for tag, pattern in _IMPLICIT:
            if pattern.match(value):
                return tag
    return _STR


def _tag_problem(tag: str) -> str:
    shown = "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag
    return f"the YAML tag {shown} is not allowed; write a plain value"


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


class _Frame:
    """An open mapping or list while reading: its value, its path, and the key waiting for a value."""

    __slots__ = ("value", "key", "is_map", "pending", "index")

    def __init__(self, value: Any, key: Key, is_map: bool) -> None:
        self.value = value
        self.key = key
        self.is_map = is_map
        self.pending: str | None = None  # in a mapping, the key whose value comes next
        self.index = 0  # in a list, the index of the next item


def _read_events(text: str, path: str) -> tuple[Any, dict[Key, int], list[Problem], bool]:
    """(data, lines, problems, empty) from one pass over the parse events; raises _Refused or a YAML error."""
    parser = CParser(text)
    try:
        return _walk(parser, path)
    finally:
        parser.dispose()


def _walk(parser: Any, path: str) -> tuple[Any, dict[Key, int], list[Problem], bool]:
    scalar, mapping_start, sequence_start = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    mapping_end, sequence_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
    alias, document_start = yaml.AliasEvent, yaml.DocumentStartEvent
    lines: dict[Key, int] = {}
    problems: list[Problem] = []
    stack: list[_Frame] = []
    root: Any = None
    seen_root = False
    documents = values = 0
    # A refused key (a list or mapping as a key, a duplicate) is read past with its value:
    # skip_nodes whole nodes are left to drop, skip_depth is the nesting inside the current one.
    skip_nodes = skip_depth = 0
    get_event = parser.get_event
    while True:
        event = get_event()
        if event is None:
            break
        kind = type(event)
        if kind is document_start:
            documents += 1
            if documents > 1:
                raise _Refused(Problem(path, event.start_mark.line + 1, "yaml", "a second YAML document starts here ('---'); a model file holds one mapping of fields"))
            continue
        top = stack[-1] if stack else None
        if skip_nodes:
            if kind is alias or getattr(event, "anchor", None) is not None:
                raise _Refused(Problem(path, event.start_mark.line + 1, field(top.key), "anchors and aliases (&name, *name) are not allowed; write the value out in full"))
            if kind is mapping_start or kind is sequence_start:
                skip_depth += 1
            elif kind is mapping_end or kind is sequence_end:
                skip_depth -= 1
                if not skip_depth:
                    skip_nodes -= 1
            elif kind is scalar and not skip_depth:
                skip_nodes -= 1
            continue
        if kind is mapping_end or kind is sequence_end:
            frame = stack.pop()
            if stack:
                _place(stack[-1], frame.value)
            continue
        if kind is not scalar and kind is not mapping_start and kind is not sequence_start and kind is not alias:
            continue  # stream start and end, document end
        line = event.start_mark.line + 1
        if kind is alias or event.anchor is not None:
            where = () if top is None else top.key if top.is_map and top.pending is None else top.key + ((top.pending,) if top.is_map else (top.index,))
            raise _Refused(Problem(path, line, field(where), "anchors and aliases (&name, *name) are not allowed; write the value out in full"))
        if top is None:
            key: Key = ()
            lines[key] = line
        elif top.is_map:
            if top.pending is None:  # a key
                if kind is not scalar or (event.tag is not None and _resolve(event) not in KEY_TAGS):
                    problems.append(Problem(path, line, field(top.key), "keys must be plain names such as kind, not lists or mappings"))
                    skip_nodes, skip_depth = (2, 1) if kind is not scalar else (1, 0)
                    continue
                name = event.value
                child = top.key + (name,)
                if name in top.value:
                    problems.append(Problem(path, line, field(child), f"duplicate key (first defined on line {lines.get(child, 0)})"))
                    skip_nodes, skip_depth = 1, 0
                    continue
                lines[child] = line
                top.pending = name
                continue
            key = top.key + (top.pending,)  # its line is the key's
        else:
            key = top.key + (top.index,)
            lines[key] = line
        values += 1
        if values > MAX_NODES:
            raise _Refused(Problem(path, line, field(key), f"the file has more than {MAX_NODES:,} values"))
        if len(key) > MAX_DEPTH:
            raise _Refused(Problem(path, line, field(key), f"nesting is deeper than {MAX_DEPTH} levels"))
        if kind is scalar:
            text = event.value
            if event.tag is None and (not event.implicit[0] or (text and text[0] not in _RESOLVED_FIRST)):
                value: Any = text  # quoted, block or plain text that no pattern reads as anything else
            else:
                tag = _resolve(event)
                if tag not in SCALAR_TAGS:
                    problems.append(Problem(path, line, field(key), _tag_problem(tag)))
                    value = None
                else:
                    value = _scalar(tag, text, path, line, key, problems)
            if top is None:
                root, seen_root = value, True
            elif top.is_map:
                top.value[top.pending] = value
                top.pending = None
            else:
                top.value.append(value)
                top.index += 1
            continue
        tag = event.tag
        if tag is not None and tag != "!" and tag != (_MAP if kind is mapping_start else _SEQ):
            problems.append(Problem(path, line, field(key), _tag_problem(tag)))
            skip_nodes, skip_depth = 1, 1  # its contents are not read
            if top is None:
                seen_root = True
            else:
                _place(top, None)
            continue
        frame = _Frame({} if kind is mapping_start else [], key, kind is mapping_start)
        if top is None:
            root, seen_root = frame.value, True
        stack.append(frame)
    return root, lines, problems, not seen_root


def _place(top: _Frame, value: Any) -> None:
    """A value is complete: put it into the open collection ``top``."""
    if top.is_map:
        top.value[top.pending] = value
        top.pending = None
    else:
        top.value.append(value)
        top.index += 1


def read_yaml(text: str, path: str) -> tuple[Document | None, list[Problem]]:
    """Parse one YAML document safely: its data with a line for each path, or every problem found."""
    found = _UNPRINTABLE.search(text)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        return None, [Problem(path, line, "file", f"contains the control character U+{ord(found.group()):04X}, which YAML does not allow; remove it")]
    try:
        data, lines, problems, empty = _read_events(text, path)
    except _Refused as exc:
        return None, [exc.problem]
    except yaml.MarkedYAMLError as exc:
        line, message = _syntax_message(exc, text)
        return None, [Problem(path, line, "yaml", f"syntax error: {message}")]
    except yaml.YAMLError as exc:
        return None, [Problem(path, 1, "yaml", f"syntax error: {exc}")]
    if empty:
        return None, [Problem(path, 1, "file", "is empty; a model file is a mapping of fields")]
    if problems:
        return None, problems
    return Document(path, data, lines), []


def load_file(file: Path, display: str) -> tuple[Document | None, list[Problem]]:
    """Read and parse ``file``; ``display`` is the path used in messages."""
    try:
        raw = read_regular(file, MAX_BYTES + 1)
    except SpecialFile as exc:
        return None, [Problem(display, 1, "file", str(exc))]
    except OSError as exc:
        return None, [Problem(display, 1, "file", f"cannot be read: {exc.strerror}")]
    text, problems = decode(raw, display)
    if text is None:
        return None, problems
    return read_yaml(text, display)
