"""MkDocs hooks: thin glue around the atlas package (load -> validate -> render).

MkDocs puts hooks/ on sys.path while it loads this file, so the imports below find the
atlas package; scripts and tests import it the same way.
"""
from __future__ import annotations

import datetime as dt
import os
import posixpath
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator
from urllib.parse import urlsplit, urlunsplit

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, InclusionLevel

from atlas.render.directives import DirectiveError, expand
from atlas.glossary import abbreviations as glossary_abbreviations
from atlas.history import entry_dates
from atlas.shared_nav import SharedNav
from atlas.render.escape import narrow, strip_indentation
from atlas.render.exports import models_csv, models_json
from atlas.render.whats_new import atom_feed
from atlas.site import NAV_PAGES, edit_path, page_sources
from atlas.validate import load_catalog
from bibtex_once import format_once, share_parse

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

# The repository root; tests point ATLAS_ROOT at a fixture catalog instead.
ROOT = Path(os.environ.get("ATLAS_ROOT") or Path(__file__).resolve().parents[1]).resolve()
# The glossary page feeds the site-wide abbreviations, given to the abbr extension as its glossary.
GLOSSARY = "glossary.md"
ABBR_EXTENSION = "atlas.abbreviations"
_state: dict[str, Any] = {}
share_parse()


def build_year() -> str:
    """The year stamped into citations: from SOURCE_DATE_EPOCH when set, for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch else dt.datetime.now(dt.timezone.utc)
    return str(moment.year)


@event_priority(100)  # before mkdocs-bibtex, which then reuses this parse of references.bib
def on_config(config: MkDocsConfig, **kwargs: Any) -> MkDocsConfig:
    catalog, problems = load_catalog(ROOT, cache_dir=Path(os.environ.get("ATLAS_CACHE_DIR") or ROOT / ".cache"))
    if problems:
        lines = "\n".join(str(p) for p in problems)
        raise PluginError(f"The catalog has {len(problems)} problem(s); fix them and build again:\n{lines}")
    _state["catalog"] = catalog
    _state["dates"] = entry_dates(ROOT)
    _state["site_url"] = config.site_url or "/"
    glossary = Path(config.docs_dir) / GLOSSARY
    if "abbr" in config.markdown_extensions and glossary.is_file():
        # Hover definitions fed from the glossary, given once to abbr rather than appended to
        # every page (which cost most of the render time); atlas.abbreviations is abbr with a
        # linear tree walk (importable: this file imported it).
        abbreviations = glossary_abbreviations(glossary.read_text(encoding="utf-8"))
        config.markdown_extensions[config.markdown_extensions.index("abbr")] = ABBR_EXTENSION
        config.mdx_configs[ABBR_EXTENSION] = {**config.mdx_configs.pop("abbr", {}), "glossary": abbreviations}
    return config


@event_priority(100)  # before other plugins (htmlproofer, tags) take their copy of the files
def on_files(files: Files, config: MkDocsConfig, **kwargs: Any) -> Files:
    format_once(config)
    catalog = _state["catalog"]
    # Each page's Markdown is rendered when MkDocs reads the page (on_page_read_source),
    # so the build never holds all of it at once.
    _state["sources"] = page_sources(catalog, _state["site_url"], build_year())
    for src_uri in _state["sources"]:
        file = File.generated(config, src_uri, content="")
        if src_uri not in NAV_PAGES:
            file.inclusion = InclusionLevel.NOT_IN_NAV
        source = edit_path(src_uri)
        if source:
            # Relative to edit_uri (".../edit/main/docs/"), so "Edit" opens the YAML.
            file.edit_uri = "../" + source
        files.append(file)
    # The exports (tens of MB at 10,000 models) wait on disk, not in memory, for MkDocs to copy them.
    _state["exports"] = outbox = tempfile.TemporaryDirectory(prefix="atlas-exports-")
    for src_uri, content in exports(catalog):
        path = Path(outbox.name, src_uri)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        files.append(File.generated(config, src_uri, abs_src_path=str(path)))
    return files


def on_page_read_source(page: Page, **kwargs: Any) -> str | None:
    render = _state["sources"].get(page.file.src_uri) if page.file.generated_by else None
    return render() if render is not None else None


def on_post_build(**kwargs: Any) -> None:
    outbox = _state.pop("exports", None)
    if outbox is not None:
        outbox.cleanup()


def exports(catalog: Any) -> Iterator[tuple[str, str | bytes]]:
    """The machine-readable files published with the site, by their path in it, made one at a time."""
    yield "api/models.json", models_json(catalog, _state["site_url"])
    yield "api/models.csv", models_csv(catalog, _state["site_url"])
    yield "feed.xml", atom_feed(catalog, _state["dates"], _state["site_url"])
    yield "api/references.bib", (ROOT / "catalog" / "references.bib").read_bytes()
    for schema in sorted((ROOT / "catalog" / "schema").glob("*.json")):
        yield f"schema/{schema.name}", schema.read_bytes()


def on_env(env: Environment, **kwargs: Any) -> Environment:
    env.globals["atlas_shared_nav"] = SharedNav()  # a fresh one per build
    return env


@event_priority(50)  # before mkdocs-bibtex, so expanded content is cited like the rest
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, **kwargs: Any) -> str:
    if not page.file.generated_by and "<!--" in markdown:
        try:
            markdown = expand(markdown, _state["catalog"], page.file.src_uri, _state["dates"])
        except DirectiveError as exc:
            raise PluginError(f"docs/{page.file.src_uri}: {exc}") from None
    return markdown


def on_page_context(context: dict[str, Any], page: Page, **kwargs: Any) -> dict[str, Any]:
    if page.edit_url and "/../" in page.edit_url:
        # Without repo_url MkDocs leaves "docs/../catalog/..." as is; tidy it.
        parts = urlsplit(page.edit_url)
        page.edit_url = urlunsplit(parts._replace(path=posixpath.normpath(parts.path)))
    return context


def on_post_page(output: str, page: Page, **kwargs: Any) -> str:
    return strip_indentation(output)


def on_page_content(html: str, page: Page, **kwargs: Any) -> str:
    if page.file.src_uri in _state.get("sources", ()):
        # Rendered: MkDocs would keep this Markdown until the end of the build (about 100 MB
        # at 10,000 models). The page's title is in its front matter, so nothing reads it again.
        page.markdown = ""
    # Bibliography footnotes would triple the search index; keep them out of it.
    return narrow(html.replace('<div class="footnote">', '<div class="footnote" data-search-exclude>'))
