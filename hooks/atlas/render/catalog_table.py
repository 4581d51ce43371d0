"""The catalog table: a complete HTML table that works without JavaScript, and its controls.

Each row carries data-* attributes (inert text) that docs/assets/catalog.js reads to sort,
filter and chart; without the script the table is simply a plain, complete table. The
filter form is part of the page, so it is laid out with the first paint instead of pushing
the table down later; the stylesheet shows it only where scripts run.

Columns beyond the seven shown by default (context window, licence, openness of code and
data, API, family, training tokens, and a score on one benchmark) are published as small
files under ``api/columns/``, one per column, which the script fetches when a reader adds
the column; the page itself stays the size of seven columns.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable, Iterator, Sequence

from markupsafe import Markup

from atlas.rankings import leaderboards
from atlas.records import Catalog, Model, human_count, parse_count
from atlas.render.escape import inert
from atlas.render.tables import COLUMNS, HEADERS
from atlas.render.templating import page_url
from atlas.vocabulary import KIND_LABELS, kinds, weights

# Column keys and labels are those of the Markdown tables; only the sort type is added here.
SORT_TYPES = {"parameters": "number", "released": "text"}
MIN_SCORE_MODELS = 3  # a benchmark is offered as a column when its main board ranks this many models


@dataclass(frozen=True)
class Extra:
    """A column the reader can add: its label, how it sorts, and each model's cell as (text, sort value)."""

    label: str
    sort: str
    value: Callable[[Model, Catalog], tuple[str, float | str | None]]


def _tokens(model: Model, _: Catalog) -> tuple[str, float | str | None]:
    tokens = model.training.tokens if model.training else None
    return (tokens or "", parse_count(tokens))


EXTRAS: dict[str, Extra] = {
    "context_window": Extra("Context window", "number", lambda m, _: (human_count(m.context_window) if m.context_window else "", m.context_window)),
    "license": Extra("Licence", "text", lambda m, _: (m.license or "", (m.license or "").casefold() or None)),
    "code": Extra("Code", "text", lambda m, _: (m.access.code, m.access.code)),
    "data": Extra("Training data", "text", lambda m, _: (m.access.data, m.access.data)),
    "api": Extra("API", "text", lambda m, _: ("yes" if m.access.api else "no", "yes" if m.access.api else "no")),
    "family": Extra("Family", "text", lambda m, c: (c.families[m.family].name, c.families[m.family].name.casefold()) if m.family in c.families else ("", None)),
    "tokens": Extra("Training tokens", "number", _tokens),
}


def score_columns(catalog: Catalog) -> list[tuple[str, str, dict[str, tuple[float, str]]]]:
    """(benchmark id, header, {model id: (best score, checkpoint)}) on each benchmark's largest board."""
    out = []
    for benchmark_id, boards in sorted(leaderboards(catalog).items(), key=lambda kv: catalog.benchmarks[kv[0]].name.casefold()):
        if not boards or boards[0].models < MIN_SCORE_MODELS:
            continue
        board = boards[0]
        best: dict[str, tuple[float, str]] = {}
        for row in board.rows:  # best first, so a model's first row is its best checkpoint
            best.setdefault(row.model.id, (row.result.score, row.result.checkpoint or ""))
        out.append((benchmark_id, f"{board.benchmark.name} ({board.label})", best))
    return out


def search_terms(model: Model, catalog: Catalog) -> str:
    """The words a row answers to in the text filter: names, aliases, organizations with their parents, id, techniques."""
    chain = [catalog.organizations[o] for o in _organizations_with_parents(model, catalog)]
    return " ".join([model.name, *model.aliases, *(o.name for o in chain), *(a for o in chain for a in o.aliases), model.id, *model.techniques]).casefold()


