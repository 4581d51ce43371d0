"""Lineage graphs: built_on edges and architecture parts that name catalog models.

The layout is computed at build time: models are placed in columns by generation
(ancestors left, descendants right), ordered within a column to reduce crossings, and
every label sits inside its own box, so labels never overlap.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from atlas.records import KIND_LABELS, PART_LABELS, Catalog
from atlas.render.escape import inert
from atlas.render.timeline import KIND_COLOURS

NODE_H, ROW_GAP, COL_GAP, CHAR_W, PAD = 22, 8, 56, 7.0, 10
RELATION_LABELS = {"built_on": "built on", **{name: label.lower() for name, label in PART_LABELS.items()}}
RELATION_CLASSES = {"llm_backbone": "backbone", "modality_encoder": "encoder", "modality_generator": "generator"}


@dataclass(frozen=True)
class Edge:
    """``source`` feeds ``target`` (source is the ancestor)."""

    source: str
    target: str
    relations: tuple[str, ...]


@dataclass(frozen=True)
class Graph:
    """The lineage edges with their adjacency, built once per catalog (model pages share it)."""

    edges: tuple[Edge, ...]
    up: dict[str, tuple[str, ...]]
    down: dict[str, tuple[str, ...]]
    touching: dict[str, tuple[Edge, ...]]


_CACHE: dict[int, tuple[Catalog, Graph]] = {}


def graph(catalog: Catalog) -> Graph:
    """The lineage graph of ``catalog``, computed on first use and then reused."""
    cached = _CACHE.get(id(catalog))
    if cached is not None and cached[0] is catalog:
        return cached[1]
    found = _edges(catalog)
    up: dict[str, list[str]] = defaultdict(list)
    down: dict[str, list[str]] = defaultdict(list)
    touching: dict[str, list[Edge]] = defaultdict(list)
    for edge in found:
        up[edge.target].append(edge.source)
        down[edge.source].append(edge.target)
        touching[edge.source].append(edge)
        touching[edge.target].append(edge)
    result = Graph(tuple(found), {k: tuple(v) for k, v in up.items()}, {k: tuple(v) for k, v in down.items()}, {k: tuple(v) for k, v in touching.items()})
    _CACHE.clear()
    _CACHE[id(catalog)] = (catalog, result)
    return result


def edges(catalog: Catalog) -> list[Edge]:
    """Every lineage edge: built_on plus architecture parts that name a catalog model."""
    return list(graph(catalog).edges)


def _edges(catalog: Catalog) -> list[Edge]:
    relations: dict[tuple[str, str], set[str]] = defaultdict(set)
    for model in catalog.models:
        for target in model.built_on:
            relations[(target, model.id)].add("built_on")
        for part, values in model.parts:
            for value in values:
                if catalog.has_model(value) and value != model.id:
                    relations[(value, model.id)].add(part)
    return [Edge(s, t, tuple(sorted(r))) for (s, t), r in sorted(relations.items())]


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
            f'<a xlink:href="{inert(root)}models/{inert(node)}/" class="atlas-lineage__node{focus_class}" data-id="{inert(node)}">'
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


def neighbourhood(catalog: Catalog, model_id: str, root: str, depth: int = 2, limit: int = 14) -> str | None:
    """A small graph of a model's ancestors and descendants, or None if it has neither."""
    lineage = graph(catalog)
    keep = {model_id}
    for links in (lineage.up, lineage.down):
        frontier = [model_id]
        side: list[str] = []
        for _ in range(depth):
            frontier = sorted({n for f in frontier for n in links.get(f, ())} - keep - set(side))
            side += frontier
        keep |= set(side[:limit])
    if keep == {model_id}:
        return None
    sub = sorted({e for n in keep for e in lineage.touching.get(n, ()) if e.source in keep and e.target in keep}, key=lambda e: (e.source, e.target))
    name = catalog.model(model_id).name
    return '<div class="atlas-scroll atlas-neighbourhood">' + graph_svg(catalog, keep, sub, root, f"Lineage around {name}", focus=model_id) + "</div>"


def lineage_table(catalog: Catalog, here: str) -> str:
    """The edges as a Markdown table: the text equivalent of the graph."""
    from atlas.render.templating import md_link

    rows = ["| Model | Builds on | Relation |", "| --- | --- | --- |"]
    for edge in sorted(edges(catalog), key=lambda e: (catalog.model(e.target).name.casefold(), e.source)):
        rows.append(
            f"| {md_link(catalog.model(edge.target).name, f'models/{edge.target}.md', here)} | {md_link(catalog.model(edge.source).name, f'models/{edge.source}.md', here)} | {inert(', '.join(RELATION_LABELS[r] for r in edge.relations))} |"
        )
    return "\n".join(rows) + "\n"
