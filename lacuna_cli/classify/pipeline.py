"""Classify every node of the lineage graph: own names at the roots, inheritance downstream.

A resource is classified by its name (layer 1 rules on the path or table) and its known
columns (rules, then embeddings, then an LLM for the names the rules are unsure of). Every other
node takes what flows into it, through each edge's transform (`inherit.through`), combined
across inputs. A written resource whose own name, columns or unresolved place say more keeps
the stricter of both. A value nothing flows into carries no data (`defaults`). An override
beats all of it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace

import networkx as nx

from lacuna_cli import lineage
from lacuna_cli.classify import defaults
from lacuna_cli.classify.heuristics import RuleSet
from lacuna_cli.classify.inherit import ColumnSensitivity, Sensitivity, combine, through
from lacuna_cli.classify.known import CENTRAL_LAYER, KnownIndex
from lacuna_cli.classify.layers import DEFAULT_CONFIDENCE, ColumnLayers, rule_ids, strictest
from lacuna_cli.classify.overrides import Override, lookup
from lacuna_cli.models import Classification, LineageEdge, Resource, Tier


@dataclass
class Classifier:
    """Everything a run classifies with: rules, the column layers, overrides in force, and
    what catalogs and the central store know (`known.py`)."""

    rules: RuleSet
    columns: ColumnLayers
    overrides: dict[str, Override] = field(default_factory=dict)
    known: KnownIndex = field(default_factory=KnownIndex)

    @classmethod
    def from_rules(cls, rules: RuleSet, **layers: object) -> Classifier:
        return cls(rules, ColumnLayers(rules, **layers))  # type: ignore[arg-type]


def classify_resource(resource: Resource, classifier: Classifier) -> Sensitivity:
    """One resource by itself: an override, else what a catalog or the central store knows,
    else its name and its known columns. A place that cannot be resolved is UNKNOWN unless its
    known columns say more."""
    override = lookup(classifier.overrides, resource.name)
    if override is not None:
        return from_override(override)
    known = classifier.known.lookup(resource)
    if known is not None:
        return known.sensitivity(resource.name)
    unknown = resource.kind == "unknown"
    rules = classifier.rules
    name_rules = rules.match_resource(resource.name) if not unknown else []
    classifier.columns.decide(resource.columns)
    verdicts = {c: classifier.columns.verdict(c) for c in resource.columns}
    columns = {c: v for c, v in verdicts.items() if v.sensitive}
    named = strictest(name_rules)
    if named is None and not verdicts:
        return defaults.unresolved(resource) if unknown else defaults.unmatched(resource)
    deciding: list[tuple[Tier, float, str]] = [(v.tier, v.confidence, v.layer)
                                               for v in columns.values()]
    if named is not None:
        deciding.append((named.rule.tier, named.rule.confidence, "heuristic"))
    if unknown:
        deciding.append((Tier.UNKNOWN, DEFAULT_CONFIDENCE, "default"))
    if not deciding:  # columns known, none sensitive: as sure as the least sure of them
        deciding.append(min(((Tier.INTERNAL, v.confidence, v.layer) for v in verdicts.values()),
                            key=lambda d: d[1]))
    _, confidence, layer = max(deciding)
    reasons = _reasons(resource, name_rules, columns, verdicts)
    if unknown:
        reasons = (f"{resource.name}: {defaults.UNRESOLVED_REASON}", *reasons)
    # Without a name rule the data set is INTERNAL apart from its columns: knowing more of its
    # columns can add sensitivity, never take that default away.
    return Sensitivity(
        base_tier=named.rule.tier if named else Tier.INTERNAL,
        base_tags=frozenset(tag for r in name_rules for tag in r.rule.tags),
        columns=columns,
        origins=frozenset({resource.name}),
        confidence=confidence,
        layer=layer,
        reasons=reasons,
        unresolved=unknown,
    )


def _reasons(resource: Resource, name_rules: list, columns: dict[str, ColumnSensitivity],
             verdicts: dict[str, ColumnSensitivity]) -> tuple[str, ...]:
    reasons = []
    if name_rules:
        reasons.append(f"{resource.name}: name matches rule {rule_ids(name_rules)} "
                       f"({strictest(name_rules).rule.reasoning})")
    if columns:
        listed = ", ".join(f"{c} ({v.layer}: {v.why})" for c, v in columns.items())
        reasons.append(f"{resource.name}: columns {listed}")
    elif verdicts:
        reasons.append(f"{resource.name}: none of its {len(verdicts)} columns is sensitive")
    return tuple(reasons)


def from_override(override: Override) -> Sensitivity:
    return Sensitivity(base_tier=override.tier, base_tags=frozenset(override.tags),
                       origins=frozenset({override.resource}), confidence=1.0, layer="override",
                       reasons=(f"{override.resource}: {override.describe()}",))


class ClassifiedGraph(Mapping[str, Classification]):
    """The sensitivity of every node, turned into a Classification only when one is asked for:
    a run needs full Classifications for the nodes its operations touch, and only the tier and
    tags (`label`) of the tens of thousands of others it stores as lineage."""

    def __init__(self, state: dict[str, Sensitivity]) -> None:
        self._state = state
        self._made: dict[str, Classification] = {}

    def __getitem__(self, node_id: str) -> Classification:
        made = self._made.get(node_id)
        if made is None:
            made = self._made[node_id] = to_classification(self._state[node_id])
        return made

    def __iter__(self) -> Iterator[str]:
        return iter(self._state)

    def __len__(self) -> int:
        return len(self._state)

    def label(self, node_id: str) -> tuple[str, list[str]] | None:
        """(tier, sorted tags) of a node, without building its Classification."""
        sensitivity = self._state.get(node_id)
        if sensitivity is None:
            return None
        return sensitivity.tier.value, sorted(sensitivity.tags)


def classify_graph(graph: nx.MultiDiGraph, classifier: Classifier) -> ClassifiedGraph:
    """The classification of every node, upstream first; cycles iterate to a fixed point."""
    classifier.columns.decide(column for _, data in graph.nodes(data="node")
                              if data.resource is not None for column in data.resource.columns)
    state: dict[str, Sensitivity] = {}
    for component in lineage.components_in_order(graph):
        rounds = 1 if len(component) == 1 else len(component) + 1
        for _ in range(rounds):
            for node_id in component:
                state[node_id] = _node_sensitivity(graph, node_id, state, classifier)
    return ClassifiedGraph(state)


def _node_sensitivity(
    graph: nx.MultiDiGraph, node_id: str, state: dict[str, Sensitivity], classifier: Classifier
) -> Sensitivity:
    node = lineage.node_of(graph, node_id)
    own = classify_resource(node.resource, classifier) if node.resource is not None else None
    if own is not None and own.layer == "override":
        return own
    flowing = [
        _step(through(state[edge.source], edge), edge)
        for edge in lineage.incoming(graph, node_id)
        if edge.source in state
    ]
    if not flowing:
        return own or defaults.no_data(node.label)
    inherited = combine(flowing)
    # A resource is at least what its own name, columns or unresolved place say: what code in
    # the project writes to it can add to that, never take it away (another writer may exist).
    if own is not None and own.tier > inherited.tier:
        return combine([inherited, own])
    return inherited if len(flowing) > 1 else _as_inherited(inherited)


def _step(sensitivity: Sensitivity, edge: LineageEdge) -> Sensitivity:
    """Note the join/union step in the reasons so explanations can say "via join"."""
    if edge.transform in ("join", "union"):
        cell = f":cell_{edge.location.cell}" if edge.location.cell is not None else ""
        where = f"{edge.location.path}{cell}:{edge.location.line}"
        note = f"{edge.transform} at {where}"
        if note not in sensitivity.steps:
            return replace(sensitivity, steps=(*sensitivity.steps, note))
    return sensitivity


def _as_inherited(sensitivity: Sensitivity) -> Sensitivity:
    return replace(sensitivity, layer="inherited")


def to_classification(sensitivity: Sensitivity) -> Classification:
    """Fold the propagation state into the public model."""
    inherited = sensitivity.layer == "inherited"
    origins = tuple(sorted(sensitivity.origins))
    # What another repository's code wrote into a resource is inherited from its sources there.
    elsewhere = sensitivity.layer == CENTRAL_LAYER
    reasoning = "; ".join(sensitivity.reasons)
    if inherited:
        via = f" via {', '.join(sensitivity.steps)}" if sensitivity.steps else ""
        reasoning = f"inherited from {', '.join(origins)}{via}"
    return Classification(
        tier=sensitivity.tier,
        tags=tuple(sorted(sensitivity.tags)),
        confidence=round(sensitivity.confidence, 3),
        layer=sensitivity.layer,  # type: ignore[arg-type]
        reasoning=reasoning,
        inherited_from=origins if inherited or elsewhere else (),
        sensitive_columns={name: tuple(sorted(c.tags)) for name, c in
                           sorted(sensitivity.columns.items())},
    )
