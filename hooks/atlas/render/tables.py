"""Markdown tables of models, shared by the index pages and the directives."""
from __future__ import annotations

from typing import Sequence

from markupsafe import Markup

from atlas.records import Catalog, Model
from atlas.render.escape import inert
from atlas.render.links import model_src, src
from atlas.render.templating import md_link
from atlas.vocabulary import KIND_LABELS

COLUMNS = ("name", "organizations", "released", "kind", "modalities", "parameters", "weights")
HEADERS = {
    "name": "Model",
    "organizations": "Organizations",
    "released": "Released",
    "kind": "Kind",
    "modalities": "Modalities (in → out)",
    "parameters": "Parameters",
    "weights": "Weights",
    "license": "Licence",
    "summary": "Summary",
}


def cell(model: Model, column: str, catalog: Catalog, here: str) -> Markup:
    """One table cell, inert except for the links it builds itself."""
    if column == "name":
        return md_link(model.name, model_src(model.id), here)
    if column == "organizations":
        return Markup(", ").join(md_link(catalog.organizations[o].name, src("organization", o), here) for o in model.organizations)
    if column == "released":
        return inert(model.released)
    if column == "kind":
        return inert(KIND_LABELS[model.kind])
    if column == "modalities":
        return inert(", ".join(model.inputs) + " → " + ", ".join(model.outputs))
    if column == "parameters":
        return inert(model.parameters or "–")
    if column == "weights":
        return inert(model.access.weights)
    if column == "license":
        return inert(model.license or "–")
    if column == "summary":
        return inert(model.summary)
    raise KeyError(column)


def models_table(models: Sequence[Model], catalog: Catalog, here: str, columns: Sequence[str] = COLUMNS) -> str:
    """A Markdown table of ``models`` for the page whose source is ``here``."""
    lines = ["| " + " | ".join(HEADERS[c] for c in columns) + " |", "| " + " | ".join("---" for _ in columns) + " |"]
    for model in models:
        lines.append("| " + " | ".join(cell(model, c, catalog, here) for c in columns) + " |")
    return "\n".join(lines) + "\n"
