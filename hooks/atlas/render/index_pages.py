"""The catalog index, organization pages and technique pages."""
from __future__ import annotations

from collections import Counter

from atlas.records import Catalog, sort_models
from atlas.render.catalog_table import catalog_table
from atlas.render.escape import attribute, front_matter, inert, url
from atlas.render.links import index_src, src
from atlas.render.tables import models_table
from atlas.render.templating import md_link
from atlas.vocabulary import KIND_LABELS, ORG_TYPE_LABELS, TECHNIQUE_CATEGORY_LABELS as CATEGORY_LABELS

def _front(title: str, description: str, hide_toc: bool = False, searchable: bool = True) -> str:
    # Material prints both unescaped (see model_page.front_matter).
    data: dict[str, object] = {"title": attribute(title), "description": attribute(description)}
    if hide_toc:
        data["hide"] = ["toc"]
    if not searchable:
        # Listing pages repeat every model name; the model pages themselves should rank.
        data["search"] = {"exclude": True}
    return front_matter(data)


def models_index(catalog: Catalog) -> str:
    """models/index.md: every model in one table, newest first."""
    kinds = Counter(model.kind for model in catalog.models)
    summary = ", ".join(f"{KIND_LABELS[kind]}: {count}" for kind, count in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))
    return (
        # One table row per model: in the search index it would grow with the catalog and only repeat the model pages.
        _front("Model catalog", "Every model in the MM-LLM Atlas with its developers, release date, kind, modalities, size and openness.", hide_toc=True, searchable=False)
        + "# Model catalog\n\n"
        + f"The Atlas lists **{len(catalog.models)} models** ({inert(summary)}). "
        + "Each row links to the model's page, where every fact is cited. "
        + "The data is also published as [JSON](../api/models.json) and [CSV](../api/models.csv).\n\n"
        + str(catalog_table(sort_models(catalog.models), catalog, "../"))
        + "\n"
    )


def organizations_index(catalog: Catalog) -> str:
    here = index_src("organization")
    lines = ["| Organization | Type | Country | Models |", "| --- | --- | --- | --- |"]
    for org in sorted(catalog.organizations.values(), key=lambda o: o.name.casefold()):
        count = len(catalog.by_organization(org.id))
        if not count:
            continue
        lines.append(f"| {md_link(org.name, src('organization', org.id), here)} | {ORG_TYPE_LABELS[org.type]} | {inert(org.country or '–')} | {count} |")
    return _front("Organizations", "The companies, universities and collectives behind the models in the Atlas.") + "# Organizations\n\n" + "\n".join(lines) + "\n"


def organization_page(org_id: str, catalog: Catalog) -> str:
    org = catalog.organizations[org_id]
    here = src("organization", org_id)
    models = catalog.by_organization(org_id)
    facts = [f"**Type:** {ORG_TYPE_LABELS[org.type]}"]
    if org.country:
        facts.append(f"**Country:** {inert(org.country)}")
    if org.parent:
        facts.append(f"**Part of:** {md_link(catalog.organizations[org.parent].name, src('organization', org.parent), here)}")
    if org.website:
        facts.append(f'**Website:** <a href="{url(org.website)}" rel="nofollow noopener">{inert(org.website)}</a>')
    body = f"# {inert(org.name)}\n\n" + " · ".join(facts) + "\n\n"
    body += f"## Models ({len(models)}) {{ data-search-exclude }}\n\n" + (models_table(models, catalog, here, ("name", "released", "kind", "modalities", "parameters", "weights")) if models else "No catalog model yet.\n")
    return _front(org.name, f"Models developed by {org.name} in the MM-LLM Atlas.") + body


def techniques_index(catalog: Catalog) -> str:
    here = index_src("technique")
    body = "# Techniques\n\nThe methods that catalog entries list, grouped by where they act. Each page explains the technique, cites the paper that introduced it and lists the models that use it.\n\n"
    for category, label in CATEGORY_LABELS.items():
        members = sorted((t for t in catalog.techniques.values() if t.category == category), key=lambda t: t.name.casefold())
        if not members:
            continue
        body += f"## {label}\n\n| Technique | Models | Summary |\n| --- | --- | --- |\n"
        for tech in members:
            body += f"| {md_link(tech.name, src('technique', tech.id), here)} | {len(catalog.by_technique(tech.id))} | {inert(tech.summary)} |\n"
        body += "\n"
    return _front("Techniques", "Training, tuning, alignment and architecture techniques used by the models in the Atlas.") + body


def technique_page(technique_id: str, catalog: Catalog) -> str:
    tech = catalog.techniques[technique_id]
    here = src("technique", technique_id)
    models = catalog.by_technique(technique_id)
    body = f"# {inert(tech.name)}\n\n{inert(tech.summary)}"
    if tech.references:
        body += " " + "".join(f"[@{ref}]" for ref in tech.references)
    body += "\n\n"
    if tech.aliases:
        body += "**Also called:** " + ", ".join(str(inert(a)) for a in tech.aliases) + "\n\n"
    body += f"**Category:** {inert(CATEGORY_LABELS[tech.category])}\n\n"
    body += f"## Models using it ({len(models)}) {{ data-search-exclude }}\n\n" + (models_table(models, catalog, here, ("name", "organizations", "released", "kind", "weights")) if models else "No catalog model lists this technique yet.\n")
    body += "\n## References\n\n\\bibliography\n"
    return _front(tech.name, tech.summary) + body

