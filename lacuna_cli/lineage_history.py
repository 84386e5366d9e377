"""What was learned about data at rest, kept after the code that wrote it is gone.

The lineage map describes the current code only (`store/lineage.py`), but a parquet file a
deleted script filled from customers.csv still holds customer records. So every check records,
for each resource the project's code writes, its classification, the writers (`file:line`),
the sources it inherited from, and when and at which commit that was learned. A resource that
no current code writes then keeps that classification as a floor — marked historical, with
where and when it was learned — so deleting or rewriting a script never launders its outputs.
A person's override (`lacuna classify override`, the reviewed file) still decides over it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from lacuna_cli import lineage
from lacuna_cli.classify.overrides import Override, lookup
from lacuna_cli.classify.pipeline import ClassifiedGraph, Classifier, classify_resource
from lacuna_cli.models import Tier
from lacuna_cli.store.history import history_rows, replace_history

if TYPE_CHECKING:
    import duckdb
    import networkx as nx

ACTOR = "lacuna"
SOURCE = "lineage history"


@dataclass(frozen=True)
class Learned:
    """The last classification current code gave a resource it wrote, and where and when."""

    id: str
    name: str
    tier: Tier
    tags: tuple[str, ...]
    written_by: tuple[str, ...]
    sources: tuple[str, ...]
    learned_at: str
    commit: str

    def facet(self) -> dict[str, object]:
        """The entry as a JSON object (the `historical` part of an export's classification)."""
        return {"tier": self.tier.value, "tags": list(self.tags),
                "writtenBy": list(self.written_by), "sources": list(self.sources),
                "learnedAt": self.learned_at, "commit": self.commit}

    def provenance(self) -> tuple[str, str]:
        """When (`learned <time> (HEAD <commit>)`) and where (`written by <file:line> from
        <sources>`)."""
        when = self.learned_at.split(".")[0].removesuffix("Z") + "Z"
        commit = f" (HEAD {self.commit[:12]})" if self.commit else ""
        origin = f" from {', '.join(self.sources)}" if self.sources else ""
        return f"learned {when}{commit}", f"written by {', '.join(self.written_by)}{origin}"

    def describe(self) -> str:
        tags = f" [{', '.join(self.tags)}]" if self.tags else ""
        when, where = self.provenance()
        return (f"historical: {self.tier.value}{tags} {when}, {where}; no code in the project "
                "writes it now")


def stored(connection: duckdb.DuckDBPyConnection) -> dict[str, Learned]:
    """Resource node id -> what was learned ({} in a database older than this table)."""
    return {row[0]: Learned(row[0], row[1], Tier(row[2]), tuple(row[3]), tuple(row[4]),
                            tuple(row[5]), row[6], row[7]) for row in history_rows(connection)}


def find(learned: dict[str, Learned], name: str) -> Learned | None:
    """The entry a user means by `name`: a node id or a resource name (any case)."""
    folded = name.casefold()
    return learned.get(name) or next((e for e in learned.values()
                                      if e.name.casefold() == folded), None)


def unwritten(graph: nx.MultiDiGraph, learned: dict[str, Learned]) -> dict[str, Learned]:
    """The learned resources of the graph that no code in it writes now."""
    return {node_id: entry for node_id, entry in learned.items()
            if node_id in graph and graph.in_degree(node_id) == 0}


def apply(connection: duckdb.DuckDBPyConnection, graph: nx.MultiDiGraph,
          classifier: Classifier, known: dict[str, Learned] | None = None) -> None:
    """Give each resource of `graph` that no current code writes at least its historical
    classification (as an override in this run only, never stored nor audited as one).
    `known`: what `stored` returned, when the caller has already read it."""
    learned = stored(connection) if known is None else known
    for node_id, entry in unwritten(graph, learned).items():
        resource = lineage.node_of(graph, node_id).resource
        if resource is None or lookup(classifier.overrides, resource.name) is not None:
            continue
        own = classify_resource(resource, classifier)
        tags = tuple(sorted(own.tags | set(entry.tags)))
        if own.tier >= entry.tier and set(entry.tags) <= own.tags:
            continue  # its own name and columns already say as much
        classifier.overrides[resource.name.casefold()] = Override(
            resource.name, max(own.tier, entry.tier), tags, entry.describe(), ACTOR, SOURCE)


def record(connection: duckdb.DuckDBPyConnection, graph: nx.MultiDiGraph, files: set[str],
           classifications: ClassifiedGraph, timestamp: str, commit: str,
           known: dict[str, Learned] | None = None, among: set[str] | None = None) -> None:
    """Remember what the code in `files` writes into each resource; an entry whose tier, tags
    and writers did not change keeps the time it was first learned. `known`: what `stored`
    returned earlier in the same write session (reading it costs more than the rest);
    `among`: the only nodes whose writers or label may have changed (`save_lineage` says
    which), None for every node."""
    known = stored(connection) if known is None else known
    rows = []
    nodes = graph.nodes(data="node") if among is None else (
        (node_id, lineage.node_of(graph, node_id)) for node_id in sorted(among)
        if node_id in graph)
    for node_id, node in nodes:
        if node.kind != "resource":
            continue
        writers = sorted({edge.location.display(column=False)
                          for edge in lineage.incoming(graph, node_id)
                          if edge.location.path in files})
        label = classifications.label(node_id)
        if not writers or label is None:
            continue
        tier, tags = label
        before = known.get(node_id)
        if before is not None and (before.tier.value, list(before.tags),
                                   list(before.written_by)) == (tier, tags, writers):
            continue
        rows.append({"id": node_id, "name": node.resource.name if node.resource else node.label,
                     "tier": tier, "tags": tags, "written_by": writers,
                     "sources": list(classifications[node_id].inherited_from),
                     "learned_at": timestamp, "commit": commit})
    replace_history(connection, rows)
