"""The HTML MkDocs writes: one byte per character, no template indentation, footnotes out of search.

Each pass leaves the page displaying the same. They run on every page, so each is one
regular-expression pass outside the elements whose text is not HTML or whose whitespace shows.
"""
from __future__ import annotations

import re
from typing import Callable

# Script and style elements, whose text is not HTML: character references stay literal there.
_RAW_TEXT = re.compile(r"(<(script|style)\b.*?</\2\s*>)", re.IGNORECASE | re.DOTALL)
_WIDE = re.compile("[^\x00-\xff]")
# Elements whose whitespace shows or is not HTML: their text is kept exactly.
_VERBATIM = re.compile(r"(<(pre|textarea|script|style)\b.*?</\2\s*>)", re.IGNORECASE | re.DOTALL)
_INDENTATION = re.compile(r"\n\s+")
FOOTNOTES = '<div class="footnote">'


def _outside(elements: re.Pattern[str], html_text: str, change: Callable[[str], str]) -> str:
    """``html_text`` with ``change`` applied to the text between matches of ``elements``, whose matches are kept as they are."""
    parts = elements.split(html_text)
    # split() yields text, then each match as (element, tag name): keep elements, drop names.
    return "".join(change(part) if index % 3 == 0 else part for index, part in enumerate(parts) if index % 3 != 2)


def narrow(html_text: str) -> str:
    """``html_text`` with every character above U+00FF written as a character reference, except in <script> and <style>.

    It displays the same. CPython stores a string in one byte per character only while
    every character is below U+0100, so one arrow or dash in a page doubled the memory
    MkDocs holds for it until the end of the build (about 170 MB at 10,000 models).
    """
    if html_text.isascii():
        return html_text
    return _outside(_RAW_TEXT, html_text, lambda text: _WIDE.sub(lambda m: f"&#x{ord(m.group(0)):x};", text))


def strip_indentation(html_text: str) -> str:
    """``html_text`` without the indentation and blank lines of its templates, except in <pre>, <textarea>, <script> and <style>.

    Each line break is kept, so text still breaks where it did; a browser shows a line
    break and indentation as one space either way. Material's templates indent every
    page by about 6.5 KB.
    """
    return _outside(_VERBATIM, html_text, lambda text: _INDENTATION.sub("\n", text))


def exclude_footnotes(html_text: str) -> str:
    """Bibliography footnotes would triple the search index; Material's search skips data-search-exclude."""
    return html_text.replace(FOOTNOTES, '<div class="footnote" data-search-exclude>')
