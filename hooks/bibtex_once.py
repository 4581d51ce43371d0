"""Make mkdocs-bibtex parse references.bib once and format each entry once per build.

mkdocs-bibtex 4.x (simple mode) parses the .bib file again after the catalog loader has
parsed it, and formats a reference with pybtex every time a page cites it: at 1,000
models that was a third of the build. Both fixes leave its output unchanged:

- ``share_parse`` hands the plugin the loader's pybtex data for the same bytes;
- ``format_once`` memoizes ``reference_text`` by citation key on the plugin's registry,
  which the plugin keeps across ``mkdocs serve`` rebuilds only while the file is unchanged,
  and starts from the text the loader formatted each entry to while checking it, when
  the registry holds that very entry and formats the way the loader does.

If a future mkdocs-bibtex lacks these seams, both do nothing and the build is just slower.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from atlas.bibliography import formatted_text, last_parse

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
    shareable = _formats_like_the_loader(registry)

    def reference_text(citation: Any) -> str:
        key = citation.key
        if key not in formatted:
            known = formatted_text(registry.bib_data.entries.get(key)) if shareable else None
            formatted[key] = text(citation) if known is None else _cleaned(known)
        return formatted[key]

    setattr(reference_text, _MARK, True)
    registry.reference_text = reference_text


def _formats_like_the_loader(registry: Any) -> bool:
    """True if the registry is mkdocs-bibtex's simple one, with pybtex's plain style and Markdown backend."""
    try:
        from mkdocs_bibtex.registry import SimpleRegistry
        from pybtex.backends.markdown import Backend as MarkdownBackend
        from pybtex.style.formatting.plain import Style as PlainStyle
    except ImportError:  # pragma: no cover
        return False
    return (type(registry) is SimpleRegistry and type(getattr(registry, "style", None)) is PlainStyle
            and type(getattr(registry, "backend", None)) is MarkdownBackend)


def _cleaned(text: str) -> str:
    """What SimpleRegistry.reference_text (mkdocs-bibtex 4.4) does to pybtex's Markdown."""
    return text.replace("\n", " ").replace("\\(", "(").replace("\\)", ")").replace("\\.", ".")
