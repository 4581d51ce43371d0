"""Facet index pages: the catalog browsed by kind, modality and access."""
from __future__ import annotations

from typing import Callable


from atlas.records import Catalog, Model, sort_models
from atlas.render.escape import attribute, front_matter, inert
from atlas.render.links import model_src
from atlas.render.templating import md_link
from atlas.vocabulary import KIND_LABELS, kinds

ACCESS_LEVELS = {
    "weights": ("open", "restricted", "closed"),
    "code": ("open", "partial", "closed"),
    "data": ("open", "partial", "closed"),
}


def _front(title: str, description: str) -> str:
    # Listing pages repeat model names; keeping them out of search lets model pages rank.
    data = {"title": title, "description": attribute(description), "search": {"exclude": True}}
    return front_matter(data)


def _section(heading: str, anchor: str, models: tuple[Model, ...], here: str) -> str:
    links = ", ".join(str(md_link(m.name, model_src(m.id), here)) for m in models)
    return f"## {inert(heading)} ({len(models)}) {{ #{anchor} }}\n\n{links}\n\n"


def _page(title: str, intro: str, groups: list[tuple[str, str, Callable[[Model], bool]]], catalog: Catalog, here: str) -> str:
    body = _front(title, intro) + f"# {title}\n\n{intro}\n\n"
    summary = ["| Value | Models |", "| --- | ---: |"]
    sections = []
    for heading, anchor, predicate in groups:
        models = sort_models(m for m in catalog.models if predicate(m))
        if not models:
            continue
        summary.append(f"| [{inert(heading)}](#{anchor}) | {len(models)} |")
        sections.append(_section(heading, anchor, models, here))
    return body + "\n".join(summary) + "\n\n" + "".join(sections)


def kind_page(catalog: Catalog) -> str:
    groups = [(label, kind, (lambda k: lambda m: m.kind == k)(kind)) for kind, label in ((k, KIND_LABELS[k]) for k in kinds())]
    return _page("Models by kind", "The catalog grouped by what each model is: language model, multi-modal LLM, encoder or generator.", groups, catalog, "browse/kinds.md")


def modality_page(catalog: Catalog) -> str:
    modalities = sorted({mod for m in catalog.models for mod in m.modalities})
    groups = []
    for mod in modalities:
        groups.append((f"{mod} input", f"input-{mod}", (lambda x: lambda m: x in m.inputs)(mod)))
        groups.append((f"{mod} output", f"output-{mod}", (lambda x: lambda m: x in m.outputs)(mod)))
    return _page("Models by modality", "The catalog grouped by the modalities each model takes in and puts out.", groups, catalog, "browse/modalities.md")


def access_page(catalog: Catalog) -> str:
    groups = []
    for part, levels in ACCESS_LEVELS.items():
        for level in levels:
            groups.append((f"{part}: {level}", f"{part}-{level}", (lambda p, lv: lambda m: getattr(m.access, p) == lv)(part, level)))
    groups.append(("hosted API", "api", lambda m: m.access.api))
    return _page(
        "Models by access",
        "The catalog grouped by how open each release is: weights, code and data, and whether the developer offers a hosted API.",
        groups,
        catalog,
        "browse/access.md",
    )


FACET_PAGES: dict[str, Callable[[Catalog], str]] = {
    "browse/kinds.md": kind_page,
    "browse/modalities.md": modality_page,
    "browse/access.md": access_page,
}
