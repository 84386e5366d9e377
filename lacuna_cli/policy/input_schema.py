"""The policy input document's schema, written once: what `lacuna policy eval` accepts and what
`policy_input` produces (the tests hold the two together).

Every documented field is required and typed, so a document that lacks one, or spells it
wrong, is refused naming the field — a policy never sees half an input and answers "allowed"
because the field its rule tests is undefined. Fields beyond these are passed on to the
policies untouched (a team's policies may read more).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, ValidationError

from lacuna_cli.models import Action, ResourceKind, Tier
from lacuna_cli.policy.inputs import DESTINATION_TYPES

if TYPE_CHECKING:  # the checker sees strings; pydantic validates against the literals below
    TierName: TypeAlias = str
    DestinationType: TypeAlias = str
    DestinationKind: TypeAlias = str
else:  # computed from the models, so a new tier or kind is accepted without an edit here
    TierName = Literal[tuple(tier.value for tier in Tier)]
    DestinationType = Literal[DESTINATION_TYPES]
    DestinationKind = Literal[(*ResourceKind.__args__, "none")]


class _Fields(BaseModel):
    """Strict: `"false"` is not a boolean and `1` is not a string."""

    model_config = ConfigDict(strict=True, extra="allow")


class SourceInput(_Fields):
    tier: TierName
    tags: list[str]
    lineage: list[str]
    columns: dict[str, list[str]]


class DestinationInput(_Fields):
    type: DestinationType
    path: str
    kind: DestinationKind
    encrypted: bool
    reason: str
    parameter: bool  # a parameter of the function the operation is in: its callers decide
    service: str  # "" unless the catalog names who receives the data
    category: str  # "" or one of the catalog's categories (llm, tracker, hub, ...)


class UserInput(_Fields):
    id: str
    role: str


class ContextInput(_Fields):
    purpose: str | None
    environment: str


class PolicyInput(_Fields):
    """One operation: `input` of the policies for a single decision."""

    action: Action
    source: SourceInput
    destination: DestinationInput
    user: UserInput
    context: ContextInput
    dynamic: bool


class PolicyBatch(_Fields):
    """`{"operations": [...]}`: what the engines evaluate in one call."""

    operations: list[PolicyInput]


class InvalidInput(ValueError):
    """The document does not follow the schema; the message names the first bad field."""


def validated_operations(document: Any) -> tuple[list[dict[str, Any]], bool]:
    """The operations of a single input or of a batch (`{"operations": [...]}`), and whether
    it was a batch; InvalidInput naming the first field that is missing or mistyped."""
    batch = isinstance(document, dict) and "operations" in document
    schema: type[BaseModel] = PolicyBatch if batch else PolicyInput
    try:
        schema.model_validate(document)
    except ValidationError as exc:
        raise InvalidInput(_describe(exc)) from None
    return (list(document["operations"]) if batch else [document]), batch


def _describe(exc: ValidationError) -> str:
    """`source.tier: Input should be 'PUBLIC', ...` (and how many other problems there are)."""
    problems = exc.errors(include_url=False)
    first = problems[0]
    where = _path(first["loc"])
    more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
    return f"{where + ': ' if where else ''}{first['msg']}{more}"


def _path(location: tuple) -> str:
    """('operations', 3, 'source', 'tier') -> `operations[3].source.tier`."""
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
