"""Lineage graphs: which models are built on, succeed or are derived from which.

The layout is computed at build time, in the manner of a layered (Sugiyama) drawing:
1. Columns follow time. Each model goes in the column of its half-year of release, or
   further right if a model it builds on sits there (so every arrow points right); empty
   half-years take no room.
2. An edge that skips columns passes through a placeholder in each column it crosses, so
   no box sits in its way, and is drawn straight across those columns.
3. Barycenter sweeps order each column to reduce crossings; every label sits inside its
   own box, so labels never overlap, and the drawing is as wide as its widest boxes.
Arrowheads and line styles say what kind of relation an edge is; the legend names them.
docs/assets/diagrams.js adds focus on one model, zoom and pan.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from atlas.records import Catalog, Edge
from atlas.render.escape import inert
from atlas.render.links import model_src
from atlas.render.templating import md_link, page_url
from atlas.vocabulary import KIND_LABELS, RELATION_LABELS, kinds as kind_order

NODE_H, PASS_H, ROW_GAP, COL_GAP, PAD, HEAD_H = 24, 6, 8, 64, 10, 22

# How an edge is drawn, strongest relation first: (class, words in the legend).
STYLES = (
    ("derived", "weights derived from (fine-tune, distillation, merge, quantization)"),
    ("succeeds", "next version of"),
    ("backbone", "LLM backbone of"),
    ("encoder", "modality encoder of"),
    ("generator", "modality generator of"),
    ("built", "built on (starting checkpoint)"),
    ("other", "projector or other part of"),
)
STYLE_OF = {
    "fine-tune": "derived", "distillation": "derived", "merge": "derived", "quantization": "derived",
    "succeeds": "succeeds", "llm_backbone": "backbone", "modality_encoder": "encoder",
    "modality_generator": "generator", "built_on": "built",
}


def edge_style(edge: Edge) -> str:
    """The one style an edge is drawn in: that of its strongest relation."""
    found = {STYLE_OF.get(relation, "other") for relation in edge.relations}
    return next(style for style, _ in STYLES if style in found)


def edges(catalog: Catalog) -> list[Edge]:
    """Every lineage edge: built_on, succeeds, derived_from, and architecture parts that name a catalog model."""
    return list(catalog.lineage.edges)


def _text_width(text: str) -> float:
    """About how wide ``text`` is at 12 px in the site's sans-serif font."""
    return sum(8.2 if c.isupper() or c in "mwMW" else 7.0 if c.isdigit() else 3.6 if c in "ilIjt.,:;'|!()[] " else 6.6 for c in text)


def _half_year(released: str) -> tuple[int, int]:
    month = int(released[5:7]) if len(released) >= 7 else 6
    return int(released[:4]), 0 if month <= 6 else 1


def _layers(catalog: Catalog, nodes: set[str], graph_edges: list[Edge]) -> dict[str, int]:
    """Each node's column: its half-year's rank, pushed right past the nodes it builds on (iterative, cycle-safe)."""
    ranks = {half: index for index, half in enumerate(sorted({_half_year(catalog.model(n).released) for n in nodes}))}
    parents: dict[str, list[str]] = defaultdict(list)
    children: dict[str, list[str]] = defaultdict(list)
    for edge in graph_edges:
        if edge.source in nodes and edge.target in nodes and edge.source != edge.target:
            parents[edge.target].append(edge.source)
            children[edge.source].append(edge.target)
    waiting = {node: len(parents[node]) for node in nodes}
    ready = sorted((n for n in nodes if not waiting[n]), key=lambda n: (catalog.model(n).released, n))
    layer: dict[str, int] = {}
    while ready:
        node = ready.pop()
        layer[node] = max([ranks[_half_year(catalog.model(node).released)]] + [layer[p] + 1 for p in parents[node] if p in layer])
        for child in children[node]:
            waiting[child] -= 1
            if not waiting[child]:
                ready.append(child)
    for node in nodes - layer.keys():  # only on a cycle, which validation refuses
        layer[node] = ranks[_half_year(catalog.model(node).released)]
    return layer


