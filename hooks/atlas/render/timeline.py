"""The timeline: every model on a time axis by release month, in one lane per kind."""
from __future__ import annotations

from collections import defaultdict

from markupsafe import Markup

from atlas.records import Catalog, Model, sort_models
from atlas.render.links import model_src
from atlas.vocabulary import KIND_COLOURS, KIND_LABELS, kinds as kind_order
from atlas.render.escape import inert
from atlas.render.templating import md_link, page_url

# Models marked on the axis, if they are in the catalog: turning points of the review's history.
MILESTONES = ("transformer", "bert", "gpt-3", "clip", "flamingo", "gpt-3-5", "llava", "gpt-4", "gpt-4o", "deepseek-r1")
LEFT, RIGHT, PX_PER_MONTH, DOT, ROW, LANE_PAD, LABEL_ROW = 180, 30, 14, 5, 12, 10, 18


def _month_index(released: str, first_year: int) -> int:
    year = int(released[:4])
    month = int(released[5:7]) if len(released) >= 7 else 6  # a bare year sits mid-year
    return (year - first_year) * 12 + month - 1


def _label_rows(items: list[tuple[float, str]]) -> list[int]:
    """Greedy rows for milestone labels so that no two labels overlap."""
    ends: list[float] = []
    rows = []
    for x, text in items:
        width = 7.5 * len(text) + 10
        for row, end in enumerate(ends):
            if x - width / 2 > end:
                ends[row] = x + width / 2
                rows.append(row)
                break
        else:
            ends.append(x + width / 2)
            rows.append(len(ends) - 1)
    return rows


def timeline_svg(catalog: Catalog, root: str) -> str:
    """SVG timeline; ``root`` leads from the page to the site root."""
    models = sorted(catalog.models, key=lambda m: (m.released, m.id))
    first_year = min(m.year for m in models)
    last_year = max(m.year for m in models)
    months = (last_year - first_year + 1) * 12
    width = LEFT + months * PX_PER_MONTH + RIGHT
    kinds = [k for k in kind_order() if any(m.kind == k for m in models)]
    stacks: dict[tuple[str, int], int] = defaultdict(int)
    placed: list[tuple[Model, int, int]] = []
    for model in models:
        month = _month_index(model.released, first_year)
        placed.append((model, month, stacks[(model.kind, month)]))
        stacks[(model.kind, month)] += 1
    lane_height = {k: LANE_PAD * 2 + ROW * max(v for (kind, _), v in stacks.items() if kind == k) for k in kinds}

    milestones = [catalog.model(i) for i in MILESTONES if catalog.has_model(i)]
    marks = [(LEFT + (_month_index(m.released, first_year) + 0.5) * PX_PER_MONTH, m.name) for m in milestones]
    label_rows = _label_rows(marks)
    top = 30 + (max(label_rows, default=-1) + 1) * LABEL_ROW
    height = top + sum(lane_height.values()) + 30

    out = [
        f'<svg class="atlas-timeline" role="group" aria-labelledby="timeline-title timeline-desc" viewBox="0 0 {width} {height}" width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">',
        '<title id="timeline-title">Timeline of the models in the Atlas</title>',
        f'<desc id="timeline-desc">{len(models)} models from {first_year} to {last_year}, one lane per kind; each dot links to its model page. The list below the chart gives the same data as text.</desc>',
    ]
    for year in range(first_year, last_year + 2):
        x = LEFT + (year - first_year) * 12 * PX_PER_MONTH
        out.append(f'<line x1="{x}" y1="{top - 6}" x2="{x}" y2="{height - 24}" class="atlas-timeline__grid"/>')
        if year <= last_year:
            out.append(f'<text x="{x + 6 * PX_PER_MONTH}" y="{height - 8}" text-anchor="middle" class="atlas-timeline__year">{year}</text>')
    for (x, name), row in zip(marks, label_rows):
        y = 18 + row * LABEL_ROW
        out.append(f'<line x1="{x:.1f}" y1="{y + 3}" x2="{x:.1f}" y2="{height - 24}" class="atlas-timeline__milestone"/>')
        out.append(f'<text x="{x:.1f}" y="{y}" text-anchor="middle" class="atlas-timeline__milestone-label">{inert(name)}</text>')
    lane_top = {}
    y = top
    for kind in kinds:
        lane_top[kind] = y
        out.append(f'<rect x="0" y="{y}" width="{width}" height="{lane_height[kind]}" class="atlas-timeline__lane"/>')
        out.append(f'<text x="8" y="{y + lane_height[kind] / 2 + 4:.0f}" class="atlas-timeline__kind" fill="{KIND_COLOURS[kind]}">{inert(KIND_LABELS[kind])}</text>')
        y += lane_height[kind]
    for model, month, stack in placed:
        cx = LEFT + (month + 0.5) * PX_PER_MONTH
        cy = lane_top[model.kind] + lane_height[model.kind] - LANE_PAD - stack * ROW - ROW / 2
        out.append(
            f'<a xlink:href="{inert(root)}{page_url("model", model.id)}" class="atlas-timeline__point">'
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{DOT}" fill="{KIND_COLOURS[model.kind]}" data-id="{inert(model.id)}">'
            f"<title>{inert(model.name)} ({inert(model.released)})</title></circle></a>"
        )
    out.append("</svg>")
    return "".join(out)


def timeline_text(catalog: Catalog, here: str) -> str:
    """The same data as text: models by year, newest year first."""
    by_year: dict[int, list[Model]] = defaultdict(list)
    for model in sort_models(catalog.models):
        by_year[model.year].append(model)
    lines = []
    for year in sorted(by_year, reverse=True):
        lines.append(f"### {year} ({len(by_year[year])})\n")
        lines.append(", ".join(f"{md_link(m.name, model_src(m.id), here)} ({inert(m.released)}, {inert(KIND_LABELS[m.kind])})" for m in by_year[year]) + "\n")
    return "\n".join(lines)


def timeline(catalog: Catalog, here: str, root: str) -> Markup:
    """Scrollable SVG timeline followed by its text equivalent."""
    return Markup(
        f'<div data-search-exclude class="atlas-scroll atlas-scroll--timeline" tabindex="0" role="region" aria-label="Timeline, scrolls sideways">{timeline_svg(catalog, root)}</div>\n\n'
        + "## The same data as a list\n\n"
        + timeline_text(catalog, here)
    )
