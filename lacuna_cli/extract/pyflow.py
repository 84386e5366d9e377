"""The Python extractor's graph: a GraphBuilder that can hold back what depends on parameters.

While a user function's body is summarised its parameters are placeholders. An operation whose
sources or destination mention a placeholder is not a finding yet — it is a *template*, kept
with the function's summary and emitted once per call site with the caller's resources. Edges
added meanwhile are recorded too, so the summary can say how each parameter reaches the return
value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lacuna_cli.extract.graph import GraphBuilder
from lacuna_cli.models import (
    PARAMETER_PREFIX,
    Action,
    LineageEdge,
    Location,
    Operation,
    Resource,
    Transform,
)

READING: frozenset[Action] = frozenset({"read", "query"})


def is_placeholder(resource: Resource | None) -> bool:
    """Whether a resource stands for a function parameter (never a real place)."""
    return resource is not None and resource.kind == "unknown" and resource.name.startswith(
        PARAMETER_PREFIX)


@dataclass
class Capture:
    """What one function body produced that depends on its callers."""

    templates: dict[str, Operation] = field(default_factory=dict)
    edges: list[LineageEdge] = field(default_factory=list)


class FlowGraph(GraphBuilder):
    """GraphBuilder plus a stack of captures (one per function being summarised)."""

    def __init__(self, relpath: str) -> None:
        super().__init__(relpath)
        self.captures: list[Capture] = []
        self._fed: set[tuple[str, str]] = set()  # (unknown resource, value) edges added

    def edge(self, source: str, target: str, transform: Transform, location: Location,
             **details: Any) -> None:
        super().edge(source, target, transform, location, **details)
        if self.captures:
            self.captures[-1].edges.append(LineageEdge(
                source=source, target=target, transform=transform, location=location,
                **details))

    def operation(self, action: Action, location: Location, code: str,
                  sources: list[Resource], destination: Resource | None = None,
                  data_node: str | None = None, dynamic_reason: str | None = None,
                  called_from: Location | None = None) -> Operation:
        templated = is_placeholder(destination) or any(map(is_placeholder, sources))
        if not templated and action in READING and dynamic_reason is not None:
            self._feed_unresolved(sources, data_node, dynamic_reason, location)
        op = super().operation(action, location, code, sources, destination, data_node,
                               dynamic_reason, called_from)
        if self.captures and templated:
            self.retract(op.id)
            self.captures[-1].templates[op.id] = op
        return op

    def _feed_unresolved(self, sources: list[Resource], data_node: str | None, reason: str,
                         location: Location) -> None:
        """A read from a place computed at run time still reads data: the value it returns is
        fed from the unknown resource (one named by the reason when the read names none, as
        SQL built at run time does), so it is UNKNOWN rather than data from nowhere."""
        node = self.node(data_node) if data_node is not None else None
        if node is None or node.kind != "value":
            return  # the read's value is the unknown resource itself
        unresolved = [s for s in sources if s.kind == "unknown"] or (
            [] if sources else [Resource(kind="unknown", name=reason[:200])])
        for resource in unresolved:
            source = self.resource_node(resource)
            if (source, node.id) not in self._fed:
                self._fed.add((source, node.id))
                self.edge(source, node.id, "read", location)

    def retract(self, op_id: str) -> None:
        """Forget an operation (replaced by one with more sources, or held as a template)."""
        self._operations.pop(op_id, None)
        if self.captures:
            self.captures[-1].templates.pop(op_id, None)
