"""mkdocs-bibtex reads the catalog's references instead of parsing references.bib again.

mkdocs-bibtex 4.x (simple mode) parses the .bib file with pybtex when its registry is made,
then formats a reference with pybtex every time a page cites it: seconds at 1,000 models
and more than the rest of the build at 10,000. The catalog has already read the file, so:

- ``install`` makes the registry's ``parse_file`` return the catalog's entries for that
  file (every key, type and field; no names, which only formatting reads), and
- makes its ``reference_text`` return ``formatted_text`` of the catalog's reference, which
  formats each entry once and keeps the text in the build's memo, with the clean-up the
  registry applies (``_cleaned``).

Any other file, or a registry other than the simple one, is left to mkdocs-bibtex.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, MutableMapping

from atlas.bibliography import formatted_text
from atlas.records import Reference

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

_MARK = "_atlas_shim"


def entries(references: dict[str, Reference]) -> Any:
    """The catalog's references as pybtex BibliographyData: keys, types and fields."""
    from pybtex.database import BibliographyData, Entry

    return BibliographyData(entries={key: Entry(ref.type, fields=dict(ref.fields)) for key, ref in references.items()})


def share_parse(bib_file: Path, references: dict[str, Reference]) -> None:
    """Make mkdocs-bibtex's parse of ``bib_file`` return the catalog's entries (call before its on_config)."""
    import mkdocs_bibtex.registry as registry

    original = getattr(registry.parse_file, "__wrapped__", registry.parse_file)
    target = bib_file.resolve()

    def parse_file(file: Any, *args: Any, **kwargs: Any) -> Any:
        if not args and not kwargs and Path(file).resolve() == target:
            return entries(references)
        return original(file, *args, **kwargs)

    parse_file.__wrapped__ = original  # type: ignore[attr-defined]
    setattr(parse_file, _MARK, True)
    registry.parse_file = parse_file


def share_formatting(config: MkDocsConfig, references: dict[str, Reference], memo: MutableMapping[str, str]) -> None:
    """Make the registry's reference texts come from ``formatted_text`` (call after its on_config)."""
    from mkdocs_bibtex.registry import SimpleRegistry

    plugin = config.plugins.get("bibtex")
    registry = getattr(plugin, "registry", None)
    if type(registry) is not SimpleRegistry:
        return

    def reference_text(citation: Any) -> str:
        key = registry.bib_data.entries[citation.key].key  # keys ignore case, as BibTeX's do
        return _cleaned(formatted_text(references[key], memo))

    registry.reference_text = reference_text


def _cleaned(text: str) -> str:
    """What SimpleRegistry.reference_text (mkdocs-bibtex 4.4) does to pybtex's Markdown."""
    return text.replace("\n", " ").replace("\\(", "(").replace("\\)", ")").replace("\\.", ".")
