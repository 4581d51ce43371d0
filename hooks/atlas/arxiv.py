"""arXiv identifiers, answers of arXiv's Atom API, and the BibTeX entries made from them.

Everything here is pure: the one network call lives in scripts/new_model.py, so tests feed
these functions a recorded answer instead.
"""
from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass

API_URL = "https://export.arxiv.org/api/query?id_list={id}"
ABS_URL = "https://arxiv.org/abs/{id}"
MAX_ANSWER_BYTES = 2_000_000
NEW_ID_RE = re.compile(r"^(\d{2})(0[1-9]|1[0-2])\.\d{4,5}$")
OLD_ID_RE = re.compile(r"^[a-z]+(-[a-z]+)*(\.[A-Z]{2})?/(\d{2})(0[1-9]|1[0-2])\d{3}$")
_PREFIX_RE = re.compile(r"^(arxiv:|https?://(www\.|export\.)?arxiv\.org/(abs|pdf)/)", re.IGNORECASE)
_ATOM = "{http://www.w3.org/2005/Atom}"
_ARXIV = "{http://arxiv.org/schemas/atom}"
_SUFFIXES = {"Jr.", "Jr", "Sr.", "Sr", "II", "III", "IV"}
_TEX_SPECIAL = re.compile(r"(?<!\\)([&%#])")


class ArxivError(ValueError):
    """A malformed arXiv id, or an answer that names no paper."""


@dataclass(frozen=True)
class Paper:
    """The facts of one arXiv paper that a BibTeX entry needs."""

    arxiv_id: str
    title: str
    authors: tuple[str, ...]
    published: str
    primary_category: str | None = None
    doi: str | None = None


def normalize_id(text: str) -> str:
    """'arXiv:2304.08485v2' or 'https://arxiv.org/abs/2304.08485' -> '2304.08485'."""
    bare = _PREFIX_RE.sub("", text.strip())
    bare = re.sub(r"(\.pdf)?$", "", bare)
    bare = re.sub(r"v\d+$", "", bare)
    new = NEW_ID_RE.match(bare)
    # Ids had four digits after the dot until December 2014 and five from January 2015.
    if (new and (len(bare) == 9) == (new.group(1) + new.group(2) <= "1412")) or OLD_ID_RE.match(bare):
        return bare
    raise ArxivError(f"{text!r} is not an arXiv id: write it as 2304.08485 (or hep-th/9901001 for papers before 2007)")


def id_year(arxiv_id: str) -> int:
    """The year an arXiv id was issued, which its digits encode (YYMM)."""
    new = NEW_ID_RE.match(arxiv_id)
    if new:
        return 2000 + int(new.group(1))
    old = OLD_ID_RE.match(arxiv_id)
    if not old:
        raise ArxivError(f"{arxiv_id!r} is not an arXiv id")
    year = int(old.group(3))
    return 1900 + year if year >= 91 else 2000 + year


def _text(element: ET.Element | None) -> str:
    return " ".join((element.text or "").split()) if element is not None else ""


def parse_answer(raw: bytes, arxiv_id: str) -> Paper:
    """The paper ``arxiv_id`` in an answer of arXiv's API; ArxivError if it names none."""
    if len(raw) > MAX_ANSWER_BYTES:
        raise ArxivError(f"arXiv's answer is larger than {MAX_ANSWER_BYTES:,} bytes")
    try:
        # ElementTree resolves no external entities, and expat caps entity expansion.
        root = ET.fromstring(raw)
    except ET.ParseError as exc:
        raise ArxivError(f"arXiv's answer is not valid XML ({exc})") from None
    for entry in root.iter(f"{_ATOM}entry"):
        entry_id = _text(entry.find(f"{_ATOM}id"))
        if "/api/errors" in entry_id:
            raise ArxivError(f"arXiv refused the id {arxiv_id!r}: {_text(entry.find(f'{_ATOM}summary')) or 'no reason given'}")
        try:
            found = normalize_id(entry_id)
        except ArxivError:
            continue
        title = _text(entry.find(f"{_ATOM}title"))
        if found != arxiv_id or not title:
            continue
        category = entry.find(f"{_ARXIV}primary_category")
        return Paper(
            arxiv_id=arxiv_id,
            title=title,
            authors=tuple(_text(author.find(f"{_ATOM}name")) for author in entry.findall(f"{_ATOM}author")),
            published=_text(entry.find(f"{_ATOM}published"))[:10],
            primary_category=category.get("term") if category is not None else None,
            doi=_text(entry.find(f"{_ARXIV}doi")) or None,
        )
    raise ArxivError(f"arXiv has no paper with the id {arxiv_id!r}; check it on {ABS_URL.format(id=arxiv_id)}")


