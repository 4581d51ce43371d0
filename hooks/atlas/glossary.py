"""Hover definitions fed from the glossary: docs/glossary.md is the single source.

Each glossary entry is a definition list item. Its abbreviation keys are the short form in
parentheses ("CLIP (Contrastive Language-Image Pre-training)" -> CLIP, "Chain-of-thought
prompting (CoT)" -> CoT) and the term itself when it is one word with inner capitals
("LoRA", "Q-Former"). The hover text is the expansion plus the first sentence.
"""
from __future__ import annotations

import html
import re

ENTRY_RE = re.compile(r"^(?P<term>[^\s:][^\n]*)\n:   (?P<definition>.+)$", re.M)
SHORT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.+-]{0,15}$")
LINK_RE = re.compile(r"\[([^\]]+)\]\([^)]*\)")


def _first_sentence(text: str) -> str:
    plain = LINK_RE.sub(r"\1", text).replace("*", "").replace("`", "").replace('"', "'")
    match = re.match(r"(.+?[.!?])(\s|$)", plain)
    return (match.group(1) if match else plain).strip()


def _is_abbreviation(word: str) -> bool:
    capitals = sum(ch.isupper() for ch in word)
    return bool(SHORT_RE.match(word)) and (capitals >= 2 or (capitals == 1 and any(ch.isdigit() for ch in word)))


def abbreviations(glossary: str) -> dict[str, str]:
    """Abbreviation -> hover text, in glossary order."""
    out: dict[str, str] = {}
    for match in ENTRY_RE.finditer(glossary):
        term = match.group("term").strip()
        sentence = _first_sentence(match.group("definition"))
        head, _, rest = term.partition(" (")
        inner = rest.rstrip(")") if rest else ""
        if inner and _is_abbreviation(inner):
            out.setdefault(inner, f"{head}: {sentence}")
        if _is_abbreviation(head):
            out.setdefault(head, (f"{inner}: " if inner else "") + sentence)
    return out



DT_RE = re.compile(r"<dt>(?P<inner>.*?)</dt>", re.S)
TAG_RE = re.compile(r"<[^>]+>")


def term_slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def anchor_terms(page_html: str) -> str:
    """Give every term of the rendered glossary an anchor and a permalink: "#chain-of-thought-prompting",
    and for a short form in parentheses a second one ("#cot"), so other pages and readers can link to a term."""
    taken = set(re.findall(r'\bid="([^"]+)"', page_html))

    def anchor(match: re.Match[str]) -> str:
        inner = match.group("inner")
        text = html.unescape(TAG_RE.sub("", inner)).strip()
        head, _, rest = text.partition(" (")
        ids = []
        for candidate in (term_slug(head), term_slug(rest.rstrip(")")) if rest and _is_abbreviation(rest.rstrip(")")) else ""):
            if candidate and candidate not in taken:
                taken.add(candidate)
                ids.append(candidate)
        if not ids:
            return match.group(0)
        extra = "".join(f'<span id="{other}"></span>' for other in ids[1:])
        return (f'<dt id="{ids[0]}">{extra}{inner}'
                f'<a class="headerlink" href="#{ids[0]}" title="Link to this term">&para;</a></dt>')

    return DT_RE.sub(anchor, page_html)
