"""The validated catalog as immutable, normalized objects."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterable

from atlas.bibliography import Reference

MULTIPLIERS = {"K": 10**3, "M": 10**6, "B": 10**9, "T": 10**12}
COUNT_RE = re.compile(r"([0-9]+(?:\.[0-9]+)?)([KMBT])")
PART_NAMES = ("modality_encoder", "input_projector", "llm_backbone", "output_projector", "modality_generator")
PART_LABELS = {
    "modality_encoder": "Modality encoder",
    "input_projector": "Input projector",
    "llm_backbone": "LLM backbone",
    "output_projector": "Output projector",
    "modality_generator": "Modality generator",
}
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
}
ORG_TYPE_LABELS = {"company": "Company", "academic": "Academic", "nonprofit": "Non-profit", "collaboration": "Collaboration"}
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
class Organization:
    id: str
    name: str
    type: str
    country: str | None = None
    website: str | None = None
    parent: str | None = None


@dataclass(frozen=True)
class Technique:
    id: str
    name: str
    category: str
    summary: str
    aliases: tuple[str, ...] = ()
    references: tuple[str, ...] = ()


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


@dataclass(frozen=True)
class Model:
    """One catalog entry, normalized. ``used_by`` is filled from the other models' built_on."""

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

    @property
    def parameter_count(self) -> int | None:
        """Parameters as an integer, or None when undisclosed or unknown."""
        return parse_count(self.parameters)

    @property
    def year(self) -> int:
        return int(self.released[:4])

    @property
    def url(self) -> str:
        """Page URL relative to the site root."""
        return f"models/{self.id}/"

    @property
    def modalities(self) -> tuple[str, ...]:
        """Input and output modalities together, without repeats."""
        return tuple(dict.fromkeys(self.inputs + self.outputs))

    def part_targets(self) -> tuple[str, ...]:
        """Every value named in the five architecture parts."""
        return tuple(value for _, values in self.parts for value in values)


@dataclass(frozen=True)
class Catalog:
    """Everything the renderers need, already validated and cross-linked."""

    models: tuple[Model, ...]
    organizations: dict[str, Organization] = field(hash=False)
    techniques: dict[str, Technique] = field(hash=False)
    references: dict[str, Reference] = field(hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {model.id: model for model in self.models})

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
