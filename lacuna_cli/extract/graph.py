"""Builds one file's Extraction: lineage nodes, edges and operations, with consistent ids.

Both the Python and the SQL extractors describe what they find through this builder, so a
table read by a `.sql` file and the same table read by `pd.read_sql` end up as the same node.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from lacuna_cli.extract.reach import reach
from lacuna_cli.models import (
    Action,
    ColumnFlow,
    Extraction,
    FileProblem,
    LineageEdge,
    LineageNode,
    Location,
    Operation,
    Resource,
    Transform,
    operation_id,
)

if TYPE_CHECKING:
    from lacuna_cli.extract.sql import StatementLineage


class GraphBuilder:
    """Accumulates what one file contributes to the lineage graph."""

    def __init__(self, relpath: str) -> None:
        self.relpath = relpath
        self._nodes: dict[str, LineageNode] = {}
        self._edges: list[LineageEdge] = []
        self._operations: dict[str, Operation] = {}
        self._data_nodes: dict[str, str] = {}  # operation id -> its data's node

    def resource_node(self, resource: Resource) -> str:
        """The node for a resource; columns seen at several places are merged."""
        node_id = resource.key
        known = self._nodes.get(node_id)
        earlier = (known.columns or ()) if known else ()
        columns = tuple(dict.fromkeys((*earlier, *resource.columns)))
        merged = resource.model_copy(update={"columns": columns})
        self._nodes[node_id] = LineageNode(
            id=node_id, kind="resource", label=resource.name, resource=merged,
            columns=columns or None,
        )
        return node_id

    def files_under(self, folder: str) -> list[str]:
        """The nodes of files this file's code named below `folder` (what packing or copying
        the folder takes along)."""
        prefix = folder.rstrip("/") + "/"
        return [node.id for node in self._nodes.values() if node.resource is not None
                and node.resource.kind == "file" and node.resource.name.startswith(prefix)]

    def value_node(
        self, label: str, location: Location, columns: tuple[str, ...] | None = None
    ) -> str:
        """A node for an in-memory value (a DataFrame, a query result) created at `location`."""
        cell = "" if location.cell is None else f"#{location.cell}"
        base = f"value:{location.path}{cell}:{location.line}:{location.column}"
        node_id, count = base, 1
        while node_id in self._nodes:
            count += 1
            node_id = f"{base}#{count}"
        self._nodes[node_id] = LineageNode(
            id=node_id, kind="value", label=label, location=location, columns=columns
        )
        return node_id

    def relabel(self, node_id: str, label: str) -> None:
        """Name a value node after the variable it was assigned to (what users recognise)."""
        node = self._nodes.get(node_id)
        if node is not None and node.kind == "value":
            self._nodes[node_id] = node.model_copy(update={"label": label})

    def node(self, node_id: str) -> LineageNode | None:
        return self._nodes.get(node_id)

    def edge(
        self,
        source: str,
        target: str,
        transform: Transform,
        location: Location,
        **details: Any,  # LineageEdge's optional fields, which the model validates
    ) -> None:
        self._edges.append(
            LineageEdge(source=source, target=target, transform=transform, location=location,
                        **details)
        )

    def operation(
        self,
        action: Action,
        location: Location,
        code: str,
        sources: list[Resource],
        destination: Resource | None = None,
        data_node: str | None = None,
        dynamic_reason: str | None = None,
        called_from: Location | None = None,
    ) -> Operation:
        """`called_from`: the call in this file that reached an operation of another project
        file (`pyproject`); each such call is an operation of its own, with its own id, since
        two calls may pass different data to the same line."""
        target = destination.key if destination else ",".join(s.key for s in sources)
        if called_from is not None:
            target += f" called from {called_from.display()}"
        op = Operation(
            id=operation_id(location, action, target),
            action=action,
            sources=tuple(dict.fromkeys(sources)),
            destination=destination,
            location=location,
            code=code,
            dynamic=dynamic_reason is not None,
            dynamic_reason=dynamic_reason,
            called_from=called_from,
        )
        self._operations[op.id] = op
        if data_node is not None:
            self._data_nodes[op.id] = data_node
        return op

    def data_node_of(self, op_id: str) -> str | None:
        """The node whose data the operation `op_id` handles (also after it was retracted:
        a function's templates keep theirs)."""
        return self._data_nodes.get(op_id)

    def add_sql_statement(
        self, statement: StatementLineage, location: Location, code: str | None = None
    ) -> str:
        """Nodes, edges and the operation for one SQL statement; returns its result node."""
        snippet = code or statement.snippet
        result = self.value_node(_sql_label(statement), location, statement.columns)
        for source in statement.sources:
            if source.name in statement.upstream:
                continue  # its data arrives through the table built from it (see `upstream`)
            flows, anonymized = _column_flows(statement, source)
            self.edge(self.resource_node(source), result, statement.transform, location,
                      keys=statement.keys, columns=statement.columns, anonymized=anonymized,
                      column_flows=flows)
        if statement.target is not None:
            target = self.resource_node(statement.target)
            self.edge(result, target, "write", location, columns=statement.columns)
            self.operation(statement.action, location, snippet, statement.sources,
                           destination=statement.target, data_node=result)
        else:
            self.operation(statement.action, location, snippet, statement.sources,
                           data_node=result)
        return result

    def build(self, language: str, errors: list[FileProblem]) -> Extraction:
        """The file's Extraction, its lineage cut to what carries data (see `_carrying`)."""
        operations = tuple(sorted((self._known_columns(op) for op in self._operations.values()),
                                  key=_position))
        data_nodes = {op.id: self._data_nodes[op.id] for op in operations
                      if op.id in self._data_nodes}
        kept = _carrying(self._nodes.values(), self._edges, data_nodes.values())
        # Sorted, so the same code gives the same Extraction whatever order the interpreter
        # happened to summarise functions in.
        return Extraction(
            path=self.relpath,
            language=language,
            operations=operations,
            nodes=tuple(sorted((n for n in self._nodes.values() if n.id in kept),
                               key=_node_order)),
            edges=tuple(sorted((e for e in self._edges if e.source in kept and e.target in kept),
                               key=_edge_order)),
            errors=tuple(errors),
            data_nodes=data_nodes,
        )

    def _known_columns(self, op: Operation) -> Operation:
        """`op` with its sources' columns as the file learnt them by the end: a record type
        the data was validated against (`Member.model_validate_json(p.read_text())`) names
        the columns of a JSON file the read itself could not."""
        sources = tuple(self._with_columns(s) for s in op.sources)
        return op if sources == op.sources else op.model_copy(update={"sources": sources})

    def _with_columns(self, source: Resource) -> Resource:
        node = self._nodes.get(source.key)
        known = node.columns if node is not None and node.columns else ()
        if set(known) <= set(source.columns):
            return source
        return source.model_copy(update={"columns": tuple(dict.fromkeys((*source.columns,
                                                                          *known)))})


def _carrying(nodes: Iterable[LineageNode], edges: list[LineageEdge],
              data_nodes: Iterable[str]) -> set[str]:
    """Resources, what they flow into, and what flows into an operation. The rest are values no
    data ever reaches (parameters of helpers never called with data, their locals): on the
    stdlib 94% of all nodes, which would only slow every later stage and clutter the graph."""
    downstream: dict[str, list[str]] = {}
    upstream: dict[str, list[str]] = {}
    for edge in edges:
        downstream.setdefault(edge.source, []).append(edge.target)
        upstream.setdefault(edge.target, []).append(edge.source)
    kept: set[str] = set()
    reach(kept, (n.id for n in nodes if n.kind == "resource"), lambda n: downstream.get(n, ()))
    reach(kept, data_nodes, lambda n: upstream.get(n, ()))
    return kept


def _column_flows(statement: StatementLineage, source: Resource
                  ) -> tuple[tuple[ColumnFlow, ...], tuple[str, ...]]:
    """The statement's column lineage seen from one source: which output columns come from
    which of its columns, and those of its columns that only arrive hashed or masked."""
    flows = []
    plain: set[str] = set()
    hidden: set[str] = set()
    for entry in statement.column_lineage:
        mine = [column for table, column in entry.sources if table == source.name]
        if not mine:
            continue
        flows.append(ColumnFlow(column=entry.column, sources=tuple(mine),
                                aggregate=entry.aggregate))
        masked = {column for table, column in entry.anonymized if table == source.name}
        hidden |= masked
        plain |= set(mine) - masked
    return tuple(flows), tuple(sorted(hidden - plain))


def _sql_label(statement: StatementLineage) -> str:
    if statement.target is not None:
        return f"{statement.action} {statement.target.name}"
    names = ", ".join(s.name for s in statement.sources) or "constants"
    return f"query on {names}"


def _node_order(node: LineageNode) -> tuple[int, int, int, str]:
    """Resources first, then values in source order."""
    place = node.location
    return (place.cell or 0, place.line, place.column, node.id) if place else (0, 0, 0, node.id)


def _edge_order(edge: LineageEdge) -> tuple[int, int, int, str, str, str]:
    place = edge.location
    return (place.cell or 0, place.line, place.column, edge.source, edge.target, edge.transform)


def _position(op: Operation) -> tuple[int, int, int]:
    return (op.location.cell or 0, op.location.line, op.location.column)
