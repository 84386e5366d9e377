"""The stored lineage in other tools' formats: OpenLineage events, Graphviz DOT, Mermaid.

OpenLineage: one COMPLETE RunEvent per analysed file (the file is the job), its inputs the
resources its code reads and its outputs those it writes. Each dataset carries the standard
`schema` facet (known columns), the standard `tags` facet and a custom `lacunaClassification`
facet with the tier and tags, so a catalogue (Marquez, DataHub, OpenMetadata) shows Lacuna's
classification beside its own lineage. Run ids are UUID5 of the job, so re-exporting the same
graph names the same runs. Dataset naming follows OpenLineage's conventions: files in the
`file` namespace, URLs as scheme://host + path, tables in the namespace given.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from lacuna_cli import __version__, lineage
from lacuna_cli.models import LineageNode

if TYPE_CHECKING:
    import networkx as nx

    from lacuna_cli.lineage_history import Learned

PRODUCER = f"https://pypi.org/project/lacuna-cli/{__version__}/"
SPEC = "https://openlineage.io/spec/2-0-2/OpenLineage.json"
FACET_SCHEMA = f"https://pypi.org/project/lacuna-cli/{__version__}/#LacunaClassificationFacet"
# One fill per tier, UNKNOWN included: data from a place Lacuna cannot resolve is drawn as
# the warning it is, not left grey like a node nobody classified.
TIER_COLOURS = {"PROPRIETARY": "#f8d7da", "UNKNOWN": "#ffe5d0", "INTERNAL": "#fff3cd",
                "PUBLIC": "#d1e7dd"}
Labels = dict[str, tuple[str | None, tuple[str, ...]]]


def _dataset_name(node: LineageNode, table_namespace: str) -> tuple[str, str]:
    resource = node.resource
    if resource is None or resource.kind in ("file", "unknown", "stream"):
        return "file", node.label
    if resource.kind == "url":
        parts = urlsplit(resource.name)
        return f"{parts.scheme}://{parts.netloc}", parts.path or "/"
    return table_namespace, resource.name


def _dataset(graph: nx.MultiDiGraph, labels: Labels, node_id: str, table_namespace: str,
             historical: Mapping[str, Learned]) -> dict[str, Any]:
    node = lineage.node_of(graph, node_id)
    namespace, name = _dataset_name(node, table_namespace)
    tier, tags = labels.get(node_id, (None, ()))
    facets: dict[str, Any] = {}
    columns = node.columns or (node.resource.columns if node.resource else ())
    if columns:
        facets["schema"] = {"_producer": PRODUCER,
                            "_schemaURL": "https://openlineage.io/spec/facets/1-2-0/"
                                          "SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet",
                            "fields": [{"name": column} for column in columns]}
    if tier:
        facets["tags"] = {"_producer": PRODUCER,
                          "_schemaURL": "https://openlineage.io/spec/facets/1-0-0/"
                                        "TagsDatasetFacet.json#/$defs/TagsDatasetFacet",
                          "tags": [{"key": "tier", "value": tier, "source": "LACUNA"},
                                   *({"key": tag, "value": "true", "source": "LACUNA"}
                                     for tag in tags)]}
        facets["lacunaClassification"] = {"_producer": PRODUCER, "_schemaURL": FACET_SCHEMA,
                                          "tier": tier, "tags": list(tags)}
        if node_id in historical:  # no current code writes it: what was learned before
            facets["lacunaClassification"]["historical"] = historical[node_id].facet()
    return {"namespace": namespace, "name": name, "facets": facets}


def _jobs(graph: nx.MultiDiGraph) -> dict[str, tuple[set[str], set[str]]]:
    """{analysed file: (resources read, resources written)} from the edges it contributed."""
    jobs: dict[str, tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    for source, target, edge in graph.edges(data="edge"):
        reads, writes = jobs[edge.location.path]
        if lineage.node_of(graph, source).kind == "resource":
            reads.add(source)
        if lineage.node_of(graph, target).kind == "resource":
            writes.add(target)
    return jobs


def openlineage_events(graph: nx.MultiDiGraph, labels: Labels, namespace: str,
                       table_namespace: str | None = None,
                       historical: Mapping[str, Learned] | None = None) -> list[dict[str, Any]]:
    """One COMPLETE RunEvent per analysed file, sorted by job name. A dataset in `historical`
    (written by no current code) carries where and when its classification was learned."""
    learned = historical or {}
    event_time = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    events = []
    for job, (reads, writes) in sorted(_jobs(graph).items()):
        run_id = uuid.uuid5(uuid.NAMESPACE_URL, f"lacuna:{namespace}:{job}")
        events.append({
            "eventType": "COMPLETE", "eventTime": event_time, "producer": PRODUCER,
            "schemaURL": f"{SPEC}#/$defs/RunEvent",
            "run": {"runId": str(run_id), "facets": {}},
            "job": {"namespace": namespace, "name": job, "facets": {}},
            "inputs": [{**_dataset(graph, labels, n, table_namespace or namespace, learned),
                        "inputFacets": {}} for n in sorted(reads)],
            "outputs": [{**_dataset(graph, labels, n, table_namespace or namespace, learned),
                         "outputFacets": {}} for n in sorted(writes)],
        })
    return events


def _short_ids(graph: nx.MultiDiGraph) -> dict[str, str]:
    return {node_id: f"n{index}" for index, node_id in enumerate(sorted(graph.nodes))}


def _caption(graph: nx.MultiDiGraph, labels: Labels, node_id: str) -> tuple[str, str | None]:
    node = lineage.node_of(graph, node_id)
    tier, tags = labels.get(node_id, (None, ()))
    extra = " ".join(filter(None, [tier, f"[{', '.join(tags)}]" if tags else ""]))
    return node.label, extra or None


def to_dot(graph: nx.MultiDiGraph, labels: Labels) -> str:
    """Graphviz: resources as boxes, in-memory values as ellipses, filled by tier."""
    ids = _short_ids(graph)

    def quote(text: str) -> str:
        escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{escaped}"'

    lines = ["digraph lineage {", "  rankdir=LR;",
             '  node [fontname="Helvetica", fontsize=10, style=filled, fillcolor="#eeeeee"];']
    for node_id in sorted(graph.nodes):
        label, extra = _caption(graph, labels, node_id)
        shape = "box" if lineage.node_of(graph, node_id).kind == "resource" else "ellipse"
        colour = TIER_COLOURS.get(labels.get(node_id, (None, ()))[0] or "", "#eeeeee")
        text = label + (f"\n{extra}" if extra else "")
        lines.append(f"  {ids[node_id]} [label={quote(text)}, shape={shape}, "
                     f'fillcolor="{colour}"];')
    for source, target, edge in sorted(graph.edges(data="edge"),
                                       key=lambda e: (ids[e[0]], ids[e[1]], e[2].transform)):
        lines.append(f"  {ids[source]} -> {ids[target]} [label={quote(edge.transform)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_mermaid(graph: nx.MultiDiGraph, labels: Labels) -> str:
    """A Mermaid flowchart (renders in GitHub Markdown), classes by tier."""
    ids = _short_ids(graph)

    def text(value: str) -> str:
        return value.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")

    lines = ["flowchart LR"]
    for node_id in sorted(graph.nodes):
        label, extra = _caption(graph, labels, node_id)
        body = text(label) + (f"<br/>{text(extra)}" if extra else "")
        opening, closing = (("[", "]") if lineage.node_of(graph, node_id).kind == "resource"
                            else ("(", ")"))
        tier = labels.get(node_id, (None, ()))[0]
        suffix = f":::{tier.lower()}" if tier else ""
        lines.append(f'  {ids[node_id]}{opening}"{body}"{closing}{suffix}')
    for source, target, edge in sorted(graph.edges(data="edge"),
                                       key=lambda e: (ids[e[0]], ids[e[1]], e[2].transform)):
        lines.append(f"  {ids[source]} -->|{edge.transform}| {ids[target]}")
    lines += [f"  classDef {tier.lower()} fill:{colour}" for tier, colour in TIER_COLOURS.items()]
    return "\n".join(lines) + "\n"
