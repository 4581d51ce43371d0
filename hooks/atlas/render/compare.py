"""The compare page's data: every field of every model as display-ready cells, grouped, with names and links.

The page loads ``api/compare/index.json`` (the rows and, per model, its name, aliases and
shard) and then only the shards of the models it shows. A cell is a list of ``[text, href]``
segments (``href`` relative to the site root, or an http(s) URL, or null), so the script
inserts text, never HTML. A schema field that no group names is still shown, under "Other".
"""
from __future__ import annotations

import json
from typing import Any, Callable

from atlas import schema
from atlas.rankings import leaderboards, open_weights, placing
from atlas.records import Catalog, Model, human_count, human_date, parse_count
from atlas.render.citations import short_label
from atlas.render.links import url
from atlas.vocabulary import DERIVATION_LABELS, KIND_LABELS, PART_LABELS

SHARD = 100  # models per shard file
Cell = list[list[Any]]


def _text(value: object) -> Cell:
    return [[str(value), None]] if value not in (None, "", ()) else []


def _join(cells: list[Cell], separator: str = ", ") -> Cell:
    out: Cell = []
    for index, cell in enumerate(c for c in cells if c):
        if index:
            out.append([separator, None])
        out += cell
    return out


class Cells:
    """How each field of a model becomes a cell, with names in place of ids."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def model(self, model_id: str) -> Cell:
        if self.catalog.has_model(model_id):
            return [[self.catalog.model(model_id).name, url("model", model_id)]]
        return [[model_id, None]]

    def part(self, value: str) -> Cell:
        return self.model(value) if self.catalog.has_model(value) else [[value, None]]

    def reference(self, key: str) -> Cell:
        if key.startswith(("http://", "https://")):
            return [[key.split("://", 1)[1].split("/", 1)[0], key]]
        ref = self.catalog.references.get(key)
        return [[short_label(ref), ref.url or None]] if ref else [[key, None]]


# (key, label, group, cell maker). Keys are stable: the page keeps the hidden-row choice by key.
def rows(catalog: Catalog) -> list[tuple[str, str, str, Callable[[Model], Cell]]]:
    c = Cells(catalog)
    org = lambda m: _join([[[catalog.organizations[o].name, url("organization", o)]] for o in m.organizations])  # noqa: E731
    defined: list[tuple[str, str, str, Callable[[Model], Cell]]] = [
        ("organizations", "Organizations", "Identity", org),
        ("released", "Released", "Identity", lambda m: _text(human_date(m.released))),
        ("kind", "Kind", "Identity", lambda m: _text(KIND_LABELS[m.kind])),
        ("family", "Family", "Identity", lambda m: [[catalog.families[m.family].name, url("family", m.family)]] if m.family in catalog.families else []),
        ("succeeds", "Previous version", "Identity", lambda m: c.model(m.succeeds) if m.succeeds else []),
        ("parameters", "Parameters", "Identity", lambda m: _text(m.parameters if m.parameters == "undisclosed" else human_count(m.parameter_count))),
        ("variants", "Variants", "Identity", lambda m: _join([_text(v.name + (f" ({v.parameters})" if v.parameters else "")) for v in m.variants], "; ")),
        ("aliases", "Also known as", "Identity", lambda m: _text(", ".join(m.aliases))),
        ("inputs", "Input", "Architecture", lambda m: _text(", ".join(m.inputs))),
        ("outputs", "Output", "Architecture", lambda m: _text(", ".join(m.outputs))),
        ("context_window", "Context window", "Architecture", lambda m: _text(human_count(m.context_window, " tokens"))),
        ("architecture_type", "Design", "Architecture", lambda m: _text(m.architecture_type)),
        *[(name, PART_LABELS[name], "Architecture", (lambda n: lambda m: _join([c.part(v) for values in (vs for k, vs in m.parts if k == n) for v in values], "; "))(name)) for name in PART_LABELS],
        ("built_on", "Built on", "Architecture", lambda m: _join([c.model(t) for t in m.built_on])),
        ("derived_from", "Made from", "Architecture", lambda m: _join([c.model(r.model) + [[f" ({DERIVATION_LABELS[r.relation]})", None]] for r in m.derived_from])),
        ("techniques", "Techniques", "Architecture", lambda m: _join([[[catalog.techniques[t].name, url("technique", t)]] for t in m.techniques])),
        ("weights", "Weights", "Openness", lambda m: _text(m.access.weights)),
        ("code", "Code", "Openness", lambda m: _text(m.access.code)),
        ("data", "Data", "Openness", lambda m: _text(m.access.data)),
        ("api", "Hosted API", "Openness", lambda m: _text("yes" if m.access.api else "no")),
        ("license", "Licence", "Openness", lambda m: _text(m.license)),
        ("training_data", "Training data", "Training", lambda m: _text(m.training.data if m.training else None)),
        ("training_tokens", "Training tokens", "Training", lambda m: _text(human_count(parse_count(m.training.tokens), " tokens") if m.training and m.training.tokens else None)),
        ("training_compute", "Training compute", "Training", lambda m: _text(human_count(m.training.compute_flop, " FLOP") if m.training and m.training.compute_flop else None)),
        ("training_hardware", "Hardware", "Training", lambda m: _text(m.training.hardware if m.training else None)),
        ("references", "Primary source", "Sources", lambda m: c.reference(m.references[0])),
        ("summary", "Summary", "Sources", lambda m: _text(m.summary)),
    ]
    # Fields the groups above do not name still appear, so a new schema field shows without a change here.
    covered = {"name", "modalities", "access", "architecture", "training", "links", "sources", "results", "description", "shares_paper_with", *[key for key, *_ in defined]}
    for name in schema.schema("model")["properties"]:
        if name not in covered:
            defined.append((name, name.replace("_", " ").capitalize(), "Other", (lambda n: lambda m: _text(_plain(getattr(m, n, None))))(name)))
    return defined


def _plain(value: object) -> str:
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def results_of(model: Model, catalog: Catalog) -> dict[str, list[Any]]:
    """The model's best score on each board: board key -> [score, checkpoint, board label, benchmark page]."""
    best: dict[str, list[Any]] = {}
    for result in model.results:
        _, _, board = placing(catalog, model, result)
        key = f"{board.benchmark.id}/{board.key}"
        better = board.benchmark.higher_is_better
        if key not in best or (result.score > best[key][0]) == better:
            best[key] = [result.score, result.checkpoint or "", f"{board.benchmark.name}, {board.label}", url("benchmark", board.benchmark.id)]
    return best


