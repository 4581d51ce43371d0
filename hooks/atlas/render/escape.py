"""Make catalog text inert on its way into Markdown pages and HTML.

Catalog strings are untrusted. Before they reach a page they are HTML-escaped and every
ASCII punctuation character becomes a numeric character reference, so neither Markdown,
nor a Markdown extension (attr_list, snippets, abbreviations, critic, citations), nor
the browser can read them as syntax. The text still displays exactly as written.
"""
from __future__ import annotations

import html
import re

from markupsafe import Markup

_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")
# Characters GitHub-flavoured Markdown reads as syntax inside a table cell.
_MARKDOWN_SYNTAX = re.compile(r"([\\`*_\[\]<>|~$&])")
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
_ATTRIBUTE = re.compile(r'="([^"]*)"')


def _entity(match: re.Match[str]) -> str:
    return f"&#{ord(match.group(0))};"


def inert(text: object) -> Markup:
    """Plain text -> HTML that no Markdown processor will reinterpret."""
    if isinstance(text, Markup):
        return text
    return Markup(_PUNCTUATION.sub(_entity, str(text)).replace("\n", "&#10;"))


def markdown_text(text: object) -> str:
    """Plain text -> Markdown that renders as written, yet stays readable as a raw file."""
    return _MARKDOWN_SYNTAX.sub(r"\\\1", str(text).replace("\n", " "))


def inert_html(fragment: str) -> Markup:
    """Sanitized HTML -> the same HTML with its text and attribute values made inert.

    Newlines become character references too, so the fragment is one line and
    Markdown keeps it as a single raw HTML block.
    """
    out = []
    for piece in _TAG_OR_TEXT.split(fragment):
        if piece.startswith("<"):
            out.append(_ATTRIBUTE.sub(lambda m: '="' + _PUNCTUATION.sub(_entity, html.unescape(m.group(1))) + '"', piece).replace("\n", " "))
        else:
            out.append(_PUNCTUATION.sub(_entity, html.unescape(piece)).replace("\n", "&#10;"))
    return Markup("".join(out))


def attribute(text: object) -> str:
    """Text for an HTML attribute value that a template does not escape itself."""
    return html.escape(str(text), quote=True)
