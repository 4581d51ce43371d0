"""references.bib: read it with pybtex, keep each entry's line, and refuse unsafe fields.

The file is untrusted like the model files. Besides the checks on each entry, the reader
refuses @string and @preamble (a chain of @string macros expands exponentially, a
"billion laughs" for BibTeX) and crossref (a crossref cycle never resolves), and it checks
that every entry can be formatted the way the reference lists show it, so an entry that
cannot be shown fails validation instead of the build.

pybtex is the one reader. Entries are found where pybtex finds them: at every ``@`` outside
braces, wherever it stands on its line. The formatted text of an entry, which costs a few
milliseconds of pybtex per entry, is memoized behind ``formatted_text``.
"""
from __future__ import annotations

import bisect
import itertools
import re
from functools import lru_cache
from typing import Any, MutableMapping

import pybtex.errors
from pybtex.backends.markdown import Backend as MarkdownBackend
from pybtex.database import BibliographyData, BibliographyDataError
from pybtex.database.input.bibtex import LowLevelParser, Parser
from pybtex.scanner import PybtexError, PybtexSyntaxError
from pybtex.style.formatting.plain import Style as PlainStyle

from atlas.characters import CONTROL, NONCHARACTER, codepoint
from atlas.load import decode
from atlas.placeholder import MESSAGE as PLACEHOLDER_MESSAGE
from atlas.placeholder import is_placeholder
from atlas.problems import Problem
from atlas.records import Reference

# references.bib holds one or more entries per model, so it grows with the catalog: about
# 3.6 MiB at 10,000 models (docs/about/benchmarks.md). The limit leaves room for twice that.
MAX_BYTES = 8 * 1024 * 1024
# pybtex needs about 25 us per name; a file of mostly names is refused before it is parsed.
# A catalog of 10,000 models cites about 30,000 authors.
MAX_AUTHORS = 200_000
REQUIRED_FIELDS = ("title", "year")
REFUSED_FIELDS = {"crossref": "crossref is not supported; copy the fields you need into this entry"}

# Where pybtex starts a command: an @ outside braces, then its name, then { or (.
_HEAD = re.compile(r"@[ \t]*([A-Za-z]+)[ \t]*[{(][ \t]*([^,\s]*)")
_BRACE_OR_AT = re.compile(r"\\[{}]|[{}@]")
_KEY_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_:-]*\Z")
# mkdocs-bibtex writes URLs into Markdown links, where ] ( ) quotes or spaces could end the
# link early and start another one; balanced parentheses are safe.
_URL_RE = re.compile(r"^https?://[A-Za-z0-9\-._~:/?#@!$&*+,;=%()]+\Z")
_DOI_RE = re.compile(r"^10\.\d{4,9}/[A-Za-z0-9\-._;:/()]+\Z")
_ARXIV_RE = re.compile(r"^(\d{4}\.\d{4,5}|[a-z-]+(\.[A-Z]{2})?/\d{7})(v\d+)?\Z")
_UNSAFE = re.compile(r"[<>]")
# Text that LaTeX, BibTeX and Markdown all read as itself: no braces, backslash, math, comment, tie.
_PLAIN = re.compile(r"[A-Za-z0-9 .,:;/()?!+=*'-]*")
# What no entry may hold anywhere: the controls and direction overrides of catalog text (a
# carriage return apart, for Windows line ends) and the non-characters.
_REFUSED_CHARACTER = re.compile(f"(?!\r)(?:{CONTROL.pattern}|{NONCHARACTER.pattern})")


