"""Classify every node of the lineage graph: own names at the roots, inheritance downstream.

A resource is classified by its name (layer 1 rules on the path or table) and its known
columns (rules, then embeddings, then an LLM for the names the rules are unsure of). Every other
node takes what flows into it, through each edge's transform (`inherit.through`), combined
across inputs. A written resource whose own name, columns or unresolved place say more keeps
the stricter of both, except a file the project only writes: it holds what is written into it
(`own_data_counts`). A value nothing flows into carries no data (`defaults`). An override
beats all of it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace

import networkx as nx

from lacuna_cli import lineage
from lacuna_cli.classify import defaults
from lacuna_cli.classify.declared_columns import DeclaredColumns
from lacuna_cli.classify.field_prefix import without_prefix
from lacuna_cli.classify.entity import (
    UNKNOWN,
    Entity,
    Vocabulary,
    in_context,
    load_vocabulary,
)
from lacuna_cli.classify.heuristics import CompiledRule, RuleSet
from lacuna_cli.classify.inherit import (
    IDENTIFYING_TAGS,
    PERSONAL_TAGS,
    ColumnSensitivity,
    Sensitivity,
    combine,
    through,
)
from lacuna_cli.classify.layers import (
    CONFIDENT,
    DEFAULT_CONFIDENCE,
    ColumnLayers,
    rule_ids,
    strictest,
)
from lacuna_cli.classify.known import CENTRAL_LAYER, KnownIndex
from lacuna_cli.classify.overrides import Override, lookup
from lacuna_cli.classify.stored import StoredVerdicts
from lacuna_cli.models import DEFAULT_TIER, Classification, DataType, LineageEdge, Resource, Tier

# Tags a table name gives to what the table holds, not to a column a rule recognised (a key).
_FOR_THE_DATA = IDENTIFYING_TAGS | {"CREDENTIALS"}
# How sure an entity decision is: a name or two person-only columns, as sure as a name rule.
ENTITY_CONFIDENCE = 0.7


@dataclass
class Classifier:
    """Everything a run classifies with: rules, the column layers, overrides in force, and
    what catalogs and the central store know (`known.py`)."""

    rules: RuleSet
    columns: ColumnLayers
    overrides: dict[str, Override] = field(default_factory=dict)
    entities: Vocabulary = field(default_factory=load_vocabulary)
    known: KnownIndex = field(default_factory=KnownIndex)
    # Resources' own verdicts of earlier runs under the same rules and settings (`stored.py`).
    stored: StoredVerdicts | None = None
    # Data types the reviewed file declares for columns (`declared_columns.py`).
    declared: DeclaredColumns = field(default_factory=DeclaredColumns)

    @classmethod
    def from_rules(cls, rules: RuleSet, **layers: object) -> Classifier:
        return cls(rules, ColumnLayers(rules, **layers))  # type: ignore[arg-type]  # by field name


def classify_resource(resource: Resource, classifier: Classifier) -> Sensitivity:
    """One resource by itself: an override, else what a catalog or the central store knows,
    else its name and its known columns, read in the context of the entity it describes. A
    place that cannot be resolved is UNKNOWN unless its
    known columns say more."""
    override = lookup(classifier.overrides, resource.name)
    if override is not None:
        return from_override(override)
    known = classifier.known.lookup(resource)
    if known is not None:
        return known.sensitivity(resource.name)
    if classifier.stored is None:
        return own_sensitivity(resource, classifier)
    sensitivity = classifier.stored.get(resource)
    if sensitivity is None:
        sensitivity = own_sensitivity(resource, classifier)
        classifier.stored.put(resource, sensitivity)
    return sensitivity


def own_sensitivity(resource: Resource, classifier: Classifier) -> Sensitivity:
    """What a resource's name and known columns say, read in the context of its entity."""
    name_rules = _name_rules(resource, classifier)
    verdicts, entity = columns_in_context(resource, classifier)
    return _fold(resource, name_rules, verdicts, entity)


def classify_columns(resource: Resource, classifier: Classifier, written: str | None = None
                     ) -> tuple[Entity, list[tuple[str, Sensitivity]]]:
    """Each column of a table by itself, in the context of the whole table (`classify
    columns`). For a person entity the entity's linked level replaces what the table's name
    says about people: a customer's `hotel` is about a person, it is not PII. `written` is the
    table's name as the user wrote it (`CustomerInfo` keeps the word boundary its lower-cased
    resource name loses)."""
    override = lookup(classifier.overrides, resource.name)
    verdicts, entity = columns_in_context(resource, classifier, written)
    name_rules = _name_rules(resource, classifier)
    linked = entity
    if entity.kind == "person":
        name_rules = [r for r in name_rules if not set(r.rule.tags) & IDENTIFYING_TAGS]
        # A patient's ward identifies no one: per column, the entity's linked level without
        # its personal tags (the data set as a whole keeps them, `classify_resource`).
        linked = replace(entity, linked_tags=entity.linked_tags - PERSONAL_TAGS)
    return entity, [
        (column, from_override(override) if override is not None else
         _fold(resource.model_copy(update={"columns": (column,)}),
               _name_rules_for(name_rules, verdicts[column]), {column: verdicts[column]},
               linked))
        for column in resource.columns]


