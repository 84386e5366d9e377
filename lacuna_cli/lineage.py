"""The lineage graph (networkx): built from every file's extraction, queried by name.

Resource nodes are shared across files — that is what links a file written by one script to
the script that reads it — and value nodes are the in-memory steps in between. Edges keep the
transform so the classifier can decide what sensitivity survives each step.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

import networkx as nx

from lacuna_cli.extract.declared_tables import merged_tags
from lacuna_cli.models import Extraction, LineageEdge, LineageNode


def build_graph(
    extractions: Iterable[Extraction], stored_nodes: Iterable[LineageNode] = (),
    stored_edges: Iterable[LineageEdge] = (),
) -> nx.MultiDiGraph:
    """One graph from this run's extractions plus stored context from earlier runs."""
    graph = nx.MultiDiGraph()
    for node in stored_nodes:
        _add_node(graph, node)
    for edge in stored_edges:
        if edge.source in graph and edge.target in graph:
            graph.add_edge(edge.source, edge.target, edge=edge)
    for extraction in extractions:
        for node in extraction.nodes:
            _add_node(graph, node)
        for edge in extraction.edges:
            graph.add_edge(edge.source, edge.target, edge=edge)
    return graph


def _add_node(graph: nx.MultiDiGraph, node: LineageNode) -> None:
    """Add a node; a resource seen again keeps every column any observation named.

    What one statement or script reads of a table is not the table's schema: `SELECT id FROM
    t` in one file says nothing about the `email` another file reads from `t`. Knowledge about
    a resource's columns only ever grows (the union of every read, header and declared schema,
    stored runs included), so no file can pin another file's table to fewer columns."""
    known: LineageNode | None = graph.nodes[node.id].get("node") if node.id in graph else None
    if known is not None and node.resource is not None:
        node = with_columns(node, (*observed_columns(known), *observed_columns(node)))
        if known.declared_tags:  # what schema files say of a column also only grows
            node = node.model_copy(update={"declared_tags": merged_tags(
                known.declared_tags, node.declared_tags)})
    graph.add_node(node.id, node=node)


def observed_columns(node: LineageNode) -> tuple[str, ...]:
    """Every column named for a resource node (its resource's and the node's own)."""
    own = node.resource.columns if node.resource is not None else ()
    return tuple(dict.fromkeys((*own, *(node.columns or ()))))


def with_columns(node: LineageNode, columns: tuple[str, ...]) -> LineageNode:
    """A resource node carrying exactly `columns` (deduplicated, first seen first)."""
    merged = tuple(dict.fromkeys(columns))
    resource = node.resource.model_copy(update={"columns": merged}) if node.resource else None
    return node.model_copy(update={"columns": merged or None, "resource": resource})


def node_of(graph: nx.MultiDiGraph, node_id: str) -> LineageNode:
    return graph.nodes[node_id]["node"]


def components_in_order(graph: nx.MultiDiGraph) -> Iterator[list[str]]:
    """Strongly connected components, upstream first (a file read and rewritten is a cycle).

    Most projects' lineage has no cycle: a topological sort is then enough and much cheaper
    than building the condensation."""
    try:
        order = list(nx.topological_sort(graph))
    except nx.NetworkXUnfeasible:
        condensed = nx.condensation(graph)
        for component in nx.topological_sort(condensed):
            yield sorted(condensed.nodes[component]["members"])
        return
    for node_id in order:
        yield [node_id]


def affected_by(graph: nx.MultiDiGraph, nodes: Iterable[str]) -> set[str]:
    """The nodes whose classification may depend on `nodes`: those, everything downstream of
    them (what they write into and what reads that), and everything upstream of either (what
    they inherit from)."""
    return _closure(graph.pred, _closure(graph.succ, nodes))


def _closure(adjacency: Mapping[str, Mapping[str, object]], start: Iterable[str]) -> set[str]:
    seen = {node for node in start if node in adjacency}
    stack = list(seen)
    while stack:
        for neighbour in adjacency[stack.pop()]:
            if neighbour not in seen:
                seen.add(neighbour)
                stack.append(neighbour)
    return seen


def incoming(graph: nx.MultiDiGraph, node_id: str) -> list[LineageEdge]:
    """The edges into a node (read straight from the adjacency: called once per node)."""
    return [data["edge"] for keyed in graph.pred[node_id].values() for data in keyed.values()]


def find(graph: nx.MultiDiGraph, name: str) -> str | None:
    """The node a user means by `name`: a node id, a resource name, or a value label."""
    if name in graph:
        return name
    lowered = name.lower()
    for node_id, data in graph.nodes(data=True):
        node: LineageNode = data["node"]
        if node.kind == "resource" and node.label in (name, lowered):
            return node_id
    return None


def upstream_tree(graph: nx.MultiDiGraph, node_id: str) -> dict[str, list]:
    """{node: [subtrees of its sources]}; a node already on the path is not expanded again."""
    def expand(current: str, path: frozenset[str]) -> dict[str, list]:
        sources = sorted({source for source, _ in graph.in_edges(current)})
        return {current: [expand(s, path | {s}) for s in sources if s not in path]}
    return expand(node_id, frozenset({node_id}))


def downstream(graph: nx.MultiDiGraph, node_id: str) -> list[str]:
    """Every node that depends on `node_id`, nearest first."""
    distances = nx.single_source_shortest_path_length(graph, node_id)
    return sorted((n for n in distances if n != node_id), key=lambda n: (distances[n], n))
