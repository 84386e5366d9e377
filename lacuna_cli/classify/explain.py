"""The whole decision path behind one classification, for `lacuna classify explain`.

For the resource asked about and every node upstream of it: the override in force, the name
rules that matched, each column's verdict (layer, confidence, why) and the edges data came in
through — so a user can see which layer decided, on what evidence, and where it was inherited.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from lacuna_cli import lineage
from lacuna_cli.classify.inherit import ColumnSensitivity
from lacuna_cli.classify.overrides import lookup
from lacuna_cli.classify.pipeline import Classifier, columns_in_context, own_data_counts
from lacuna_cli.models import Classification, LineageNode, Resource

if TYPE_CHECKING:
    from lacuna_cli.classify.run import ClassificationRun
    from lacuna_cli.config import Config


def explain(run: ClassificationRun, config: Config, name: str) -> dict[str, Any]:
    """The decision path of the resource `name`, classified as `lacuna check` classifies (the
    stored lineage, the central store's answer as last cached, what was learned about data at
    rest); one not in the stored lineage by what its name (and header) alone say."""
    from lacuna_cli import lineage_history as history
    from lacuna_cli.central import pull
    from lacuna_cli.classify.pipeline import classify_resource, to_classification
    from lacuna_cli.store.lineage import load_graph

    graph, _ = load_graph(run.connection)
    pull.apply(run.connection, graph, run.classifier, config, ask=False)
    history.apply(run.connection, graph, run.classifier)
    node_id = lineage.find(graph, name)
    if node_id is not None:
        return decision_path(graph, node_id, run.classifier, run.classify(graph))
    named = named_resource(config.root, name)
    classification = to_classification(classify_resource(named, run.classifier))
    return {"node": named.name, "classification": classification.model_dump(mode="json"),
            **resource_facts(named, run.classifier), "sources": []}


def named_resource(root: Path, name: str) -> Resource:
    """A path or URL as written in code (with its CSV header if it is in the project)."""
    from lacuna_cli.extract.places import normalise_location
    from lacuna_cli.extract.schema import header_columns

    resource = normalise_location(name, root)
    if resource.kind == "file":
        resource = resource.model_copy(update={"columns": header_columns(root / resource.name)})
    return resource


def resource_facts(resource: Resource, classifier: Classifier) -> dict[str, Any]:
    """What the layers said about a resource by itself: override, name rules, columns."""
    override = lookup(classifier.overrides, resource.name)
    known = classifier.known.lookup(resource)
    rules = classifier.rules.match_resource(resource.name) if resource.kind != "unknown" else []
    verdicts, entity = columns_in_context(resource, classifier)
    return {
        "override": override.describe() if override else None,
        "entity": {"kind": entity.kind, "noun": entity.noun, "why": entity.why,
                   "linked_tier": entity.linked_tier.value if entity.kind == "person" else None,
                   "linked_tags": sorted(entity.linked_tags)},
        "known": {"layer": known.layer, "tier": known.tier.value, "tags": list(known.tags),
                  "columns": {c: list(t) for c, t in known.columns.items()},
                  "origin": known.origin, "why": known.why} if known else None,
        "name_rules": [{"id": m.rule.id, "tier": m.rule.tier.value, "tags": m.rule.tags,
                        "confidence": m.rule.confidence, "reasoning": m.rule.reasoning,
                        "file": m.source} for m in rules],
        "columns": [_column(name, verdict) for name, verdict in verdicts.items()],
    }


def _column(name: str, verdict: ColumnSensitivity) -> dict[str, Any]:
    return {"column": name, "layer": verdict.layer, "tier": verdict.tier.value,
            "tags": sorted(verdict.tags), "confidence": verdict.confidence, "why": verdict.why,
            "data_type": verdict.data_type, "fideslang": verdict.fideslang}


def decision_path(graph: nx.MultiDiGraph, node_id: str, classifier: Classifier,
                  classifications: Mapping[str, Classification]) -> dict[str, Any]:
    """The node and everything upstream of it (each node once), nearest first."""
    seen: set[str] = set()

    def visit(current: str) -> dict[str, Any]:
        seen.add(current)
        node: LineageNode = lineage.node_of(graph, current)
        entry: dict[str, Any] = {"node": node.label,
                                 "classification": classifications[current].model_dump(mode="json")}
        if node.resource is not None:
            entry.update(resource_facts(node.resource, classifier))
            entry["own_data_counts"] = own_data_counts(graph, current)
        entry["sources"] = [
            {"transform": edge.transform, "at": edge.location.display(column=False),
             "keys": list(edge.keys), "dropped": list(edge.dropped),
             "anonymized": list(edge.anonymized),
             "from": visit(edge.source) if edge.source not in seen else
             {"node": lineage.node_of(graph, edge.source).label, "shown": True}}
            for edge in sorted(lineage.incoming(graph, current), key=lambda e: e.source)]
        return entry

    return visit(node_id)


def render(entry: dict[str, Any], depth: int = 0) -> list[str]:
    """Plain text lines, indented by lineage depth."""
    pad = "  " * depth
    if entry.get("shown"):
        return [f"{pad}{entry['node']} (shown above)"]
    c = entry["classification"]
    lines = [(f"{pad}{entry['node']}: {c['tier']} [{', '.join(c['tags']) or 'no tags'}] — "
              f"{c['layer']}, confidence {c['confidence']:.2f}"),
             f"{pad}  why: {c['reasoning']}"]
    if entry.get("override"):
        lines.append(f"{pad}  override (beats every layer): {entry['override']}")
    entity = entry.get("entity")
    if entity:
        noun = f" ({entity['noun']})" if entity["noun"] else ""
        linked = (f"; its other attributes carry {entity['linked_tier']} "
                  f"{entity['linked_tags']}" if entity["linked_tier"] else "")
        lines.append(f"{pad}  entity: {entity['kind']}{noun} — {entity['why']}{linked}")
    known = entry.get("known")
    if known:
        columns = "".join(f", column {c} [{', '.join(t)}]" for c, t in known["columns"].items())
        lines.append(f"{pad}  {known['layer']} (beaten only by an override): {known['tier']} "
                     f"[{', '.join(known['tags']) or 'no tags'}]{columns} — {known['why']}")
    own = [f"name rule {rule['id']} -> {rule['tier']} {rule['tags']} (confidence "
           f"{rule['confidence']}): {rule['reasoning']}" for rule in entry.get("name_rules", [])]
    for column in entry.get("columns", []):
        kind = (f", {column['data_type']} ({column['fideslang']})"
                if column.get("data_type") else "")
        own.append(f"column {column['column']}: {column['tier']} "
                   f"[{', '.join(column['tags']) or 'not sensitive'}] by {column['layer']} "
                   f"({column['confidence']:.2f}{kind}): {column['why']}")
    if own and entry.get("own_data_counts") is False:
        lines.append(f"{pad}  not applied — the project only writes this file, so it holds what "
                     "is written into it, whatever its name says:")
    lines.extend(f"{pad}  {line}" for line in own)
    for source in entry["sources"]:
        extra = "".join(f", {label} {', '.join(source[label])}" for label in
                        ("keys", "dropped", "anonymized") if source[label])
        lines.append(f"{pad}  <- {source['transform']} at {source['at']}{extra}")
        lines.extend(render(source["from"], depth + 2))
    return lines