def _name_rules_for(name_rules: list[CompiledRule], verdict: ColumnSensitivity
                    ) -> list[CompiledRule]:
    """The table-name rules that speak for one column: all of them for a column no rule
    knows (an `encounters` table's `disposition` may be health data) or one of free text (its
    `notes`), none that identify for a column a rule recognised (its `encounter_id` is a key,
    its `admit_date` a date, whatever the table holds)."""
    if verdict.layer in ("heuristic", "override") and verdict.confidence >= CONFIDENT \
            and not verdict.free_text:
        return [r for r in name_rules if not set(r.rule.tags) & _FOR_THE_DATA]
    return name_rules


def _name_rules(resource: Resource, classifier: Classifier) -> list[CompiledRule]:
    return classifier.rules.match_resource(resource.name) if resource.kind != "unknown" else []


def columns_in_context(resource: Resource, classifier: Classifier, written: str | None = None
                       ) -> tuple[dict[str, ColumnSensitivity], Entity]:
    """Every known column's verdict and the entity the resource describes (decided on its
    name as `written`, else as Lacuna reports it), each verdict read in that context (a
    store's address is not personal)."""
    classifier.columns.decide(resource.columns)
    declared = {c: found for c in resource.columns
                if (found := classifier.declared.of(resource.name, c)) is not None}
    verdicts = {c: declared.get(c) or classifier.columns.verdict(c) for c in resource.columns}
    # `MBPHON` of a file whose fields all begin with MB is a phone (`field_prefix.py`).
    verdicts = without_prefix(verdicts, classifier.rules)
    if resource.kind == "unknown":
        return verdicts, UNKNOWN
    vocabulary = classifier.entities
    entity = vocabulary.decide(written or resource.name, verdicts)
    # A declared data type is the governance team's word: not re-read in the record's context.
    return {c: v if c in declared else in_context(v, c, entity, vocabulary)
            for c, v in verdicts.items()}, entity


def _fold(resource: Resource, name_rules: list[CompiledRule],
          verdicts: dict[str, ColumnSensitivity], entity: Entity) -> Sensitivity:
    unknown = resource.kind == "unknown"
    person = entity.kind == "person"
    columns = {c: v for c, v in verdicts.items() if v.sensitive}
    named = strictest(name_rules)
    if named is None and not verdicts and not person:
        return defaults.unresolved(resource) if unknown else defaults.unmatched(resource)
    deciding: list[tuple[Tier, float, str]] = [(v.tier, v.confidence, v.layer)
                                               for v in columns.values()]
    if named is not None:
        deciding.append((named.rule.tier, named.rule.confidence, "heuristic"))
    if person:
        deciding.append((entity.linked_tier, ENTITY_CONFIDENCE, "heuristic"))
    if unknown:
        deciding.append((Tier.UNKNOWN, DEFAULT_CONFIDENCE, "default"))
    if not deciding:  # columns known, none sensitive: as sure as the least sure of them
        deciding.append(min(((DEFAULT_TIER, v.confidence, v.layer) for v in verdicts.values()),
                            key=lambda d: d[1]))
    _, confidence, layer = max(deciding)
    reasons = _reasons(resource, name_rules, columns, verdicts)
    if entity.kind != "unknown":
        reasons = (f"{resource.name}: entity {entity.describe()}", *reasons)
    if unknown:
        reasons = (f"{resource.name}: {defaults.UNRESOLVED_REASON}", *reasons)
    # Without a name rule the data set is INTERNAL apart from its columns: knowing more of its
    # columns can add sensitivity, never take that default away. Whatever a person entity
    # holds is linked to a person.
    base_tier = named.rule.tier if named else DEFAULT_TIER
    base_tags = frozenset(tag for r in name_rules for tag in r.rule.tags)
    if person:
        base_tier, base_tags = max(base_tier, entity.linked_tier), base_tags | entity.linked_tags
    return Sensitivity(
        base_tier=base_tier,
        base_tags=base_tags,
        columns=columns,
        origins=frozenset({resource.name}),
        confidence=confidence,
        layer=layer,
        reasons=reasons,
        unresolved=unknown,
    )


