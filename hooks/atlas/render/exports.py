"""Machine-readable exports: api/models.json and api/models.csv.

Both follow the model schema: a field the schema gains is exported under its own name,
in schema order, with no change here, unless it needs a conversion (``CONVERT``).
"""
from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from typing import Any, Callable

from atlas import schema
from atlas.records import Catalog, Model, parse_count
from atlas.render.links import model_url, url

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A spreadsheet may split a cell at any of these (";" where it is the list separator, a tab
# when the file is read as tab-separated), so a formula may start after each of them too.
# The full-width signs start formulas in some locales.
# Spaces before the sign are skipped too: an import that trims them would find a formula.
_FORMULA_AFTER_SPLIT = re.compile("([;,\t\r\n])( *)(?=[=+\\-@\t\r\uff1d\uff0b\uff0d\uff20])")
_FORMULA_FULL_WIDTH = ("\uff1d", "\uff0b", "\uff0d", "\uff20")
# Spreadsheets read a CSV as UTF-8 only when it starts with a byte-order mark.
BOM = "\ufeff"
# Fields computed by the catalog, exported right after the field they belong with.
EXTRAS: dict[str, tuple[tuple[str, Callable[[Model], Any]], ...]] = {
    "parameters": (("parameters_text", lambda m: m.parameters),),
    "built_on": (("used_by", lambda m: list(m.used_by)),),
    "succeeds": (("successors", lambda m: list(m.successors)),),
    "derived_from": (("derivatives", lambda m: list(m.derivatives)),),
}
# Fields whose export is not simply the Model attribute of the same name.
CONVERT: dict[str, Callable[[Model], Any]] = {
    "modalities": lambda m: {"input": list(m.inputs), "output": list(m.outputs)},
    "parameters": lambda m: m.parameter_count,
    "variants": lambda m: [{"name": v.name, "parameters": parse_count(v.parameters), "released": v.released, "weights": v.weights} for v in m.variants],
    "training": lambda m: None if m.training is None else {**dataclasses.asdict(m.training), "tokens": parse_count(m.training.tokens)},
    "architecture": lambda m: {"type": m.architecture_type, **{name: list(values) for name, values in m.parts}},
    "links": lambda m: dict(m.links),
    "sources": lambda m: {s.field: ({"ref": s.ref, "note": s.note} if s.note else s.ref) for s in m.sources},
    "derived_from": lambda m: [{"model": r.model, "relation": r.relation} for r in m.derived_from],
}
# Mappings of plain values that the CSV spreads over one column per key.
CSV_SPREAD = ("modalities", "access")
CSV_SKIP = ("description",)


def _plain(value: Any) -> Any:
    """A Model attribute as JSON-ready data: tuples become lists, dataclasses mappings."""
    if dataclasses.is_dataclass(value):
        return {key: _plain(item) for key, item in dataclasses.asdict(value).items()}
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return value


def model_record(model: Model, site_url: str) -> dict[str, Any]:
    """One model as a plain, JSON-ready dict using the data contract's field names, in schema order."""
    record: dict[str, Any] = {"id": model.id}
    for name in schema.schema("model")["properties"]:
        record[name] = CONVERT[name](model) if name in CONVERT else _plain(getattr(model, name))
        for extra, compute in EXTRAS.get(name, ()):
            record[extra] = compute(model)
    record["url"] = site_url + model_url(model.id)
    return record


def models_json(catalog: Catalog, site_url: str) -> str:
    """Every model, normalized and sorted by id."""
    data = {
        "schema": site_url + "schema/model.schema.json",
        "count": len(catalog.models),
        "models": [model_record(m, site_url) for m in sorted(catalog.models, key=lambda m: m.id)],
    }
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def csv_columns() -> tuple[str, ...]:
    """The CSV's columns: every field of plain values (lists joined), spread mappings, the id and the URL."""
    columns = ["id"]
    for name, node in schema.schema("model")["properties"].items():
        node = schema.resolve(node)
        if name in CSV_SKIP:
            continue
        if name in CSV_SPREAD:
            columns += list(node["properties"])
        elif node.get("type") != "object" and not (node.get("type") == "array" and schema.resolve(node["items"]).get("type") == "object"):
            columns.append(name)
    return (*columns, "url")


def _neutral(text: str) -> str:
    """``text`` with a quote before every formula character a spreadsheet could read as the start of a cell (OWASP)."""
    text = _FORMULA_AFTER_SPLIT.sub(r"\1'\2", text)
    return "'" + text if text.lstrip(" ").startswith(FORMULA_START + _FORMULA_FULL_WIDTH) else text


def _cell(value: Any) -> str:
    """Text for a spreadsheet cell: list items joined with ';', each item and the whole cell neutralized."""
    if isinstance(value, list):
        return ";".join(_neutral(str(item)) for item in value)
    text = "" if value is None else ("true" if value is True else "false" if value is False else str(value))
    return _neutral(text)


def models_csv(catalog: Catalog, site_url: str) -> str:
    """The plain fields as CSV (lists joined with ';'), sorted by id."""
    columns = csv_columns()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for model in sorted(catalog.models, key=lambda m: m.id):
        record = model_record(model, site_url)
        for name in CSV_SPREAD:
            record.update(record.pop(name))
        writer.writerow([_cell(record[column]) for column in columns])
    return BOM + buffer.getvalue()


RESULT_COLUMNS = ("model", "model_name", "benchmark", "benchmark_name", "split", "score", "setting", "shots", "cot", "samples", "checkpoint", "reported_by", "source", "source_url", "note", "model_url")


def result_records(catalog: Catalog, site_url: str) -> list[dict[str, Any]]:
    """One record per cited result, by model id and then in the model file's order."""
    records = []
    for model in sorted(catalog.models, key=lambda m: m.id):
        for result in model.results:
            reference = catalog.references.get(result.source)
            records.append({
                "model": model.id, "model_name": model.name, "benchmark": result.benchmark, "benchmark_name": catalog.benchmarks[result.benchmark].name,
                "split": result.split, "score": result.score, "setting": result.setting, "shots": result.shots, "cot": result.cot,
                "samples": None if result.samples is None else {"k": result.samples.k, "aggregate": result.samples.aggregate},
                "checkpoint": result.checkpoint, "reported_by": result.reported_by, "source": result.source,
                "source_url": result.source if reference is None else reference.url, "note": result.note, "model_url": site_url + model_url(model.id),
            })
    return records


def results_json(catalog: Catalog, site_url: str) -> str:
    records = result_records(catalog, site_url)
    return json.dumps({"count": len(records), "results": records}, ensure_ascii=False, indent=1) + "\n"


def results_csv(catalog: Catalog, site_url: str) -> str:
    """One row per result; ``samples`` is written as k:aggregate."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(RESULT_COLUMNS)
    for record in result_records(catalog, site_url):
        samples = record["samples"]
        record["samples"] = f"{samples['k']}:{samples['aggregate']}" if samples else None
        writer.writerow([_cell(record[column]) for column in RESULT_COLUMNS])
    return BOM + buffer.getvalue()


def benchmarks_json(catalog: Catalog, site_url: str) -> str:
    """Every registered benchmark with its splits and the number of cited results."""
    counts: dict[str, int] = {}
    for model in catalog.models:
        for result in model.results:
            counts[result.benchmark] = counts.get(result.benchmark, 0) + 1
    data = [
        {**_plain(benchmark), "splits": [_plain(split) for split in benchmark.splits], "results": counts.get(benchmark.id, 0), "url": site_url + url("benchmark", benchmark.id)}
        for benchmark in sorted(catalog.benchmarks.values(), key=lambda b: b.id)
    ]
    return json.dumps({"schema": site_url + "schema/benchmarks.schema.json", "count": len(data), "benchmarks": data}, ensure_ascii=False, indent=1) + "\n"


def families_json(catalog: Catalog, site_url: str) -> str:
    """Every family with its members, oldest first."""
    data = [
        {**_plain(family), "members": [m.id for m in sorted(catalog.by_family(family.id), key=lambda m: (m.released, m.id))], "url": site_url + url("family", family.id)}
        for family in sorted(catalog.families.values(), key=lambda f: f.id)
    ]
    return json.dumps({"schema": site_url + "schema/families.schema.json", "count": len(data), "families": data}, ensure_ascii=False, indent=1) + "\n"
