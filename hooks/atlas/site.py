"""Every generated page of the site, as {source path: Markdown} or {source path: renderer}. No MkDocs objects."""
from __future__ import annotations

from functools import partial
from typing import Callable

from atlas.records import Catalog
from atlas.render.facets import FACET_PAGES
from atlas.render.index_pages import models_index, organization_page, organizations_index, technique_page, techniques_index
from atlas.render.model_page import model_page, model_src

# Index pages are listed in the nav; the rest are reached through them.
NAV_PAGES = ("models/index.md", "organizations/index.md", "techniques/index.md", *FACET_PAGES)


def page_sources(catalog: Catalog, site_url: str, year: str) -> dict[str, Callable[[], str]]:
    """For every page generated from the catalog, keyed by its path under docs/, a function that renders its Markdown.

    The build renders each page only when MkDocs reads it, so it never holds every
    page's Markdown at once (hundreds of MB at 10,000 models).
    """
    pages: dict[str, Callable[[], str]] = {
        "models/index.md": partial(models_index, catalog),
        "organizations/index.md": partial(organizations_index, catalog),
        "techniques/index.md": partial(techniques_index, catalog),
    }
    for src, render_facet in FACET_PAGES.items():
        pages[src] = partial(render_facet, catalog)
    for model in catalog.models:
        pages[model_src(model.id)] = partial(model_page, model, catalog, site_url, year)
    used_orgs = {org for model in catalog.models for org in model.organizations}
    for org_id in sorted(catalog.organizations):
        if org_id in used_orgs or any(o.parent == org_id for o in catalog.organizations.values() if o.id in used_orgs):
            pages[f"organizations/{org_id}.md"] = partial(organization_page, org_id, catalog)
    for technique_id in sorted(catalog.techniques):
        pages[f"techniques/{technique_id}.md"] = partial(technique_page, technique_id, catalog)
    return pages


def generated_pages(catalog: Catalog, site_url: str, year: str) -> dict[str, str]:
    """Markdown for every page generated from the catalog, keyed by its path under docs/."""
    return {src: render() for src, render in page_sources(catalog, site_url, year).items()}


def edit_path(src_uri: str) -> str | None:
    """The catalog file behind a generated page, relative to the repository root."""
    if src_uri.startswith("models/") and src_uri != "models/index.md":
        return f"catalog/models/{src_uri[len('models/'):-3]}.yaml"
    if src_uri.startswith("organizations/"):
        return "catalog/organizations.yaml"
    if src_uri.startswith("techniques/"):
        return "catalog/techniques.yaml"
    return None
