"""Bar charts drawn as SVG at build time, each returned with its data table."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from markupsafe import Markup

from atlas.records import Catalog
from atlas.vocabulary import ORG_TYPE_LABELS, license_family, weights
from atlas.render.escape import inert

BAR, GAP, LEFT, TOP, PLOT_H = 28, 10, 150, 40, 220


@dataclass(frozen=True)
class Chart:
    """A stacked bar chart: ``values[category][series]`` counts."""

    id: str
    title: str
    categories: tuple[str, ...]
    series: tuple[str, ...]
    values: dict[str, dict[str, int]]
    category_label: str
    # The colour class of each series (atlas-swatch--<name>); by default the series' own
    # names, which are kinds or weights levels. Other series take the ordinal s0, s1, ...
    swatches: tuple[str, ...] = ()

    def swatch(self, name: str) -> str:
        return self.swatches[self.series.index(name)] if self.swatches else name


LEGEND_ROW = 18


def _legend(chart: Chart, y: int, x0: int = LEFT, right: int = 710) -> tuple[list[str], int]:
    """The legend's swatches and names from (x0, y), wrapped before ``right``; and its number of rows."""
    items, x, rows = [], x0, 1
    for name in chart.series:
        width = 30 + 8 * len(name)
        if x > x0 and x + width - 8 > right:
            x, y, rows = x0, y + LEGEND_ROW, rows + 1
        items.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" class="atlas-swatch--{inert(chart.swatch(name))}"/>')
        items.append(f'<text x="{x + 16}" y="{y}" class="atlas-chart__legend">{inert(name)}</text>')
        x += width
    return items, rows


def horizontal_svg(chart: Chart) -> str:
    """Stacked horizontal bars, one per category, with a value label at each bar's end."""
    total_max = max((sum(chart.values[c].values()) for c in chart.categories), default=1) or 1
    # Room for the longest category name (about 6.5 units a character at 12 px), so none is cut off.
    left = max(LEFT, 16 + round(6.5 * max((len(c) for c in chart.categories), default=0)))
    width, plot_w = 720, 720 - left - 60
    legend, rows = _legend(chart, 18, left)
    top = TOP + (rows - 1) * LEGEND_ROW
    height = top + len(chart.categories) * (BAR + GAP) + 10
    parts = [
        f'<svg class="atlas-chart" role="img" aria-labelledby="{chart.id}-title" viewBox="0 0 {width} {height}" width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart.id}-title">{inert(chart.title)}</title>',
    ]
    parts += legend
    for row, category in enumerate(chart.categories):
        y = top + row * (BAR + GAP)
        parts.append(f'<text x="{left - 8}" y="{y + BAR / 2 + 4:.0f}" text-anchor="end" class="atlas-chart__label">{inert(category)}</text>')
        x = float(left)
        for name in chart.series:
            count = chart.values[category].get(name, 0)
            if not count:
                continue
            w = plot_w * count / total_max
            parts.append(
                f'<rect class="atlas-chart__mark atlas-swatch--{inert(chart.swatch(name))}" data-category="{inert(category)}" data-series="{inert(name)}" data-value="{count}" '
                f'x="{x:.1f}" y="{y}" width="{w:.1f}" height="{BAR}"><title>{inert(category)}, {inert(name)}: {count}</title></rect>'
            )
            x += w
        parts.append(f'<text x="{x + 6:.1f}" y="{y + BAR / 2 + 4:.0f}" class="atlas-chart__value">{sum(chart.values[category].values())}</text>')
    parts.append("</svg>")
    return "".join(parts)


