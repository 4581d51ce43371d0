"""The validated catalog as immutable, normalized objects, and how each is made from checked data."""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from atlas.vocabulary import KIND_LABELS, ORG_TYPE_LABELS, PART_LABELS  # noqa: F401  (re-exported for the renderers)

MULTIPLIERS = {"K": 10**3, "M": 10**6, "B": 10**9, "T": 10**12}
COUNT_RE = re.compile(r"([0-9]+(?:\.[0-9]+)?)([KMBT])")
PART_NAMES = tuple(PART_LABELS)
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")


def parse_count(text: str | None) -> int | None:
    """'13B' -> 13_000_000_000; 'undisclosed' or None -> None."""
    if not text or text == "undisclosed":
        return None
    match = COUNT_RE.fullmatch(text)
    if not match:
        return None
    number, unit = match.groups()
    whole, _, fraction = number.partition(".")
    scale = MULTIPLIERS[unit]
    return int(whole) * scale + (int(fraction) * scale // 10 ** len(fraction) if fraction else 0)


def human_date(released: str) -> str:
    """'2023-04' -> 'April 2023'; '2023-04-17' -> '17 April 2023'."""
    parts = released.split("-")
    if len(parts) == 1:
        return parts[0]
    month = MONTHS[int(parts[1]) - 1]
    return f"{month} {parts[0]}" if len(parts) == 2 else f"{int(parts[2])} {month} {parts[0]}"


def human_count(value: int | float | None, unit: str = "") -> str:
    """15_600_000_000_000 -> '15.6T'; 3.8e25 -> '3.8e25'."""
    if value is None:
        return ""
    if value >= 1e16:
        mantissa, exponent = f"{value:.2g}".split("e")
        return f"{mantissa}e{int(exponent)}{unit}"
    for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if value >= size:
            return f"{value / size:.3g}{suffix}{unit}"
    return f"{value:g}{unit}"


@dataclass(frozen=True)
class Reference:
    """One BibTeX entry: its key, type, line, fields as plain strings, authors, and its text in the file."""

    key: str
    type: str
    line: int
    fields: tuple[tuple[str, str], ...]
    authors: tuple[str, ...]
    source: str

    def get(self, name: str, default: str = "") -> str:
        """The value of field ``name`` (case-insensitive), or ``default``."""
        for key, value in self.fields:
            if key.lower() == name.lower():
                return value
        return default

    @property
    def url(self) -> str:
        """Best link to the work: its URL, else its DOI or arXiv page."""
        if self.get("url"):
            return self.get("url")
        if self.get("doi"):
            return f"https://doi.org/{self.get('doi')}"
        if self.get("eprint") and self.get("archiveprefix").lower() == "arxiv":
            return f"https://arxiv.org/abs/{self.get('eprint')}"
        return ""


@dataclass(frozen=True)
class Organization:
    id: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    country: str | None = None
    website: str | None = None
    parent: str | None = None
    sources: tuple[Source, ...] = ()

    @classmethod
    def from_data(cls, org_id: str, data: dict[str, Any]) -> Organization:
        values = {name: data[name] for name in ("name", "type", "country", "website", "parent") if name in data}
        return cls(id=org_id, aliases=_tuple(data.get("aliases")), sources=_sources(data.get("sources") or {}), **values)


@dataclass(frozen=True)
class Family:
    """A line of versions (Qwen, Qwen2, Qwen2.5, ...); its members name it in ``family``."""

    id: str
    name: str
    organizations: tuple[str, ...]
    summary: str
    references: tuple[str, ...]
    aliases: tuple[str, ...] = ()

    @classmethod
    def from_data(cls, family_id: str, data: dict[str, Any]) -> Family:
        return cls(family_id, data["name"], tuple(data["organizations"]), data["summary"], tuple(data["references"]), _tuple(data.get("aliases")))


@dataclass(frozen=True)
class Split:
    id: str
    name: str
    metric: str
    low: float
    high: float | None
    reference: str | None = None


@dataclass(frozen=True)
class Benchmark:
    """A registered benchmark: what it measures, on which scale, and the splits results may name."""

    id: str
    name: str
    task: str
    modalities: tuple[str, ...]
    metric: str
    higher_is_better: bool
    splits: tuple[Split, ...]
    reference: str
    summary: str
    aliases: tuple[str, ...] = ()
    website: str | None = None

    @classmethod
    def from_data(cls, benchmark_id: str, data: dict[str, Any]) -> Benchmark:
        low, high = data["range"]
        splits = tuple(Split(s["id"], s["name"], s.get("metric", data["metric"]), *(s.get("range") or (low, high)), s.get("reference")) for s in data["splits"])
        return cls(benchmark_id, data["name"], data["task"], tuple(data["modalities"]), data["metric"], data["higher_is_better"], splits,
                   data["reference"], data["summary"], _tuple(data.get("aliases")), data.get("website"))

    def split(self, split_id: str) -> Split:
        return next(s for s in self.splits if s.id == split_id)


@dataclass(frozen=True)
class Technique:
    id: str
    name: str
    category: str
    summary: str
    aliases: tuple[str, ...] = ()
    references: tuple[str, ...] = ()

    @classmethod
    def from_data(cls, technique_id: str, data: dict[str, Any]) -> Technique:
        return cls(technique_id, data["name"], data["category"], data["summary"], tuple(data.get("aliases") or ()), tuple(data.get("references") or ()))


@dataclass(frozen=True)
class Variant:
    name: str
    parameters: str | None = None
    released: str | None = None
    weights: str | None = None


@dataclass(frozen=True)
class Access:
    weights: str
    code: str
    data: str
    api: bool


@dataclass(frozen=True)
class Training:
    data: str | None = None
    tokens: str | None = None
    compute_flop: float | None = None
    hardware: str | None = None


@dataclass(frozen=True)
class Source:
    field: str
    ref: str
    note: str | None = None


@dataclass(frozen=True)
class Samples:
    k: int
    aggregate: str


@dataclass(frozen=True)
class Result:
    """One score as a source reports it: benchmark, split, setting, checkpoint, who measured it."""

    benchmark: str
    split: str
    score: float
    reported_by: str
    source: str
    setting: str | None = None
    shots: int | None = None
    cot: bool | None = None
    samples: Samples | None = None
    checkpoint: str | None = None
    note: str | None = None

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Result:
        values = dict(data)
        if values.get("samples") is not None:
            values["samples"] = Samples(**values["samples"])
        return cls(**values)

    @property
    def condition(self) -> tuple[Any, ...]:
        """What must match for two scores to be ranked together: split, shots, chain of thought, sampling."""
        return (self.split, self.shots, self.cot, self.samples)

    def describe(self) -> str:
        """The setting in words: the source's own, then what the structured fields add."""
        parts = [self.setting] if self.setting else []
        structured = []
        if self.shots is not None and not (self.setting and "shot" in self.setting):
            structured.append(f"{self.shots}-shot")
        if self.cot and not (self.setting and ("CoT" in self.setting or "chain" in self.setting.lower())):
            structured.append("chain of thought")
        if self.samples is not None:
            structured.append({"majority": f"majority of {self.samples.k}", "average": f"mean of {self.samples.k} samples", "pass": f"pass@{self.samples.k}"}[self.samples.aggregate])
        return "; ".join(parts + ([", ".join(structured)] if structured else []))


@dataclass(frozen=True)
class Relation:
    """Another model whose weights this one was made from, and how (fine-tune, distillation, merge, quantization)."""

    model: str
    relation: str


def _tuple(value: Any) -> tuple[Any, ...]:
    return tuple(value or ())


def _parts(architecture: dict[str, Any]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((name, tuple(value) if isinstance(value, list) else (value,)) for name in PART_NAMES if (value := architecture.get(name)))


def _sources(sources: dict[str, Any]) -> tuple[Source, ...]:
    return tuple(Source(name, value["ref"], value.get("note")) if isinstance(value, dict) else Source(name, value) for name, value in sources.items())


# How a field of the YAML becomes a Model attribute, where it is not simply copied (lists become tuples).
_CONVERT: dict[str, Callable[[Any], tuple[str, Any] | list[tuple[str, Any]]]] = {
    "modalities": lambda v: [("inputs", tuple(v["input"])), ("outputs", tuple(v["output"]))],
    "access": lambda v: ("access", Access(**v)),
    "variants": lambda v: ("variants", tuple(Variant(**item) for item in v)),
    "training": lambda v: ("training", Training(**v)),
    "architecture": lambda v: [("architecture_type", v.get("type")), ("parts", _parts(v))],
    "links": lambda v: ("links", tuple(v.items())),
    "sources": lambda v: ("sources", _sources(v)),
    "results": lambda v: ("results", tuple(Result.from_data(r) for r in v)),
    "derived_from": lambda v: ("derived_from", tuple(Relation(**r) for r in v)),
}


@dataclass(frozen=True)
class Model:
    """One catalog entry, normalized. ``used_by`` is the reverse of the other models' built_on."""

    id: str
    path: str
    name: str
    organizations: tuple[str, ...]
    released: str
    kind: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    access: Access
    references: tuple[str, ...]
    summary: str
    aliases: tuple[str, ...] = ()
    parameters: str | None = None
    variants: tuple[Variant, ...] = ()
    context_window: int | None = None
    training: Training | None = None
    architecture_type: str | None = None
    parts: tuple[tuple[str, tuple[str, ...]], ...] = ()
    built_on: tuple[str, ...] = ()
    family: str | None = None
    succeeds: str | None = None
    derived_from: tuple[Relation, ...] = ()
    shares_paper_with: tuple[str, ...] = ()
    used_by: tuple[str, ...] = ()
    successors: tuple[str, ...] = ()
    derivatives: tuple[str, ...] = ()
    techniques: tuple[str, ...] = ()
    license: str | None = None
    links: tuple[tuple[str, str], ...] = ()
    sources: tuple[Source, ...] = ()
    results: tuple[Result, ...] = ()
    description: str | None = None

    @classmethod
    def from_data(cls, model_id: str, path: str, data: dict[str, Any], **derived: Any) -> Model:
        """The model of a checked file's ``data``; ``derived`` holds what the catalog computes (used_by)."""
        values: dict[str, Any] = {}
        for name, value in data.items():
            convert = _CONVERT.get(name)
            if convert is not None:
                made = convert(value)
                values.update(made if isinstance(made, list) else [made])
            else:
                values[name] = tuple(value) if isinstance(value, list) else value
        return cls(id=model_id, path=path, **values, **derived)

    @property
    def parameter_count(self) -> int | None:
        """Parameters as an integer, or None when undisclosed or unknown."""
        return parse_count(self.parameters)

    @property
    def year(self) -> int:
        return int(self.released[:4])

    @property
    def modalities(self) -> tuple[str, ...]:
        """Input and output modalities together, without repeats."""
        return tuple(dict.fromkeys(self.inputs + self.outputs))

    def part_targets(self) -> tuple[str, ...]:
        """Every value named in the five architecture parts."""
        return tuple(value for _, values in self.parts for value in values)


@dataclass(frozen=True)
class Edge:
    """``source`` feeds ``target`` (source is the ancestor), by the named relations."""

    source: str
    target: str
    relations: tuple[str, ...]


@dataclass(frozen=True)
class Lineage:
    """The lineage edges with their adjacency: what each model builds on and what builds on it."""

    edges: tuple[Edge, ...]
    up: dict[str, tuple[str, ...]]
    down: dict[str, tuple[str, ...]]
    touching: dict[str, tuple[Edge, ...]]

    @classmethod
    def of(cls, models: Iterable[Model]) -> Lineage:
        """built_on, succeeds and derived_from edges, and architecture parts that name another model of ``models``."""
        models = tuple(models)
        ids = {model.id for model in models}
        relations: dict[tuple[str, str], set[str]] = defaultdict(set)
        for model in models:
            for target in model.built_on:
                relations[(target, model.id)].add("built_on")
            if model.succeeds:
                relations[(model.succeeds, model.id)].add("succeeds")
            for derived in model.derived_from:
                relations[(derived.model, model.id)].add(derived.relation)
            for part, values in model.parts:
                for value in values:
                    if value in ids and value != model.id:
                        relations[(value, model.id)].add(part)
        found = [Edge(s, t, tuple(sorted(r))) for (s, t), r in sorted(relations.items())]
        up: dict[str, list[str]] = defaultdict(list)
        down: dict[str, list[str]] = defaultdict(list)
        touching: dict[str, list[Edge]] = defaultdict(list)
        for edge in found:
            up[edge.target].append(edge.source)
            down[edge.source].append(edge.target)
            touching[edge.source].append(edge)
            touching[edge.target].append(edge)
        return cls(tuple(found), {k: tuple(v) for k, v in up.items()}, {k: tuple(v) for k, v in down.items()}, {k: tuple(v) for k, v in touching.items()})


@dataclass(frozen=True)
class Catalog:
    """Everything the renderers need, already validated and cross-linked."""

    models: tuple[Model, ...]
    organizations: dict[str, Organization] = field(hash=False)
    techniques: dict[str, Technique] = field(hash=False)
    references: dict[str, Reference] = field(hash=False)
    families: dict[str, Family] = field(hash=False, default_factory=dict)
    benchmarks: dict[str, Benchmark] = field(hash=False, default_factory=dict)
    lineage: Lineage = field(hash=False, default=Lineage((), {}, {}, {}))

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {model.id: model for model in self.models})

    @classmethod
    def build(cls, models: dict[str, tuple[str, dict[str, Any]]], shared: dict[str, dict[str, Any]], references: dict[str, Reference]) -> Catalog:
        """The catalog of checked data: ``models`` maps an id to (path, data), ``shared`` each shared file's data by its kind.

        The reverse edges (used_by, successors, derivatives) and the lineage are computed here.
        """
        reverse: dict[str, dict[str, list[str]]] = {name: {model_id: [] for model_id in models} for name in ("used_by", "successors", "derivatives")}
        for model_id, (_, data) in models.items():
            targets = {
                "used_by": data.get("built_on") or (),
                "successors": [data["succeeds"]] if data.get("succeeds") else (),
                "derivatives": [r["model"] for r in data.get("derived_from") or ()],
            }
            for name, found in targets.items():
                for target in found:
                    if target in reverse[name]:
                        reverse[name][target].append(model_id)
        made = tuple(
            Model.from_data(model_id, path, data, **{name: tuple(sorted(ids[model_id])) for name, ids in reverse.items()})
            for model_id, (path, data) in sorted(models.items())
        )
        return cls(
            models=made,
            organizations={key: Organization.from_data(key, value) for key, value in shared.get("organizations", {}).items()},
            techniques={key: Technique.from_data(key, value) for key, value in shared.get("techniques", {}).items()},
            references=references,
            families={key: Family.from_data(key, value) for key, value in shared.get("families", {}).items()},
            benchmarks={key: Benchmark.from_data(key, value) for key, value in shared.get("benchmarks", {}).items()},
            lineage=Lineage.of(made),
        )

    def model(self, model_id: str) -> Model:
        return self._by_id[model_id]  # type: ignore[attr-defined]

    def has_model(self, model_id: str) -> bool:
        return model_id in self._by_id  # type: ignore[attr-defined]

    def filtered(self, predicate: Callable[[Model], bool]) -> tuple[Model, ...]:
        """Models matching ``predicate``, newest first, then by name."""
        return sort_models(model for model in self.models if predicate(model))

    def by_organization(self, org_id: str) -> tuple[Model, ...]:
        return self.filtered(lambda model: org_id in model.organizations)

    def by_technique(self, technique_id: str) -> tuple[Model, ...]:
        return self.filtered(lambda model: technique_id in model.techniques)

    def by_family(self, family_id: str) -> tuple[Model, ...]:
        return self.filtered(lambda model: model.family == family_id)

    def results_on(self, benchmark_id: str) -> list[tuple[Model, Result]]:
        """Every (model, result) on ``benchmark_id``."""
        return [(model, result) for model in self.models for result in model.results if result.benchmark == benchmark_id]


def sort_models(models: Iterable[Model]) -> tuple[Model, ...]:
    """Newest release first; ties by name, then id, so the order is stable."""
    ordered = sorted(models, key=lambda model: (model.name.casefold(), model.id))
    return tuple(sorted(ordered, key=lambda model: model.released, reverse=True))
