"""Python-Markdown's abbr with a linear tree walk, for the site-wide abbreviations.

The abbreviations (built from docs/glossary.md by atlas.glossary) used to be appended to
every page, so Python-Markdown parsed the same 50 definitions once per page: most of the
render time at 1,000 models. Given once to the abbr extension as its ``glossary``, they
produce the same HTML.

The stock abbr tree walk finds each element's place with ``list(parent).index(el)``,
which is quadratic in the number of siblings: on a 10,000-row table (the catalog, the
tags page) it costs seconds. ``makeExtension`` returns abbr with that one step made
linear; the output is the same.
"""
from __future__ import annotations

from typing import Any

from markdown.extensions.abbr import AbbrExtension, AbbrTreeprocessor
from markdown.util import AtomicString


class LinearAbbrTreeprocessor(AbbrTreeprocessor):
    """AbbrTreeprocessor that passes each child's position down instead of searching for it."""

    def iter_element(self, el: Any, parent: Any = None, position: int = 0) -> None:
        for index, child in reversed(list(enumerate(el))):
            self.iter_element(child, el, index)
        if text := el.text:
            if not isinstance(text, AtomicString):
                for m in reversed(list(self.RE.finditer(text))):
                    if self.abbrs[m.group(0)]:
                        abbr = self.create_element(self.abbrs[m.group(0)], m.group(0), text[m.end():])
                        el.insert(0, abbr)
                        text = text[:m.start()]
                el.text = text
        if parent is not None and el.tail:
            tail = el.tail
            # Later siblings were handled first and only insert after themselves, so this is still el's place.
            index = position + 1
            if not isinstance(tail, AtomicString):
                for m in reversed(list(self.RE.finditer(tail))):
                    if self.abbrs[m.group(0)]:
                        abbr = self.create_element(self.abbrs[m.group(0)], m.group(0), tail[m.end():])
                        parent.insert(index, abbr)
                        tail = tail[:m.start()]
                el.tail = tail


class LinearAbbrExtension(AbbrExtension):
    """The abbr extension with LinearAbbrTreeprocessor."""

    def extendMarkdown(self, md: Any) -> None:  # noqa: N802 (Python-Markdown's name)
        super().extendMarkdown(md)
        md.treeprocessors.register(LinearAbbrTreeprocessor(md, self.abbrs), "abbr", 7)


def makeExtension(**kwargs: Any) -> LinearAbbrExtension:  # noqa: N802 (Python-Markdown's entry point)
    return LinearAbbrExtension(**kwargs)


def install(config: Any, glossary: dict[str, str]) -> None:
    """Replace the site's abbr extension with this one, given the glossary's abbreviations once."""
    if "abbr" not in config.markdown_extensions:
        return
    options = config.mdx_configs.pop("abbr", {})
    config.markdown_extensions[config.markdown_extensions.index("abbr")] = LinearAbbrExtension(**options, glossary=glossary)
