"""What a push sends: this repository's stored lineage, classified as `lacuna check` does.

Every node of the stored map (resources and the steps of code between them) with the
classification it was given and why, whether this repository's code writes it and where; every
edge with its operation and location; every column edge between resources (`column_edges.py`).
The digest names the content: pushing the same content
again sends nothing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lacuna_cli import lineage
from lacuna_cli import lineage_history as history
from lacuna_cli.central import pull
from lacuna_cli.central.column_edges import column_edges
from lacuna_cli.central.keys import central_key
from lacuna_cli.classify.known import Known
from lacuna_cli.classify.run import open_run
from lacuna_cli.errors import StoreError
from lacuna_cli.store.lineage import load_graph
from lacuna_cli.store import open_store

if TYPE_CHECKING:
    from lacuna_cli.config import Config

NODE_COLUMNS = ("key", "kind", "label", "produced", "tier", "tags", "sensitive_columns",
                "layer", "reasoning", "inherited_from", "written_by")
EDGE_COLUMNS = ("source", "target", "operation", "path", "line")
COLUMN_EDGE_COLUMNS = ("source", "source_column", "target", "target_column", "operation", "path",
                       "line", "except_columns")


@dataclass
class Snapshot:
    kind: str  # 'lineage' or 'catalog:<file>'
    nodes: list[tuple]
    edges: list[tuple]
    column_edges: list[tuple] = field(default_factory=list)

    @property
    def digest(self) -> str:
        text = json.dumps([self.kind, self.nodes, self.edges, self.column_edges],
                          sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


def lineage_snapshot(config: Config, repo: str) -> Snapshot:
    """The project's stored lineage as central rows (after at least one `lacuna check`)."""
    if not config.db_path.exists():
        raise StoreError(f"{config.db_path}: no Lacuna database yet (run `lacuna check` first)")
    with open_store(config.db_path, write=True) as connection:
        graph, _ = load_graph(connection)
        run = open_run(connection, config)
        pull.apply(connection, graph, run.classifier, config, ask=False)
        history.apply(connection, graph, run.classifier)
        classified = run.classify(graph)
    nodes: list[tuple] = []
    for node_id, node in sorted(graph.nodes(data="node")):
        classification = classified[node_id]
        writers = sorted({f"{e.location.path}:{e.location.line}"
                          for e in lineage.incoming(graph, node_id)})
        nodes.append((central_key(repo, node), node.kind, node.label,
                      node.kind == "resource" and bool(writers), classification.tier.value,
                      list(classification.tags),
                      json.dumps({c: list(t) for c, t in
                                  classification.sensitive_columns.items()}, sort_keys=True),
                      classification.layer, classification.reasoning,
                      list(classification.inherited_from),
                      writers if node.kind == "resource" else []))
    edges = sorted((central_key(repo, lineage.node_of(graph, e.source)),
                    central_key(repo, lineage.node_of(graph, e.target)), e.transform,
                    e.location.path, e.location.line)
                   for _, _, e in graph.edges(data="edge"))
    columns = [(central_key(repo, lineage.node_of(graph, c.source)), c.source_column,
                central_key(repo, lineage.node_of(graph, c.target)), c.target_column,
                c.operation, c.path, c.line, list(c.except_columns))
               for c in column_edges(graph)]
    return Snapshot("lineage", nodes, edges, sorted(columns))


def catalog_snapshot(source: str, entries: list[Known]) -> Snapshot:
    """An imported catalog's classifications, as nodes nothing in the repository writes. A
    table the catalog names `db.schema.table` is also sent as `schema.table`, the name code
    mostly uses (the pull asks for a table's name and its last parts)."""
    nodes: list[tuple] = []
    for entry in entries:
        kind, _, name = entry.key.partition(":")
        parts = name.split(".")
        names = [name, ".".join(parts[-2:])] if kind == "table" and len(parts) > 2 else [name]
        columns = json.dumps({c: list(t) for c, t in entry.columns.items()}, sort_keys=True)
        nodes.extend((f"{kind}:{shown}", "resource", shown, False, entry.tier.value,
                      list(entry.tags), columns, "catalog", entry.why, [], [])
                     for shown in names)
    return Snapshot(f"catalog:{source}", nodes, [])
