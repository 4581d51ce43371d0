"""references.bib: parse it with pybtex, keep each key's line, and refuse unsafe fields.

The file is untrusted like the model files. Besides the checks on each entry, the parser
refuses @string and @preamble (a chain of @string macros expands exponentially, a
"billion laughs" for BibTeX) and crossref (a crossref cycle never resolves), and it
formats every entry the way mkdocs-bibtex will, so an entry that cannot be shown fails
validation instead of the build.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

import pybtex.errors
from pybtex.backends.markdown import Backend as MarkdownBackend
from pybtex.database import BibliographyData, BibliographyDataError
from pybtex.database.input.bibtex import LowLevelParser, Parser
from pybtex.scanner import PybtexError, PybtexSyntaxError
from pybtex.style.formatting.plain import Style as PlainStyle

from atlas.cache import digest
from atlas.load import BIB_MAX_BYTES, MAX_BYTES, decode
from atlas.placeholder import MESSAGE as PLACEHOLDER_MESSAGE
from atlas.placeholder import is_placeholder
from atlas.problems import Problem

_ENTRY_RE = re.compile(r"^[ \t]*@[ \t]*([A-Za-z]+)[ \t]*[{(][ \t]*([^,\s]*)", re.MULTILINE)
_KEY_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_:-]*$")
# mkdocs-bibtex writes URLs into Markdown links, where ] ( ) quotes or spaces could end the
# link early and start another one; balanced parentheses are safe.
_URL_RE = re.compile(r"^https?://[A-Za-z0-9\-._~:/?#@!$&*+,;=%()]+$")
_DOI_RE = re.compile(r"^10\.\d{4,9}/[A-Za-z0-9\-._;:/()]+$")
_ARXIV_RE = re.compile(r"^(\d{4}\.\d{4,5}|[a-z-]+(\.[A-Z]{2})?/\d{7})(v\d+)?$")
_UNSAFE = re.compile(r"[<>]")
REQUIRED_FIELDS = ("title", "year")
# Formatting an author costs about 0.1 ms; past this many in all, entries are not test-formatted.
# A catalog of 10,000 models cites about 30,000 authors.
MAX_AUTHORS = 200_000
REFUSED_FIELDS = {"crossref": "crossref is not supported; copy the fields you need into this entry"}


@dataclass(frozen=True)
class Reference:
    """One BibTeX entry: its key, type, line and fields as plain strings."""

    key: str
    type: str
    line: int
    fields: tuple[tuple[str, str], ...]
    authors: tuple[str, ...]
    source: str

    def get(self, name: str, default: str = "") -> str:
        """The value of field ``name`` (case-insensitive), or ``default``."""
        for field, value in self.fields:
            if field.lower() == name.lower():
                return value
        return default

    @property
    def url(self) -> str:
        """Best link to the work: its URL, else its DOI or arXiv page."""
        if self.get("url"):
            return self.get("url")
        if self.get("doi"):
            return f"https://doi.org/{self.get('doi')}"
        if self.get("eprint") and self.get("archiveprefix").lower() == "arxiv":
            return f"https://arxiv.org/abs/{self.get('eprint')}"
        return ""


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


def _format_problem(entry: Any, formatted: dict[str, tuple[Any, str]]) -> str | None:
    """Why mkdocs-bibtex could not format ``entry`` for a reference list, or None.

    The text it would show is kept in ``formatted`` (key -> (entry, Markdown)), so the
    build need not format the entry a second time.
    """
    style = _style()
    if not hasattr(style, f"get_{entry.type.lower()}_template"):
        supported = sorted(name[4:-9] for name in dir(style) if name.startswith("get_") and name.endswith("_template"))
        return f"entry type @{entry.type} is not supported; use one of: {', '.join(supported)}"
    try:
        formatted[entry.key] = (entry, style.format_entry("", entry).text.render(MarkdownBackend()))
    except (PybtexError, KeyError, ValueError, IndexError, RecursionError) as exc:
        return str(exc).split(": ", 1)[-1] if isinstance(exc, PybtexSyntaxError) else str(exc) or type(exc).__name__
    return None


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


def _entry_problems(
    path: str, key: str, kind: str, line: int, fields: tuple[tuple[str, str], ...], authors: tuple[str, ...], persons: int,
    authors_seen: int, entry: Callable[[], Any], formatted: dict[str, tuple[Any, str]], roles: tuple[tuple[str, int], ...] | None = None,
) -> tuple[list[Problem], int]:
    """The problems of one parsed entry, and the count of names read so far including its own.

    ``entry`` gives the pybtex Entry to test-format; its Markdown goes into ``formatted``
    (see ``_format_problem``). ``roles`` (names per role) is given only
    when every value is plain text (``_PLAIN``): then formatting cannot fail on a value, only
    on the type and which fields are there, so an entry of the same shape that formatted
    well answers for it.
    """
    values = dict(fields)
    entry_problems = []
    reference = Reference(key, kind, line, fields, authors, "")
    pending = {name for name, value in fields + tuple(("author", a) for a in authors) if is_placeholder(value)}
    for name in sorted(pending):
        entry_problems.append(Problem(path, line, f"{key}.{name}", f"{PLACEHOLDER_MESSAGE}; fill it in from {reference.url or 'the source'}"))
    for name, value in fields + tuple(("author", a) for a in authors):
        if _UNSAFE.search(value):
            entry_problems.append(Problem(path, line, f"{key}.{name}", "must not contain < or > (BibTeX text is shown on the site as Markdown)"))
    for name, why in REFUSED_FIELDS.items():
        if name in values:
            entry_problems.append(Problem(path, line, f"{key}.{name}", why))
    for name in REQUIRED_FIELDS:
        if name not in values:
            entry_problems.append(Problem(path, line, f"{key}.{name}", "is required but missing"))
    if not authors and not any(field in values for field in ("organization", "institution", "howpublished", "publisher", "editor")) and kind != "misc":
        entry_problems.append(Problem(path, line, f"{key}.author", "is required but missing"))
    url = values.get("url")
    if url is not None and not re.match(r"https?://", url):
        entry_problems.append(Problem(path, line, f"{key}.url", f"must be an http:// or https:// URL (got {_show(url)})"))
    elif url is not None and not (_URL_RE.match(url) and _balanced(url)):
        entry_problems.append(Problem(path, line, f"{key}.url", f"must not contain spaces, quotes, [ ] or unbalanced parentheses; percent-encode them, e.g. %29 for ) (got {_show(url)})"))
    doi = values.get("doi")
    if doi is not None and not (_DOI_RE.match(doi) and _balanced(doi)):
        entry_problems.append(Problem(path, line, f"{key}.doi", f"must be a bare DOI such as 10.18653/v1/N19-1423, of letters, digits, - . _ ; : / and balanced ( ) (got {_show(doi)})"))
    eprint = values.get("eprint")
    if eprint is not None and not _ARXIV_RE.match(eprint):
        entry_problems.append(Problem(path, line, f"{key}.eprint", f"must be an arXiv id such as 2304.08485 (got {_show(eprint)})"))
    year = values.get("year", "")
    if year and "year" not in pending and not re.fullmatch(r"\d{4}", year):
        entry_problems.append(Problem(path, line, f"{key}.year", f"must be a four-digit year (got {_show(year)})"))
    authors_seen += persons
    if authors_seen > MAX_AUTHORS:
        if authors_seen - len(authors) <= MAX_AUTHORS:
            entry_problems.append(Problem(path, line, f"{key}.author", f"brings the bibliography past {MAX_AUTHORS:,} authors in all; end long author lists with 'and others'"))
    elif not entry_problems and not pending:
        shape = (kind, tuple(sorted((name, bool(value)) for name, value in fields)), roles) if roles is not None else None
        if shape is None or shape not in _FORMATS_WELL:
            why = _format_problem(entry(), formatted)
            if why:
                entry_problems.append(Problem(path, line, key, f"cannot be formatted for the reference list: {why}"))
            elif shape is not None:
                _FORMATS_WELL.add(shape)
    return entry_problems, authors_seen


# Shapes (type, fields, names per role) of plain entries that pybtex formatted without error.
_FORMATS_WELL: set[tuple[Any, ...]] = set()
# Text that LaTeX, BibTeX and Markdown all read as itself: no braces, backslash, math, comment, tie.
_PLAIN = re.compile(r"[A-Za-z0-9 .,:;/()?!+=*'-]*")
# An entry the fast path reads: braces around the entry and around each value, no nested
# braces, no backslash, @, quote, # or % in a value, and nothing after the closing brace.
_SIMPLE_HEAD = re.compile(r"@([A-Za-z]+)\{([A-Za-z][A-Za-z0-9_:-]*),")
_SIMPLE_FIELD = re.compile(r"\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(?:\{([^{}\\@\"#%]*)\}|([0-9]+))\s*(,?)")
_SIMPLE_END = re.compile(r"\s*\}\s*")
_WHITESPACE = re.compile(r"\s+")


def _simple_entry(text: str) -> tuple[str, str, list[tuple[str, str]]] | None:
    """(type, key, [(field, value)]) of an entry in the simple form, values as pybtex reads them, else None."""
    head = _SIMPLE_HEAD.match(text)
    if head is None:
        return None
    position, fields, seen = head.end(), [], set()
    while True:
        field = _SIMPLE_FIELD.match(text, position)
        if field is None:
            break
        name = field.group(1)
        if name.lower() in seen:
            return None  # pybtex reports a duplicate field
        seen.add(name.lower())
        value = field.group(2) if field.group(2) is not None else field.group(3)
        fields.append((name, _WHITESPACE.sub(" ", value.strip())))
        position = field.end()
        if not field.group(4):
            break
    end = _SIMPLE_END.match(text, position)
    if end is None or end.end() != len(text):
        return None
    return head.group(1), head.group(2), fields


@lru_cache(maxsize=None)
def _person(name: str) -> Any:
    """pybtex's Person for ``name``, or None if pybtex reports a problem with it."""
    from pybtex.database import Person

    with pybtex.errors.capture() as captured:
        person = Person(name)
    return None if captured else person


