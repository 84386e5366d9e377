"""How sensitivity travels through one step of lineage.

Sensitivity is kept in two parts while it propagates — what is known about the data set as a
whole (from its path or table name) and what each column carries — because the rules differ:
dropping or hashing the `email` column removes the column's PII, not the data set's other
facts. Only at the end is it folded into a public `Classification`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property

from lacuna_cli.models import LineageEdge, Tier

IDENTIFYING_TAGS = frozenset({"PII", "PHI", "GDPR", "HIPAA", "PCI", "IDENTIFIER",
                              "SPECIAL_CATEGORY"})
PERSONAL_TAGS = frozenset({"PII", "PHI", "SPECIAL_CATEGORY"})
# Data about a person that identifies no one (a customer's segment): an aggregate is about no
# one, a projection of it still is (each row is still a person).
LINKED_TAG = "PERSON_LINKED"


@dataclass(frozen=True)
class ColumnSensitivity:
    """What one column carries, which layer said so, how sure it is, and why."""

    tier: Tier
    tags: frozenset[str]
    identifier: bool
    why: str
    layer: str = "heuristic"
    confidence: float = 0.9
    # The catalog entry that recognised the column (rules/columns.yaml), when a rule did.
    data_type: str | None = None
    fideslang: str | None = None
    # Contact data of whatever the record describes (a name, an address, a phone): personal
    # for a person, not for a store (`entity.in_context`).
    about_record: bool = False
    # Free text (a description, notes): what the table holds, whatever the rule says.
    free_text: bool = False

    @property
    def sensitive(self) -> bool:
        return bool(self.tags)


@dataclass(frozen=True)
class Sensitivity:
    """The sensitivity of one lineage node while it propagates."""

    base_tier: Tier
    base_tags: frozenset[str]
    columns: dict[str, ColumnSensitivity] = field(default_factory=dict)
    origins: frozenset[str] = frozenset()
    confidence: float = 0.5
    layer: str = "heuristic"
    reasons: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()
    anonymized: bool = False
    # Some of the data comes from a place Lacuna cannot resolve: it may be anything, so the
    # data is UNKNOWN unless something known is stricter (PROPRIETARY). No transform clears
    # it — hashing or aggregating columns nobody has seen proves nothing; an override does.
    unresolved: bool = False

    # Cached: a value is read many times as it flows on (frozen, so it cannot go stale).
    @cached_property
    def tier(self) -> Tier:
        return max([self.known_tier, *((Tier.UNKNOWN,) if self.unresolved else ())])

    @cached_property
    def known_tier(self) -> Tier:
        """The tier of what is known (name and columns), whatever else may be unresolved."""
        return max([self.base_tier, *(c.tier for c in self.columns.values())])

    @cached_property
    def tags(self) -> frozenset[str]:
        column_tags = (tag for c in self.columns.values() for tag in c.tags)
        return self.base_tags.union(column_tags)


def through(sensitivity: Sensitivity, edge: LineageEdge) -> Sensitivity:
    """What the data looks like after one edge's transform.

    Where the edge knows its column lineage, each output column first takes the sensitivity
    of the columns it is computed from (`SELECT email AS contact` keeps the email's PII under
    its new name; `count(email)` does not)."""
    columns_known = bool(sensitivity.columns)
    if edge.column_flows:
        sensitivity = _map_columns(sensitivity, edge)
    if edge.transform == "project":
        if not columns_known:  # `raw[["email", "phone"]]` of data whose columns were never
            return sensitivity  # seen: what is kept may be anything, so all of it is kept
        return _settle(_project(sensitivity, edge), edge, columns_known)
    if edge.transform == "anonymize":
        return _settle(_anonymize(sensitivity, edge), edge)
    if edge.transform == "aggregate":
        return _aggregate(sensitivity, edge)
    return sensitivity


def combine(parts: list[Sensitivity]) -> Sensitivity:
    """Join/union/several writers: the strictest tier, every tag, every sensitive column.

    The origins kept are those of the inputs at the resulting tier — the ones that made the
    data this sensitive, which is what a user needs to be told ("inherited from X").
    """
    if len(parts) == 1:
        return parts[0]
    top = max(part.tier for part in parts)
    columns: dict[str, ColumnSensitivity] = {}
    for part in parts:
        for name, column in part.columns.items():
            if name not in columns or columns[name].tier < column.tier:
                columns[name] = column
    return Sensitivity(
        base_tier=max(part.base_tier for part in parts),
        base_tags=frozenset().union(*(part.base_tags for part in parts)),
        columns=columns,
        origins=frozenset().union(*(p.origins for p in parts if p.tier == top)),
        confidence=min(part.confidence for part in parts if part.tier == top),
        layer="inherited",
        reasons=tuple(dict.fromkeys(r for part in parts for r in part.reasons)),
        steps=tuple(dict.fromkeys(step for part in parts for step in part.steps)),
        anonymized=all(part.anonymized for part in parts),
        unresolved=any(part.unresolved for part in parts),
    )


def _map_columns(sensitivity: Sensitivity, edge: LineageEdge) -> Sensitivity:
    """Output columns from their source columns. A source column no flow mentions is gone
    only when the lineage covers every output column; otherwise it is kept (fail safe)."""
    flows = edge.column_flows
    columns: dict[str, ColumnSensitivity] = {}
    for flow in flows:
        sources = [sensitivity.columns[s] for s in flow.sources if s in sensitivity.columns]
        if not sources or flow.aggregate:
            continue
        strictest = max(sources, key=lambda c: c.tier)
        columns[flow.column] = replace(
            strictest, tags=frozenset().union(*(c.tags for c in sources)),
            identifier=not flow.generalised and any(c.identifier for c in sources),
            why=strictest.why if flow.sources == (flow.column,) else
            f"from {', '.join(flow.sources)}: {strictest.why}")
    used = {source for flow in flows for source in flow.sources}
    complete = edge.columns is not None and set(edge.columns) <= {f.column for f in flows}
    for name, column in sensitivity.columns.items():
        if name not in used and not complete:
            columns.setdefault(name, column)
    reaching = {source for flow in flows if flow.column in columns for source in flow.sources}
    lost = sorted(set(sensitivity.columns) - reaching - set(columns))
    steps = (*sensitivity.steps, f"dropped {', '.join(lost)}") if lost else sensitivity.steps
    return replace(sensitivity, columns=columns, steps=steps)


def _project(sensitivity: Sensitivity, edge: LineageEdge) -> Sensitivity:
    kept = set(edge.columns) if edge.columns is not None else None
    columns = {
        name: column for name, column in sensitivity.columns.items()
        if name not in edge.dropped and (kept is None or name in kept)
    }
    removed = sorted(set(sensitivity.columns) - set(columns))
    if not removed:
        return sensitivity
    return replace(sensitivity, columns=columns,
                   steps=(*sensitivity.steps, f"dropped {', '.join(removed)}"))


def _anonymize(sensitivity: Sensitivity, edge: LineageEdge) -> Sensitivity:
    columns = {n: c for n, c in sensitivity.columns.items() if n not in edge.anonymized}
    hashed = sorted(set(sensitivity.columns) & set(edge.anonymized)) or list(edge.anonymized)
    return replace(sensitivity, columns=columns, anonymized=True,
                   steps=(*sensitivity.steps, f"anonymized {', '.join(hashed)}"))


def _settle(sensitivity: Sensitivity, edge: LineageEdge, columns_known: bool = False
            ) -> Sensitivity:
    """After columns were hashed or dropped: if the column set is known (the edge's, or for a
    drop the data's own, `columns_known`) and no personal column is left, the data is no
    longer personal — tier at most INTERNAL, personal tags gone, and ANONYMIZED when
    hashing/masking was part of it (verified anonymization)."""
    personal_left = any(c.tags & PERSONAL_TAGS for c in sensitivity.columns.values())
    was_personal = bool(sensitivity.base_tags & IDENTIFYING_TAGS - {"IDENTIFIER"})
    # (a drop in a helper whose frame is a parameter names no column set of its own: what is
    # left is the data's known columns less the dropped ones)
    unknown_set = edge.columns is None and not (edge.dropped and columns_known)
    if personal_left or unknown_set or not (was_personal or sensitivity.anonymized):
        return sensitivity
    marker = {"ANONYMIZED"} if sensitivity.anonymized else set()
    return replace(
        sensitivity,
        base_tier=min(sensitivity.base_tier, Tier.INTERNAL),
        base_tags=(sensitivity.base_tags - (IDENTIFYING_TAGS - {"IDENTIFIER"})) | marker,
        steps=(*sensitivity.steps, "no personal column left"),
    )


def _aggregate(sensitivity: Sensitivity, edge: LineageEdge) -> Sensitivity:
    """Aggregates grouped only by non-identifying keys drop one tier (DERIVED_FROM_<TIER>);
    what is unresolved stays so."""
    identifying_keys = [k for k in edge.keys if k in sensitivity.columns
                        and sensitivity.columns[k].identifier]
    if identifying_keys:
        return replace(sensitivity, steps=(
            *sensitivity.steps, f"grouped by identifier {', '.join(identifying_keys)}"))
    listed = {flow.column for flow in edge.column_flows if not flow.aggregate}
    kept = [name for name, column in sensitivity.columns.items()
            if name in listed and name not in edge.keys and column.tags & IDENTIFYING_TAGS]
    if kept:  # `string_agg(email, ',')`, `max(email)`: the members' values, listed
        return replace(sensitivity, steps=(
            *sensitivity.steps, f"values of {', '.join(kept)} kept by the aggregate"))
    tier = sensitivity.tier
    keys = ", ".join(edge.keys) or "nothing"
    return replace(
        sensitivity,
        base_tier=sensitivity.known_tier.lower(),
        base_tags=(sensitivity.tags - IDENTIFYING_TAGS - {LINKED_TAG})
        | {f"DERIVED_FROM_{tier.value}"},
        columns={},
        steps=(*sensitivity.steps, f"aggregated by {keys} (no identifier)"),
    )
