"""Classify every node of the lineage graph: heuristics at the roots, inheritance downstream.

Root resources are classified by their own name and columns (layer 1). Every other node takes
what flows into it, through each edge's transform (`inherit.through`), combined across inputs.
A resource that is written *and* has a name that says something keeps the stricter of both.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import networkx as nx

from lacuna_cli import lineage
from lacuna_cli.classify.heuristics import CompiledRule, RuleSet
from lacuna_cli.classify.inherit import ColumnSensitivity, Sensitivity, combine, through
from lacuna_cli.models import Classification, LineageEdge, Resource, Tier

DEFAULT_CONFIDENCE = 0.3


def classify_resource(resource: Resource, rules: RuleSet) -> Sensitivity:
    """Layer 1 on one resource: its name (path or table) and its known columns."""
    name_rules = rules.match_resource(resource.name) if resource.kind != "unknown" else []
    columns = {
        column: sensitivity
        for column in resource.columns
        if (sensitivity := classify_column(column, rules)) is not None
    }
    if not name_rules and not columns:
        return Sensitivity(
            base_tier=Tier.INTERNAL, base_tags=frozenset(), origins=frozenset({resource.name}),
            confidence=DEFAULT_CONFIDENCE, layer="default",
            reasons=(f"{resource.name}: no rule matched, INTERNAL by default",),
        )
    reasons = []
    if name_rules:
        reasons.append(f"{resource.name}: name matches rule {_rule_ids(name_rules)} "
                       f"({name_rules[0].rule.reasoning})")
    if columns:
        listed = ", ".join(f"{c} ({c_s.rule})" for c, c_s in columns.items())
        reasons.append(f"{resource.name}: columns {listed}")
    best = _strictest(name_rules)
    return Sensitivity(
        base_tier=best.rule.tier if best else Tier.PUBLIC,
        base_tags=frozenset(tag for r in name_rules for tag in r.rule.tags),
        columns=columns,
        origins=frozenset({resource.name}),
        confidence=max([r.rule.confidence for r in name_rules]
                       + [_column_confidence(rules, c) for c in columns]),
        layer="heuristic",
        reasons=tuple(reasons),
    )


def classify_column(name: str, rules: RuleSet) -> ColumnSensitivity | None:
    """The strictest matching column rule, with the tags of every matching rule."""
    matches = rules.match_column(name)
    best = _strictest(matches)
    if best is None:
        return None
    return ColumnSensitivity(
        tier=best.rule.tier,
        tags=frozenset(tag for m in matches for tag in m.rule.tags),
        identifier=any(m.rule.identifier for m in matches),
        rule=_rule_ids(matches),
    )


def _column_confidence(rules: RuleSet, column: str) -> float:
    return max(m.rule.confidence for m in rules.match_column(column))


def _strictest(matches: list[CompiledRule]) -> CompiledRule | None:
    return max(matches, key=lambda m: (m.rule.tier, m.rule.confidence), default=None)


def _rule_ids(matches: Iterable[CompiledRule]) -> str:
    return "/".join(dict.fromkeys(m.rule.id for m in matches))


def classify_graph(graph: nx.MultiDiGraph, rules: RuleSet) -> dict[str, Classification]:
    """A Classification for every node, upstream first; cycles iterate to a fixed point."""
    state: dict[str, Sensitivity] = {}
    for component in lineage.components_in_order(graph):
        rounds = 1 if len(component) == 1 else len(component) + 1
        for _ in range(rounds):
            for node_id in component:
                state[node_id] = _node_sensitivity(graph, node_id, state, rules)
    return {node_id: to_classification(s) for node_id, s in state.items()}


def _node_sensitivity(
    graph: nx.MultiDiGraph, node_id: str, state: dict[str, Sensitivity], rules: RuleSet
) -> Sensitivity:
    node = lineage.node_of(graph, node_id)
    own = classify_resource(node.resource, rules) if node.resource is not None else None
    flowing = [
        _step(through(state[edge.source], edge), edge)
        for edge in lineage.incoming(graph, node_id)
        if edge.source in state
    ]
    if not flowing:
        return own or Sensitivity(
            base_tier=Tier.INTERNAL, base_tags=frozenset(), origins=frozenset({node.label}),
            confidence=DEFAULT_CONFIDENCE, layer="default",
            reasons=(f"{node.label}: no known source, INTERNAL by default",),
        )
    inherited = combine(flowing)
    if own is not None and own.layer == "heuristic" and own.tier > inherited.tier:
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
        inherited_from=origins if inherited else (),
        sensitive_columns={name: tuple(sorted(c.tags)) for name, c in
                           sorted(sensitivity.columns.items())},
    )
