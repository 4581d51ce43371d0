"""MkDocs hooks: thin glue around the atlas package (load -> check -> render).

MkDocs puts hooks/ on sys.path while it loads this file, so the imports below find the
atlas package; scripts and tests import it the same way. The build's state lives on one
``Site`` object, made in on_config.
"""
from __future__ import annotations

import json
import logging
import os
import posixpath
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, InclusionLevel

from atlas.fulltext import FullTextError, FullTextIndex
from atlas.glossary import abbreviations, anchor_terms
from atlas.problems import CatalogError
from atlas.render.directives import DirectiveError, expand
from atlas.render.links import FOLDERS, edit_path, index_src, kind_of
from atlas.shims import abbr, bibtex, html, navigation
from atlas.site import NAV_PAGES, Site

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

# The repository root; tests point ATLAS_ROOT at a fixture catalog instead.
ROOT = Path(os.environ.get("ATLAS_ROOT") or Path(__file__).resolve().parents[1]).resolve()
# The glossary page feeds the site-wide abbreviations, given to the abbr extension as its glossary.
GLOSSARY = "glossary.md"

site: Site | None = None  # the one state object of the build, made in on_config
log = logging.getLogger("mkdocs.hooks.atlas")


@event_priority(100)  # before mkdocs-bibtex, which then reads the catalog's references
def on_config(config: MkDocsConfig, **kwargs: Any) -> MkDocsConfig:
    global site
    try:
        site = Site.load(ROOT, config.site_url, Path(os.environ.get("ATLAS_CACHE_DIR") or ROOT / ".cache"), os.environ.get("ATLAS_PREVIEW") or None)
    except CatalogError as exc:
        raise PluginError(f"The catalog has {len(exc.problems)} problem(s); fix them and build again:\n{exc}") from None
    bibtex.share_parse(ROOT / "catalog" / "references.bib", site.catalog.references)
    if site.preview is not None:
        # A preview builds a few pages; links to the others are expected to go nowhere.
        for group in (config.validation.links, config.validation.nav):
            for name in group:
                group[name] = logging.DEBUG
    glossary = Path(config.docs_dir) / GLOSSARY
    if glossary.is_file():
        abbr.install(config, abbreviations(glossary.read_text(encoding="utf-8")))
    return config


@event_priority(100)  # before other plugins (htmlproofer, tags) take their copy of the files
def on_files(files: Files, config: MkDocsConfig, **kwargs: Any) -> Files:
    assert site is not None
    bibtex.share_formatting(config, site.catalog.references, site.bibtex_memo)
    if site.preview is not None:  # only the home page of the hand-written ones
        for file in [f for f in files.documentation_pages() if f.src_uri != "index.md"]:
            files.remove(file)
    for src_uri in site.pages:
        # Each page's Markdown is rendered when MkDocs reads it (on_page_read_source).
        file = File.generated(config, src_uri, content="")
        if src_uri not in NAV_PAGES:
            file.inclusion = InclusionLevel.NOT_IN_NAV
        source = edit_path(src_uri)
        if source:
            file.edit_uri = "../" + source  # relative to edit_uri (".../edit/main/docs/"), so "Edit" opens the YAML
        files.append(file)
    if site.preview is None:  # a preview has a few pages and no search
        try:
            site.fulltext = FullTextIndex()
        except (FullTextError, OSError) as exc:
            raise PluginError(f"The full-text index cannot start: {exc}") from None
    # The exports (tens of MB at 10,000 models) wait on disk, not in memory, for MkDocs to copy them.
    site.outbox = tempfile.TemporaryDirectory(prefix="atlas-exports-")
    for src_uri, content in site.exports():
        path = Path(site.outbox.name, src_uri)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        files.append(File.generated(config, src_uri, abs_src_path=str(path)))
    return files


def on_nav(nav: Navigation, files: Files, **kwargs: Any) -> Navigation:
    assert site is not None
    site.sections = navigation.sections(nav, {kind: index_src(kind) for kind in FOLDERS})
    return nav


def on_pre_page(page: Page, **kwargs: Any) -> Page:
    if site is not None and page.file.generated_by:
        navigation.place(page, site.sections.get(kind_of(page.file.src_uri)))
    return page


def on_page_read_source(page: Page, **kwargs: Any) -> str | None:
    render = site.pages.get(page.file.src_uri) if site is not None and page.file.generated_by else None
    return render() if render is not None else None


def on_env(env: Environment, **kwargs: Any) -> Environment:
    navigation.install(env)
    return env


@event_priority(50)  # before mkdocs-bibtex, so expanded content is cited like the rest
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, **kwargs: Any) -> str:
    if site is not None and not page.file.generated_by and "<!--" in markdown:
        try:
            markdown = expand(markdown, site.catalog, page.file.src_uri, site.history)
        except DirectiveError as exc:
            raise PluginError(f"docs/{page.file.src_uri}: {exc}") from None
    return markdown


def on_page_context(context: dict[str, Any], page: Page, **kwargs: Any) -> dict[str, Any]:
    if page.edit_url and "/../" in page.edit_url:
        # Without repo_url MkDocs leaves "docs/../catalog/..." as is; tidy it.
        parts = urlsplit(page.edit_url)
        page.edit_url = urlunsplit(parts._replace(path=posixpath.normpath(parts.path)))
    return context


def on_page_content(content: str, page: Page, **kwargs: Any) -> str:
    if site is not None and page.file.src_uri in site.pages:
        # Rendered: MkDocs would keep this Markdown until the end of the build (about 100 MB
        # at 10,000 models). The page's title is in its front matter, so nothing reads it again.
        page.markdown = ""
    if page.file.src_uri == GLOSSARY:
        content = anchor_terms(content)
    return html.narrow(html.exclude_footnotes(content))


def on_post_page(output: str, page: Page, **kwargs: Any) -> str:
    output = html.strip_indentation(output)
    if site is not None and site.fulltext is not None:
        site.fulltext.add("/" + page.url, output)
    return output


def on_post_build(config: MkDocsConfig, **kwargs: Any) -> None:
    if site is None:
        return
    try:
        if site.fulltext is not None:
            site.fulltext.write(Path(config.site_dir))
            log.info("Full-text index (Pagefind): %d pages, %.1f s of this build's time", site.fulltext.pages, site.fulltext.busy_seconds)
            report = os.environ.get("ATLAS_SEARCH_TIMING")  # scripts/bench.py reads the index's share of the build here
            if report:
                Path(report).write_text(json.dumps({"pages": site.fulltext.pages, "fulltext_s": site.fulltext.busy_seconds, "entities_s": site.entities_seconds}), encoding="utf-8")
    except FullTextError as exc:
        raise PluginError(str(exc)) from None
    finally:
        site.close()


def on_build_error(**kwargs: Any) -> None:
    # A failed build still ends the full-text service and removes the exports' folder.
    if site is not None:
        site.close()
