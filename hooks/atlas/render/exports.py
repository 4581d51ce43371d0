"""Machine-readable exports: api/models.json and api/models.csv."""
from __future__ import annotations

import csv
import io
import json
from typing import Any

from atlas.records import Catalog, Model, parse_count

CSV_COLUMNS = (
    "id", "name", "aliases", "organizations", "released", "kind", "input", "output", "parameters",
    "context_window", "weights", "code", "data", "api", "license", "built_on", "techniques",
    "references", "summary", "url",
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def model_record(model: Model, site_url: str) -> dict[str, Any]:
    """One model as a plain, JSON-ready dict using the data contract's field names."""
    record: dict[str, Any] = {
        "id": model.id,
        "name": model.name,
        "aliases": list(model.aliases),
        "organizations": list(model.organizations),
        "released": model.released,
        "kind": model.kind,
        "modalities": {"input": list(model.inputs), "output": list(model.outputs)},
        "parameters": model.parameter_count,
        "parameters_text": model.parameters,
        "variants": [
            {"name": v.name, "parameters": parse_count(v.parameters), "released": v.released, "weights": v.weights}
            for v in model.variants
        ],
        "context_window": model.context_window,
        "training": None if model.training is None else {
            "data": model.training.data,
            "tokens": parse_count(model.training.tokens),
            "compute_flop": model.training.compute_flop,
            "hardware": model.training.hardware,
        },
        "architecture": {"type": model.architecture_type, **{name: list(values) for name, values in model.parts}},
        "built_on": list(model.built_on),
        "used_by": list(model.used_by),
        "shares_paper_with": list(model.shares_paper_with),
        "techniques": list(model.techniques),
        "access": {"weights": model.access.weights, "code": model.access.code, "data": model.access.data, "api": model.access.api},
        "license": model.license,
        "links": dict(model.links),
        "references": list(model.references),
        "sources": {s.field: ({"ref": s.ref, "note": s.note} if s.note else s.ref) for s in model.sources},
        "results": [{"benchmark": r.benchmark, "score": r.score, "setting": r.setting, "source": r.source} for r in model.results],
        "summary": model.summary,
        "description": model.description,
        "url": site_url + model.url,
    }
    return record


def models_json(catalog: Catalog, site_url: str) -> str:
    """Every model, normalized and sorted by id."""
    data = {
        "schema": site_url + "schema/model.schema.json",
        "count": len(catalog.models),
        "models": [model_record(m, site_url) for m in sorted(catalog.models, key=lambda m: m.id)],
    }
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def _safe_cell(value: object) -> str:
    """Text for a spreadsheet cell; a leading formula character is neutralized with a quote."""
    text = "" if value is None else ("true" if value is True else "false" if value is False else str(value))
    return "'" + text if text.startswith(FORMULA_START) else text


def models_csv(catalog: Catalog, site_url: str) -> str:
    """The main fields as CSV (lists joined with ';'), sorted by id."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for model in sorted(catalog.models, key=lambda m: m.id):
        row = {
            "id": model.id, "name": model.name, "aliases": ";".join(model.aliases),
            "organizations": ";".join(model.organizations), "released": model.released, "kind": model.kind,
            "input": ";".join(model.inputs), "output": ";".join(model.outputs), "parameters": model.parameter_count,
            "context_window": model.context_window, "weights": model.access.weights, "code": model.access.code,
            "data": model.access.data, "api": model.access.api, "license": model.license,
            "built_on": ";".join(model.built_on), "techniques": ";".join(model.techniques),
            "references": ";".join(model.references), "summary": model.summary, "url": site_url + model.url,
        }
        writer.writerow([_safe_cell(row[column]) for column in CSV_COLUMNS])
    return buffer.getvalue()
