"""Org-wide lineage questions, answered from every repository's current view in the central
store: who writes a resource and how they classified it, which repositories and files read it,
where its data goes, where one of its columns ends up (`lacuna lineage show/downstream RESOURCE
[--column NAME] --central`).

A walk goes level by level, one query per level: through the steps of code between resources,
or along the column edges between resources.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from lacuna_cli.central.column_edges import ColumnEdge, column_edges
from lacuna_cli.central.db import connect
from lacuna_cli.errors import LacunaError
from lacuna_cli.models import Tier

if TYPE_CHECKING:
    import networkx as nx
    import psycopg

MAX_LEVELS = 200
Place = TypeVar("Place", bound=Hashable)
Found = TypeVar("Found")


@dataclass
class Node:
    key: str
    label: str
    kind: str
    repos: dict[str, tuple[str, list[str], str, bool]] = field(default_factory=dict)
    # repo -> (tier, tags, reasoning, produced there)
    columns: dict[str, set[str]] = field(default_factory=dict)  # sensitive column -> tags

    @property
    def tier(self) -> str:
        tiers = [Tier(t) for t, _, _, _ in self.repos.values()]
        return max(tiers).value if tiers else "?"

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


@dataclass(frozen=True)
class ColumnStep:
    """One column edge of `repo`, taken from `column` of `edge.source`, arriving as `arrives`
    in `edge.target`."""

    repo: str
    edge: ColumnEdge
    column: str
    arrives: str


@dataclass
class ColumnWalk:
    start: list[str]
    column: str
    nodes: dict[str, Node]
    distance: dict[tuple[str, str], int]  # (resource key, column) -> level
    steps: list[ColumnStep]

    def reached(self) -> list[tuple[str, str]]:
        """The columns reached, nearest first (the start excluded)."""
        return sorted((place for place, level in self.distance.items() if level),
                      key=lambda place: (self.distance[place], place))

    def into(self, place: tuple[str, str]) -> list[ColumnStep]:
        return [s for s in self.steps if (s.edge.target, s.arrives) == place]


def breadth_first(start: list[Place], follow: Callable[[list[Place]], list[tuple[Place, Found]]]
                  ) -> tuple[dict[Place, int], list[Found]]:
    """Level by level from `start` (`follow` answers one level: what each place leads to and
    the step that got there), up to MAX_LEVELS; each place's level, and every step taken."""
    distance = dict.fromkeys(start, 0)
    steps: list[Found] = []
    frontier = list(start)
    for level in range(1, MAX_LEVELS + 1):
        if not frontier:
            break
        found = follow(frontier)
        frontier = []
        for reached, step in found:
            steps.append(step)
            if reached not in distance:
                distance[reached] = level
                frontier.append(reached)
    return distance, steps


def _started(connection: psycopg.Connection, name: str) -> list[str]:
    start = resolve(connection, name)
    if not start:
        raise LacunaError(f"no resource named {name!r} in the central store's current "
                          "lineage of any repository")
    return start


def walk(url: str, name: str, downstream: bool) -> Walk:
    """Every node reachable from the resource named `name`, in one direction."""
    behind = "source" if downstream else "target"
    with connect(url) as connection:
        start = _started(connection, name)

        def follow(frontier: list[str]) -> list[tuple[str, Step]]:
            rows = connection.execute(
                f"SELECT source, target, repo, operation, path || ':' || line FROM "
                f"lacuna.current_edges WHERE {behind} = ANY(%s)", [frontier]).fetchall()
            return [(row[1] if downstream else row[0], Step(*row)) for row in rows]

        distance, steps = breadth_first(start, follow)
        nodes = _nodes(connection, list(distance))
    return Walk(start, nodes, distance, steps)


COLUMN_LEVEL = """SELECT repo, source, source_column, target, target_column, operation, path,
       line, except_columns
FROM lacuna.current_column_edges
WHERE source = ANY(%s) AND (source_column = ANY(%s) OR source_column = '*')"""


def column_walk(url: str, name: str, column: str) -> ColumnWalk:
    """Every column of every resource, in any repository, that `column` of the resource named
    `name` is written to, however many repositories away."""
    with connect(url) as connection:
        start = _started(connection, name)

        def follow(frontier: list[tuple[str, str]]) -> list[tuple[tuple[str, str], ColumnStep]]:
            asked = set(frontier)
            rows = connection.execute(COLUMN_LEVEL, [sorted({k for k, _ in asked}), sorted(
                {c for _, c in asked})]).fetchall()
            found = []
            for repo, source, column_from, target, column_to, operation, path, line, \
                    except_columns in rows:
                edge = ColumnEdge(source, column_from, target, column_to, operation, path,
                                  line, tuple(except_columns))
                for key, asked_column in asked:
                    arrives = edge.carries(asked_column) if key == edge.source else None
                    if arrives is not None:
                        found.append(((edge.target, arrives),
                                      ColumnStep(repo, edge, asked_column, arrives)))
            return found

        distance, steps = breadth_first([(key, column) for key in start], follow)
        nodes = _nodes(connection, list({key for key, _ in distance}))
    return ColumnWalk(start, column, nodes, distance, steps)


def local_column_walk(graph: nx.MultiDiGraph, labels: dict[str, tuple], start: str,
                      column: str, repo: str) -> ColumnWalk:
    """The same walk over this repository's stored lineage alone (`lacuna lineage downstream
    RESOURCE --column NAME` without --central): the column edges a push would send."""
    by_source: dict[str, list[ColumnEdge]] = {}
    for edge in column_edges(graph):
        by_source.setdefault(edge.source, []).append(edge)

    def follow(frontier: list[tuple[str, str]]) -> list[tuple[tuple[str, str], ColumnStep]]:
        return [((edge.target, arrives), ColumnStep(repo, edge, asked, arrives))
                for key, asked in frontier for edge in by_source.get(key, ())
                if (arrives := edge.carries(asked)) is not None]

    distance, steps = breadth_first([(start, column)], follow)
    nodes = {}
    for key in {key for key, _ in distance}:
        node = graph.nodes[key]["node"]
        tier, tags = labels.get(key, (None, ()))
        nodes[key] = Node(key, node.label, node.kind,
                          {repo: (tier or "?", list(tags), "", False)})
    return ColumnWalk([start], column, nodes, distance, steps)


def _nodes(connection: psycopg.Connection, keys: list[str]) -> dict[str, Node]:
    nodes: dict[str, Node] = {}
    for key, label, kind, repo, tier, tags, reasoning, produced, columns in connection.execute(
            "SELECT key, label, kind, repo, tier, tags, reasoning, produced, sensitive_columns "
            "FROM lacuna.current_nodes WHERE key = ANY(%s) ORDER BY repo", [keys]).fetchall():
        node = nodes.setdefault(key, Node(key, label, kind))
        if produced or repo not in node.repos:
            node.repos[repo] = (tier, list(tags), reasoning, bool(produced))
        sensitive = columns if isinstance(columns, dict) else json.loads(str(columns))
        for name, column_tags in sensitive.items():
            node.columns.setdefault(name, set()).update(column_tags)
    return nodes
