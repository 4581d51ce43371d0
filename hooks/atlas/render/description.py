"""Contributor Markdown (the `description` field) -> sanitized HTML.

Allowed: paragraphs, emphasis, inline code and code blocks, lists, block quotes,
headings of level 3-4, and absolute http(s) links (a relative or other link keeps its
text and loses its target). Raw HTML is shown as text, not interpreted; images are dropped.
Only fenced code and sane lists are enabled here, so attr_list ({: onclick=...}), snippets (--8<--)
and templates ({{ }}) have no effect; the result is then sanitized with nh3 as a
second line of defence.
"""
from __future__ import annotations

from functools import lru_cache

import markdown
import nh3

from atlas.render.escape import inert_html

ALLOWED_TAGS = {"p", "em", "strong", "code", "pre", "ul", "ol", "li", "blockquote", "h3", "h4", "a", "br", "hr"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https"}


@lru_cache(maxsize=1)
def _converter() -> markdown.Markdown:
    """One converter for every description (building one costs more than most conversions); reset before each use."""
    md = markdown.Markdown(extensions=["fenced_code", "sane_lists"], output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


def to_html(text: str) -> str:
    """Render a description to sanitized HTML (headings shifted below the page's own)."""
    rendered = _converter().reset().convert(text)
    for level in (2, 1):
        rendered = rendered.replace(f"<h{level}>", f"<h{level + 2}>").replace(f"</h{level}>", f"</h{level + 2}>")
    return nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
        url_relative="deny",
    )


def to_inert_html(text: str) -> str:
    """Sanitized description HTML, safe to place inside a generated Markdown page."""
    return str(inert_html(to_html(text)))
