"""Turn the engine's violations into one Decision per operation.

The policy computes reasons and alternatives; the annotations of the rule that fired supply
the id, version, title, severity and default steward. When several rules fire, the most severe
decides, the others are kept in the reasoning, and every rule's alternatives are offered.
Every denial also offers an exception path.
"""

from __future__ import annotations

from contextlib import closing
from typing import Any

from lacuna_cli.errors import PolicyLoadError
from lacuna_cli.models import SEVERITY_RANK, Decision
from lacuna_cli.policy.engine import (
    RULES_PACKAGE_PREFIX, PolicyEngine, PolicySet, evaluate_unique,
)
from lacuna_cli.policy.metadata import PolicyMeta


def decide(engine: PolicyEngine, policies: PolicySet, inputs: list[dict[str, Any]]
           ) -> list[Decision]:
    """The decision on each policy input, in order — what `lacuna check` and `lacuna policy
    eval` both do: one batch through the engine (each distinct input once), the engine closed
    afterwards."""
    with closing(engine):
        violations = evaluate_unique(engine, inputs)
    return [decision_for(subject(given), raised, policies)
            for given, raised in zip(inputs, violations, strict=True)]


def subject(operation: dict[str, Any]) -> str:
    """How an allow names the operation whose policy input is `operation`: `export to X`, or
    the bare action when it writes nowhere. `lacuna check` and `lacuna policy eval` both name it
    from the input the policies saw."""
    destination = operation["destination"]["path"]
    return f"{operation['action']} to {destination}" if destination else operation["action"]


def decision_for(subject: str, violations: list[dict[str, Any]], policies: PolicySet) -> Decision:
    """The decision on one operation; `subject` names it in an allow ("export to X")."""
    if not violations:
        entry = policies.entry
        return Decision(
            allowed=True, policy_id=entry.id, policy_version=entry.version,
            reasoning=f"no rule of {entry.id} {entry.version} denies this {subject}",
            steward=entry.steward, severity="info", title=entry.title,
        )
    ranked = sorted(((_meta(policies, v), v) for v in violations),
                    key=lambda pair: (-SEVERITY_RANK[pair[0].severity], pair[0].id))
    meta, top = ranked[0]
    steward = top.get("steward") or meta.steward
    others = [f"also {m.id}: {v.get('reason', m.title)}" for m, v in ranked[1:]]
    offered = [str(alt) for _, violation in ranked for alt in violation.get("alternatives", [])]
    alternatives = [*offered, _exception_alternative(meta, steward)]
    return Decision(
        allowed=False,
        policy_id=meta.id,
        policy_version=meta.version,
        reasoning="; ".join([str(top.get("reason", meta.title)), *others]),
        alternatives=tuple(dict.fromkeys(alternatives)),
        steward=steward,
        severity=meta.severity,  # type: ignore[arg-type]  # metadata.py admits SEVERITIES only
        title=meta.title,
    )


def _meta(policies: PolicySet, violation: dict[str, Any]) -> PolicyMeta:
    package = RULES_PACKAGE_PREFIX + str(violation.get("rule"))
    meta = policies.metadata.get(package)
    if meta is None:
        raise PolicyLoadError(f"rule package {package} has no METADATA annotation "
                              "(custom.id, version, severity are required)")
    return meta


def _exception_alternative(meta: PolicyMeta, steward: str | None) -> str:
    who = f" from {steward}" if steward else ""
    return (f"Request an exception{who}, then mark the line with "
            f"`# lacuna: allow[{meta.id}] <reason>`")
