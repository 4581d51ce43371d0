"""The timeline: every model on a time axis by release month, in one lane per kind.

Busy years get the room: a year is as wide as the models released in it need (with a floor
for quiet years), and the models of one kind in one month sit side by side before they
stack. The lane names are a second, narrow drawing that stays at the left edge while the
timeline scrolls under it. Without scripts the drawing is complete and every dot is a link;
docs/assets/diagrams.js adds the kind filter and the details line.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from markupsafe import Markup

from atlas.records import Catalog, Model, human_date, sort_models
from atlas.render.escape import inert
from atlas.render.links import model_src
from atlas.render.templating import md_link, page_url
from atlas.vocabulary import KIND_LABELS, kinds as kind_order

# Models marked on the axis, if they are in the catalog: turning points of the review's history.
MILESTONES = ("transformer", "bert", "gpt-3", "clip", "flamingo", "gpt-3-5", "llava", "gpt-4", "gpt-4o", "deepseek-r1")
LANES_W = 178        # the sticky drawing of lane names
MIN_YEAR_W = 84      # a year with few models
PER_MODEL_W = 9      # what each model of a year adds to its width, up to BUSY_CAP models
BUSY_CAP = 220
STEP = 16            # distance between dot centres, across and up
DOT = 6
LANE_PAD, MIN_LANE_H, LABEL_ROW, AXIS_H = 8, 34, 18, 24


@dataclass(frozen=True)
class Axis:
    """Where each year starts on the x axis, and how wide it is."""

    first_year: int
    starts: tuple[float, ...]
    widths: tuple[float, ...]

    def x(self, released: str) -> float:
        """The centre of the release month (a bare year sits mid-year)."""
        month = int(released[5:7]) if len(released) >= 7 else 6.5
        index = int(released[:4]) - self.first_year
        return self.starts[index] + (month - 0.5) / 12 * self.widths[index]

    def month(self, released: str) -> tuple[float, float]:
        """(left edge, width) of the release month."""
        index = int(released[:4]) - self.first_year
        month = int(released[5:7]) if len(released) >= 7 else 6
        return self.starts[index] + (month - 1) / 12 * self.widths[index], self.widths[index] / 12

    @property
    def width(self) -> float:
        return self.starts[-1] + self.widths[-1]


def axis(models: list[Model]) -> Axis:
    """Years as wide as their models need: MIN_YEAR_W plus PER_MODEL_W a model, up to BUSY_CAP models."""
    counts = Counter(m.year for m in models)
    first, last = min(counts), max(counts)
    widths = tuple(float(MIN_YEAR_W + PER_MODEL_W * min(counts.get(year, 0), BUSY_CAP)) for year in range(first, last + 1))
    starts, x = [], 12.0
    for width in widths:
        starts.append(x)
        x += width
    return Axis(first, tuple(starts), widths)


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


def _place(models: list[Model], years: Axis) -> tuple[dict[str, tuple[float, int]], dict[str, int]]:
    """Each model's (x, row in its lane), and each lane's number of rows: side by side in a month, then upwards."""
    groups: dict[tuple[str, str], list[Model]] = defaultdict(list)
    for model in models:
        groups[(model.kind, model.released[:7])].append(model)
    placed: dict[str, tuple[float, int]] = {}
    rows: dict[str, int] = defaultdict(lambda: 1)
    for (kind, _), group in groups.items():
        left, width = years.month(group[0].released)
        across = max(1, int(width // STEP))
        for index, model in enumerate(group):
            column, row = index % across, index // across
            in_row = min(across, len(group) - row * across)
            placed[model.id] = (left + width / 2 + (column - (in_row - 1) / 2) * STEP, row)
            rows[kind] = max(rows[kind], row + 1)
    return placed, rows


def _title(model: Model, catalog: Catalog) -> str:
    """What the dot's tooltip and the details line say."""
    orgs = ", ".join(catalog.organizations[o].name for o in model.organizations)
    size = f"{model.parameters} parameters" if model.parameters and model.parameters != "undisclosed" else "size undisclosed"
    return f"{model.name} · {orgs} · {KIND_LABELS[model.kind]} · {human_date(model.released)} · {size} · {model.access.weights} weights"


