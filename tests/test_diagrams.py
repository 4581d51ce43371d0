"""The timeline's axis and the lineage layout, checked on the real catalog and on made-up graphs."""
from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass

import pytest

from atlas.records import Edge
from atlas.render.lineage import NODE_H, STYLES, edge_style, edges, graph_svg, layout, legend, neighbours
from atlas.render.timeline import MIN_YEAR_W, PER_MODEL_W, axis, timeline_svg


def test_busy_years_get_the_room(catalog) -> None:
    years = axis(list(catalog.models))
    counts = Counter(m.year for m in catalog.models)
    widths = dict(zip(range(years.first_year, years.first_year + len(years.widths)), years.widths))
    assert all(width >= MIN_YEAR_W for width in widths.values())
    busiest, quietest = max(counts, key=counts.get), min(counts, key=counts.get)
    assert widths[busiest] > 3 * widths[quietest]
    assert widths[busiest] == MIN_YEAR_W + PER_MODEL_W * min(counts[busiest], 220)
    # Years follow each other without gaps, and each model's month lies inside its year.
    assert all(abs(a + w - b) < 1e-9 for a, w, b in zip(years.starts, years.widths, years.starts[1:]))
    for model in catalog.models:
        start, width = years.starts[model.year - years.first_year], years.widths[model.year - years.first_year]
        assert start < years.x(model.released) < start + width


def test_timeline_dots_do_not_overlap_and_stay_in_their_lanes(catalog) -> None:
    svg = html.unescape(timeline_svg(catalog, "../"))
    main = svg[svg.index('<svg class="atlas-timeline"'):]
    lanes = {m["kind"]: (float(m["y"]), float(m["h"])) for m in re.finditer(r'<rect x="0" y="(?P<y>[\d.]+)" width="[\d.]+" height="(?P<h>[\d.]+)" class="atlas-timeline__lane[^"]*" data-kind="(?P<kind>[^"]+)"', main)}
    dots = [(float(m["x"]), float(m["y"]), m["id"]) for m in re.finditer(r'<circle cx="(?P<x>[\d.]+)" cy="(?P<y>[\d.]+)" r="6" class="atlas-swatch--[^"]+" data-id="(?P<id>[^"]+)"', main)]
    assert len(dots) == len(catalog.models) and set(lanes) == {m.kind for m in catalog.models}
    kind_of = {m.id: m.kind for m in catalog.models}
    for x, y, model_id in dots:
        top, height = lanes[kind_of[model_id]]
        assert top + 6 <= y <= top + height - 6, model_id
    positions = Counter((round(x), round(y)) for x, y, _ in dots)
    assert max(positions.values()) == 1
    # The lane names are their own drawing, as tall as the timeline, so they can stay in view.
    heights = re.findall(r'<svg class="atlas-timeline(?:__lanes)?"[^>]* height="([\d.]+)"', svg)
    assert len(heights) == 2 and heights[0] == heights[1]


def test_lineage_layout_points_right_and_routes_around_boxes(catalog) -> None:
    all_edges = edges(catalog)
    nodes = {e.source for e in all_edges} | {e.target for e in all_edges}
    drawn = layout(catalog, nodes, all_edges)
    box = drawn.box
    assert set(box) == nodes
    # Every arrow points right: a model sits right of everything it builds on.
    assert all(box[e.source][0] < box[e.target][0] for e in all_edges)
    # Time runs left to right: a column's models are no older than those of the columns before it, by half-year.
    by_x = sorted(box, key=lambda n: box[n][0])
    assert catalog.model(by_x[0]).released <= catalog.model(by_x[-1]).released
    # No two boxes overlap, and nothing is clipped.
    columns: dict[float, list[tuple[float, float]]] = {}
    for x, y, w in box.values():
        columns.setdefault(x, []).append((y, y + NODE_H))
        assert x >= 0 and y >= 0 and x + w <= drawn.width and y + NODE_H <= drawn.height
    for spans in columns.values():
        spans.sort()
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
    # An edge that skips columns runs through each of them between the boxes, never across one.
    for edge, passes in drawn.routes:
        crossed = sorted({x for x, _, _ in box.values() if box[edge.source][0] < x < box[edge.target][0]})
        assert [left for left, _, _ in passes] == crossed
        for left, _, y in passes:
            assert all(not (top <= y <= bottom) for top, bottom in columns[left])


def test_lineage_drawing_has_arrowheads_and_a_legend_for_what_it_uses(catalog) -> None:
    keep = neighbours(catalog, "llava")
    sub = sorted({e for n in keep for e in catalog.lineage.touching.get(n, ()) if e.source in keep and e.target in keep}, key=lambda e: (e.source, e.target))
    svg = html.unescape(graph_svg(catalog, keep, sub, "../../", "Lineage around LLaVA", focus="llava", graph_id="lineage-llava"))
    markers = set(re.findall(r'<marker id="([^"]+)"', svg))
    used = re.findall(r'marker-end="url\(#([^)]+)\)"', svg)
    assert len(used) == len(sub) and set(used) <= markers
    assert all(marker.startswith("lineage-llava-arrow-") for marker in markers)
    styles = {edge_style(e) for e in sub}
    key = legend(catalog, keep, sub)
    assert [s for s, _ in STYLES if f"atlas-lineage__edge--{s}" in key] == [s for s, _ in STYLES if s in styles]
    assert "llava" in re.findall(r'class="atlas-lineage__node[^"]*atlas-lineage__node--focus" data-id="([^"]+)"', svg)


@dataclass(frozen=True)
class FakeModel:
    id: str
    name: str
    released: str
    kind: str = "llm"


class FakeCatalog:
    def __init__(self, models: list[FakeModel]) -> None:
        self.models = {m.id: m for m in models}

    def model(self, model_id: str) -> FakeModel:
        return self.models[model_id]


def test_lineage_layout_handles_a_chain_deeper_than_python_recursion() -> None:
    depth = 3000
    models = [FakeModel(f"m{i}", f"M{i}", f"{2000 + i // 120}-{i % 12 + 1:02d}") for i in range(depth)]
    chain = [Edge(f"m{i}", f"m{i + 1}", ("succeeds",)) for i in range(depth - 1)]
    drawn = layout(FakeCatalog(models), {m.id for m in models}, chain)
    xs = [drawn.box[f"m{i}"][0] for i in range(depth)]
    assert xs == sorted(xs) and len(set(xs)) == depth


@pytest.mark.parametrize("parent_date", ["2024-01", "2024-09"])
def test_a_model_never_sits_left_of_what_it_builds_on(parent_date: str) -> None:
    # The child's date comes first in one case (a source that disagrees): it still sits to the right.
    models = [FakeModel("parent", "Parent", parent_date), FakeModel("child", "Child", "2024-03"), FakeModel("other", "Other", "2024-03")]
    drawn = layout(FakeCatalog(models), {"parent", "child", "other"}, [Edge("parent", "child", ("built_on",))])
    assert drawn.box["parent"][0] < drawn.box["child"][0]