def suggestions(catalog: Catalog) -> list[tuple[str, list[str]]]:
    """A few comparisons worth opening: a family's last two generations, and the best open and closed models on a board."""
    out: list[tuple[str, list[str]]] = []
    pairs = sorted(((m, catalog.model(m.succeeds)) for m in catalog.models if m.succeeds and catalog.has_model(m.succeeds) and m.results and catalog.model(m.succeeds).results),
                   key=lambda pair: pair[0].released, reverse=True)
    seen: set[str | None] = set()
    for new, old in pairs:
        if new.family not in seen:
            seen.add(new.family)
            out.append((f"{old.name} and {new.name}, one generation apart", [old.id, new.id]))
        if len(out) == 2:
            break
    for benchmark_id in ("mmlu", "mmmu"):
        boards = leaderboards(catalog).get(benchmark_id) or []
        if boards:
            board = boards[0]
            top_open = next((row.model for row in board.rows if open_weights(row.model)), None)
            top_closed = next((row.model for row in board.rows if not open_weights(row.model)), None)
            if top_open and top_closed:
                out.append((f"The best open and closed models on {board.benchmark.name}: {top_open.name} and {top_closed.name}", [top_open.id, top_closed.id]))
    return out


def compare_files(catalog: Catalog) -> dict[str, str]:
    """api/compare/index.json and its shards, as {path under the site: JSON}."""
    defined = rows(catalog)
    ordered = sorted(catalog.models, key=lambda m: m.id)
    index = {
        "rows": [[key, label, group] for key, label, group, _ in defined],
        "models": [[m.id, m.name, list(m.aliases), m.released[:4], number // SHARD] for number, m in enumerate(ordered)],
        "suggestions": [[label, ids] for label, ids in suggestions(catalog)],
    }
    files = {"api/compare/index.json": json.dumps(index, ensure_ascii=False, separators=(",", ":"))}
    for start in range(0, len(ordered), SHARD):
        shard = {}
        for model in ordered[start:start + SHARD]:
            cells = {key: make(model) for key, _, _, make in defined}
            shard[model.id] = {"name": model.name, "url": url("model", model.id), "cells": {k: v for k, v in cells.items() if v}, "results": results_of(model, catalog)}
        files[f"api/compare/{start // SHARD}.json"] = json.dumps(shard, ensure_ascii=False, separators=(",", ":"))
    return files
