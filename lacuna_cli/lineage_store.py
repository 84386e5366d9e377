"""Lineage in the DuckDB file: what each analysed file contributed, replaced file by file.

Storing per origin file means checking one changed file (a pre-commit hook) replaces only its
own edges while the rest of the project's lineage stays as context for classification.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lacuna_cli import lineage
from lacuna_cli.models import LineageEdge, LineageNode
from lacuna_cli.store import insert_columns

if TYPE_CHECKING:
    import duckdb

    from lacuna_cli.classify.pipeline import ClassifiedGraph
    import networkx as nx


def load_context(connection: duckdb.DuckDBPyConnection, exclude_origins: set[str]
                 ) -> tuple[list[LineageNode], list[LineageEdge]]:
    """Stored edges contributed by files other than those being re-analysed, and the nodes
    they connect."""
    excluded = sorted(exclude_origins)
    edges = [LineageEdge.model_validate_json(payload) for (payload,) in connection.execute(
        "SELECT payload FROM lineage_edges WHERE origin NOT IN (SELECT unnest($1))",
        [excluded]).fetchall()]
    referenced = sorted({e.source for e in edges} | {e.target for e in edges})
    nodes = [LineageNode.model_validate_json(payload) for (payload,) in connection.execute(
        "SELECT payload FROM lineage_nodes WHERE id IN (SELECT unnest($1))",
        [referenced]).fetchall()]
    return nodes, edges


def save_lineage(connection: duckdb.DuckDBPyConnection, graph: nx.MultiDiGraph,
                 analysed: set[str], classifications: ClassifiedGraph) -> None:
    """Replace the lineage of the analysed files; resource nodes are shared (origin '')."""
    origins = sorted(analysed)
    connection.execute("DELETE FROM lineage_edges WHERE origin IN (SELECT unnest($1))", [origins])
    connection.execute("DELETE FROM lineage_nodes WHERE origin IN (SELECT unnest($1))", [origins])
    node_ids = list(graph.nodes)
    connection.execute("DELETE FROM lineage_nodes WHERE id IN (SELECT unnest($1))", [node_ids])
    node_rows = []
    for node_id in node_ids:
        node: LineageNode = lineage.node_of(graph, node_id)
        tier, tags = classifications.label(node_id) or (None, [])
        origin = node.location.path if node.kind == "value" and node.location else ""
        node_rows.append({"id": node_id, "origin": origin, "payload": node.model_dump_json(),
                          "tier": tier, "tags": tags})
    insert_columns(connection, "lineage_nodes", ("id", "origin", "payload", "tier", "tags"),
                   node_rows)
    edge_rows = [{"origin": edge.location.path, "source": edge.source, "target": edge.target,
                  "payload": edge.model_dump_json()}
                 for _, _, edge in graph.edges(data="edge") if edge.location.path in analysed]
    insert_columns(connection, "lineage_edges", ("origin", "source", "target", "payload"),
                   edge_rows)
    # Resource nodes neither this run nor any stored edge refers to: the code is gone.
    connection.execute("""DELETE FROM lineage_nodes WHERE origin = '' AND id NOT IN (SELECT unnest($1))
        AND id NOT IN (SELECT source FROM lineage_edges UNION SELECT target FROM lineage_edges)""",
                       [node_ids])


def load_graph(connection: duckdb.DuckDBPyConnection) -> tuple[nx.MultiDiGraph, dict[str, tuple]]:
    """The whole stored graph, with each node's stored (tier, tags)."""
    nodes, edges = load_context(connection, set())
    graph = lineage.build_graph([], nodes, edges)
    labels = {node_id: (tier, tuple(tags or ())) for node_id, tier, tags in connection.execute(
        "SELECT id, tier, tags FROM lineage_nodes").fetchall()}
    return graph, labels