@dataclass
class Slot:
    """A box, or the placeholder an edge passes through, in one column."""

    key: str          # a model id, or "edge-index:column" for a placeholder
    height: float
    y: float = 0.0


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    column_x: dict[int, float]
    column_w: dict[int, float]
    box: dict[str, tuple[float, float, float]]          # model id -> (x, y, width)
    routes: list[tuple[Edge, list[tuple[float, float, float]]]]  # edge -> placeholders as (x left, x right, y)
    headings: dict[int, str]


def layout(catalog: Catalog, nodes: set[str], graph_edges: list[Edge]) -> Layout:
    layer = _layers(catalog, nodes, graph_edges)
    columns: dict[int, list[Slot]] = defaultdict(list)
    for node in sorted(nodes, key=lambda n: (catalog.model(n).kind, catalog.model(n).released, n)):
        columns[layer[node]].append(Slot(node, NODE_H))
    chains: list[tuple[Edge, list[str]]] = []
    neighbours: dict[str, list[str]] = defaultdict(list)
    for index, edge in enumerate(graph_edges):
        if edge.source not in nodes or edge.target not in nodes:
            continue
        start, end = layer[edge.source], layer[edge.target]
        keys = [f"{index}:{column}" for column in range(start + 1, end)]
        for column, key in zip(range(start + 1, end), keys):
            columns[column].append(Slot(key, PASS_H))
        path = [edge.source, *keys, edge.target]
        for a, b in zip(path, path[1:]):
            neighbours[a].append(b)
            neighbours[b].append(a)
        chains.append((edge, keys))
    # Barycenter sweeps, left to right and back: each slot moves towards the mean position of its neighbours.
    for sweep in range(6):
        position = {slot.key: index for column in columns.values() for index, slot in enumerate(column)}
        for key in sorted(columns) if sweep % 2 == 0 else sorted(columns, reverse=True):
            def centre(slot: Slot) -> float:
                near = [position[n] for n in neighbours[slot.key] if n in position]
                return sum(near) / len(near) if near else position[slot.key]
            columns[key].sort(key=lambda slot: (centre(slot), slot.key))
            for index, slot in enumerate(columns[key]):
                position[slot.key] = index
    column_w = {k: max([_text_width(catalog.model(s.key).name) + 2 * PAD for s in column if s.height == NODE_H] or [24.0]) for k, column in columns.items()}
    column_x: dict[int, float] = {}
    x = 10.0
    for key in sorted(columns):
        column_x[key] = x
        x += column_w[key] + COL_GAP
    heights = {k: sum(s.height + ROW_GAP for s in column) for k, column in columns.items()}
    tallest = max(heights.values(), default=0.0)
    box: dict[str, tuple[float, float, float]] = {}
    passes: dict[str, tuple[float, float, float]] = {}
    for key, column in columns.items():
        y = HEAD_H + ROW_GAP + (tallest - heights[key]) / 2
        for slot in column:
            slot.y = y
            if slot.height == NODE_H and ":" not in slot.key:
                box[slot.key] = (column_x[key], y, column_w[key])
            else:
                passes[slot.key] = (column_x[key], column_x[key] + column_w[key], y + PASS_H / 2)
            y += slot.height + ROW_GAP
    # Each column is headed by its earliest half-year, where that differs from the column before.
    headings, previous = {}, ""
    for key in sorted(columns):
        dates = sorted(catalog.model(s.key).released for s in columns[key] if s.key in box)
        if dates:
            year, half = _half_year(dates[0])
            heading = f"{year} {'H1' if half == 0 else 'H2'}"
            if heading != previous:
                headings[key] = previous = heading
    routes = [(edge, [passes[k] for k in keys]) for edge, keys in chains]
    return Layout(x - COL_GAP + 10, HEAD_H + ROW_GAP + tallest + 4, column_x, column_w, box, routes, headings)


