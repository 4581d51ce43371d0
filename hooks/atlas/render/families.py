"""Family pages: a line of versions generation by generation, and how each generation differs from the last."""
from __future__ import annotations

from markupsafe import Markup

from atlas.records import Catalog, Model, human_date
from atlas.render.escape import attribute, front_matter, inert
from atlas.render.links import index_src, model_src, src
from atlas.render.templating import md_link, page_url, site_root
from atlas.vocabulary import KIND_LABELS

# What the generations table compares, with how each value is shown.
COMPARED = (
    ("Parameters", lambda m: m.parameters or "–"),
    ("Context window", lambda m: f"{m.context_window:,}" if m.context_window else "–"),
    ("Input", lambda m: ", ".join(m.inputs)),
    ("Output", lambda m: ", ".join(m.outputs)),
    ("Weights", lambda m: m.access.weights),
    ("Licence", lambda m: m.license or "–"),
)


def members(catalog: Catalog, family_id: str) -> list[Model]:
    """The family's members, oldest first."""
    return sorted(catalog.by_family(family_id), key=lambda m: (m.released, m.name.casefold()))


def timeline_svg(members: list[Model], root: str, title: str) -> str:
    """A small timeline of the family's releases: one labelled dot per member."""
    months = sorted({int(m.released[:4]) * 12 + (int(m.released[5:7]) - 1 if len(m.released) >= 7 else 6) for m in members})
    first, last = months[0] - 3, months[-1] + 3
    width, height, left = 720, 34 + 18 * len(members), 20

    def x(model: Model) -> float:
        month = int(model.released[:4]) * 12 + (int(model.released[5:7]) - 1 if len(model.released) >= 7 else 6)
        return left + (month - first) / max(last - first, 1) * (width - 2 * left)

    out = [f'<svg class="atlas-family-timeline" role="img" aria-label="{attribute(title)}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">']
    out.append(f'<line x1="{left}" x2="{width - left}" y1="{height - 20}" y2="{height - 20}" class="atlas-chart__axis"/>')
    for year in range(first // 12 + 1, last // 12 + 1):
        xx = left + (year * 12 - first) / max(last - first, 1) * (width - 2 * left)
        out.append(f'<text x="{xx:.1f}" y="{height - 4}" text-anchor="middle" class="atlas-chart__label">{year}</text>')
    for index, model in enumerate(members):
        cx, cy = x(model), 14 + 18 * index
        anchor = "end" if cx > width * 0.7 else "start"
        dx = -10 if anchor == "end" else 10
        out.append(
            f'<a xlink:href="{inert(root)}{page_url("model", model.id)}" class="atlas-family-timeline__point" data-id="{inert(model.id)}">'
            f'<line x1="{cx:.1f}" x2="{cx:.1f}" y1="{cy:.1f}" y2="{height - 20}" class="atlas-chart__grid"/>'
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="6" class="atlas-swatch--{inert(model.kind)}"/>'
            f'<text x="{cx + dx:.1f}" y="{cy + 4:.1f}" text-anchor="{anchor}" class="atlas-chart__label">{inert(model.name)}</text>'
            f"<title>{inert(model.name)}, {inert(human_date(model.released))}</title></a>"
        )
    out.append("</svg>")
    return "".join(out)


def generations_table(models: list[Model], catalog: Catalog, here: str) -> str:
    """Each member's size, context, modalities, openness and licence, oldest first; a value that moved from the
    generation it follows (its ``succeeds``, else the member before it) is in bold."""
    lines = ["| Model | Released | Follows | " + " | ".join(label for label, _ in COMPARED) + " |", "| --- | --- | --- |" + " --- |" * len(COMPARED)]
    for index, model in enumerate(models):
        previous = catalog.model(model.succeeds) if model.succeeds and catalog.has_model(model.succeeds) else (models[index - 1] if index else None)
        cells = []
        for _, shown in COMPARED:
            value = shown(model)
            cells.append(f"**{inert(value)}**" if previous is not None and shown(previous) != value else str(inert(value)))
        follows = md_link(catalog.model(model.succeeds).name, model_src(model.succeeds), here) if model.succeeds and catalog.has_model(model.succeeds) else "–"
        lines.append(f"| {md_link(model.name, model_src(model.id), here)} | {inert(model.released)} | {follows} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def family_page(family_id: str, catalog: Catalog) -> str:
    """families/<id>.md: members by generation, a timeline, and what moved between generations."""
    family = catalog.families[family_id]
    here = src("family", family_id)
    found = members(catalog, family_id)
    orgs = ", ".join(str(md_link(catalog.organizations[o].name, src("organization", o), here)) for o in family.organizations)
    body = f"# {inert(family.name)}\n\n{inert(family.summary)} " + "".join(f"[@{ref}]" for ref in family.references) + "\n\n"
    body += f"**Developed by:** {orgs}"
    if family.aliases:
        body += f" · **Also called:** {inert(', '.join(family.aliases))}"
    body += f" · **Members in the catalog:** {len(found)}\n\n"
    if found:
        body += "## Timeline { data-search-exclude }\n\n" + f'<div class="atlas-scroll" data-search-exclude>{timeline_svg(found, site_root(here), f"Releases of the {family.name} family")}</div>\n\n'
        body += (
            "## Generations { data-search-exclude }\n\n"
            "Oldest first. *Follows* is the version a model succeeds; a value in **bold** changed from that version "
            "(or, for a model that names none, from the member before it).\n\n" + generations_table(found, catalog, here) + "\n"
        )
        kinds = sorted({m.kind for m in found})
        body += "**Kinds:** " + ", ".join(inert(KIND_LABELS[k]) for k in kinds) + "\n\n"
    else:
        body += "No catalog model names this family yet.\n\n"
    body += "## References\n\n\\bibliography\n"
    return front_matter({"title": attribute(family.name), "description": attribute(family.summary)}) + body


def families_index(catalog: Catalog) -> str:
    """families/index.md: every family with its span and latest member."""
    here = index_src("family")
    lines = ["| Family | Developed by | Members | First | Latest |", "| --- | --- | ---: | --- | --- |"]
    for family in sorted(catalog.families.values(), key=lambda f: f.name.casefold()):
        found = catalog.by_family(family.id)
        if not found:
            continue
        newest, oldest = found[0], found[-1]
        orgs = ", ".join(str(inert(catalog.organizations[o].name)) for o in family.organizations)
        lines.append(f"| {md_link(family.name, src('family', family.id), here)} | {orgs} | {len(found)} | {md_link(oldest.name, model_src(oldest.id), here)} ({inert(oldest.released[:4])}) | {md_link(newest.name, model_src(newest.id), here)} ({inert(newest.released[:4])}) |")
    intro = "# Model families\n\nLines of versions, from the first generation to the latest public one. Each family page walks the generations and shows what moved between them.\n\n"
    return front_matter({"title": "Model families", "description": attribute("Model families in the MM-LLM Atlas, generation by generation.")}) + intro + "\n".join(lines) + "\n"


def predecessor_changes(model: Model, catalog: Catalog) -> list[tuple[str, Markup, Markup]]:
    """(field, before, after) for each compared fact that differs from the model's predecessor."""
    if not model.succeeds or not catalog.has_model(model.succeeds):
        return []
    before = catalog.model(model.succeeds)
    parts = lambda m, name: "; ".join(v for n, values in m.parts if n == name for v in values) or "–"  # noqa: E731
    facts = [
        ("Parameters", lambda m: m.parameters or "–"),
        ("Context window", lambda m: f"{m.context_window:,} tokens" if m.context_window else "–"),
        ("Input", lambda m: ", ".join(m.inputs)),
        ("Output", lambda m: ", ".join(m.outputs)),
        ("Modality encoder", lambda m: parts(m, "modality_encoder")),
        ("Connector", lambda m: parts(m, "input_projector")),
        ("LLM backbone", lambda m: parts(m, "llm_backbone")),
        ("Training tokens", lambda m: m.training.tokens if m.training and m.training.tokens else "–"),
        ("Weights", lambda m: m.access.weights),
        ("Licence", lambda m: m.license or "–"),
    ]
    out = []
    for label, value in facts:
        old, new = value(before), value(model)
        if old != new:
            out.append((label, inert(old), inert(new)))
    return out
