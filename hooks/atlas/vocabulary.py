"""Every enum of the catalog with its label, order and colour: one table per enum.

The values and their order come from the JSON Schemas; the labels and colours are here.
``problems()`` names any schema value a table lacks, and the build refuses to run until
it is added, so a new kind or modality cannot silently drop off a page.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from atlas import schema
from atlas.problems import Problem

KIND_LABELS = {
    "llm": "LLM",
    "mm-llm": "MM-LLM",
    "vision-encoder": "Vision encoder",
    "vision-language-encoder": "Vision-language encoder",
    "multimodal-encoder": "Multimodal encoder",
    "image-generator": "Image generator",
    "video-generator": "Video generator",
    "speech-model": "Speech model",
    "audio-model": "Audio model",
    "tokenizer": "Tokenizer",
}
# Marks on the timeline and lineage drawings; each meets 3:1 against the page in both schemes.
PART_LABELS = {
    "modality_encoder": "Modality encoder",
    "input_projector": "Input projector",
    "llm_backbone": "LLM backbone",
    "output_projector": "Output projector",
    "modality_generator": "Modality generator",
}
# What the Sources table of a model page calls the fact a source backs (the YAML's sources keys).
FACT_LABELS = {
    "name": "Name", "aliases": "Other names", "organizations": "Developers", "released": "Release date",
    "kind": "Kind", "modalities": "Modalities", "access": "Access (weights, code, data, API)",
    "access.weights": "Weights access", "access.code": "Code access", "access.data": "Data access", "access.api": "API access",
    "parameters": "Parameters", "variants": "Variants", "context_window": "Context window",
    "training": "Training", "training.data": "Training data", "training.tokens": "Training tokens",
    "training.hardware": "Training hardware", "training.compute_flop": "Training compute",
    "architecture": "Architecture", "built_on": "Built on", "family": "Family", "succeeds": "Previous version",
    "derived_from": "Derived from", "techniques": "Techniques", "license": "Licence", "results": "Results",
    **{f"architecture.{part}": label for part, label in PART_LABELS.items()},
}


def fact_label(field: str) -> str:
    """The words for a sources key ("training.data" -> "Training data"); an unlisted key in plain words."""
    return FACT_LABELS.get(field) or field.replace(".", ": ").replace("_", " ").capitalize()


# How a model reuses another, as the lineage drawings and tables name it ("A -> B: fine-tune").
DERIVATION_LABELS = {"fine-tune": "fine-tune", "distillation": "distillation", "merge": "merge", "quantization": "quantization"}
RELATION_LABELS = {"built_on": "built on", "succeeds": "next version", **DERIVATION_LABELS, **{name: label.lower() for name, label in PART_LABELS.items()}}
ORG_TYPE_LABELS = {"company": "Company", "academic": "Academic", "nonprofit": "Non-profit", "collaboration": "Collaboration"}
TECHNIQUE_CATEGORY_LABELS = {
    "architecture": "Architecture",
    "pretraining": "Pre-training objectives",
    "tuning": "Fine-tuning",
    "efficiency": "Parameter-efficient and efficient training",
    "alignment": "Alignment",
    "prompting": "Prompting and inference",
    "multimodal-bridge": "Connecting modalities to an LLM",
}

def license_family(license: str | None) -> str:
    """Group licences into families for counting."""
    if not license:
        return "not stated"
    lowered = license.lower()
    if lowered == "proprietary":
        return "proprietary"
    if lowered in ("apache-2.0", "mit", "bsd-3-clause", "bsd-2-clause"):
        return "permissive (Apache, MIT, BSD)"
    if "cc-by-nc" in lowered or "non-commercial" in lowered or "noncommercial" in lowered:
        return "non-commercial"
    if lowered.startswith("cc-by") or lowered.startswith("cc0"):
        return "Creative Commons"
    if "openrail" in lowered or "rail" in lowered:
        return "responsible-AI licence (RAIL)"
    return "custom model licence"


# Which schema enum each table covers: (schema, path of property names to the enum).
TABLES: dict[str, tuple[dict[str, Any], str, tuple[str, ...]]] = {
    "KIND_LABELS": (KIND_LABELS, "model", ("kind",)),
    "PART_LABELS": (PART_LABELS, "model", ("architecture", "*")),
    "ORG_TYPE_LABELS": (ORG_TYPE_LABELS, "organizations", ("*", "type")),
    "TECHNIQUE_CATEGORY_LABELS": (TECHNIQUE_CATEGORY_LABELS, "techniques", ("*", "category")),
    "DERIVATION_LABELS": (DERIVATION_LABELS, "model", ("derived_from", "[]", "relation")),
}


def _resolve(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = {**root["$defs"][node["$ref"].split("/")[-1]], **{k: v for k, v in node.items() if k != "$ref"}}
    return node


@lru_cache(maxsize=None)
def values(schema_name: str, path: tuple[str, ...]) -> tuple[str, ...]:
    """The values the schema allows at ``path``, in schema order ("*" is any key; at the end, every property name)."""
    root = schema.schema(schema_name)
    node = root
    for index, part in enumerate(path):
        node = _resolve(node, root)
        if part == "[]":
            node = node["items"]
        elif part == "*":
            if index == len(path) - 1:
                return tuple(name for name in node.get("properties", {}) if name != "type")
            node = node["additionalProperties"]
        else:
            node = node["properties"][part]
    node = _resolve(node, root)
    return tuple(node["enum"])


def ordered(table: str) -> tuple[str, ...]:
    """The values of ``table``'s enum in schema order."""
    _, schema_name, path = TABLES[table]
    return values(schema_name, path)


def kinds() -> tuple[str, ...]:
    return ordered("KIND_LABELS")


def weights() -> tuple[str, ...]:
    return values("model", ("access", "weights"))


def problems() -> list[Problem]:
    """One problem for every schema value a table lacks, or a table holds and the schema does not."""
    out = []
    for name, (table, schema_name, path) in TABLES.items():
        allowed = values(schema_name, path)
        for value in allowed:
            if value not in table:
                out.append(Problem("hooks/atlas/vocabulary.py", 1, name, f"has no entry for {value!r}, which catalog/schema/{schema_name}.schema.json allows; add one"))
        for value in table:
            if value not in allowed:
                out.append(Problem("hooks/atlas/vocabulary.py", 1, name, f"has an entry for {value!r}, which catalog/schema/{schema_name}.schema.json does not allow; remove it"))
    return out