def _path(points: list[tuple[float, float]]) -> str:
    """Straight runs across columns joined by curves with level ends, from box edge to box edge."""
    out = [f"M{points[0][0]:.1f} {points[0][1]:.1f}"]
    for (x1, y1), (x2, y2) in zip(points, points[1:]):
        if abs(y1 - y2) < 0.5:
            out.append(f"L{x2:.1f} {y2:.1f}")
        else:
            bend = max(12.0, (x2 - x1) / 2)
            out.append(f"C{x1 + bend:.1f} {y1:.1f} {x2 - bend:.1f} {y2:.1f} {x2:.1f} {y2:.1f}")
    return "".join(out)


def graph_svg(catalog: Catalog, nodes: set[str], graph_edges: list[Edge], root: str, title: str, focus: str | None = None, graph_id: str = "lineage") -> str:
    """An SVG of ``nodes`` and ``graph_edges``; ``root`` leads from the page to the site root."""
    drawn = layout(catalog, nodes, graph_edges)
    out = [
        f'<svg class="atlas-lineage" id="{inert(graph_id)}" role="group" aria-label="{inert(title)}" viewBox="0 0 {drawn.width:.0f} {drawn.height:.0f}" width="{drawn.width:.0f}" height="{drawn.height:.0f}" '
        'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">',
        f"<title>{inert(title)}</title><defs>",
    ]
    for style, _ in STYLES:
        out.append(
            f'<marker id="{inert(graph_id)}-arrow-{style}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
            f'<path d="M0 1L10 5L0 9z" class="atlas-lineage__arrow atlas-lineage__arrow--{style}"/></marker>'
        )
    out.append("</defs>")
    for key, heading in sorted(drawn.headings.items()):
        out.append(f'<text x="{drawn.column_x[key] + drawn.column_w[key] / 2:.1f}" y="15" text-anchor="middle" class="atlas-lineage__heading">{inert(heading)}</text>')
    for edge, passes in drawn.routes:
        sx, sy, sw = drawn.box[edge.source]
        tx, ty, _ = drawn.box[edge.target]
        points = [(sx + sw, sy + NODE_H / 2)]
        for left, right, y in passes:
            points += [(left, y), (right, y)]
        points.append((tx - 1, ty + NODE_H / 2))
        style = edge_style(edge)
        label = f"{catalog.model(edge.source).name} → {catalog.model(edge.target).name}: {', '.join(RELATION_LABELS[r] for r in edge.relations)}"
        out.append(
            f'<path d="{_path(points)}" class="atlas-lineage__edge atlas-lineage__edge--{style}" marker-end="url(#{inert(graph_id)}-arrow-{style})" '
            f'data-source="{inert(edge.source)}" data-target="{inert(edge.target)}"><title>{inert(label)}</title></path>'
        )
    for node, (nx, ny, nw) in sorted(drawn.box.items()):
        model = catalog.model(node)
        focus_class = " atlas-lineage__node--focus" if node == focus else ""
        out.append(
            f'<a xlink:href="{inert(root)}{page_url("model", node)}" class="atlas-lineage__node atlas-swatch--{inert(model.kind)}{focus_class}" data-id="{inert(node)}">'
            f'<rect x="{nx:.1f}" y="{ny:.1f}" width="{nw:.1f}" height="{NODE_H}" rx="4"/>'
            f'<text x="{nx + PAD:.1f}" y="{ny + NODE_H / 2 + 4:.1f}">{inert(model.name)}</text>'
            f"<title>{inert(model.name)} · {inert(KIND_LABELS[model.kind])} · {inert(model.released)}</title></a>"
        )
    out.append("</svg>")
    return "".join(out)


