"""The page of one model: infobox, description, architecture, lineage, sources, citation."""
from __future__ import annotations

from urllib.parse import urlencode

from markupsafe import Markup

from atlas.history import EntryHistory
from atlas.rankings import leaderboards, placing
from atlas.records import Catalog, Model, human_date
from atlas.render.families import predecessor_changes
from atlas.render.description import to_inert_html
from atlas.render.citations import citation, short_label  # noqa: F401  (short_label: re-exported)
from atlas.render.escape import attribute, fence, inert
from atlas.render.escape import front_matter as yaml_front_matter
from atlas.render.lineage import neighbourhood
from atlas.render.links import model_src, model_url, src
from atlas.render.search_index import filter_values
from atlas.render.templating import breadcrumb, md_link, relative, render
from atlas.vocabulary import DERIVATION_LABELS, KIND_LABELS, PART_LABELS, fact_label

ROOT_FROM_MODEL = "../../"
ISSUES_URL = "https://github.com/mm-llm-atlas/atlas/issues/new"


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
        # The full-text search's filters (Pagefind; docs/overrides/main.html writes them).
        "filters": filter_values(model),
        "description": attribute(model.summary),
        "tags": tags(model),
        # The left sidebar holds the Models section; the infobox and the text share the rest.
        "hide": ["toc"],
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


def _results(model: Model, catalog: Catalog, here: str) -> list[dict[str, object]]:
    """Each result with its benchmark link, its rank on its board and its source."""
    rows = []
    for result in model.results:
        benchmark = catalog.benchmarks[result.benchmark]
        rank, total, board = placing(catalog, model, result)
        rows.append({
            "benchmark": md_link(benchmark.name, src("benchmark", benchmark.id) + (f"#{board.key}" if board is not leaderboards(catalog)[benchmark.id][0] else ""), here),
            "split": benchmark.split(result.split).name,
            "score": f"{result.score:g}",
            "rank": f"{rank} of {total}" if total > 1 else "only result",
            "setting": result.describe() or "–",
            "checkpoint": result.checkpoint or "–",
            "reported_by": "the developers" if result.reported_by == "self" else result.reported_by,
            "source": citation(result.source, catalog.references),
            "note": result.note,
        })
    return rows


def _best_by_board(model: Model, catalog: Catalog) -> dict[str, float]:
    """The model's best score on each board it has a result on, by the board's name."""
    best: dict[str, float] = {}
    for result in model.results:
        _, _, board = placing(catalog, model, result)
        key = f"{board.benchmark.name}, {board.label}"
        if key not in best or (result.score > best[key]) == board.benchmark.higher_is_better:
            best[key] = result.score
    return best


def _shared_results(model: Model, before: Model, catalog: Catalog) -> list[tuple[str, str, str]]:
    """(board, predecessor's best, this model's best) for every board both models have a result on."""
    mine, theirs = _best_by_board(model, catalog), _best_by_board(before, catalog)
    return [(key, f"{theirs[key]:g}", f"{mine[key]:g}") for key in sorted(mine) if key in theirs]


def _history(history: EntryHistory | None, model: Model, year: str) -> dict[str, object] | None:
    """When the entry was added and changed, and whether it was added within a year of the model's release."""
    if history is None:
        return None
    added = history.added[:10]
    released = model.released + ("-07-01" if len(model.released) == 4 else "-15" if len(model.released) == 7 else "")
    months = (int(added[:4]) - int(released[:4])) * 12 + int(added[5:7]) - int(released[5:7])
    changed = [change for change in history.changes[1:]][-5:]
    return {
        "added": added, "added_commit": history.changes[0].commit, "updated": history.updated[:10],
        "months": months, "fresh": months <= 12,
        "changes": [(c.date[:10], c.commit, c.subject, ", ".join(name for name, _, _ in c.fields)) for c in reversed(changed)],
    }


def model_page(model: Model, catalog: Catalog, site_url: str, year: str, history: EntryHistory | None = None, has_history: bool = False) -> str:
    """Markdown source of the model's page."""
    here = model_src(model.id)

    def model_link(model_id: str) -> Markup:
        return md_link(catalog.model(model_id).name, model_src(model_id), here)

    parts = []
    for name, values in model.parts:
        shown = [model_link(v) if catalog.has_model(v) else inert(v) for v in values]
        parts.append((PART_LABELS[name], shown))
    refs = catalog.references
    sources = [(fact_label(s.field), citation(s.ref, refs), s.note) for s in model.sources]
    listed = {s.field for s in model.sources}
    if "references" not in listed:
        sources.insert(0, ("Primary source", citation(model.references[0], refs), None))
    sources += [("Further reading", citation(ref, refs), None) for ref in model.references[1:]]
    before = catalog.model(model.succeeds) if model.succeeds and catalog.has_model(model.succeeds) else None
    succession_note = next((s.note for s in model.sources if s.field == "succeeds" and s.note), None)
    org = catalog.organizations[model.organizations[0]]
    crumbs: list[tuple[str, str | None]] = [("Models", "model"), (org.name, f"organization:{org.id}")]
    if model.family and model.family in catalog.families:
        crumbs.append((catalog.families[model.family].name, f"family:{model.family}"))
    return render(
        "model_page.md.j2",
        model=model,
        breadcrumb=Markup(breadcrumb(ROOT_FROM_MODEL, crumbs)),
        front_matter=Markup(front_matter(model)),
        root=Markup(ROOT_FROM_MODEL),
        organizations=[catalog.organizations[o] for o in model.organizations],
        released=human_date(model.released),
        kind=KIND_LABELS[model.kind],
        description=Markup(to_inert_html(model.description)) if model.description else None,
        parts=parts,
        built_on=[model_link(m) for m in model.built_on],
        used_by=[model_link(m) for m in model.used_by],
        family=catalog.families.get(model.family) if model.family else None,
        succeeds=model_link(model.succeeds) if before is not None else None,
        successors=[model_link(m) for m in model.successors],
        derived_from=[(model_link(r.model), DERIVATION_LABELS[r.relation]) for r in model.derived_from],
        derivatives=[(model_link(m), DERIVATION_LABELS[r.relation]) for m in model.derivatives for r in catalog.model(m).derived_from if r.model == model.id],
        changes=predecessor_changes(model, catalog) if before is not None else [],
        shared_results=_shared_results(model, before, catalog) if before is not None else [],
        predecessor=before,
        succession_note=succession_note,
        technique_names=[catalog.techniques[t] for t in model.techniques],
        techniques=[(md_link(catalog.techniques[t].name, src("technique", t), here), catalog.techniques[t].summary) for t in model.techniques],
        results=_results(model, catalog, here),
        sources=sources,
        history=_history(history, model, year),
        changes_feed=Markup(relative("api/changes.json", here)),
        has_history=has_history,
        cite_entry=Markup(cite_entry(model, site_url, year)),
        cite_fence=Markup(fence(cite_entry(model, site_url, year))),
        neighbourhood=Markup(neighbourhood(catalog, model.id, ROOT_FROM_MODEL) or ""),
    )
