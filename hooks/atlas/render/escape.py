"""Make catalog text inert on its way into Markdown pages and HTML.

Catalog strings are untrusted. Before they reach a page they are HTML-escaped and every
ASCII punctuation character becomes a numeric character reference, so neither Markdown,
nor a Markdown extension (attr_list, snippets, abbreviations, critic, citations), nor
the browser can read them as syntax. The text still displays exactly as written.
"""
from __future__ import annotations

import html
import json
import re

from markupsafe import Markup

_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")
# Characters GitHub-flavoured Markdown reads as syntax inside a table cell.
_MARKDOWN_SYNTAX = re.compile(r"([\\`*_\[\]<>|~$&])")
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
_ATTRIBUTE = re.compile(r'="([^"]*)"')
_WEB_URL = re.compile(r"^https?://[^\s<>\"'`\\]+\Z", re.IGNORECASE)
# Inside <script>, these could end the element or the string; JSON allows them escaped.
_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


_BIBKEY = re.compile(r"^[A-Za-z][A-Za-z0-9_:-]*\Z")
# What a YAML reader refuses or reads as a line break; JSON leaves these unescaped.
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


class UnsafeValue(ValueError):
    """A value that validation should have refused reached a renderer."""


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


def url(text: object) -> Markup:
    """An http(s) URL for an href, inert; anything else raises UnsafeValue (the renderer checks itself)."""
    value = str(text)
    if not _WEB_URL.match(value):
        raise UnsafeValue(f"refusing to link to {value[:80]!r}: only http:// and https:// URLs are rendered")
    return inert(value)


def bibkey(text: str) -> str:
    """A BibTeX key for a [@key] citation; anything else raises UnsafeValue."""
    if not _BIBKEY.match(text):
        raise UnsafeValue(f"refusing to cite {text[:80]!r}: not a BibTeX key")
    return text


def fence(content: str) -> str:
    """A code fence longer than any run of backticks in ``content``, so it cannot be closed early."""
    longest = max((len(run) for run in re.findall(r"`+", content)), default=0)
    return "`" * max(3, longest + 1)


def script_json(data: object) -> Markup:
    """JSON for an inline <script type="application/json">: no text in it can close the element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return Markup("".join(_SCRIPT_UNSAFE.get(char, char) for char in text))


def front_matter(data: dict[str, object]) -> str:
    """Front matter for a generated page: ``data`` as one YAML flow mapping, written as JSON.

    JSON is YAML, and json.dumps is many times faster than yaml.safe_dump (a second at
    1,000 model pages); the few characters a YAML reader would refuse or fold as a line
    break are escaped as well.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(", ", ": "))
    return "---\n" + _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text) + "\n---\n\n"
