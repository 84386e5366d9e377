"""Lineage in the DuckDB file: the project's current code, replaced as a whole by every check
that changes it.

Every check extracts the whole project (see `scan.py`), so what is stored is exactly what the
code on disk does now: a deleted script's jobs and edges leave the map at the next check.
What was learned about data at rest they wrote is kept apart (`lineage_history.py`).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from lacuna_cli import lineage
from lacuna_cli.models import LineageEdge, LineageNode
from lacuna_cli.store import insert_columns

if TYPE_CHECKING:
    import duckdb
    import networkx as nx

    from lacuna_cli.classify.pipeline import ClassifiedGraph

# The meta row holding the digest of the lineage rows last written (`save_lineage`).
DIGEST_KEY = "lineage_digest"


def save_lineage(connection: duckdb.DuckDBPyConnection, graph: nx.MultiDiGraph,
                 files: set[str], classifications: ClassifiedGraph) -> None:
    """Replace the stored lineage with the edges that `files` (the project's code) contribute
    and the nodes they connect, each node with its (tier, tags) — unless it is what is stored
    already (most checks change nothing), which the digest of the rows last written tells."""
    edges = [edge for _, _, edge in graph.edges(data="edge") if edge.location.path in files]
    edge_rows = [{"origin": edge.location.path, "source": edge.source, "target": edge.target,
                  "payload": edge.model_dump_json()} for edge in edges]
    node_rows = _node_rows(graph, edges, classifications)
    digest = _digest(edge_rows, node_rows)
    stored = connection.execute(
        "SELECT value, (SELECT count(*) FROM lineage_edges), (SELECT count(*) FROM lineage_nodes) "
        "FROM meta WHERE key = ?", [DIGEST_KEY]).fetchone()
    if stored == (digest, len(edge_rows), len(node_rows)):
        return
    connection.execute("DELETE FROM lineage_edges")
    connection.execute("DELETE FROM lineage_nodes")
    insert_columns(connection, "lineage_edges", ("origin", "source", "target", "payload"),
                   edge_rows)
    insert_columns(connection, "lineage_nodes", ("id", "origin", "payload", "tier", "tags"),
                   node_rows)
    connection.execute("DELETE FROM meta WHERE key = ?", [DIGEST_KEY])
    connection.execute("INSERT INTO meta VALUES (?, ?)", [DIGEST_KEY, digest])


def _digest(edge_rows: list[dict[str, Any]], node_rows: list[dict[str, Any]]) -> str:
    """SHA-256 of the rows in the order they are written (edges, then nodes)."""
    import orjson

    hasher = hashlib.sha256()
    for row in (*edge_rows, *node_rows):
        hasher.update(orjson.dumps(row))
        hasher.update(b"\n")
    return hasher.hexdigest()


def _node_rows(graph: nx.MultiDiGraph, edges: list[LineageEdge],
               classifications: ClassifiedGraph) -> list[dict[str, Any]]:
    node_rows = []
    for node_id in sorted({e.source for e in edges} | {e.target for e in edges}):
        node: LineageNode = lineage.node_of(graph, node_id)
        tier, tags = classifications.label(node_id) or (None, [])
        origin = node.location.path if node.kind == "value" and node.location else ""
        node_rows.append({"id": node_id, "origin": origin, "payload": node.model_dump_json(),
                          "tier": tier, "tags": tags})
    return node_rows


def stored_labels(connection: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, list[str]]]:
    """Each stored node's (tier, tags) as the check that last classified it saw them."""
    return {node_id: (tier, list(tags or ())) for node_id, tier, tags in connection.execute(
        "SELECT id, tier, tags FROM lineage_nodes WHERE tier IS NOT NULL").fetchall()}


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