def _fast_entries(text: str, path: str, spans: dict[str, tuple[int, int]], starts: dict[str, list[tuple[int, str]]]) -> tuple[dict[str, Any], str]:
    """The simple entries read without pybtex (by key: type, fields, persons), and the text with them blanked out.

    Blanking keeps every line break, so pybtex reads the other entries at their own lines.
    """
    from pybtex.bibtex.utils import split_name_list

    simple: dict[str, Any] = {}
    pieces, previous = [], 0
    for key, (start, end) in spans.items():
        if len(starts.get(key.lower(), ())) != 1:
            continue  # a duplicate key: pybtex decides which entry stays
        parsed = _simple_entry(text[start:end])
        if parsed is None or parsed[1] != key:
            continue
        kind, _, raw_fields = parsed
        fields, persons = [], {}
        for name, value in raw_fields:
            if name.lower() in ("author", "editor"):
                persons[name.lower()] = tuple(_person(part) for part in split_name_list(value))
            else:
                fields.append((name, value))
        if any(person is None for people in persons.values() for person in people):
            continue
        simple[key] = (kind, fields, persons, all(_PLAIN.fullmatch(v) for _, v in raw_fields))
        pieces += [text[previous:start], "\n" * text.count("\n", start, end)]
        previous = end
    pieces.append(text[previous:])
    return simple, "".join(pieces)


