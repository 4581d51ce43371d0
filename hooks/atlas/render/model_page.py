"""The page of one model: infobox, description, architecture, lineage, sources, citation."""
from __future__ import annotations

from urllib.parse import urlencode

from markupsafe import Markup

from atlas.records import Catalog, Model, Reference, human_date
from atlas.render.description import to_inert_html
from atlas.render.escape import attribute, bibkey, fence, inert, url
from atlas.render.escape import front_matter as yaml_front_matter
from atlas.render.lineage import neighbourhood
from atlas.render.links import model_src, model_url, src
from atlas.render.templating import md_link, render
from atlas.vocabulary import KIND_LABELS, PART_LABELS

ROOT_FROM_MODEL = "../../"
ISSUES_URL = "https://github.com/mm-llm-atlas/atlas/issues/new"


def short_label(reference: Reference) -> str:
    """'Liu et al. 2023' style label: first author's family name (or the organization) and year."""
    if reference.authors:
        first = reference.authors[0]
        family = first if first.startswith("{") else first.split(",", 1)[0] if "," in first else first.split()[-1]
        family = family.replace("{", "").replace("}", "")
        label = family + (" et al." if len(reference.authors) > 1 else "")
    else:
        label = (reference.get("organization") or reference.get("institution") or reference.get("publisher") or reference.key).replace("{", "").replace("}", "")
    return f"{label} {reference.get('year')}".strip()


def citation(ref: str, references: dict[str, Reference] | None = None) -> Markup:
    """A BibTeX key as a labelled citation for mkdocs-bibtex, or a URL as a link."""
    if ref.startswith(("http://", "https://")):
        return Markup(f'<a href="{url(ref)}" rel="nofollow noopener">{inert(_host(ref))}</a>')
    if references and ref in references:
        return Markup(f"{inert(short_label(references[ref]))} [@{bibkey(ref)}]")
    return Markup(f"[@{bibkey(ref)}]")


def _host(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[0]


def tags(model: Model) -> list[str]:
    """Tags for Material's tags plugin: kind, modalities and weights access."""
    return [KIND_LABELS[model.kind]] + [f"{m} input" for m in model.inputs] + [f"{m} output" for m in model.outputs] + [f"{model.access.weights} weights"]


def report_url(model: Model) -> str:
    """A prefilled "correct a fact" issue for this model (ids are URL-safe by the schema)."""
    query = urlencode({"template": "correct-a-fact.yml", "title": f"Correction: {model.id}", "model": model.id})
    return f"{ISSUES_URL}?{query}"


def front_matter(model: Model) -> str:
    data = {
        # Material prints page.meta.title and .description unescaped: in <title>, the
        # header, the tags listing and an attribute, so both are HTML-escaped here.
        "title": attribute(model.name),
        "report_url": report_url(model),
        "search": {"boost": 3},
        "description": attribute(model.summary),
        "tags": tags(model),
    }
    return yaml_front_matter(data)


def cite_entry(model: Model, site_url: str, year: str) -> str:
    """BibTeX for citing this Atlas entry (the name is restricted to safe characters)."""
    primary = model.references[0]
    return "\n".join([
        f"@misc{{atlas:{model.id},",
        f"  title = {{{{{model.name}}} in the {{MM-LLM Atlas}}}},",
        "  author = {{MM-LLM Atlas contributors}},",
        f"  year = {{{year}}},",
        f"  howpublished = {{\\url{{{site_url}{model_url(model.id)}}}}},",
        f"  note = {{Catalog entry; primary source: {primary}}}",
        "}",
    ])


def model_page(model: Model, catalog: Catalog, site_url: str, year: str) -> str:
    """Markdown source of the model's page."""
    here = model_src(model.id)

    def model_link(model_id: str) -> Markup:
        return md_link(catalog.model(model_id).name, model_src(model_id), here)

    parts = []
    for name, values in model.parts:
        shown = [model_link(v) if catalog.has_model(v) else inert(v) for v in values]
        parts.append((PART_LABELS[name], shown))
    refs = catalog.references
    sources = [(s.field, citation(s.ref, refs), s.note) for s in model.sources]
    listed = {s.field for s in model.sources}
    if "references" not in listed:
        sources.insert(0, ("primary source", citation(model.references[0], refs), None))
    sources += [("further reading", citation(ref, refs), None) for ref in model.references[1:]]
    return render(
        "model_page.md.j2",
        model=model,
        front_matter=Markup(front_matter(model)),
        root=Markup(ROOT_FROM_MODEL),
        organizations=[catalog.organizations[o] for o in model.organizations],
        released=human_date(model.released),
        kind=KIND_LABELS[model.kind],
        description=Markup(to_inert_html(model.description)) if model.description else None,
        parts=parts,
        built_on=[model_link(m) for m in model.built_on],
        used_by=[model_link(m) for m in model.used_by],
        technique_names=[catalog.techniques[t] for t in model.techniques],
        techniques=[(md_link(catalog.techniques[t].name, src("technique", t), here), catalog.techniques[t].summary) for t in model.techniques],
        results=[(r, citation(r.source, refs)) for r in model.results],
        sources=sources,
        cite_entry=Markup(cite_entry(model, site_url, year)),
        cite_fence=Markup(fence(cite_entry(model, site_url, year))),
        neighbourhood=Markup(neighbourhood(catalog, model.id, ROOT_FROM_MODEL) or ""),
    )