def vertical_svg(chart: Chart) -> str:
    """Stacked vertical bars, one per category (years along the x axis)."""
    total_max = max((sum(chart.values[c].values()) for c in chart.categories), default=1) or 1
    step = 44
    width = 60 + len(chart.categories) * step
    legend, rows = _legend(chart, 18, 40, max(width, 420) - 10)
    top = TOP + (rows - 1) * LEGEND_ROW
    height = top + PLOT_H + 40
    parts = [
        f'<svg class="atlas-chart" role="img" aria-labelledby="{chart.id}-title" viewBox="0 0 {max(width, 420)} {height}" width="{max(width, 420)}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart.id}-title">{inert(chart.title)}</title>',
    ]
    parts += legend
    base = top + PLOT_H
    parts.append(f'<line x1="40" y1="{base}" x2="{width}" y2="{base}" class="atlas-chart__axis"/>')
    for column, category in enumerate(chart.categories):
        x = 50 + column * step
        y = float(base)
        for name in chart.series:
            count = chart.values[category].get(name, 0)
            if not count:
                continue
            h = PLOT_H * count / total_max
            y -= h
            parts.append(
                f'<rect class="atlas-chart__mark atlas-swatch--{inert(chart.swatch(name))}" data-category="{inert(category)}" data-series="{inert(name)}" data-value="{count}" '
                f'x="{x}" y="{y:.1f}" width="{step - 12}" height="{h:.1f}"><title>{inert(category)}, {inert(name)}: {count}</title></rect>'
            )
        parts.append(f'<text x="{x + (step - 12) / 2:.0f}" y="{y - 5:.1f}" text-anchor="middle" class="atlas-chart__value">{sum(chart.values[category].values())}</text>')
        parts.append(f'<text x="{x + (step - 12) / 2:.0f}" y="{base + 16}" text-anchor="middle" class="atlas-chart__label">{inert(category)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def data_table(chart: Chart) -> str:
    """The chart's numbers as a Markdown table."""
    lines = [f"| {inert(chart.category_label)} | " + " | ".join(str(inert(s)) for s in chart.series) + " | Total |", "| --- |" + " ---: |" * (len(chart.series) + 1)]
    for category in chart.categories:
        counts = [chart.values[category].get(s, 0) for s in chart.series]
        lines.append(f"| {inert(category)} | " + " | ".join(str(c) for c in counts) + f" | {sum(counts)} |")
    return "\n".join(lines)


def figure(chart: Chart, svg: str, caption: str) -> str:
    """A chart with its caption, then its data table, as Markdown."""
    return (
        f'<figure class="atlas-figure atlas-figure--chart" id="{chart.id}">{svg}<figcaption>{inert(caption)}</figcaption></figure>\n\n'
        f"{data_table(chart)}\n"
    )


def weights_by_year(catalog: Catalog) -> Chart:
    years = sorted({m.year for m in catalog.models})
    values = {str(y): dict(Counter(m.access.weights for m in catalog.models if m.year == y)) for y in years}
    return Chart("chart-weights-by-year", "Models per year of release, by weights access", tuple(str(y) for y in years), weights(), values, "Year")


def licence_families(catalog: Catalog) -> Chart:
    counts = Counter(license_family(m.license) for m in catalog.models)
    families = tuple(f for f, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    values = {f: {"models": counts[f]} for f in families}
    return Chart("chart-licence-families", "Models by licence family", families, ("models",), values, "Licence family")


def openness_by_org_type(catalog: Catalog) -> Chart:
    types = [t for t in ORG_TYPE_LABELS if any(catalog.organizations[m.organizations[0]].type == t for m in catalog.models)]
    values = {ORG_TYPE_LABELS[t]: dict(Counter(m.access.weights for m in catalog.models if catalog.organizations[m.organizations[0]].type == t)) for t in types}
    return Chart("chart-openness-by-org-type", "Weights access by type of lead organization", tuple(ORG_TYPE_LABELS[t] for t in types), weights(), values, "Lead organization type")


def openness_charts(catalog: Catalog) -> Markup:
    """The three charts of the open-vs-proprietary page, each with its data table."""
    year = weights_by_year(catalog)
    licences = licence_families(catalog)
    orgs = openness_by_org_type(catalog)
    return Markup(
        "\n### Models per year by weights access\n\n"
        + figure(year, vertical_svg(year), "Each bar counts the catalog models first released that year, split by whether their weights are open, restricted or closed.")
        + "\n### Licence families\n\n"
        + figure(licences, horizontal_svg(licences), "Licences grouped into families; API-only models count as proprietary.")
        + "\n### Openness by organization type\n\n"
        + figure(orgs, horizontal_svg(orgs), "Weights access of each model, grouped by the type of its lead organization.")
    )


def chart_mark_count(chart: Chart) -> int:
    """Number of bar segments a chart draws (non-zero cells), for tests."""
    return sum(1 for c in chart.categories for s in chart.series if chart.values[c].get(s, 0))