def column_files(catalog: Catalog) -> Iterator[tuple[str, str]]:
    """api/columns/<key>.json for every extra column and api/columns/score-<benchmark>.json for every score column.

    A file maps model id to [text, sort value] (a score adds the checkpoint it was measured on);
    a model with nothing to show is left out. api/columns/terms.json maps model id to the words
    its row answers to in the text filter; the script fetches it once the table is showing,
    so those words (a third of the table's bytes) do not delay the page's first paint.
    """
    yield "api/columns/terms.json", json.dumps({m.id: search_terms(m, catalog) for m in catalog.models}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for key, extra in EXTRAS.items():
        cells = {m.id: list(extra.value(m, catalog)) for m in catalog.models}
        yield f"api/columns/{key}.json", json.dumps({k: v for k, v in cells.items() if v[0]}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for benchmark_id, _, best in score_columns(catalog):
        cells = {model_id: [f"{score:g}", score] + ([checkpoint] if checkpoint else []) for model_id, (score, checkpoint) in best.items()}
        yield f"api/columns/score-{benchmark_id}.json", json.dumps(cells, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _organization_chain(org_id: str, catalog: Catalog) -> list[str]:
    """The organization and its parents, nearest first (a parent named but not listed ends the chain)."""
    chain, seen = [], set()
    while org_id in catalog.organizations and org_id not in seen:
        seen.add(org_id)
        chain.append(org_id)
        org_id = catalog.organizations[org_id].parent or ""
    return chain


def _organizations_with_parents(model: Model, catalog: Catalog) -> list[str]:
    """A model counts for its organizations and their parents, so "Google" finds Google DeepMind's models."""
    return list(dict.fromkeys(p for o in model.organizations for p in _organization_chain(o, catalog)))


def _row(model: Model, catalog: Catalog, root: str) -> str:
    orgs = [catalog.organizations[o] for o in model.organizations]
    chain = [catalog.organizations[o] for o in _organizations_with_parents(model, catalog)]
    count = model.parameter_count
    attributes = {
        "data-id": model.id,
        "data-name": model.name,
        "data-kind": model.kind,
        "data-modalities": " ".join(model.modalities),
        "data-weights": model.access.weights,
        "data-orgs": " ".join(o.id for o in chain),
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


def _field(label: str, control: str, cls: str = "") -> str:
    return f'<label class="atlas-filter{cls}"><span>{inert(label)}</span>{control}</label>'


def _range(label: str, names: tuple[str, str], limits: str, placeholders: tuple[str, str]) -> str:
    """Two number fields, from and to, under one caption."""
    low, high = (f'<input type="number" name="{n}" {limits} placeholder="{p}" aria-label="{inert(label)}, {w}">' for n, p, w in zip(names, placeholders, ("from", "to")))
    return f'<fieldset class="atlas-range"><legend>{inert(label)}</legend>{low}<span aria-hidden="true">–</span>{high}</fieldset>'


def _option(name: str, value: str, text: str, count: int, cls: str = "") -> str:
    return (
        f'<label class="atlas-choice__option{cls}"><input type="checkbox" name="{name}" value="{inert(value)}">'
        f' <span>{inert(text)}</span> <span class="atlas-choice__count" data-value="{inert(value)}">{count}</span></label>'
    )


def _choice(name: str, label: str, options: Sequence[str], note: str = "", extra: str = "") -> str:
    """A disclosure holding one group of checkboxes; several ticked in one group widen the view (or, for modalities, narrow it)."""
    hint = f'<p class="atlas-choice__note">{inert(note)}</p>' if note else ""
    return (
        f'<details class="atlas-choice" data-name="{name}"><summary>{inert(label)}<span class="atlas-choice__picked"></span></summary>'
        f'<fieldset class="atlas-choice__list"><legend>{inert(label)}</legend>{hint}{extra}{"".join(options)}</fieldset></details>'
    )


def _organization_options(models: Sequence[Model], catalog: Catalog) -> list[str]:
    """Organizations A-Z, each parent followed by its units, with how many listed models each counts."""
    counts: dict[str, int] = {}
    for model in models:
        for org_id in _organizations_with_parents(model, catalog):
            counts[org_id] = counts.get(org_id, 0) + 1
    children: dict[str, list[str]] = {}
    for org_id in counts:
        parent = catalog.organizations[org_id].parent
        if parent in counts:
            children.setdefault(parent, []).append(org_id)
    name = lambda org_id: catalog.organizations[org_id].name.casefold()  # noqa: E731
    out: list[str] = []

    def add(org_id: str, depth: int) -> None:
        org = catalog.organizations[org_id]
        below = sorted(children.get(org_id, []), key=name)
        text = org.name + (" (all)" if below else "")
        out.append(_option("org", org_id, text, counts[org_id], f" atlas-choice__option--depth{min(depth, 2)}" if depth else ""))
        for child in below:
            add(child, depth + 1)

    for org_id in sorted((o for o in counts if catalog.organizations[o].parent not in counts), key=name):
        add(org_id, 0)
    return out


def _filters(models: Sequence[Model], catalog: Catalog) -> str:
    """The filter controls, with the choices the listed models offer and how many models each holds."""
    years = [model.year for model in models] or [0]
    first, last = min(years), max(years)
    count = lambda key: lambda value: sum(1 for m in models if value in key(m))  # noqa: E731
    kind_count, modality_count, weight_count = count(lambda m: (m.kind,)), count(lambda m: m.modalities), count(lambda m: (m.access.weights,))
    present_kinds = [k for k in kinds() if kind_count(k)]
    modalities = sorted({x for m in models for x in m.modalities})
    scores = score_columns(catalog)
    columns = "".join(
        f'<label class="atlas-choice__option"><input type="checkbox" name="col" value="{key}"> <span>{inert(extra.label)}</span></label>' for key, extra in EXTRAS.items()
    )
    score_select = (
        '<label class="atlas-filter"><span>Score on a benchmark</span><select name="score"><option value="">none</option>'
        + "".join(f'<option value="{inert(b)}">{inert(label)}, {len(best)} models</option>' for b, label, best in scores)
        + "</select></label>"
    )
    fields = [
        _field("Search", '<input type="search" name="q" placeholder="name, alias, organization, technique">', " atlas-filter--search"),
        _choice("kind", "Kind", [_option("kind", k, KIND_LABELS[k], kind_count(k)) for k in present_kinds]),
        _choice("modality", "Modalities", [_option("modality", x, x, modality_count(x)) for x in modalities], "A model must handle every modality ticked."),
        _choice("weights", "Weights", [_option("weights", w, w, weight_count(w)) for w in weights()]),
        _choice(
            "org", "Organization", _organization_options(models, catalog),
            extra='<label class="atlas-filter"><span>Find an organization</span><input type="search" name="orgq" placeholder="e.g. Alibaba"></label>',
        ),
        _range("Parameters, billions", ("pmin", "pmax"), 'min="0" step="any"', ("0.1", "1000")),
        _range("Released", ("from", "to"), f'min="{first}" max="{last}"', (str(first), str(last))),
        f'<details class="atlas-choice atlas-choice--columns" data-name="col"><summary>Columns<span class="atlas-choice__picked"></span></summary>'
        f'<fieldset class="atlas-choice__list"><legend>More columns</legend>{columns}{score_select}</fieldset></details>',
        '<button type="button" class="md-button atlas-filters__reset">Reset</button>',
    ]
    # On a phone the fields after the search box fold away behind one "Filters" button (the script closes it there).
    return (
        f'<form class="atlas-filters" role="search" aria-label="Filter the catalog" autocomplete="off">{fields[0]}'
        f'<details class="atlas-filters__more" open><summary>Filters and columns<span class="atlas-choice__picked"></span></summary>'
        f'<div class="atlas-filters__fields">{"".join(fields[1:])}</div></details></form>\n'
        '<div class="atlas-catalog__bar">'
        f'<p class="atlas-filters__status" aria-live="polite">Showing {len(models)} of {len(models)} models.</p>'
        '<div class="atlas-catalog__actions">'
        '<button type="button" class="md-button atlas-catalog__chart-toggle" aria-pressed="false" aria-controls="atlas-catalog-chart">Chart</button>'
        '<span class="atlas-catalog__download">Download these rows: '
        '<button type="button" class="md-button" data-format="csv">CSV</button>'
        '<button type="button" class="md-button" data-format="json">JSON</button></span>'
        "</div></div>\n"
        '<div class="atlas-catalog__chart" id="atlas-catalog-chart" hidden></div>\n'
    )


def catalog_table(models: Sequence[Model], catalog: Catalog, root: str) -> Markup:
    """The whole table as one raw HTML block; ``root`` leads from the page to the site root."""
    head = "".join(f'<th scope="col" data-column="{key}" data-type="{SORT_TYPES.get(key, "text")}">{inert(HEADERS[key])}</th>' for key in COLUMNS)
    rows = "\n".join(_row(model, catalog, root) for model in models)
    return Markup(
        f'<div class="atlas-catalog" data-total="{len(models)}" data-root="{inert(root)}">\n'
        + _filters(models, catalog)
        + '<div class="atlas-catalog__scroll">'
        + f'<table class="atlas-catalog__table">\n<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table></div>\n</div>'
    )
