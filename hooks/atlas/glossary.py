"""The site-wide abbreviations in docs/includes/abbreviations.md, as a glossary mapping.

Appending that file to every page (pymdownx.snippets' auto_append) made Python-Markdown
parse the same 50 definitions once per page, most of the render time at 1,000 models.
Handing them to the abbr extension as its ``glossary`` gives the same HTML, parsed once.
"""
from __future__ import annotations

import re

# Python-Markdown's own definition syntax: *[ABBR]: title
DEFINITION_RE = re.compile(r"^[ ]{0,3}\*\[(?P<abbr>[^\\]*?)\][ ]?:[ ]*\n?[ ]*(?P<title>.*)$")


def parse_abbreviations(text: str, path: str) -> dict[str, str]:
    """``*[ABBR]: title`` lines as {ABBR: title}; any other non-blank line is an error."""
    glossary: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = DEFINITION_RE.match(line)
        if not match or not match.group("abbr").strip():
            raise ValueError(f"{path}:{number}: expected an abbreviation such as '*[LLM]: Large language model', got {line!r}")
        glossary[match.group("abbr").strip()] = match.group("title").strip()
    return glossary
