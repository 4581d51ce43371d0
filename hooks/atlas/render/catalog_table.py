"""The sortable, filterable catalog table: a complete HTML table that works without JavaScript.

Each row carries data-* attributes (inert text) that docs/assets/catalog.js reads to sort
and filter; without the script the table is simply a plain, complete table. The filter
form is part of the page, so it is laid out with the first paint instead of pushing the
table down later; the stylesheet shows it only where scripts run.
"""
from __future__ import annotations

from typing import Sequence

from markupsafe import Markup

from atlas.records import Catalog, Model
from atlas.render.escape import inert
from atlas.render.templating import page_url
from atlas.render.tables import COLUMNS, HEADERS
from atlas.vocabulary import KIND_LABELS, weights

# Column keys and labels are those of the Markdown tables; only the sort type is added here.
SORT_TYPES = {"parameters": "number"}


def _row(model: Model, catalog: Catalog, root: str) -> str:
    orgs = [catalog.organizations[o] for o in model.organizations]
    count = model.parameter_count
    attributes = {
        "data-id": model.id,
        "data-name": model.name,
        "data-search": " ".join([model.name, *model.aliases, *(o.name for o in orgs), model.id, *model.techniques]).casefold(),
        "data-kind": model.kind,
        "data-modalities": " ".join(model.modalities),
        "data-weights": model.access.weights,
        "data-orgs": " ".join(model.organizations),
        "data-year": str(model.year),
        "data-released": model.released,
        "data-parameters": "" if count is None else str(count),
    }
    attrs = " ".join(f'{name}="{inert(value)}"' for name, value in attributes.items())
    org_links = ", ".join(f'<a href="{inert(root)}{page_url("organization", o.id)}">{inert(o.name)}</a>' for o in orgs)
    cells = [
        f'<a href="{inert(root)}{page_url("model", model.id)}">{inert(model.name)}</a>',
        org_links,
        f'<time datetime="{inert(model.released)}">{inert(model.released)}</time>',
        str(inert(KIND_LABELS[model.kind])),
        str(inert(", ".join(model.inputs) + " → " + ", ".join(model.outputs))),
        str(inert(model.parameters or "–")),
        f'<span class="atlas-access atlas-access--{inert(model.access.weights)}">{inert(model.access.weights)}</span>',
    ]
    return f"<tr {attrs}>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


def _field(label: str, control: str) -> str:
    return f'<label class="atlas-filter"><span>{inert(label)}</span>{control}</label>'


def _select(name: str, label: str, choices: dict[str, str]) -> str:
    options = "".join(f'<option value="{inert(value)}">{inert(text)}</option>' for value, text in sorted(choices.items(), key=lambda c: (c[1].casefold(), c[0])))
    return _field(label, f'<select name="{name}"><option value="">any</option>{options}</select>')


def _filters(models: Sequence[Model], catalog: Catalog) -> str:
    """The filter controls and the status line, with the choices the listed models offer."""
    years = [model.year for model in models] or [0]
    first, last = min(years), max(years)
    fields = [
        _field("Search", '<input type="search" name="q" placeholder="name, alias, organization, technique">'),
        _select("kind", "Kind", {m.kind: KIND_LABELS[m.kind] for m in models}),
        _select("modality", "Modality", {x: x for m in models for x in m.modalities}),
        _select("weights", "Weights", {w: w for w in weights()}),
        _select("org", "Organization", {o: catalog.organizations[o].name for m in models for o in m.organizations}),
        _field("From year", f'<input type="number" name="from" min="{first}" max="{last}" placeholder="{first}">'),
        _field("To year", f'<input type="number" name="to" min="{first}" max="{last}" placeholder="{last}">'),
        '<button type="button" class="md-button atlas-filters__reset">Reset</button>',
    ]
    return (
        f'<form class="atlas-filters" role="search" aria-label="Filter the catalog" autocomplete="off">{"".join(fields)}</form>\n'
        f'<p class="atlas-filters__status" aria-live="polite">Showing {len(models)} of {len(models)} models.</p>\n'
    )


def catalog_table(models: Sequence[Model], catalog: Catalog, root: str) -> Markup:
    """The whole table as one raw HTML block; ``root`` leads from the page to the site root."""
    head = "".join(f'<th scope="col" data-column="{key}" data-type="{SORT_TYPES.get(key, "text")}">{inert(HEADERS[key])}</th>' for key in COLUMNS)
    rows = "\n".join(_row(model, catalog, root) for model in models)
    return Markup(
        f'<div class="atlas-catalog" data-total="{len(models)}">\n'
        + _filters(models, catalog)
        + f'<table class="atlas-catalog__table">\n<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>\n</div>'
    )
