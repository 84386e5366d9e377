"""The lineage graph drawn as inline SVG, with no Graphviz or JavaScript to install.

A layered drawing, left to right in the direction data flows: each node's column is the
longest path to it from a source (strongly connected parts — a file read and rewritten —
share a column); within a column nodes are ordered by the mean row of their sources, which
removes most crossings in pipeline-shaped graphs. Resources are boxes, in-memory values are
rounded and dashed; the fill is the tier; hovering a node shows its whole name and tags
(captions are cut at CAPTION_CHARS so a deep graph still fits the page when scaled).
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

import networkx as nx

from lacuna_cli import lineage

if TYPE_CHECKING:
    from lacuna_cli.lineage_export import Labels

TIER_FILL = {"PROPRIETARY": "#f8d7da", "UNKNOWN": "#e2d9f3", "INTERNAL": "#fff3cd",
             "PUBLIC": "#d1e7dd"}
TIER_STROKE = {"PROPRIETARY": "#b02a37", "UNKNOWN": "#59359a", "INTERNAL": "#997404",
               "PUBLIC": "#146c43"}
CHAR_WIDTH, NODE_HEIGHT, ROW_GAP, COLUMN_GAP, MARGIN = 6.6, 38, 18, 56, 16
CAPTION_CHARS = 30  # longer captions end in "…" (the tooltip has them whole): deep graphs fit


def _columns(graph: nx.MultiDiGraph) -> list[list[str]]:
    condensed = nx.condensation(graph)
    depth: dict[int, int] = {}
    for component in nx.topological_sort(condensed):
        preds = list(condensed.predecessors(component))
        depth[component] = 1 + max((depth[p] for p in preds), default=-1)
    columns: list[list[str]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for component, level in depth.items():
        columns[level].extend(sorted(condensed.nodes[component]["members"]))
    row: dict[str, float] = {}
    for column in columns:
        def barycentre(node: str) -> float:
            rows = [row[p] for p in graph.predecessors(node) if p in row]
            return sum(rows) / len(rows) if rows else float("inf")
        column.sort(key=lambda n: (barycentre(n), n))
        row.update({node: index for index, node in enumerate(column)})
    return columns


def _caption(graph: nx.MultiDiGraph, labels: Labels, node_id: str) -> tuple[str, str]:
    tier, tags = labels.get(node_id, (None, ()))
    return lineage.node_of(graph, node_id).label, " ".join(filter(None, [tier or "unclassified",
                                                                   ", ".join(tags)]))


def _shown(text: str) -> str:
    return text if len(text) <= CAPTION_CHARS else text[:CAPTION_CHARS - 1] + "…"


def render(graph: nx.MultiDiGraph, labels: Labels) -> str:
    """An <svg> element (empty-graph message when there is nothing to draw)."""
    if graph.number_of_nodes() == 0:
        return "<p>No lineage stored yet.</p>"
    boxes: dict[str, tuple[float, float, float]] = {}  # node -> x, y, width
    x = float(MARGIN)
    height = 0.0
    for column in _columns(graph):
        width = max(CHAR_WIDTH * max(len(_shown(line)) for line in _caption(graph, labels, n))
                    + 20
                    for n in column)
        for index, node_id in enumerate(column):
            boxes[node_id] = (x, MARGIN + index * (NODE_HEIGHT + ROW_GAP), width)
        height = max(height, MARGIN + len(column) * (NODE_HEIGHT + ROW_GAP))
        x += width + COLUMN_GAP
    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" class="lineage" width="{x:.0f}" '
             f'height="{height + MARGIN:.0f}" viewBox="0 0 {x:.0f} {height + MARGIN:.0f}" '
             'font-family="system-ui, sans-serif" font-size="11" '
             # Scaled down to the page's width rather than cut off at its right edge.
             'style="max-width:100%;height:auto">'),
             ('<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
              'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
              'fill="#6c757d"/></marker></defs>')]
    for source, target in sorted(set(graph.edges())):
        sx, sy, sw = boxes[source]
        tx, ty, _ = boxes[target]
        start, end = (sx + sw, sy + NODE_HEIGHT / 2), (tx, ty + NODE_HEIGHT / 2)
        bend = max(abs(end[0] - start[0]) / 2, 40)
        transforms = sorted({data["edge"].transform for data in
                             graph.get_edge_data(source, target).values()})
        parts.append(f'<path d="M{start[0]:.1f},{start[1]:.1f} C{start[0] + bend:.1f},'
                     f'{start[1]:.1f} {end[0] - bend:.1f},{end[1]:.1f} {end[0]:.1f},{end[1]:.1f}"'
                     ' fill="none" stroke="#6c757d" stroke-width="1.2" '
                     f'marker-end="url(#arrow)"><title>{escape(", ".join(transforms))}</title>'
                     "</path>")
    for node_id, (nx_, ny, width) in sorted(boxes.items()):
        label, detail = _caption(graph, labels, node_id)
        tier = labels.get(node_id, (None, ()))[0] or ""
        value = lineage.node_of(graph, node_id).kind == "value"
        dashes = ' stroke-dasharray="4 2"' if value else ""
        parts.append(
            f'<g class="node"><title>{escape(label)}: {escape(detail)}</title>'
            f'<rect x="{nx_:.1f}" y="{ny:.1f}" width="{width:.1f}" height="{NODE_HEIGHT}" '
            f'rx="{14 if value else 3}" fill="{TIER_FILL.get(tier, "#f1f3f5")}" '
            f'stroke="{TIER_STROKE.get(tier, "#868e96")}"'
            f"{dashes}/>"
            f'<text x="{nx_ + 10:.1f}" y="{ny + 15:.1f}" font-weight="600">'
            f"{escape(_shown(label))}</text>"
            f'<text x="{nx_ + 10:.1f}" y="{ny + 29:.1f}" fill="#495057">'
            f"{escape(_shown(detail))}</text>"
            "</g>")
    parts.append("</svg>")
    return "".join(parts)