def bibtex_name(name: str) -> str:
    """'Yong Jae Lee' -> 'Lee, Yong Jae'; 'Ludwig van Beethoven' -> 'van Beethoven, Ludwig'."""
    parts = name.split()
    suffix = parts.pop() if len(parts) > 2 and parts[-1] in _SUFFIXES else None
    if len(parts) < 2:
        return " ".join(parts + ([suffix] if suffix else []))
    start = len(parts) - 1
    while start > 1 and parts[start - 1][:1].islower():
        start -= 1
    last, first = " ".join(parts[start:]), " ".join(parts[:start])
    return f"{last}, {suffix}, {first}" if suffix else f"{last}, {first}"


def _ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def bibtex_key(paper: Paper, model_id: str) -> str:
    """The catalog's key style: first author's surname, year, model id (e.g. liu2023llava)."""
    surname = ""
    if paper.authors:
        parts = [p for p in paper.authors[0].split() if p not in _SUFFIXES]
        surname = _ascii_word(parts[-1]) if parts else ""
    if not surname or not surname[0].isalpha():
        surname = "arxiv"
    return f"{surname}{paper.published[:4] or id_year(paper.arxiv_id)}{model_id.replace('-', '')}"[:64]


def stub_key(arxiv_id: str) -> str:
    """The key of an offline stub, from the id alone: 'arxiv2304-08485'."""
    return "arxiv" + re.sub(r"[^A-Za-z0-9]", "-", arxiv_id)


def _tex(text: str) -> str:
    text = " ".join(text.split())
    if text.count("{") != text.count("}"):
        text = text.replace("{", "").replace("}", "")
    return _TEX_SPECIAL.sub(r"\\\1", text)


def _protect(title: str) -> str:
    """Brace words with inner capitals ("LLaVA", "GPT-4") so BibTeX styles keep their case."""
    if "{" in title:
        return title

    def brace(match: re.Match[str]) -> str:
        word = match.group(0)
        return f"{{{word}}}" if any(ch.isupper() for ch in word[1:]) else word

    return re.sub(r"[A-Za-z][A-Za-z0-9.\-]*[A-Za-z0-9]", brace, title)


def bibtex_entry(key: str, paper: Paper) -> str:
    """A @misc entry for an arXiv paper, in the layout of catalog/references.bib."""
    fields = [
        ("title", _protect(_tex(paper.title))),
        ("author", " and ".join(bibtex_name(_tex(a)) for a in paper.authors)),
        ("year", paper.published[:4] or str(id_year(paper.arxiv_id))),
        ("eprint", paper.arxiv_id),
        ("archivePrefix", "arXiv"),
    ]
    if paper.primary_category:
        fields.append(("primaryClass", paper.primary_category))
    if paper.doi:
        fields.append(("doi", paper.doi))
    fields.append(("url", ABS_URL.format(id=paper.arxiv_id)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@misc{{{key},\n{body}\n}}\n"


def stub_entry(key: str, arxiv_id: str) -> str:
    """An entry written without arXiv's answer; its TODO fields keep validate.py failing until filled."""
    url = ABS_URL.format(id=arxiv_id)
    return (
        f"% TODO: written offline by scripts/new_model.py. Copy the title and authors from\n"
        f"% {url}, then delete these two comment lines.\n"
        f"@misc{{{key},\n"
        f"  title = {{TODO: the title of arXiv:{arxiv_id}}},\n"
        f"  author = {{TODO}},\n"
        f"  year = {{{id_year(arxiv_id)}}},\n"
        f"  eprint = {{{arxiv_id}}},\n"
        f"  archivePrefix = {{arXiv}},\n"
        f"  url = {{{url}}}\n"
        f"}}\n"
    )
