"""The state of one build: the catalog, the git dates, every generated page and export. No MkDocs objects.

A ``Site`` is made once per build (``Site.load``) and the MkDocs hooks only hand its
pages and exports to MkDocs.
"""
from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterator

from atlas.bibliography import MAX_BYTES as BIB_MAX_BYTES
from atlas.cache import Cache, stamp
from atlas.fulltext import FullTextIndex
from atlas.history import EntryHistory, entry_histories
from atlas.files import MAX_SCHEMA_BYTES, read_regular
from atlas.pipeline import load_catalog
from atlas.problems import CatalogError, Problem
from atlas.records import Catalog
from atlas.render import links
from atlas.render.benchmarks import benchmark_page, benchmarks_index
from atlas.render.catalog_table import column_files
from atlas.render.compare import compare_files
from atlas.render.exports import benchmarks_json, families_json, models_csv, models_json, results_csv, results_json
from atlas.render.families import families_index, family_page
from atlas.render.facets import FACET_PAGES
from atlas.render.index_pages import models_index, organization_page, organizations_index, technique_page, techniques_index
from atlas.render.lineage import neighbours
from atlas.render.model_page import model_page
from atlas.render.search_index import entity_index, material_index_stub
from atlas.render.whats_new import atom_feed, changes_json
from atlas.schema import SCHEMA_DIR
from atlas.validate import suggest
from atlas import vocabulary

# Index pages are listed in the nav; the rest are reached through them.
NAV_PAGES = tuple(links.index_src(kind) for kind in links.FOLDERS) + tuple(FACET_PAGES)
MEMO = "bibtex-text"


def build_year() -> str:
    """The year stamped into citations: from SOURCE_DATE_EPOCH when set, for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch else dt.datetime.now(dt.timezone.utc)
    return str(moment.year)


@dataclass
class Site:
    """One build's catalog, dates and pages; ``memos`` keeps work the next build can reuse (the cache)."""

    root: Path
    catalog: Catalog
    history: dict[str, EntryHistory]
    site_url: str
    year: str
    cache: Cache
    pages: dict[str, Callable[[], str]] = field(default_factory=dict)
    # The exports wait here, on disk, for MkDocs to copy them.
    outbox: tempfile.TemporaryDirectory[str] | None = None
    # The full-text index (Pagefind's service), fed each page as MkDocs writes it.
    fulltext: FullTextIndex | None = None
    entities_seconds: float = 0.0  # time spent making search/entities.json

    preview: str | None = None
    # The navigation section each kind of catalog page sits under (models -> "Models"), from on_nav.
    sections: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, root: Path, site_url: str, cache_dir: Path | None, preview: str | None = None) -> Site:
        """Load and check the catalog; raises CatalogError with every problem.

        With ``preview`` (a model id), only the pages that model appears on are made: its
        own, its lineage neighbours', its organizations' and techniques'.
        """
        lacking = vocabulary.problems()
        if lacking:
            raise CatalogError(lacking)
        cache = Cache(cache_dir, stamp(SCHEMA_DIR))
        catalog, problems = load_catalog(root, cache=cache)
        if catalog is None:
            raise CatalogError(problems)
        if preview is not None and not catalog.has_model(preview):
            raise CatalogError([Problem("catalog/models", 1, "preview", f"no model {preview!r} to preview{suggest(preview, [m.id for m in catalog.models])}")])
        site = cls(root, catalog, entry_histories(root), site_url or "/", build_year(), cache, preview=preview)
        site.pages = page_sources(catalog, site.site_url, site.year, site.history)
        if preview is not None:
            wanted = preview_pages(catalog, preview)
            site.pages = {src: render for src, render in site.pages.items() if src in wanted}
        return site

    @property
    def bibtex_memo(self) -> dict[Any, Any]:
        return self.cache.memo(MEMO)

    def exports(self) -> Iterator[tuple[str, str | bytes]]:
        """The machine-readable files published with the site, by their path in it, made one at a time (none in a preview)."""
        if self.preview is not None:
            return
        # The header search box's model finder, and the stub Material's bundle still fetches.
        start = time.perf_counter()
        entities = entity_index(self.catalog, self.pages)
        self.entities_seconds = time.perf_counter() - start
        yield "search/entities.json", entities
        yield "search/search_index.json", material_index_stub()
        yield "api/models.json", models_json(self.catalog, self.site_url)
        yield "api/models.csv", models_csv(self.catalog, self.site_url)
        yield "api/results.json", results_json(self.catalog, self.site_url)
        yield "api/results.csv", results_csv(self.catalog, self.site_url)
        yield "api/benchmarks.json", benchmarks_json(self.catalog, self.site_url)
        yield "api/families.json", families_json(self.catalog, self.site_url)
        yield "api/changes.json", changes_json(self.catalog, self.history, self.site_url)
        yield "feed.xml", atom_feed(self.catalog, self.history, self.site_url)
        yield from compare_files(self.catalog).items()
        yield from column_files(self.catalog)
        # Read without following links: the pipeline has refused any link or special file under catalog/.
        yield "api/references.bib", read_regular(self.root / "catalog" / "references.bib", BIB_MAX_BYTES)
        for schema in sorted((self.root / "catalog" / "schema").glob("*.json")):
            yield f"schema/{schema.name}", read_regular(schema, MAX_SCHEMA_BYTES)

    def close(self) -> None:
        """Remove the exports' folder and keep what this build learned (the formatted references) for the next one."""
        if self.outbox is not None:
            self.outbox.cleanup()
            self.outbox = None
        if self.fulltext is not None:
            self.fulltext.close()
            self.fulltext = None
        self.cache.save()


