"""The model finder's index (search/entities.json): every catalog entity that has a page, in compact rows.

The header search box matches a query against these names, aliases and ids in the
browser (docs/assets/atlas-match.js) before any full-text result arrives, so the file
is fetched before the first result and must stay small at 10,000 models: one row per
entity as a JSON array, enum values as small integers into the header's lists, an
organization named by its row number, a page address as the kind's URL pattern
(from links.py) and the id, and an id left out (0) where it is the name's own slug.
Everything is text for the browser to escape: nothing here is HTML.
"""
from __future__ import annotations

import json
import re
from typing import Any, Collection

from atlas.records import Catalog, Model
from atlas.render import links
from atlas.vocabulary import KIND_LABELS, TECHNIQUE_CATEGORY_LABELS, ORG_TYPE_LABELS, kinds, values, weights

VERSION = 1
# Row kinds, in the order the finder ranks equally good matches.
KINDS = ("model", "organization", "family", "technique", "benchmark")
KIND_NAMES = {"model": "Model", "organization": "Organization", "family": "Family", "technique": "Technique", "benchmark": "Benchmark"}
WEIGHTS_LABELS = {"open": "Open weights", "restricted": "Restricted weights", "closed": "Closed weights"}
_SLUG = re.compile(r"[^a-z0-9]+")


def modalities() -> tuple[str, ...]:
    """Every modality the model schema allows, in its order (bit i of a row's modality mask is modality i)."""
    return values("model", ("modalities", "input", "[]"))


def slug(name: str) -> str:
    """The id a name would get by the usual rule: lower case, runs of other characters to one hyphen.

    The browser applies the same rule (atlas-match.js ``slug``) to restore left-out ids.
    """
    return _SLUG.sub("-", name.lower()).strip("-")


def _id(item_id: str, name: str) -> str | int:
    return 0 if slug(name) == item_id else item_id


def _aliases(aliases: tuple[str, ...]) -> list[str] | int:
    return list(aliases) if aliases else 0


def _model_row(model: Model, org_rows: dict[str, int], kind_codes: dict[str, int], modality_bits: dict[str, int], weights_codes: dict[str, int]) -> list[Any]:
    mask = 0
    for modality in model.modalities:
        mask |= 1 << modality_bits[modality]
    orgs = [org_rows[o] for o in model.organizations if o in org_rows]
    return [0, _id(model.id, model.name), model.name, _aliases(model.aliases), orgs, model.released, kind_codes[model.kind], mask, weights_codes[model.access.weights]]


def entity_index(catalog: Catalog, pages: Collection[str] | None = None) -> str:
    """search/entities.json: the entities whose pages are in ``pages`` (source paths; None: every entity).

    Rows, by kind (the first number, an index into ``kinds``):
    model ``[0, id, name, aliases, [organization rows], released, kind, modality mask, weights]``;
    organization ``[1, id, name, aliases, note]``; family ``[2, id, name, aliases, note]``;
    technique ``[3, id, name, aliases, note]``; benchmark ``[4, id, name, aliases, note]``.
    An id of 0 is the name's slug; aliases of 0 are none.
    """
    def has_page(kind: str, item_id: str) -> bool:
        return pages is None or links.src(kind, item_id) in pages

    kind_list, weights_list, modality_list = kinds(), weights(), modalities()
    kind_codes = {k: i for i, k in enumerate(kind_list)}
    weights_codes = {w: i for i, w in enumerate(weights_list)}
    modality_bits = {m: i for i, m in enumerate(modality_list)}
    rows: list[list[Any]] = []
    org_rows: dict[str, int] = {}
    # Organizations come first, so model rows can name them by row number.
    for org in sorted(catalog.organizations.values(), key=lambda o: o.id):
        if not has_page("organization", org.id):
            continue
        org_rows[org.id] = len(rows)
        note = " · ".join(filter(None, [ORG_TYPE_LABELS.get(org.type, org.type), org.country]))
        rows.append([1, _id(org.id, org.name), org.name, _aliases(org.aliases), note])
    for family in sorted(catalog.families.values(), key=lambda f: f.id):
        if not has_page("family", family.id):
            continue
        count = len(catalog.by_family(family.id))
        rows.append([2, _id(family.id, family.name), family.name, _aliases(family.aliases), f"{count} model{'s' if count != 1 else ''}"])
    for technique in sorted(catalog.techniques.values(), key=lambda t: t.id):
        if has_page("technique", technique.id):
            rows.append([3, _id(technique.id, technique.name), technique.name, _aliases(technique.aliases), TECHNIQUE_CATEGORY_LABELS.get(technique.category, technique.category)])
    for benchmark in sorted(catalog.benchmarks.values(), key=lambda b: b.id):
        if has_page("benchmark", benchmark.id):
            rows.append([4, _id(benchmark.id, benchmark.name), benchmark.name, _aliases(benchmark.aliases), benchmark.task])
    for model in catalog.models:
        if has_page("model", model.id):
            rows.append(_model_row(model, org_rows, kind_codes, modality_bits, weights_codes))
    data = {
        "version": VERSION,
        "kinds": [[kind, KIND_NAMES[kind], links.url_pattern(kind)] for kind in KINDS],
        "facets": {
            "kind": [[k, KIND_LABELS[k]] for k in kind_list],
            "modality": [[m, m.capitalize() if m != "3d" else "3D"] for m in modality_list],
            "weights": [[w, WEIGHTS_LABELS.get(w, w)] for w in weights_list],
        },
        "rows": rows,
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def material_index_stub() -> str:
    """search/search_index.json for Material's bundle, which still fetches it for its search
    highlighter (``?h=``): the configuration alone, no documents (the finder and Pagefind search)."""
    return json.dumps({"config": {"lang": ["en"], "separator": r"[\s\-]+", "pipeline": []}, "docs": []}, separators=(",", ":"))


def filter_values(model: Model) -> dict[str, list[str]]:
    """A model page's values for the full-text filters (Pagefind), as the finder's facets name them."""
    return {"kind": [model.kind], "modality": list(model.modalities), "weights": [model.access.weights]}
