"""Models per year of release, split by one of their properties: the articles' live views.

``by_year(models, catalog, group, top)`` counts the given models per year under each value
of ``group``:

- ``technique``: the techniques a model lists (a model with two counts under both), or only
  those of one category of catalog/techniques.yaml (``multimodal-bridge``: the connectors);
- ``encoder``: the modality encoder its architecture names, as the family of that catalog
  model (CLIP and OpenCLIP under CLIP) or, when the YAML describes the encoder in words
  only, "described in words";
- ``weights``: open, restricted or closed;
- ``data``: whether the training data is open, partly open or closed;
- ``kind``: the model's kind.

The ``top`` most frequent values keep their own series; the rest are counted as "other".
"""
from __future__ import annotations

from collections import Counter
from typing import Callable, Iterable

from atlas.records import Catalog, Model
from atlas.render.charts import Chart
from atlas.vocabulary import KIND_LABELS, kinds, weights

GROUPS = ("technique", "encoder", "weights", "data", "kind")
GROUP_TITLES = {"technique": "technique", "encoder": "modality encoder", "weights": "weights access", "data": "training data access", "kind": "kind"}
DATA_LEVELS = ("open", "partial", "closed")
DATA_SWATCHES = {"open": "open", "partial": "restricted", "closed": "closed"}
IN_WORDS = "described in words"
OTHER = "other"
ORDINAL_SWATCHES = 10  # atlas.css defines atlas-swatch--s0 ... s9


def _encoder_label(catalog: Catalog) -> Callable[[str], str]:
    by_id = {m.id: m for m in catalog.models}

    def label(value: str) -> str:
        model = by_id.get(value)
        if model is None:
            return IN_WORDS
        if model.family and model.family in catalog.families:
            return catalog.families[model.family].name
        return model.name

    return label


def values_of(group: str, catalog: Catalog, category: str | None = None) -> Callable[[Model], tuple[str, ...]]:
    """The labels one model counts under, for ``group`` (techniques of ``category`` only, if given)."""
    if group == "technique":
        wanted = {t.id for t in catalog.techniques.values() if category in (None, t.category)}
        return lambda m: tuple(catalog.techniques[t].name for t in m.techniques if t in wanted)
    if group == "encoder":
        label = _encoder_label(catalog)
        return lambda m: tuple(dict.fromkeys(label(v) for part, values in m.parts if part == "modality_encoder" for v in values))
    if group == "weights":
        return lambda m: (m.access.weights,)
    if group == "data":
        return lambda m: (m.access.data,)
    if group == "kind":
        return lambda m: (KIND_LABELS[m.kind],)
    raise ValueError(f"unknown group {group!r}; allowed: {', '.join(GROUPS)}")


def by_year(models: Iterable[Model], catalog: Catalog, group: str, top: int = 6, category: str | None = None, chart_id: str | None = None) -> Chart:
    """A stacked bar chart of ``models`` per year of release under each value of ``group``."""
    models = list(models)
    get = values_of(group, catalog, category)
    totals = Counter(value for m in models for value in get(m))
    if group == "weights":
        series = tuple(w for w in weights() if totals[w])
    elif group == "data":
        series = tuple(level for level in DATA_LEVELS if totals[level])
    elif group == "kind":
        series = tuple(KIND_LABELS[k] for k in kinds() if totals[KIND_LABELS[k]])
    else:
        ranked = sorted((v for v in totals if v != IN_WORDS), key=lambda v: (-totals[v], v.casefold()))
        series = tuple(ranked[:top]) + ((OTHER,) if ranked[top:] else ()) + ((IN_WORDS,) if totals[IN_WORDS] else ())
    kept = set(series)

    def bucket(value: str) -> str:
        return value if value in kept else OTHER

    years = sorted({m.year for m in models if get(m)})
    values = {str(year): dict(Counter(bucket(v) for m in models if m.year == year for v in get(m))) for year in years}
    if group == "weights":
        swatches: tuple[str, ...] = ()
    elif group == "data":
        swatches = tuple(DATA_SWATCHES[level] for level in series)
    elif group == "kind":
        swatches = tuple(k for k in kinds() if KIND_LABELS[k] in kept)
    else:
        swatches = tuple(f"s{index % ORDINAL_SWATCHES}" for index in range(len(series)))
    title = GROUP_TITLES[group] if category is None else f"{category.replace('-', ' ')} technique"
    return Chart(chart_id or f"chart-by-year-{group}", f"Models per year of release, by {title}", tuple(str(y) for y in years), series, values, "Year", swatches)