def page_sources(catalog: Catalog, site_url: str, year: str, history: dict[str, EntryHistory] | None = None) -> dict[str, Callable[[], str]]:
    """For every page generated from the catalog, keyed by its path under docs/, a function that renders its Markdown.

    The build renders each page only when MkDocs reads it, so it never holds every
    page's Markdown at once (hundreds of MB at 10,000 models).
    """
    pages: dict[str, Callable[[], str]] = {
        links.index_src("model"): partial(models_index, catalog),
        links.index_src("organization"): partial(organizations_index, catalog),
        links.index_src("technique"): partial(techniques_index, catalog),
        links.index_src("benchmark"): partial(benchmarks_index, catalog),
        links.index_src("family"): partial(families_index, catalog),
    }
    for src, render_facet in FACET_PAGES.items():
        pages[src] = partial(render_facet, catalog)
    used_orgs = {org for model in catalog.models for org in model.organizations}
    for org_id in sorted(catalog.organizations):
        if org_id in used_orgs or any(o.parent == org_id for o in catalog.organizations.values() if o.id in used_orgs):
            pages[links.src("organization", org_id)] = partial(organization_page, org_id, catalog)
    for technique_id in sorted(catalog.techniques):
        pages[links.src("technique", technique_id)] = partial(technique_page, technique_id, catalog)
    for benchmark_id in sorted(catalog.benchmarks):
        pages[links.src("benchmark", benchmark_id)] = partial(benchmark_page, benchmark_id, catalog)
    for family_id in sorted(catalog.families):
        if catalog.by_family(family_id):
            pages[links.src("family", family_id)] = partial(family_page, family_id, catalog)
    # Model pages last: MkDocs renders in this order, and the long listings above, rendered
    # while memory is still small, do not raise the build's peak at the end.
    for model in catalog.models:
        pages[links.model_src(model.id)] = partial(model_page, model, catalog, site_url, year, (history or {}).get(model.id), bool(history))
    return pages


def preview_pages(catalog: Catalog, model_id: str) -> set[str]:
    """The generated pages a contributor previewing ``model_id`` needs: where the entry shows."""
    model = catalog.model(model_id)
    pages = {links.model_src(other) for other in neighbours(catalog, model_id)}
    pages |= {links.src("organization", org) for org in model.organizations}
    pages |= {links.src("technique", technique) for technique in model.techniques}
    pages |= {links.src("benchmark", result.benchmark) for result in model.results}
    if model.family:
        pages.add(links.src("family", model.family))
    return pages


def generated_pages(catalog: Catalog, site_url: str, year: str, history: dict[str, EntryHistory] | None = None) -> dict[str, str]:
    """Markdown for every page generated from the catalog, keyed by its path under docs/."""
    return {src: render() for src, render in page_sources(catalog, site_url, year, history).items()}
