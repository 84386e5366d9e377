"""The data model every stage reads and writes.

Stages are plain functions from one of these models to the next, so this module is the one
place that defines what an operation, a classification or a decision *is*. The JSON field names
are part of the machine-readable contract in DESIGN.md: rename nothing without bumping
``CONTRACT_VERSION``.
"""

from __future__ import annotations

import hashlib
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    WithJsonSchema,
    model_serializer,
)

CONTRACT_VERSION = 2
# How a function's parameter is named while its body is summarised, and the reason of an
# operation whose place is one (`parameter `path` of `load()``).
PARAMETER_PREFIX = "parameter `"

Action = Literal["read", "write", "export", "join", "aggregate", "filter", "anonymize", "query"]
ResourceKind = Literal["file", "table", "url", "stream", "service", "unknown"]
Layer = Literal["heuristic", "embedding", "llm", "inherited", "override", "default", "catalog",
                "central"]
Severity = Literal["info", "low", "medium", "high", "critical"]
Transform = Literal[
    "read", "write", "join", "union", "filter", "project", "aggregate", "anonymize", "derive"
]

SEVERITY_RANK: dict[str, int] = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}


class Tier(str, Enum):
    """Sensitivity tier, ordered PUBLIC < INTERNAL < UNKNOWN < PROPRIETARY so `max()` picks the
    strictest.

    UNKNOWN is Lacuna's verdict on data from a place it cannot resolve (a path, table or URL
    computed at run time): it may be anything, so it ranks above every tier it could hide
    except PROPRIETARY — joined with PROPRIETARY data the result is PROPRIETARY, joined with
    PUBLIC or INTERNAL data it stays UNKNOWN. Nobody assigns it (`AssignedTier`)."""

    PUBLIC = "PUBLIC"
    INTERNAL = "INTERNAL"
    UNKNOWN = "UNKNOWN"
    PROPRIETARY = "PROPRIETARY"

    @property
    def rank(self) -> int:
        return _TIER_ORDER.index(self)

    # All four are defined: `str` already has them, so functools.total_ordering would keep
    # str's alphabetical order (PUBLIC > INTERNAL) for three of them.
    def __lt__(self, other: object) -> bool:
        return self.rank < other.rank if isinstance(other, Tier) else NotImplemented

    def __le__(self, other: object) -> bool:
        return self.rank <= other.rank if isinstance(other, Tier) else NotImplemented

    def __gt__(self, other: object) -> bool:
        return self.rank > other.rank if isinstance(other, Tier) else NotImplemented

    def __ge__(self, other: object) -> bool:
        return self.rank >= other.rank if isinstance(other, Tier) else NotImplemented

    def __hash__(self) -> int:
        return str.__hash__(self)

    def lower(self) -> Tier:
        """The next tier down (PUBLIC stays PUBLIC): what an identifier-free aggregate becomes.
        UNKNOWN stays UNKNOWN: nobody knows which tier it would be one below."""
        if self is Tier.UNKNOWN:
            return self
        return ASSIGNABLE_TIERS[max(ASSIGNABLE_TIERS.index(self) - 1, 0)]


_TIER_ORDER = (Tier.PUBLIC, Tier.INTERNAL, Tier.UNKNOWN, Tier.PROPRIETARY)
ASSIGNABLE_TIERS = (Tier.PUBLIC, Tier.INTERNAL, Tier.PROPRIETARY)
# Data at rest that nothing says more about (no rule, override, model or lineage): the
# organisation's default. Every classification layer falls back to it.
DEFAULT_TIER = Tier.INTERNAL


def _assignable(tier: Tier) -> Tier:
    if tier not in ASSIGNABLE_TIERS:
        raise ValueError(f"{tier.value} cannot be assigned; use one of "
                         f"{', '.join(t.value for t in ASSIGNABLE_TIERS)}")
    return tier


# A tier a rule, an example, a model's answer or a person gives: UNKNOWN is only ever Lacuna's
# own verdict on what it cannot resolve, and an override exists to make data known.
AssignedTier = Annotated[Tier, AfterValidator(_assignable), WithJsonSchema(
    {"type": "string", "enum": [t.value for t in ASSIGNABLE_TIERS]})]


