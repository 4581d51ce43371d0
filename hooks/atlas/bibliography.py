"""references.bib: parse it with pybtex, keep each key's line, and refuse unsafe fields."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from atlas.cache import digest
from atlas.load import BIB_MAX_BYTES, MAX_BYTES, decode
from atlas.problems import Problem

_ENTRY_RE = re.compile(r"^[ \t]*@([A-Za-z]+)[ \t]*[{(][ \t]*([^,\s]*)", re.MULTILINE)
_KEY_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_:-]*$")
_URL_RE = re.compile(r"^https?://[^\s<>\"'`\\]+$")
_ARXIV_RE = re.compile(r"^(\d{4}\.\d{4,5}|[a-z-]+(\.[A-Z]{2})?/\d{7})(v\d+)?$")
_UNSAFE = re.compile(r"[<>]")
REQUIRED_FIELDS = ("title", "year")


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


# The last clean pybtex parse, keyed by the file's hash: the build hands it to mkdocs-bibtex
# instead of letting the plugin parse the same file again (seconds at 10,000 entries).
_LAST_PARSE: dict[bytes, Any] = {}


def last_parse(raw: bytes) -> Any:
    """pybtex's BibliographyData for ``raw`` if parse_bibliography parsed it without errors, else None."""
    return _LAST_PARSE.get(digest(raw))


def parse_bibliography(raw: bytes, path: str) -> tuple[dict[str, Reference], list[Problem]]:
    """All entries of a .bib file by key, and every problem found in it."""
    text, problems = decode(raw, path, BIB_MAX_BYTES)
    if text is None:
        return {}, problems
    starts: dict[str, list[int]] = {}
    spans: dict[str, tuple[int, int]] = {}
    matches = list(_ENTRY_RE.finditer(text))
    line, previous = 1, 0
    for index, match in enumerate(matches):
        line += text.count("\n", previous, match.start())
        previous = match.start()
        if match.group(1).lower() in ("comment", "preamble", "string"):
            continue
        key = match.group(2)
        if not _KEY_RE.match(key):
            problems.append(Problem(path, line, key or "(key)", "BibTeX key must start with a letter and use only letters, digits, _ : -"))
        starts.setdefault(key, []).append(line)
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        spans.setdefault(key, (match.start(), end))
    for key, lines in starts.items():
        for line in lines[1:]:
            problems.append(Problem(path, line, key, f"duplicate BibTeX key (first defined on line {lines[0]})"))

    # Imported here: a run whose bibliography comes from the cache never needs pybtex.
    import pybtex.errors
    from pybtex.database import BibliographyData, BibliographyDataError
    from pybtex.database.input.bibtex import Parser
    from pybtex.scanner import PybtexSyntaxError

    parser = Parser(wanted_entries=None)
    with pybtex.errors.capture() as captured:
        try:
            data = parser.parse_string(text)
        except (PybtexSyntaxError, BibliographyDataError) as exc:
            captured.append(exc)
            data = BibliographyData()
    for error in captured:
        if isinstance(error, BibliographyDataError) and "repeated" in str(error):
            continue
        line = getattr(error, "lineno", None) or 1
        message = str(error).split(": ", 1)[-1] if isinstance(error, PybtexSyntaxError) else str(error)
        problems.append(Problem(path, line, "bibtex", f"syntax error: {message}"))

    if not captured:
        _LAST_PARSE.clear()
        _LAST_PARSE[digest(raw)] = data
    references: dict[str, Reference] = {}
    for key, entry in data.entries.items():
        line = starts.get(key, [1])[0]
        fields = tuple((name.lower(), str(value)) for name, value in entry.fields.items())
        authors = tuple(str(person) for person in entry.persons.get("author", []))
        for name, value in fields + tuple(("author", a) for a in authors):
            if _UNSAFE.search(value):
                problems.append(Problem(path, line, f"{key}.{name}", "must not contain < or > (BibTeX text is shown on the site as Markdown)"))
        for name in REQUIRED_FIELDS:
            if not any(field == name for field, _ in fields):
                problems.append(Problem(path, line, f"{key}.{name}", "is required but missing"))
        if not authors and not any(field in ("organization", "institution", "howpublished", "publisher", "editor") for field, _ in fields) and entry.type.lower() != "misc":
            problems.append(Problem(path, line, f"{key}.author", "is required but missing"))
        url = dict(fields).get("url")
        if url is not None and not _URL_RE.match(url):
            problems.append(Problem(path, line, f"{key}.url", f"must be an http:// or https:// URL (got {url!r})"))
        doi = dict(fields).get("doi")
        if doi is not None and not re.fullmatch(r"10\.\d{4,9}/[^\s<>\"]+", doi):
            problems.append(Problem(path, line, f"{key}.doi", f"must be a bare DOI such as 10.18653/v1/N19-1423 (got {doi!r})"))
        eprint = dict(fields).get("eprint")
        if eprint is not None and not _ARXIV_RE.match(eprint):
            problems.append(Problem(path, line, f"{key}.eprint", f"must be an arXiv id such as 2304.08485 (got {eprint!r})"))
        year = dict(fields).get("year", "")
        if year and not re.fullmatch(r"\d{4}", year):
            problems.append(Problem(path, line, f"{key}.year", f"must be a four-digit year (got {year!r})"))
        references[key] = Reference(key, entry.type.lower(), line, fields, authors, text[slice(*spans.get(key, (0, 0)))].strip())
    return references, problems


__all__ = ["MAX_BYTES", "Reference", "parse_bibliography"]
