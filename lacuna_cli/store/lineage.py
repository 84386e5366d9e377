"""Lineage in the DuckDB file: the project's current code, brought up to date by every check.

Every check extracts the whole project (see `scan.py`), so what is stored is exactly what the
code on disk does now: a deleted script's jobs and edges leave the map at the next check.
Writing all of it again grew with the project (a fifth of a one-file check of a 2,000-file
monorepo), so a check writes the part of what changed: `lineage_files` records, for each
analysed file, which analysis its part came from, where its edges are located and which nodes
it names. The rows stored are those writing everything again would give.
What was learned about data at rest they wrote is kept apart (`lineage_history.py`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from lacuna_cli import lineage
from lacuna_cli.extract.places import walk_order
from lacuna_cli.models import Extraction, LineageEdge, LineageNode
from lacuna_cli.store import delete_by_path, insert_columns, rows_by_path

if TYPE_CHECKING:
    import duckdb
    import networkx as nx

    from lacuna_cli.classify.pipeline import ClassifiedGraph

def save_lineage(connection: duckdb.DuckDBPyConnection, graph: nx.MultiDiGraph,
                 files: set[str], classifications: ClassifiedGraph,
                 extractions: Sequence[Extraction], analyses: Mapping[str, str]
                 ) -> set[str] | None:
    """Store the edges located in `files` (the project's code) and the nodes they connect,
    each node with its (tier, tags). `extractions`: those `graph` was built from, in the
    `walk_order` of their paths; `analyses`: each one's identity (`caches.analysis_id`).
    Returns the nodes whose edges into them or whose label may have changed (None: any).

    Written again: the edges located where a changed analysis's edges are or were, and, among
    the nodes a changed analysis names or named and those whose label changed, the rows that
    differ. Nothing else can differ: an analysis with edges located in another file depends on
    that file (it imports or `%run`s it), and a node merges what the analyses naming it say,
    in path order, so its row changes only with one of them (or its label). When the order is
    not that (a caller's own), or the database has no parts yet, everything is compared."""
    stored = dict(connection.execute("SELECT path, analysis FROM lineage_files").fetchall())
    keys = [walk_order(extraction.path) for extraction in extractions]
    current = {extraction.path: extraction for extraction in extractions}
    if not stored or keys != sorted(keys):
        connection.execute("DELETE FROM lineage_files")
        connection.execute("DELETE FROM lineage_edges")
        changed, named = sorted(current), None
        located: set[str] = set(files)
    else:
        changed = _changed_paths(stored, current, analyses)
        was = _stored_parts(connection, changed)
        now = [_part(current[path]) for path in changed if path in current]
        located = {origin for origins, _ in (*was, *now) for origin in origins}
        named = {node for _, nodes in (*was, *now) for node in nodes}
    _replace_edges(connection, sorted(located), [
        edge for extraction in extractions for edge in extraction.edges
        if edge.location.path in located and edge.location.path in files])
    compared = _update_nodes(connection, graph, _ends(extractions, files), classifications,
                             named)
    _replace_parts(connection, changed, [current[path] for path in changed if path in current],
                   analyses)
    return None if named is None else compared


def _changed_paths(stored: Mapping[str, str], current: Mapping[str, Extraction],
                   analyses: Mapping[str, str]) -> list[str]:
    """The files whose part of the lineage is not the stored one: analysed differently since
    (or not cacheable), new, or gone."""
    return sorted(path for path in {*current, *stored}
                  if path not in current or not analyses.get(path)
                  or stored.get(path) != analyses[path])


def nodes_of_changed_files(connection: duckdb.DuckDBPyConnection,
                           extractions: Sequence[Extraction], analyses: Mapping[str, str]
                           ) -> set[str]:
    """The nodes that the files whose part changed (see `_changed_paths`) name now or named
    in the stored lineage: their stored labels may no longer hold, whichever files a check
    asks for (another file edited and not staged changes what it writes)."""
    stored = dict(connection.execute("SELECT path, analysis FROM lineage_files").fetchall())
    current = {extraction.path: extraction for extraction in extractions}
    changed = _changed_paths(stored, current, analyses)
    nodes = {node for _, named in _stored_parts(connection, changed) for node in named}
    nodes.update(node for path in changed if path in current for node in _part(current[path])[1])
    return nodes


def _part(extraction: Extraction) -> tuple[list[str], list[str]]:
    """Where the file's edges are located, and the nodes it names (its own and its edges')."""
    origins = {edge.location.path for edge in extraction.edges}
    nodes = {node.id for node in extraction.nodes}
    nodes.update(end for edge in extraction.edges for end in (edge.source, edge.target))
    return sorted(origins), sorted(nodes)


def _stored_parts(connection: duckdb.DuckDBPyConnection, paths: list[str]
                  ) -> list[tuple[list[str], list[str]]]:
    return [(list(origins), list(nodes)) for origins, nodes in rows_by_path(
        connection, "lineage_files", ("origins", "nodes"), paths)]


def _replace_parts(connection: duckdb.DuckDBPyConnection, changed: list[str],
                   extractions: Iterable[Extraction], analyses: Mapping[str, str]) -> None:
    delete_by_path(connection, "lineage_files", changed)
    rows = []
    for extraction in extractions:
        origins, nodes = _part(extraction)
        rows.append({"path": extraction.path, "analysis": analyses.get(extraction.path, ""),
                     "origins": origins, "nodes": nodes})
    insert_columns(connection, "lineage_files", ("path", "analysis", "origins", "nodes"), rows)


def _replace_edges(connection: duckdb.DuckDBPyConnection, located: list[str],
                   edges: list[LineageEdge]) -> None:
    """The stored edges located in `located` replaced by `edges`."""
    if located:
        connection.execute("DELETE FROM lineage_edges WHERE origin IN (SELECT unnest(?))",
                           [located])
    insert_columns(connection, "lineage_edges", ("origin", "source", "target", "payload"),
                   [{"origin": edge.location.path, "source": edge.source, "target": edge.target,
                     "payload": edge.model_dump_json()} for edge in edges])


def _ends(extractions: Sequence[Extraction], files: set[str]) -> set[str]:
    """The nodes the edges located in `files` connect: those the stored lineage holds."""
    return {end for extraction in extractions for edge in extraction.edges
            if edge.location.path in files for end in (edge.source, edge.target)}


def _update_nodes(connection: duckdb.DuckDBPyConnection, graph: nx.MultiDiGraph,
                  wanted: set[str], classifications: ClassifiedGraph,
                  named: set[str] | None) -> set[str]:
    """Make the stored node rows those of `wanted`, comparing the rows of the nodes `named`
    (None: all), those not stored yet and those whose label changed; returns those."""
    labels = {node_id: (tier, list(tags or ())) for node_id, tier, tags in connection.execute(
        "SELECT id, tier, tags FROM lineage_nodes").fetchall()}
    compared = {node_id for node_id in wanted
                if (named is None or node_id in named or node_id not in labels
                    or (classifications.label(node_id) or (None, [])) != labels[node_id])}
    rows: dict[str, dict[str, Any]] = {}
    same: set[str] = set()
    if compared:
        rows = {row["id"]: row for row in _node_rows(graph, compared, classifications)}
        same = {node_id for node_id, payload, tier, tags in connection.execute(
            "SELECT id, payload, tier, tags FROM lineage_nodes WHERE id IN (SELECT unnest(?))",
            [sorted(compared)]).fetchall()
            if (rows[node_id]["payload"], rows[node_id]["tier"], rows[node_id]["tags"])
            == (payload, tier, list(tags or ()))}
    stale = sorted((labels.keys() - wanted) | (compared - same))
    if stale:
        connection.execute("DELETE FROM lineage_nodes WHERE id IN (SELECT unnest(?))", [stale])
    insert_columns(connection, "lineage_nodes", ("id", "origin", "payload", "tier", "tags"),
                   [row for node_id, row in sorted(rows.items()) if node_id not in same])
    return compared


def _node_rows(graph: nx.MultiDiGraph, wanted: set[str],
               classifications: ClassifiedGraph) -> list[dict[str, Any]]:
    node_rows = []
    for node_id in sorted(wanted):
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
    """The whole stored graph, with each node's stored (tier, tags). Rows are read in a fixed
    order: a check rewrites only some, so the order they were written in depends on history."""
    edges = [LineageEdge.model_validate_json(payload) for (payload,) in connection.execute(
        "SELECT payload FROM lineage_edges ORDER BY origin, payload").fetchall()]
    nodes = [LineageNode.model_validate_json(payload) for (payload,) in connection.execute(
        "SELECT payload FROM lineage_nodes ORDER BY id").fetchall()]
    graph = lineage.build_graph([], nodes, edges)
    labels = {node_id: (tier, tuple(tags or ())) for node_id, tier, tags in connection.execute(
        "SELECT id, tier, tags FROM lineage_nodes").fetchall()}
    return graph, labels