def legend(catalog: Catalog, nodes: set[str], graph_edges: list[Edge]) -> str:
    """What the line styles and outline colours mean, for those the drawing uses."""
    used = {edge_style(e) for e in graph_edges}
    lines = "".join(
        f'<li><svg class="atlas-key" width="34" height="10" aria-hidden="true"><line x1="1" y1="5" x2="28" y2="5" class="atlas-lineage__edge atlas-lineage__edge--{style}"/>'
        f'<path d="M26 1L34 5L26 9z" class="atlas-lineage__arrow atlas-lineage__arrow--{style}"/></svg> {inert(words)}</li>'
        for style, words in STYLES if style in used
    )
    present = {catalog.model(n).kind for n in nodes}
    boxes = "".join(
        f'<li><svg class="atlas-key" width="18" height="12" aria-hidden="true"><rect x="1" y="1" width="16" height="10" rx="2" class="atlas-lineage__key-box atlas-swatch--{inert(k)}"/></svg> {inert(KIND_LABELS[k])}</li>'
        for k in kind_order() if k in present
    )
    return (
        '<div class="atlas-lineage__legend"><p>Arrows point from a model to the models that reuse it:</p>'
        f'<ul class="atlas-lineage__key">{lines}</ul><p>Box outlines give the kind:</p><ul class="atlas-lineage__key">{boxes}</ul></div>'
    )


def global_lineage(catalog: Catalog, root: str) -> str:
    """The whole lineage graph with its legend, in a region that scrolls (and, with the script, zooms and focuses)."""
    all_edges = edges(catalog)
    nodes = {e.source for e in all_edges} | {e.target for e in all_edges}
    svg = graph_svg(catalog, nodes, all_edges, root, f"Lineage of {len(nodes)} catalog models linked by {len(all_edges)} edges")
    return (
        f'<div data-search-exclude class="atlas-lineage-view">{legend(catalog, nodes, all_edges)}'
        f'<div class="atlas-scroll atlas-scroll--lineage" tabindex="0" role="region" aria-label="Lineage graph, scrolls in both directions">{svg}</div>'
        '<p class="atlas-lineage__status" aria-live="polite"></p></div>'
    )


def neighbours(catalog: Catalog, model_id: str, depth: int = 2, limit: int = 14) -> set[str]:
    """``model_id`` with up to ``limit`` ancestors and ``limit`` descendants, ``depth`` steps away at most."""
    lineage = catalog.lineage
    keep = {model_id}
    for links in (lineage.up, lineage.down):
        frontier = [model_id]
        side: list[str] = []
        for _ in range(depth):
            frontier = sorted({n for f in frontier for n in links.get(f, ())} - keep - set(side))
            side += frontier
        keep |= set(side[:limit])
    return keep


def neighbourhood(catalog: Catalog, model_id: str, root: str) -> str | None:
    """A small graph of a model's ancestors and descendants, with its legend, or None if it has neither."""
    keep = neighbours(catalog, model_id)
    if keep == {model_id}:
        return None
    touching = catalog.lineage.touching
    sub = sorted({e for n in keep for e in touching.get(n, ()) if e.source in keep and e.target in keep}, key=lambda e: (e.source, e.target))
    name = catalog.model(model_id).name
    svg = graph_svg(catalog, keep, sub, root, f"Lineage around {name}", focus=model_id, graph_id=f"lineage-{model_id}")
    return f'<div class="atlas-neighbourhood"><div class="atlas-scroll">{svg}</div>{legend(catalog, keep, sub)}</div>'


def lineage_table(catalog: Catalog, here: str) -> str:
    """The edges as a Markdown table: the text equivalent of the graph."""
    rows = ["| Model | Builds on | Relation |", "| --- | --- | --- |"]
    for edge in sorted(edges(catalog), key=lambda e: (catalog.model(e.target).name.casefold(), e.source)):
        rows.append(
            f"| {md_link(catalog.model(edge.target).name, model_src(edge.target), here)} | {md_link(catalog.model(edge.source).name, model_src(edge.source), here)} | {inert(', '.join(RELATION_LABELS[r] for r in edge.relations))} |"
        )
    return "\n".join(rows) + "\n"