# The last clean pybtex parse, keyed by the file's hash, and the Markdown each entry was
# formatted to while checking it: the build hands both to mkdocs-bibtex instead of letting
# the plugin parse the same file again and format every entry again (seconds at 10,000).
_LAST_PARSE: dict[bytes, Any] = {}
_LAST_FORMATTED: dict[str, tuple[Any, str]] = {}


def last_parse(raw: bytes) -> Any:
    """pybtex's BibliographyData for ``raw`` if parse_bibliography parsed it without errors, else None."""
    return _LAST_PARSE.get(digest(raw))


def formatted_text(entry: Any) -> str | None:
    """The Markdown of pybtex's plain style for ``entry``, if the last clean parse produced this very entry and formatted it."""
    known = _LAST_FORMATTED.get(getattr(entry, "key", None))
    return known[1] if known is not None and known[0] is entry else None


def parse_bibliography(raw: bytes, path: str, fast: bool = False) -> tuple[dict[str, Reference], list[Problem]]:
    """All entries of a .bib file by key, and every problem found in it.

    With ``fast``, entries in the simple form (``_simple_entry``) are read without pybtex's
    parser and only the others go through it; the result is the same, but ``last_parse``
    then has nothing for the build to reuse. Should pybtex report any error, the whole
    file is parsed again the ordinary way, since its error recovery spans entries.
    """
    text, problems = decode(raw, path, BIB_MAX_BYTES)
    if text is None:
        return {}, problems
    starts: dict[str, list[tuple[int, str]]] = {}
    spans: dict[str, tuple[int, int]] = {}
    matches = list(_ENTRY_RE.finditer(text))
    line, previous = 1, 0
    for index, match in enumerate(matches):
        line += text.count("\n", previous, match.start())
        previous = match.start()
        if match.group(1).lower() in ("comment", "preamble", "string"):
            continue
        key = match.group(2)
        if not key:
            problems.append(Problem(path, line, "(key)", f"the @{match.group(1)} entry has no key; write one after the brace, e.g. @article{{doe2020base,"))
        elif not _KEY_RE.match(key):
            problems.append(Problem(path, line, key, "BibTeX key must start with a letter and use only letters, digits, _ : -"))
        # BibTeX and mkdocs-bibtex ignore case in keys, so Doe2020 and doe2020 are the same key.
        starts.setdefault(key.lower(), []).append((line, key))
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        spans.setdefault(key, (match.start(), end))
    for entries in starts.values():
        first_line, first_key = entries[0]
        for line, key in entries[1:]:
            also = "" if key == first_key else f" as {first_key!r}; keys ignore case"
            problems.append(Problem(path, line, key, f"duplicate BibTeX key (first defined on line {first_line}{also})"))
    # An unclosed brace swallows the entries after it, so pybtex's own errors would point
    # far from the cause; report the entry and line instead, and stop there.
    # pybtex needs about 25 us per name; refuse a file of mostly names before parsing it.
    separators = list(itertools.islice(re.finditer(r"\sand\s", text, re.IGNORECASE), MAX_AUTHORS + 1))
    # Below this many names in all, no entry is past the limit, so entries can be read in any order.
    if fast and len(separators) + 2 * len(spans) <= MAX_AUTHORS:
        simple, rest = _fast_entries(text, path, spans, starts)
    else:
        simple, rest = {}, text
    braces = []
    for key, (start, end) in spans.items():
        if key in simple:
            continue  # balanced by its form
        found = _brace_problem(text[start:end])
        if found:
            offset, message = found
            braces.append(Problem(path, text.count("\n", 0, start) + 1 + offset, key, message))
    if braces:
        return {}, problems + braces

    if len(separators) > MAX_AUTHORS:
        line = text.count("\n", 0, separators[-1].start()) + 1
        return {}, problems + [Problem(path, line, "bibtex", f"joins more than {MAX_AUTHORS:,} names with 'and' by this line; end long author lists with 'and others'")]

    parser = _Parser()
    with pybtex.errors.capture() as captured:
        try:
            data = parser.parse_string(rest)
        except (PybtexSyntaxError, BibliographyDataError) as exc:
            captured.append(exc)
            data = BibliographyData()
    if simple and (captured or parser.refused or parser.undefined):
        return parse_bibliography(raw, path)
    for line, command in parser.refused:
        problems.append(Problem(path, line, "bibtex", f"{command} is not allowed; write the text out in each entry"))
    for line, key, field, name in parser.undefined:
        where = f"{key}.{field.lower()}" if key and field else "bibtex"
        problems.append(Problem(path, line, where, f"{name!r} is not text in braces nor a month such as jan; write the value in braces, e.g. {{...}}"))
    # An entry with a syntax error is only partly read: report the error, not its missing fields.
    entry_lines = sorted(line for entries in starts.values() for line, _ in entries)
    broken: set[int] = set()
    for error in captured:
        if isinstance(error, BibliographyDataError) and "repeated" in str(error):
            continue
        line = getattr(error, "lineno", None) or 1
        message = str(error).split(": ", 1)[-1] if isinstance(error, PybtexSyntaxError) else str(error)
        problems.append(Problem(path, line, "bibtex", f"syntax error: {message}"))
        broken.add(max((start for start in entry_lines if start <= line), default=0))

    formatted: dict[str, tuple[Any, str]] = {}
    if not captured and not fast:
        _LAST_PARSE.clear()
        _LAST_PARSE[digest(raw)] = data
        _LAST_FORMATTED.clear()
        formatted = _LAST_FORMATTED  # filled below, for the build to hand to mkdocs-bibtex
    references: dict[str, Reference] = {}
    authors_seen = 0
    for key, (kind, fields, persons, plain) in simple.items():  # within the limit, so the order of entries does not matter
        line = starts[key.lower()][0][0]
        named = tuple(str(person) for person in persons.get("author", ()))
        low_fields = tuple((name.lower(), value) for name, value in fields)
        roles = tuple(sorted((role, len(people)) for role, people in persons.items())) if plain and all(_PLAIN.fullmatch(str(p)) for people in persons.values() for p in people) else None

        def entry(key: str = key, kind: str = kind, fields: list = fields, persons: dict = persons) -> Any:
            from pybtex.database import Entry

            made = Entry(kind, fields=fields, persons={role: list(people) for role, people in persons.items()})
            made.key = key  # as BibliographyData.add_entry sets it; pybtex's messages name it
            return made

        entry_problems, authors_seen = _entry_problems(path, key, kind.lower(), line, low_fields, named, sum(len(p) for p in persons.values()), authors_seen, entry, formatted, roles)
        problems += entry_problems
        references[key] = Reference(key, kind.lower(), line, low_fields, named, text[slice(*spans[key])].strip())
    for key, entry in data.entries.items():
        if key.lower() not in starts and key.startswith("unnamed-"):
            continue  # pybtex's name for an entry without a key, already reported
        line = starts.get(key.lower(), [(1, key)])[0][0]
        if line in broken:
            continue
        fields = tuple((name.lower(), str(value)) for name, value in entry.fields.items())
        authors = tuple(str(person) for person in entry.persons.get("author", []))
        persons = len(entry.persons.get("author", [])) + len(entry.persons.get("editor", []))
        entry_problems, authors_seen = _entry_problems(path, key, entry.type.lower(), line, fields, authors, persons, authors_seen, lambda entry=entry: entry, formatted)
        problems += entry_problems
        references[key] = Reference(key, entry.type.lower(), line, fields, authors, text[slice(*spans.get(key, (0, 0)))].strip())
    if simple:  # in the order of the file, as pybtex gives them
        order = {key: index for index, key in enumerate(spans)}
        references = dict(sorted(references.items(), key=lambda item: order.get(item[0], len(order))))
    return references, problems


__all__ = ["BIB_MAX_BYTES", "MAX_BYTES", "Reference", "parse_bibliography"]
