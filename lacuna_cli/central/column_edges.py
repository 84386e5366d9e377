"""Column lineage between resources, derived from a repository's lineage graph: which column of
which resource each column of a resource is written to, through the steps of code between them
(what `lacuna lineage push` sends as column edges, and what the org-wide column walk follows).

Only SQL knows column lineage precisely (`LineageEdge.column_flows`); elsewhere a column keeps
its name and is lost only where a step says so: a projection naming what it keeps, a drop, a
query whose column lineage covers every output. That is the rule the classifier applies
(`classify/inherit.py`), so the column edges say what the classification assumed.

`*` stands for "every other column, under its own name": the columns of a resource this
repository never sees named (a whole-table read, `SELECT *`) still go somewhere. Such an edge
lists the columns it does not cover (`except_columns`): those the repository names, whose own
edges say where they go, and those split off on the way (hashed, dropped).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lacuna_cli import lineage
from lacuna_cli.models import LineageEdge

if TYPE_CHECKING:
    import networkx as nx

ALL = "*"
# What happened to a column on its way, strongest last; "copy" when nothing did.
OPERATIONS = ("rename", "aggregate", "anonymize")


@dataclass(frozen=True, order=True)
class ColumnEdge:
    source: str  # lineage node ids of resources
    source_column: str
    target: str
    target_column: str
    operation: str  # copy, or what happened on the way (rename+aggregate, anonymize, ...)
    path: str  # where the column is written into the target
    line: int
    except_columns: tuple[str, ...] = ()  # `*` edges: the columns they do not cover

    def carries(self, column: str) -> str | None:
        """The target column `column` of the source arrives as, or None if this edge does not
        carry it (the one matching rule of every column walk, local or central)."""
        if self.source_column == column:
            return self.target_column
        if self.source_column == ALL and column not in self.except_columns:
            return column
        return None


@dataclass(frozen=True)
class _Token:
    """A column on its way from the start resource: its name here, the start column it comes
    from, what happened to it so far, and (for `*`) the columns it no longer covers."""

    name: str
    origin: str
    operations: tuple[str, ...] = ()
    excluded: frozenset[str] = frozenset()

    def moved(self, name: str, operation: str, excluded: frozenset[str] = frozenset()
              ) -> _Token:
        done = self.operations if operation == "copy" or operation in self.operations \
            else (*self.operations, operation)
        origin = name if self.origin == ALL and name != ALL else self.origin
        return _Token(name, origin, done, excluded)


def column_edges(graph: nx.MultiDiGraph) -> list[ColumnEdge]:
    """Every column edge between the graph's resources, sorted."""
    found: set[ColumnEdge] = set()
    for node_id, node in graph.nodes(data="node"):
        if node.kind == "resource":
            found.update(_from_resource(graph, node_id))
    return sorted(found)


def _named_columns(graph: nx.MultiDiGraph, node_id: str) -> list[str]:
    """The columns of a resource this repository names: read, declared, or written into it."""
    arriving = (column for edge in lineage.incoming(graph, node_id)
                for column in (*(edge.columns or ()), *(f.column for f in edge.column_flows)))
    named = (*lineage.observed_columns(lineage.node_of(graph, node_id)), *arriving)
    return [column for column in dict.fromkeys(named) if column != ALL]


def _from_resource(graph: nx.MultiDiGraph, start: str) -> Iterator[ColumnEdge]:
    named = _named_columns(graph, start)
    todo = [(start, _Token(c, c)) for c in named]
    todo.append((start, _Token(ALL, ALL, excluded=frozenset(named))))
    seen = set(todo)
    while todo:
        node_id, token = todo.pop()
        for _, target, edge in graph.out_edges(node_id, data="edge"):
            for moved in _through(edge, token):
                if lineage.node_of(graph, target).kind == "resource":
                    yield ColumnEdge(start, moved.origin, target, moved.name,
                                     "+".join(moved.operations) or "copy", edge.location.path,
                                     edge.location.line, tuple(sorted(moved.excluded)))
                elif (target, moved) not in seen:
                    seen.add((target, moved))
                    todo.append((target, moved))


def _through(edge: LineageEdge, token: _Token) -> list[_Token]:
    """Where one column (or `*`) is after one step of code."""
    if token.name == ALL:
        return _all_through(edge, token)
    if token.name in edge.dropped:
        return []
    if edge.column_flows:
        return _flows_through(edge, token)
    if edge.transform == "project" and edge.columns is not None:
        return [token.moved(token.name, "copy")] if token.name in edge.columns else []
    if edge.transform == "anonymize" and token.name in edge.anonymized:
        return [token.moved(token.name, "anonymize")]
    if edge.transform == "aggregate" and token.name not in edge.keys:
        return [token.moved(token.name, "aggregate")]
    return [token.moved(token.name, "copy")]


def _flows_through(edge: LineageEdge, token: _Token) -> list[_Token]:
    """A named column through a query's column lineage; a column no flow mentions is gone
    only when the lineage covers every output column (fail safe, as the classifier)."""
    outputs = []
    for flow in edge.column_flows:
        if token.name not in flow.sources:
            continue
        name = token.name if flow.column == ALL else flow.column
        outputs.append(token.moved(name, _flow_operation(edge, token.name, name,
                                                         flow.aggregate)))
    if outputs:
        return outputs
    passes_all = any(f.column == ALL and ALL in f.sources for f in edge.column_flows)
    if passes_all or not _complete(edge):
        return [token.moved(token.name, "copy")]
    return []


def _all_through(edge: LineageEdge, token: _Token) -> list[_Token]:
    """`*` (every column not named) through one step: columns the step names split off as
    named columns, the rest goes on as `*`."""
    rest = token.excluded | set(edge.dropped)
    if edge.column_flows:
        named = [(f.column, s, f.aggregate) for f in edge.column_flows for s in f.sources
                 if s not in rest and ALL not in (s, f.column)]
        split = [token.moved(s, "copy").moved(c, _flow_operation(edge, s, c, aggregate))
                 for c, s, aggregate in named]
        # A flow from `*` to a named column (count(*)) carries rows, no column's values.
        if any(f.column == ALL and ALL in f.sources for f in edge.column_flows) or \
                not _complete(edge):
            split.append(token.moved(ALL, "copy", frozenset(rest | {s for _, s, _ in named})))
        return split
    split = [token.moved(c, "anonymize") for c in edge.anonymized if c not in rest]
    rest |= set(edge.anonymized)
    if edge.transform == "project" and edge.columns is not None:
        return [*split, *(token.moved(c, "copy") for c in edge.columns if c not in rest)]
    operation = "aggregate" if edge.transform == "aggregate" else "copy"
    return [*split, token.moved(ALL, operation, frozenset(rest))]


def _flow_operation(edge: LineageEdge, source: str, target: str, aggregate: bool) -> str:
    if source in edge.anonymized:
        return "anonymize"
    if aggregate:
        return "aggregate"
    return "copy" if source == target else "rename"


def _complete(edge: LineageEdge) -> bool:
    return edge.columns is not None and set(edge.columns) <= {f.column for f in
                                                                  edge.column_flows}