class _LowLevel(LowLevelParser):
    """pybtex's scanner, except that @string and @preamble are read, noted and dropped."""

    def __init__(self, *args: Any, refused: list[tuple[int, str]], undefined: list[tuple[int, str, str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.refused = refused
        self.undefined = undefined

    def substitute_macro(self, name: str) -> str:
        if name in self.macros:
            return self.macros[name]
        if self.current_entry_key is not None:  # inside a refused @string it would only repeat that error
            self.undefined.append((self.lineno, self.current_entry_key, self.current_field_name or "", name))
        return ""

    def parse_string_body(self, body_end: Any) -> None:
        self.refused.append((self.lineno, "@string"))
        self.current_field_name = self.required([self.NAME]).value
        self.required([self.EQUALS])
        self.parse_value()  # never stored, so later entries cannot expand it

    def parse_preamble_body(self, body_end: Any) -> None:
        self.refused.append((self.lineno, "@preamble"))
        self.parse_value()


class _Parser(Parser):
    """pybtex's BibTeX parser on top of ``_LowLevel``."""

    def __init__(self) -> None:
        super().__init__(wanted_entries=None)
        self.refused: list[tuple[int, str]] = []
        self.undefined: list[tuple[int, str, str, str]] = []

    def parse_string(self, text: str) -> BibliographyData:
        self.unnamed_entry_counter = 1
        self.command_start = 0
        entries = _LowLevel(text, handle_error=self.handle_error, want_entry=self.data.want_entry, macros=self.macros, refused=self.refused, undefined=self.undefined)
        for entry in entries:
            if entry[0].lower() not in ("string", "preamble"):
                self.process_entry(entry[0], *entry[1])
        return self.data


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _show(value: str) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


@lru_cache(maxsize=1)
def _style() -> PlainStyle:
    return PlainStyle()  # building one looks up pybtex's plugins, about 30 ms


def _format(entry: Any) -> str:
    """The Markdown of pybtex's plain style for ``entry``, as the reference lists show it; raises what pybtex raises."""
    style = _style()
    if not hasattr(style, f"get_{entry.type.lower()}_template"):
        supported = sorted(name[4:-9] for name in dir(style) if name.startswith("get_") and name.endswith("_template"))
        raise ValueError(f"entry type @{entry.type} is not supported; use one of: {', '.join(supported)}")
    return style.format_entry("", entry).text.render(MarkdownBackend())


def _format_problem(entry: Any) -> str | None:
    """Why ``entry`` cannot be formatted for a reference list, or None."""
    try:
        _format(entry)
    except (PybtexError, KeyError, ValueError, IndexError, RecursionError) as exc:
        return str(exc).split(": ", 1)[-1] if isinstance(exc, PybtexSyntaxError) else str(exc) or type(exc).__name__
    return None


# Shapes (type, fields, names per role) of plain entries that pybtex formatted without error:
# for text of plain characters only, formatting can fail only on the type and which fields
# are there, so an entry of a shape already formatted answers for the others.
_FORMATS_WELL: set[tuple[Any, ...]] = set()


def _formats(entry: Any, fields: tuple[tuple[str, str], ...]) -> str | None:
    """Why ``entry`` cannot be shown in a reference list, or None; one entry per plain shape is formatted."""
    persons = entry.persons
    plain = all(_PLAIN.fullmatch(value) for _, value in fields) and all(_PLAIN.fullmatch(str(p)) for people in persons.values() for p in people)
    shape = (entry.type.lower(), tuple(sorted((name, bool(value)) for name, value in fields)), tuple(sorted((role, len(people)) for role, people in persons.items()))) if plain else None
    if shape is not None and shape in _FORMATS_WELL:
        return None
    why = _format_problem(entry)
    if why is None and shape is not None:
        _FORMATS_WELL.add(shape)
    return why


def formatted_text(reference: Reference, memo: MutableMapping[str, str] | None = None) -> str:
    """The reference-list text of ``reference`` (pybtex's plain style as Markdown, on one line).

    ``memo`` (text by entry source) spares the few milliseconds pybtex takes per entry;
    the build keeps it in the cache, so an unchanged entry is formatted once.
    """
    known = memo.get(reference.source) if memo is not None else None
    if known is not None:
        return known
    data = Parser(wanted_entries=None).parse_string(reference.source)
    text = _format(next(iter(data.entries.values())))
    if memo is not None:
        memo[reference.source] = text
    return text


def _starts(text: str) -> list[tuple[int, int, str, str]]:
    """(offset, line, type, key) of each command, where pybtex starts one: at an @ outside braces."""
    found = []
    depth = 0
    line, counted = 1, 0
    for match in _BRACE_OR_AT.finditer(text):
        token = match.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth = max(depth - 1, 0)
        elif token == "@":
            # pybtex starts a command at an @ outside braces; one that begins a line starts
            # an entry for a reader too, so an unclosed brace before it stays in its own entry.
            at_line_start = not text[text.rfind("\n", 0, match.start()) + 1: match.start()].strip()
            head = _HEAD.match(text, match.start()) if depth == 0 or at_line_start else None
            if head is not None:
                depth = 0
                line += text.count("\n", counted, match.start())
                counted = match.start()
                found.append((match.start(), line, head.group(1), head.group(2)))
    return found


_BRACE = re.compile(r"\\[{}]|[{}]")


def _closes_once(text: str, start: int, end: int) -> bool:
    """True if the braces of the entry at text[start:end] open once and close only at its last brace (the common case)."""
    depth = 0
    tokens = [t for t in _BRACE.findall(text, start, end) if len(t) == 1]
    for index, token in enumerate(tokens):
        depth += 1 if token == "{" else -1
        if depth <= 0 and index != len(tokens) - 1:
            return False
    return depth == 0


def _brace_problem(text: str) -> tuple[int, str] | None:
    """(line offset, message) when the braces of one entry do not balance, else None."""
    lines = text.split("\n")
    # Text after an entry's closing brace is a BibTeX comment (e.g. "% note") unless it
    # still looks like part of the entry: a field assignment or a brace.
    last = max((i for i, line in enumerate(lines) if line.strip() and (i == 0 or "=" in line or "{" in line or "}" in line)), default=0)
    depth, opened, closed_early = 0, 0, None
    for offset, line in enumerate(lines):
        before = depth
        for char in line.replace("\\{", "").replace("\\}", ""):
            depth += {"{": 1, "}": -1}.get(char, 0)
            if char == "}" and depth == 0 and closed_early is None and offset < last:
                closed_early = offset
        if before <= 1 < depth:
            opened = offset
    if depth > 0:
        return opened, "a { opened on this line is never closed; add the missing }"
    if depth < 0 or closed_early is not None:
        return closed_early or last, "a } on this line closes the entry early; remove the extra }"
    return None


def _entry_problems(path: str, reference: Reference, entry: Any) -> list[Problem]:
    """The problems of one parsed entry."""
    key, line, values = reference.key, reference.line, dict(reference.fields)
    everything = reference.fields + tuple(("author", a) for a in reference.authors)
    problems = []
    pending = {name for name, value in everything if is_placeholder(value)}
    for name in sorted(pending):
        problems.append(Problem(path, line, f"{key}.{name}", f"{PLACEHOLDER_MESSAGE}; fill it in from {reference.url or 'the source'}"))
    for name, value in everything:
        if _UNSAFE.search(value):
            problems.append(Problem(path, line, f"{key}.{name}", "must not contain < or > (BibTeX text is shown on the site as Markdown)"))
    for name, why in REFUSED_FIELDS.items():
        if name in values:
            problems.append(Problem(path, line, f"{key}.{name}", why))
    for name in REQUIRED_FIELDS:
        if name not in values:
            problems.append(Problem(path, line, f"{key}.{name}", "is required but missing"))
    if not reference.authors and not any(f in values for f in ("organization", "institution", "howpublished", "publisher", "editor")) and reference.type != "misc":
        problems.append(Problem(path, line, f"{key}.author", "is required but missing"))
    url = values.get("url")
    if url is not None and not re.match(r"https?://", url):
        problems.append(Problem(path, line, f"{key}.url", f"must be an http:// or https:// URL (got {_show(url)})"))
    elif url is not None and not (_URL_RE.match(url) and _balanced(url)):
        problems.append(Problem(path, line, f"{key}.url", f"must not contain spaces, quotes, [ ] or unbalanced parentheses; percent-encode them, e.g. %29 for ) (got {_show(url)})"))
    doi = values.get("doi")
    if doi is not None and not (_DOI_RE.match(doi) and _balanced(doi)):
        problems.append(Problem(path, line, f"{key}.doi", f"must be a bare DOI such as 10.18653/v1/N19-1423, of letters, digits, - . _ ; : / and balanced ( ) (got {_show(doi)})"))
    eprint = values.get("eprint")
    if eprint is not None and not _ARXIV_RE.match(eprint):
        problems.append(Problem(path, line, f"{key}.eprint", f"must be an arXiv id such as 2304.08485 (got {_show(eprint)})"))
    year = values.get("year", "")
    if year and "year" not in pending and not re.fullmatch(r"\d{4}", year):
        problems.append(Problem(path, line, f"{key}.year", f"must be a four-digit year (got {_show(year)})"))
    if not problems:
        why = _formats(entry, reference.fields)
        if why:
            problems.append(Problem(path, line, key, f"cannot be formatted for the reference list: {why}"))
    return problems


def _character_problems(text: str, path: str, commands: list[tuple[int, int, str, str]]) -> list[Problem]:
    """One problem for each entry (or stretch between entries) that holds a refused character, at its first one."""
    offsets = [offset for offset, _, _, _ in commands]
    problems, seen = [], set()
    for found in _REFUSED_CHARACTER.finditer(text):
        index = bisect.bisect_right(offsets, found.start()) - 1
        if index in seen:
            continue
        seen.add(index)
        key = commands[index][3] if index >= 0 and _KEY_RE.match(commands[index][3]) else "bibtex"
        line = text.count("\n", 0, found.start()) + 1
        problems.append(Problem(path, line, key, f"contains {codepoint(found.group())}; control, text-direction and non-characters are not allowed"))
    return problems


def read_bibliography(raw: bytes, path: str) -> tuple[dict[str, Reference], list[Problem]]:
    """All entries of a .bib file by key, in file order, and every problem found in it."""
    text, problems = decode(raw, path, MAX_BYTES)
    if text is None:
        return {}, problems
    commands = _starts(text)
    problems += _character_problems(text, path, commands)
    first: dict[str, tuple[int, str]] = {}
    spans: dict[str, tuple[int, int]] = {}
    for index, (offset, line, kind, key) in enumerate(commands):
        if kind.lower() in ("comment", "preamble", "string"):
            continue
        if not key:
            problems.append(Problem(path, line, "(key)", f"the @{kind} entry has no key; write one after the brace, e.g. @article{{doe2020base,"))
        elif not _KEY_RE.match(key):
            problems.append(Problem(path, line, key, "BibTeX key must start with a letter and use only letters, digits, _ : -"))
        # BibTeX and mkdocs-bibtex ignore case in keys, so Doe2020 and doe2020 are the same key.
        if key.lower() in first:
            first_line, first_key = first[key.lower()]
            also = "" if key == first_key else f" as {first_key!r}; keys ignore case"
            problems.append(Problem(path, line, key, f"duplicate BibTeX key (first defined on line {first_line}{also})"))
        else:
            first[key.lower()] = (line, key)
            end = commands[index + 1][0] if index + 1 < len(commands) else len(text)
            spans[key] = (offset, end)
    # An unclosed brace swallows the entries after it, so pybtex's own errors would point
    # far from the cause; report the entry and line instead, and stop there.
    braces = []
    for key, (start, end) in spans.items():
        found = None if _closes_once(text, start, end) else _brace_problem(text[start:end])
        if found:
            braces.append(Problem(path, first[key.lower()][0] + found[0], key, found[1]))
    if braces:
        return {}, problems + braces
    separators = list(itertools.islice(re.finditer(r"\sand\s", text, re.IGNORECASE), MAX_AUTHORS + 1))
    if len(separators) > MAX_AUTHORS:
        line = text.count("\n", 0, separators[-1].start()) + 1
        return {}, problems + [Problem(path, line, "bibtex", f"joins more than {MAX_AUTHORS:,} names with 'and' by this line; end long author lists with 'and others'")]

    parser = _Parser()
    with pybtex.errors.capture() as captured:
        try:
            data = parser.parse_string(text)
        except (PybtexSyntaxError, BibliographyDataError) as exc:
            captured.append(exc)
            data = BibliographyData()
    for line, command in parser.refused:
        problems.append(Problem(path, line, "bibtex", f"{command} is not allowed; write the text out in each entry"))
    for line, key, name, macro in parser.undefined:
        where = f"{key}.{name.lower()}" if key and name else "bibtex"
        problems.append(Problem(path, line, where, f"{macro!r} is not text in braces nor a month such as jan; write the value in braces, e.g. {{...}}"))
    # An entry with a syntax error is only partly read: report the error, not its missing fields.
    entry_lines = sorted(line for line, _ in first.values())
    broken: set[int] = set()
    for error in captured:
        if isinstance(error, BibliographyDataError) and "repeated" in str(error):
            continue  # reported above, with both lines
        line = getattr(error, "lineno", None) or 1
        message = str(error).split(": ", 1)[-1] if isinstance(error, PybtexSyntaxError) else str(error)
        problems.append(Problem(path, line, "bibtex", f"syntax error: {message}"))
        broken.add(max((start for start in entry_lines if start <= line), default=0))

    references: dict[str, Reference] = {}
    for key, entry in data.entries.items():
        if key.lower() not in first and key.startswith("unnamed-"):
            continue  # pybtex's name for an entry without a key, already reported
        line = first.get(key.lower(), (1, key))[0]
        if line in broken:
            continue
        span = spans.get(first.get(key.lower(), (1, key))[1], (0, 0))
        reference = Reference(
            key=key,
            type=entry.type.lower(),
            line=line,
            fields=tuple((name.lower(), str(value)) for name, value in entry.fields.items()),
            authors=tuple(str(person) for person in entry.persons.get("author", [])),
            source=text[slice(*span)].strip(),
        )
        problems += _entry_problems(path, reference, entry)
        references[key] = reference
    return references, problems