class Model(BaseModel):
    """Frozen and strict: models are values passed between stages, never mutated in place."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Resource(Model):
    """A place data lives: a file, a table, a URL, a stream, or something only known at run time."""

    kind: ResourceKind
    name: str
    columns: tuple[str, ...] = ()
    # Who receives data sent here and what kind of place it is (llm, tracker, hub, cloud,
    # database, saas, chat, mail, log, stream, download), from the library catalog.
    service: str | None = None
    category: str | None = None

    @model_serializer(mode="wrap")
    def _without_empty_service(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """`service` and `category` appear only on destinations the catalog describes."""
        dumped: dict[str, Any] = handler(self)
        for key in ("service", "category"):
            if dumped.get(key) is None:
                dumped.pop(key, None)
        return dumped

    @property
    def key(self) -> str:
        """Identity in the lineage graph: kind and normalised name (columns are not identity)."""
        return f"{self.kind}:{self.name}"


class Location(Model):
    """Where in the analysed code something happens (1-based line and column; cell for
    notebooks)."""

    path: str
    line: int
    column: int
    cell: int | None = None

    @property
    def position(self) -> str:
        """`line:col` in a file, `cell_3:line:col` in a notebook."""
        cell = "" if self.cell is None else f"cell_{self.cell}:"
        return f"{cell}{self.line}:{self.column}"

    def display(self, column: bool = True) -> str:
        """How every output and the audit log name the place: `path:line:col`, or
        `notebook.ipynb:cell_3:line:col` in a notebook (`column=False` drops the column)."""
        shown = f"{self.path}:{self.position}"
        return shown if column else shown.rsplit(":", 1)[0]


class Operation(Model):
    """One data operation found in code, with the resources flowing into and out of it."""

    id: str
    action: Action
    sources: tuple[Resource, ...] = ()
    destination: Resource | None = None
    location: Location
    code: str
    dynamic: bool = False
    dynamic_reason: str | None = None
    # The call in another project file whose data reaches this line (a helper's send, reported
    # once per call): a change there is a change to what this operation does.
    called_from: Location | None = None

    @property
    def from_parameters(self) -> bool:
        """Whether the data comes only from the parameters of the function the operation is
        in (or from nowhere): a helper's line analysed in its own file, which a call from
        another project file reports again with the data it passes."""
        return all(s.kind == "unknown" and s.name.startswith(PARAMETER_PREFIX)
                   for s in self.sources)

    @property
    def to_parameter(self) -> bool:
        """Whether the destination is a parameter of the function the operation is in: where the
        data goes is up to each caller, and the calls in the project are checked with their own
        arguments."""
        return (self.destination is not None and self.destination.kind == "unknown"
                and (self.dynamic_reason or "").startswith(PARAMETER_PREFIX))

    @property
    def target(self) -> str:
        """What the operation is about, as outputs and the audit log name it: where the data
        goes, else where it comes from (`(unknown)` when Lacuna knows neither)."""
        if self.destination is not None:
            return self.destination.name
        return ", ".join(s.name for s in self.sources) or "(unknown)"


def operation_id(location: Location, action: str, target: str) -> str:
    """A stable id from where and what: the same code yields the same id on every run."""
    cell = "" if location.cell is None else f"#{location.cell}"
    text = f"{location.path}{cell}:{location.line}:{location.column}:{action}:{target}"
    return "op-" + hashlib.sha1(text.encode()).hexdigest()[:12]


class DataType(Model):
    """A data type of the catalog and its fideslang data category (`user.contact.email`)."""

    name: str
    fideslang: str | None = None


class Classification(Model):
    """How sensitive some data is, which layer decided, and why."""

    tier: Tier
    tags: tuple[str, ...] = ()
    confidence: float
    layer: Layer
    reasoning: str
    inherited_from: tuple[str, ...] = ()
    # Column name -> tags, for the columns that made the data sensitive (feeds "anonymize X").
    sensitive_columns: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    # Column name -> the catalog data type a rule recognised in it (rules/columns.yaml).
    data_types: dict[str, DataType] = Field(default_factory=dict)


class Decision(Model):
    """A policy verdict on one operation, with what the user can do instead."""

    allowed: bool
    policy_id: str
    policy_version: str
    reasoning: str
    alternatives: tuple[str, ...] = ()
    steward: str | None = None
    severity: Severity = "info"
    title: str | None = None


class Suppression(Model):
    """Why a denial does not fail the run: an inline allow comment or an exceptions-file entry."""

    kind: Literal["inline", "exceptions_file"]
    reason: str
    policy_id: str


class Finding(Model):
    """One operation with its classification and decision: the unit every report is made of."""

    operation: Operation
    classification: Classification
    decision: Decision
    suppression: Suppression | None = None

    @property
    def blocking(self) -> bool:
        """Denied and not suppressed: what makes `lacuna check` exit 1."""
        return not self.decision.allowed and self.suppression is None

    @property
    def unresolved(self) -> bool:
        """Whether Lacuna could not resolve where the data comes from or goes to: a source or
        destination computed at run time, or data of UNKNOWN classification (the coverage
        figure of a run)."""
        op = self.operation
        places = (*op.sources, *((op.destination,) if op.destination else ()))
        return op.dynamic or self.classification.tier is Tier.UNKNOWN or any(
            place.kind == "unknown" for place in places)


class FileProblem(Model):
    """A problem in one file, reported with its path (and line) while the run goes on: an error
    (a file or statement that could not be analysed, a bad config key) or a notice (a waiver
    that expired, a baseline entry gone stale)."""

    path: str
    line: int | None = None
    message: str


class ColumnTags(Model):
    """The tags a schema declares for one column (dbt `tags` and `meta`): a classification
    source beside the column's name."""

    column: str
    tags: tuple[str, ...] = ()


