"""Lineage graphs: built_on edges and architecture parts that name catalog models.

The layout is computed at build time: models are placed in columns by generation
(ancestors left, descendants right), ordered within a column to reduce crossings, and
every label sits inside its own box, so labels never overlap.
"""
from __future__ import annotations

from collections import defaultdict

from atlas.records import Catalog, Edge
from atlas.render.escape import inert
from atlas.render.links import model_src
from atlas.render.templating import md_link, page_url
from atlas.vocabulary import KIND_COLOURS, KIND_LABELS, RELATION_LABELS

NODE_H, ROW_GAP, COL_GAP, CHAR_W, PAD = 22, 8, 56, 7.0, 10
RELATION_CLASSES = {"llm_backbone": "backbone", "modality_encoder": "encoder", "modality_generator": "generator"}


def edges(catalog: Catalog) -> list[Edge]:
    """Every lineage edge: built_on plus architecture parts that name a catalog model."""
    return list(catalog.lineage.edges)


def _layers(nodes: set[str], graph_edges: list[Edge]) -> dict[str, int]:
    parents: dict[str, list[str]] = defaultdict(list)
    for edge in graph_edges:
        parents[edge.target].append(edge.source)
    layer: dict[str, int] = {}

    def depth(node: str, trail: frozenset[str]) -> int:
        if node in layer:
            return layer[node]
        known = [p for p in parents[node] if p in nodes and p not in trail]
        layer[node] = 1 + max((depth(p, trail | {node}) for p in known), default=-1)
        return layer[node]

    for node in sorted(nodes):
        depth(node, frozenset())
    return layer


def _order(columns: dict[int, list[str]], graph_edges: list[Edge], catalog: Catalog) -> None:
    """Barycenter sweeps: place each node near the mean position of its neighbours."""
    neighbours: dict[str, list[str]] = defaultdict(list)
    for edge in graph_edges:
        neighbours[edge.source].append(edge.target)
        neighbours[edge.target].append(edge.source)
    for column in columns.values():
        column.sort(key=lambda i: (catalog.model(i).kind, catalog.model(i).released, i))
    for sweep in range(4):
        position = {node: index for column in columns.values() for index, node in enumerate(column)}
        keys = sorted(columns) if sweep % 2 == 0 else sorted(columns, reverse=True)
        for key in keys:
            def centre(node: str) -> float:
                near = [position[n] for n in neighbours[node] if n in position]
                return sum(near) / len(near) if near else position[node]
            columns[key].sort(key=lambda n: (centre(n), n))
            for index, node in enumerate(columns[key]):
                position[node] = index


def graph_svg(catalog: Catalog, nodes: set[str], graph_edges: list[Edge], root: str, title: str, focus: str | None = None) -> str:
    """An SVG of ``nodes`` and ``graph_edges``; ``root`` leads from the page to the site root."""
    layer = _layers(nodes, graph_edges)
    columns: dict[int, list[str]] = defaultdict(list)
    for node in sorted(nodes):
        columns[layer[node]].append(node)
    _order(columns, graph_edges, catalog)
    widths = {k: max(CHAR_W * len(catalog.model(n).name) + 2 * PAD for n in column) for k, column in columns.items()}
    tallest = max(len(column) for column in columns.values())
    height = tallest * (NODE_H + ROW_GAP) + ROW_GAP
    x_of: dict[int, float] = {}
    x = 10.0
    for key in sorted(columns):
        x_of[key] = x
        x += widths[key] + COL_GAP
    width = x - COL_GAP + 10
    box: dict[str, tuple[float, float, float]] = {}
    for key, column in columns.items():
        offset = (tallest - len(column)) * (NODE_H + ROW_GAP) / 2
        for index, node in enumerate(column):
            box[node] = (x_of[key], ROW_GAP + offset + index * (NODE_H + ROW_GAP), widths[key])
    out = [
        f'<svg class="atlas-lineage" role="group" aria-label="Lineage graph" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">',
        f"<title>{inert(title)}</title>",
    ]
    for edge in graph_edges:
        if edge.source not in box or edge.target not in box:
            continue
        sx, sy, sw = box[edge.source]
        tx, ty, _ = box[edge.target]
        x1, y1, x2, y2 = sx + sw, sy + NODE_H / 2, tx, ty + NODE_H / 2
        bend = max(24.0, (x2 - x1) / 2)
        css = " ".join(f"atlas-lineage__edge--{RELATION_CLASSES.get(r, 'other')}" for r in edge.relations[:1])
        label = f"{catalog.model(edge.source).name} → {catalog.model(edge.target).name}: {', '.join(RELATION_LABELS[r] for r in edge.relations)}"
        out.append(f'<path d="M{x1:.1f} {y1:.1f} C{x1 + bend:.1f} {y1:.1f} {x2 - bend:.1f} {y2:.1f} {x2:.1f} {y2:.1f}" class="atlas-lineage__edge {css}" data-source="{inert(edge.source)}" data-target="{inert(edge.target)}"><title>{inert(label)}</title></path>')
    for node, (nx, ny, nw) in sorted(box.items()):
        model = catalog.model(node)
        focus_class = " atlas-lineage__node--focus" if node == focus else ""
        out.append(
            f'<a xlink:href="{inert(root)}{page_url("model", node)}" class="atlas-lineage__node{focus_class}" data-id="{inert(node)}">'
            f'<rect x="{nx:.1f}" y="{ny:.1f}" width="{nw:.1f}" height="{NODE_H}" rx="4" style="stroke:{KIND_COLOURS[model.kind]}"/>'
            f'<text x="{nx + PAD:.1f}" y="{ny + NODE_H / 2 + 4:.1f}">{inert(model.name)}</text>'
            f"<title>{inert(model.name)} ({inert(KIND_LABELS[model.kind])}, {inert(model.released)})</title></a>"
        )
    out.append("</svg>")
    return "".join(out)


def global_lineage(catalog: Catalog, root: str) -> str:
    """The whole lineage graph, in a scrollable region."""
    all_edges = edges(catalog)
    nodes = {e.source for e in all_edges} | {e.target for e in all_edges}
    svg = graph_svg(catalog, nodes, all_edges, root, f"Lineage of {len(nodes)} catalog models linked by {len(all_edges)} edges")
    return f'<div data-search-exclude class="atlas-scroll" tabindex="0" role="region" aria-label="Lineage graph, scrolls in both directions">{svg}</div>'


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
    """A small graph of a model's ancestors and descendants, or None if it has neither."""
    keep = neighbours(catalog, model_id)
    if keep == {model_id}:
        return None
    touching = catalog.lineage.touching
    sub = sorted({e for n in keep for e in touching.get(n, ()) if e.source in keep and e.target in keep}, key=lambda e: (e.source, e.target))
    name = catalog.model(model_id).name
    return '<div class="atlas-scroll atlas-neighbourhood">' + graph_svg(catalog, keep, sub, root, f"Lineage around {name}", focus=model_id) + "</div>"


def lineage_table(catalog: Catalog, here: str) -> str:
    """The edges as a Markdown table: the text equivalent of the graph."""
    rows = ["| Model | Builds on | Relation |", "| --- | --- | --- |"]
    for edge in sorted(edges(catalog), key=lambda e: (catalog.model(e.target).name.casefold(), e.source)):
        rows.append(
            f"| {md_link(catalog.model(edge.target).name, model_src(edge.target), here)} | {md_link(catalog.model(edge.source).name, model_src(edge.source), here)} | {inert(', '.join(RELATION_LABELS[r] for r in edge.relations))} |"
        )
    return "\n".join(rows) + "\n"
