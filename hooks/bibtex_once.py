"""Make mkdocs-bibtex parse references.bib once and format each entry once per build.

mkdocs-bibtex 4.x (simple mode) parses the .bib file again after the catalog loader has
parsed it, and formats a reference with pybtex every time a page cites it: at 1,000
models that was a third of the build. Both fixes leave its output unchanged:

- ``share_parse`` hands the plugin the loader's pybtex data for the same bytes;
- ``format_once`` memoizes ``reference_text`` by citation key on the plugin's registry,
  which the plugin keeps across ``mkdocs serve`` rebuilds only while the file is unchanged.

If a future mkdocs-bibtex lacks these seams, both do nothing and the build is just slower.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from atlas.bibliography import last_parse

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

_MARK = "_atlas_format_once"


def share_parse() -> None:
    """Route mkdocs-bibtex's parse of a file through the loader's parse of the same bytes."""
    try:
        import mkdocs_bibtex.registry as registry
    except ImportError:  # pragma: no cover
        return
    original = getattr(registry, "parse_file", None)
    if original is None or getattr(original, _MARK, False):
        return

    def parse_file(file: Any, *args: Any, **kwargs: Any) -> Any:
        if not args and not kwargs:
            try:
                shared = last_parse(Path(file).read_bytes())
            except OSError:
                shared = None
            if shared is not None:
                return shared
        return original(file, *args, **kwargs)

    setattr(parse_file, _MARK, True)
    registry.parse_file = parse_file


def format_once(config: MkDocsConfig) -> None:
    """Memoize the bibtex plugin's reference formatting by key, for the life of its registry."""
    plugin = config.plugins.get("bibtex")
    registry = getattr(plugin, "registry", None)
    text: Callable[[Any], str] | None = getattr(registry, "reference_text", None)
    if registry is None or text is None or getattr(text, _MARK, False):
        return
    formatted: dict[str, str] = {}

    def reference_text(citation: Any) -> str:
        key = citation.key
        if key not in formatted:
            formatted[key] = text(citation)
        return formatted[key]

    setattr(reference_text, _MARK, True)
    registry.reference_text = reference_text