def _reasons(resource: Resource, name_rules: list[CompiledRule],
             columns: dict[str, ColumnSensitivity],
             verdicts: dict[str, ColumnSensitivity]) -> tuple[str, ...]:
    reasons = []
    named = strictest(name_rules)
    if named is not None:
        reasons.append(f"{resource.name}: name matches rule {rule_ids(name_rules)} "
                       f"({named.rule.reasoning})")
    if columns:
        listed = ", ".join(f"{c} ({v.layer}: {v.why})" for c, v in columns.items())
        reasons.append(f"{resource.name}: columns {listed}")
    elif len(verdicts) == 1:
        ((column, verdict),) = verdicts.items()
        reasons.append(f"{resource.name}: column {column} is not sensitive ({verdict.layer}: "
                       f"{verdict.why})")
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

    def __init__(self, state: dict[str, Sensitivity],
                 kept: Mapping[str, tuple[str, list[str]]] | None = None) -> None:
        self._state = state
        self._kept = kept or {}  # labels of nodes this run did not re-classify, as stored
        self._made: dict[str, Classification] = {}

    def __getitem__(self, node_id: str) -> Classification:
        made = self._made.get(node_id)
        if made is None:
            made = self._made[node_id] = to_classification(self._state[node_id])
        return made

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._state  # without building the Classification (`Mapping` would)

    def __iter__(self) -> Iterator[str]:
        return iter(self._state)

    def __len__(self) -> int:
        return len(self._state)

    def label(self, node_id: str) -> tuple[str, list[str]] | None:
        """(tier, sorted tags) of a node, without building its Classification."""
        sensitivity = self._state.get(node_id)
        if sensitivity is None:
            return self._kept.get(node_id)
        return sensitivity.tier.value, sorted(sensitivity.tags)


def classify_graph(graph: nx.MultiDiGraph, classifier: Classifier,
                   only: set[str] | None = None,
                   kept: Mapping[str, tuple[str, list[str]]] | None = None) -> ClassifiedGraph:
    """The classification of every node, upstream first; cycles iterate to a fixed point.
    Only the columns of resources without a stored verdict are decided (one layer 2 batch).
    `only`: the nodes to classify, closed upstream (a one-file check: what the file's code
    may change, see `lineage.affected_by`); the others keep their `kept` labels."""
    resources = [data.resource for node_id, data in graph.nodes(data="node")
                 if data.resource is not None and (only is None or node_id in only)]
    if classifier.stored is not None:
        resources = classifier.stored.fetch(resources)
    classifier.columns.decide(column for resource in resources for column in resource.columns)
    state: dict[str, Sensitivity] = {}
    ordered = graph if only is None else graph.subgraph(only)
    for component in lineage.components_in_order(ordered):
        rounds = 1 if len(component) == 1 else len(component) + 1
        for _ in range(rounds):
            for node_id in component:
                state[node_id] = _node_sensitivity(graph, node_id, state, classifier)
    if classifier.stored is not None and not classifier.columns.degraded:
        classifier.stored.save()
    return ClassifiedGraph(state, kept)


def _node_sensitivity(
    graph: nx.MultiDiGraph, node_id: str, state: dict[str, Sensitivity], classifier: Classifier
) -> Sensitivity:
    node = lineage.node_of(graph, node_id)
    own = classify_resource(node.resource, classifier) if node.resource is not None else None
    if own is not None and own.layer == "override":
        return own
    if own is not None and not own_data_counts(graph, node_id):
        own = None
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


def own_data_counts(graph: nx.MultiDiGraph, node_id: str) -> bool:
    """Whether a resource's own name and columns count besides what flows into it.

    A file the project writes and never reads holds what is written into it: its name
    (`customers_pseudonymised.csv`) says nothing the written data does not, and taking it
    would call anonymized output personal. A file also read in the project, a table (other
    writers share it) and an unresolved place keep at least what they say themselves."""
    node = lineage.node_of(graph, node_id)
    resource = node.resource
    if resource is None or resource.kind != "file" or not graph.pred[node_id]:
        return True
    return bool(graph.succ[node_id])


def _step(sensitivity: Sensitivity, edge: LineageEdge) -> Sensitivity:
    """Note the join/union step in the reasons so explanations can say "via join"."""
    if edge.transform in ("join", "union"):
        note = f"{edge.transform} at {edge.location.display(column=False)}"
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
        layer=sensitivity.layer,  # type: ignore[arg-type]  # layers.py sets a Layer name only
        reasoning=reasoning,
        inherited_from=origins if inherited or elsewhere else (),
        sensitive_columns={name: tuple(sorted(c.tags)) for name, c in
                           sorted(sensitivity.columns.items())},
        data_types={name: DataType(name=c.data_type, fideslang=c.fideslang)
                    for name, c in sorted(sensitivity.columns.items()) if c.data_type},
    )