def timeline_svg(catalog: Catalog, root: str) -> str:
    """The lane names and the timeline, two SVGs side by side; ``root`` leads from the page to the site root."""
    models = sorted(catalog.models, key=lambda m: (m.released, m.id))
    years = axis(models)
    kinds = [k for k in kind_order() if any(m.kind == k for m in models)]
    placed, rows = _place(models, years)
    lane_h = {k: max(MIN_LANE_H, 2 * LANE_PAD + STEP * rows[k]) for k in kinds}

    milestones = [catalog.model(i) for i in MILESTONES if catalog.has_model(i)]
    marks = [(years.x(m.released), m.name) for m in milestones]
    label_rows = _label_rows(marks)
    axis_top = 8 + (max(label_rows, default=-1) + 1) * LABEL_ROW
    top = axis_top + AXIS_H
    height = top + sum(lane_h.values()) + 8
    width = years.width + 12
    last_year = years.first_year + len(years.widths) - 1

    lane_top: dict[str, float] = {}
    y = float(top)
    for kind in kinds:
        lane_top[kind] = y
        y += lane_h[kind]

    # On a phone the stylesheet narrows this drawing; "slice" then crops the long names instead of shrinking them.
    names = [f'<svg class="atlas-timeline__lanes" aria-hidden="true" viewBox="0 0 {LANES_W} {height:.0f}" width="{LANES_W}" height="{height:.0f}" preserveAspectRatio="xMinYMin slice" xmlns="http://www.w3.org/2000/svg">']
    stripe = {kind: " atlas-timeline__lane--odd" if index % 2 == 0 else "" for index, kind in enumerate(kinds)}
    for kind in kinds:
        names.append(
            f'<g class="atlas-timeline__lane-group" data-kind="{inert(kind)}"><rect x="0" y="{lane_top[kind]:.0f}" width="{LANES_W}" height="{lane_h[kind]}" class="atlas-timeline__lane{stripe[kind]}"/>'
            f'<circle cx="14" cy="{lane_top[kind] + 16:.0f}" r="{DOT}" class="atlas-swatch--{inert(kind)}"/>'
            f'<text x="26" y="{lane_top[kind] + 20:.0f}" class="atlas-timeline__kind">{inert(KIND_LABELS[kind])}</text></g>'
        )
    names.append("</svg>")

    out = [
        f'<svg class="atlas-timeline" role="group" aria-labelledby="timeline-title timeline-desc" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">',
        '<title id="timeline-title">Timeline of the models in the Atlas</title>',
        f'<desc id="timeline-desc">{len(models)} models from {years.first_year} to {last_year}, one lane per kind; each dot links to its model page. The list below the chart gives the same data as text.</desc>',
    ]
    for kind in kinds:
        out.append(f'<rect x="0" y="{lane_top[kind]:.0f}" width="{width:.0f}" height="{lane_h[kind]}" class="atlas-timeline__lane{stripe[kind]}" data-kind="{inert(kind)}" data-height="{lane_h[kind]}"/>')
    for index, (start, year_w) in enumerate(zip(years.starts, years.widths)):
        year = years.first_year + index
        out.append(f'<line x1="{start:.1f}" y1="{axis_top:.0f}" x2="{start:.1f}" y2="{height:.0f}" class="atlas-timeline__grid"/>')
        out.append(f'<text x="{start + year_w / 2:.1f}" y="{axis_top + 16:.0f}" text-anchor="middle" class="atlas-timeline__year">{year}</text>')
    for (x, name), row in zip(marks, label_rows):
        label_y = 20 + row * LABEL_ROW
        out.append(f'<line x1="{x:.1f}" y1="{label_y + 3}" x2="{x:.1f}" y2="{height:.0f}" class="atlas-timeline__milestone"/>')
        out.append(f'<text x="{x:.1f}" y="{label_y}" text-anchor="middle" class="atlas-timeline__milestone-label">{inert(name)}</text>')
    for kind in kinds:
        out.append(f'<g class="atlas-timeline__lane-group" data-kind="{inert(kind)}">')
        for model in (m for m in models if m.kind == kind):
            cx, row = placed[model.id]
            cy = lane_top[kind] + lane_h[kind] - LANE_PAD - row * STEP - STEP / 2
            out.append(
                f'<a xlink:href="{inert(root)}{page_url("model", model.id)}" class="atlas-timeline__point">'
                f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{DOT}" class="atlas-swatch--{inert(kind)}" data-id="{inert(model.id)}">'
                f"<title>{inert(_title(model, catalog))}</title></circle></a>"
            )
        out.append("</g>")
    out.append("</svg>")
    return "".join(names) + "".join(out)


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


def kind_filter(catalog: Catalog) -> str:
    """The lanes to show, as checkboxes (the script wires them; without it they are hidden)."""
    counts = Counter(m.kind for m in catalog.models)
    boxes = "".join(
        f'<label class="atlas-choice__option"><input type="checkbox" name="kind" value="{inert(k)}" checked> <span>{inert(KIND_LABELS[k])}</span>'
        f' <span class="atlas-choice__count">{counts[k]}</span></label>'
        for k in kind_order() if counts[k]
    )
    return f'<form class="atlas-timeline__filter" aria-label="Kinds to show" autocomplete="off"><fieldset><legend>Show these kinds</legend>{boxes}</fieldset></form>'


def timeline(catalog: Catalog, here: str, root: str) -> Markup:
    """The kind filter, the scrollable timeline with its details line, and its text equivalent."""
    return Markup(
        f'<div data-search-exclude class="atlas-timeline-view">{kind_filter(catalog)}'
        f'<div class="atlas-scroll atlas-scroll--timeline" tabindex="0" role="region" aria-label="Timeline, scrolls sideways">'
        f'<div class="atlas-timeline__row">{timeline_svg(catalog, root)}</div></div>'
        '<p class="atlas-timeline__detail" aria-live="polite"></p></div>\n\n'
        + "## The same data as a list\n\n"
        + timeline_text(catalog, here)
    )
