"""Lineage in the DuckDB file: the project's current code, replaced as a whole by every check.

Every check extracts the whole project (see `scan.py`), so what is stored is exactly what the
code on disk does now: a deleted script's jobs and edges leave the map at the next check.
What was learned about data at rest they wrote is kept apart (`lineage_history.py`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lacuna_cli import lineage
from lacuna_cli.models import LineageEdge, LineageNode
from lacuna_cli.store import insert_columns

if TYPE_CHECKING:
    import duckdb
    import networkx as nx

    from lacuna_cli.classify.pipeline import ClassifiedGraph


def save_lineage(connection: duckdb.DuckDBPyConnection, graph: nx.MultiDiGraph,
                 files: set[str], classifications: ClassifiedGraph) -> None:
    """Replace the stored lineage with the edges that `files` (the project's code) contribute
    and the nodes they connect, each node with its (tier, tags)."""
    connection.execute("DELETE FROM lineage_edges")
    connection.execute("DELETE FROM lineage_nodes")
    edges = [edge for _, _, edge in graph.edges(data="edge") if edge.location.path in files]
    insert_columns(connection, "lineage_edges", ("origin", "source", "target", "payload"), [
        {"origin": edge.location.path, "source": edge.source, "target": edge.target,
         "payload": edge.model_dump_json()} for edge in edges])
    node_rows = []
    for node_id in sorted({e.source for e in edges} | {e.target for e in edges}):
        node: LineageNode = lineage.node_of(graph, node_id)
        tier, tags = classifications.label(node_id) or (None, [])
        origin = node.location.path if node.kind == "value" and node.location else ""
        node_rows.append({"id": node_id, "origin": origin, "payload": node.model_dump_json(),
                          "tier": tier, "tags": tags})
    insert_columns(connection, "lineage_nodes", ("id", "origin", "payload", "tier", "tags"),
                   node_rows)


def load_graph(connection: duckdb.DuckDBPyConnection) -> tuple[nx.MultiDiGraph, dict[str, tuple]]:
    """The whole stored graph, with each node's stored (tier, tags)."""
    edges = [LineageEdge.model_validate_json(payload) for (payload,) in connection.execute(
        "SELECT payload FROM lineage_edges").fetchall()]
    nodes = [LineageNode.model_validate_json(payload) for (payload,) in connection.execute(
        "SELECT payload FROM lineage_nodes").fetchall()]
    graph = lineage.build_graph([], nodes, edges)
    labels = {node_id: (tier, tuple(tags or ())) for node_id, tier, tags in connection.execute(
        "SELECT id, tier, tags FROM lineage_nodes").fetchall()}
    return graph, labels
