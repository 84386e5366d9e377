"""Org-wide lineage questions, answered from every repository's current view in the central
store: who writes a resource and how they classified it, which repositories and files read it,
where its data goes (`lacuna lineage show/downstream RESOURCE --central`).

A walk goes level by level, one query per level, through the steps of code between resources.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lacuna_cli.central.db import connect
from lacuna_cli.errors import LacunaError

if TYPE_CHECKING:
    import psycopg

MAX_LEVELS = 200


@dataclass
class Node:
    key: str
    label: str
    kind: str
    repos: dict[str, tuple[str, list[str], str, bool]] = field(default_factory=dict)
    # repo -> (tier, tags, reasoning, produced there)

    @property
    def tier(self) -> str:
        order = ("PUBLIC", "INTERNAL", "UNKNOWN", "PROPRIETARY")
        return max((t for t, _, _, _ in self.repos.values()), key=order.index, default="?")

    @property
    def tags(self) -> list[str]:
        return sorted({tag for _, tags, _, _ in self.repos.values() for tag in tags})


@dataclass(frozen=True)
class Step:
    """One edge: data went from `source` to `target` in `repo` at `path:line`."""

    source: str
    target: str
    repo: str
    operation: str
    at: str


@dataclass
class Walk:
    start: list[str]
    nodes: dict[str, Node]
    distance: dict[str, int]
    steps: list[Step]

    def resources(self) -> list[Node]:
        """The resources reached, nearest first (the start excluded)."""
        reached = [k for k in self.distance if k not in self.start
                   and self.nodes.get(k) is not None and self.nodes[k].kind == "resource"]
        return [self.nodes[k] for k in sorted(reached, key=lambda k: (self.distance[k], k))]

    def into(self, key: str) -> list[Step]:
        return [s for s in self.steps if s.target == key]

    def out_of(self, key: str) -> list[Step]:
        return [s for s in self.steps if s.source == key]


def resolve(connection: psycopg.Connection, name: str) -> list[str]:
    """The central keys a user means: a node id as given, else resources of that name."""
    rows = connection.execute(
        "SELECT DISTINCT key FROM lacuna.current_nodes WHERE (key = %s OR lower(label) = "
        "lower(%s)) AND kind = 'resource' ORDER BY key", [name, name]).fetchall()
    return [key for (key,) in rows]


def walk(url: str, name: str, downstream: bool) -> Walk:
    """Every node reachable from the resource named `name`, in one direction."""
    with connect(url) as connection:
        start = resolve(connection, name)
        if not start:
            raise LacunaError(f"no resource named {name!r} in the central store's current "
                              "lineage of any repository")
        behind = "source" if downstream else "target"
        distance = dict.fromkeys(start, 0)
        steps: list[Step] = []
        frontier = list(start)
        for level in range(1, MAX_LEVELS + 1):
            if not frontier:
                break
            rows = connection.execute(
                f"SELECT source, target, repo, operation, path || ':' || line FROM "
                f"lacuna.current_edges WHERE {behind} = ANY(%s)", [frontier]).fetchall()
            steps.extend(Step(*row) for row in rows)
            frontier = []
            for row in rows:
                reached = row[1] if downstream else row[0]
                if reached not in distance:
                    distance[reached] = level
                    frontier.append(reached)
        nodes = _nodes(connection, list(distance))
    return Walk(start, nodes, distance, steps)


def _nodes(connection: psycopg.Connection, keys: list[str]) -> dict[str, Node]:
    nodes: dict[str, Node] = {}
    for key, label, kind, repo, tier, tags, reasoning, produced in connection.execute(
            "SELECT key, label, kind, repo, tier, tags, reasoning, produced FROM "
            "lacuna.current_nodes WHERE key = ANY(%s) ORDER BY repo", [keys]).fetchall():
        node = nodes.setdefault(key, Node(key, label, kind))
        if produced or repo not in node.repos:
            node.repos[repo] = (tier, list(tags), reasoning, bool(produced))
    return nodes