class LineageNode(Model):
    """A node of the lineage graph: a resource, or an in-memory value produced by code."""

    id: str
    kind: Literal["resource", "value"]
    label: str
    resource: Resource | None = None
    location: Location | None = None
    columns: tuple[str, ...] | None = None
    declared_tags: tuple[ColumnTags, ...] = ()  # resources: what schema files say of columns


class ColumnFlow(Model):
    """One output column of an edge's target and the columns of the edge's source it derives
    from; `aggregate` when an aggregate function is on the way, `generalised` when only a
    part of the values that singles no one out comes through (it keeps their tags)."""

    column: str
    sources: tuple[str, ...]
    aggregate: bool = False
    # a part of the source's values that singles no one out (the year of a date of birth)
    generalised: bool = False


class LineageEdge(Model):
    """Data flows from `source` to `target` through `transform`.

    `keys` are group-by keys (aggregate) or join keys; `columns` the columns known to come out;
    `dropped`/`anonymized` the columns removed or hashed/masked on the way — the classifier uses
    them to decide whether sensitivity survives the step.
    """

    source: str
    target: str
    transform: Transform
    location: Location
    keys: tuple[str, ...] = ()
    columns: tuple[str, ...] | None = None
    dropped: tuple[str, ...] = ()
    anonymized: tuple[str, ...] = ()
    column_flows: tuple[ColumnFlow, ...] = ()


class AuditRecord(Model):
    """One line of the tamper-evident audit log; metadata only, never data values."""

    seq: int
    event_id: str
    timestamp: str
    actor: str
    repo: str
    commit: str
    event_type: Literal["decision", "suppression", "override", "key"]
    resource: str
    action: str
    tier: str
    tags: tuple[str, ...]
    result: Literal["allowed", "denied", "suppressed"]
    policy_id: str
    policy_version: str
    reasoning: str
    location: str
    prev_hash: str
    hash: str


class InlineAllow(Model):
    """A `# lacuna: allow[ID, ...] reason` comment (`--` in SQL) at a line of a file."""

    line: int
    cell: int | None = None
    policy_ids: tuple[str, ...]
    reason: str


class Extraction(Model):
    """What the extract stage found in one file: operations, the lineage they imply, and errors."""

    path: str
    language: str
    operations: tuple[Operation, ...] = ()
    nodes: tuple[LineageNode, ...] = ()
    edges: tuple[LineageEdge, ...] = ()
    errors: tuple[FileProblem, ...] = ()
    allows: tuple[InlineAllow, ...] = ()
    # Project modules whose constants the file imported: a change there re-analyses it.
    imports: tuple[str, ...] = ()
    # Operation id -> the lineage node whose data it handles (what classifies the operation):
    # wiring between the stages, never output.
    data_nodes: dict[str, str] = Field(default_factory=dict, exclude=True)
