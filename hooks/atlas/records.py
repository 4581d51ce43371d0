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
    country: str | None = None
    website: str | None = None
    parent: str | None = None

    @classmethod
    def from_data(cls, org_id: str, data: dict[str, Any]) -> Organization:
        return cls(id=org_id, **{name: data[name] for name in ("name", "type", "country", "website", "parent") if name in data})


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
class Result:
    benchmark: str
    score: float
    source: str
    setting: str | None = None


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
    "results": lambda v: ("results", tuple(Result(r["benchmark"], r["score"], r["source"], r.get("setting")) for r in v)),
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
    shares_paper_with: tuple[str, ...] = ()
    used_by: tuple[str, ...] = ()
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
        """built_on edges, and architecture parts that name another model of ``models``."""
        models = tuple(models)
        ids = {model.id for model in models}
        relations: dict[tuple[str, str], set[str]] = defaultdict(set)
        for model in models:
            for target in model.built_on:
                relations[(target, model.id)].add("built_on")
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
    lineage: Lineage = field(hash=False, default=Lineage((), {}, {}, {}))

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {model.id: model for model in self.models})

    @classmethod
    def build(
        cls, models: dict[str, tuple[str, dict[str, Any]]], organizations: dict[str, Any], techniques: dict[str, Any], references: dict[str, Reference]
    ) -> Catalog:
        """The catalog of checked data: ``models`` maps an id to (path, data); reverse edges are computed here."""
        used_by: dict[str, list[str]] = {model_id: [] for model_id in models}
        for model_id, (_, data) in models.items():
            for target in data.get("built_on") or ():
                if target in used_by:
                    used_by[target].append(model_id)
        made = tuple(Model.from_data(model_id, path, data, used_by=tuple(sorted(used_by[model_id]))) for model_id, (path, data) in sorted(models.items()))
        return cls(
            models=made,
            lineage=Lineage.of(made),
            organizations={key: Organization.from_data(key, value) for key, value in organizations.items()},
            techniques={key: Technique.from_data(key, value) for key, value in techniques.items()},
            references=references,
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


def sort_models(models: Iterable[Model]) -> tuple[Model, ...]:
    """Newest release first; ties by name, then id, so the order is stable."""
    ordered = sorted(models, key=lambda model: (model.name.casefold(), model.id))
    return tuple(sorted(ordered, key=lambda model: model.released, reverse=True))
