"""SARIF 2.1.0 for code-scanning UIs (GitHub code scanning, VS Code SARIF viewer).

One reportingDescriptor per policy rule, built from its METADATA annotation (title,
description, severity, steward, version); one result per denied operation, suppressed ones
kept with their justification; files that could not be analysed become tool notifications.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lacuna_cli import __version__
from lacuna_cli.fingerprint import FINGERPRINT_KEY, fingerprint
from lacuna_cli.models import Finding
from lacuna_cli.output.datatypes import data_types_json, data_types_text
from lacuna_cli.policy.engine import RULES_PACKAGE_PREFIX
from lacuna_cli.policy.metadata import PolicyMeta

if TYPE_CHECKING:
    from lacuna_cli.results import CheckResult

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note",
          "info": "note"}
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0",
                     "info": "1.0"}


def _rule(meta: PolicyMeta) -> dict[str, Any]:
    help_text = (f"{meta.description or meta.title}\n\nPolicy {meta.id} v{meta.version}, "
                 f"steward {meta.steward or 'not named'}. Fix by following the numbered "
                 "alternatives in the result message, or request an exception from the steward.")
    return {
        "id": meta.id,
        "name": "".join(word.capitalize() for word in meta.package.split(".")[-1].split("_")),
        "shortDescription": {"text": meta.title},
        "fullDescription": {"text": meta.description or meta.title},
        "help": {"text": help_text, "markdown": help_text},
        "defaultConfiguration": {"level": LEVELS[meta.severity]},
        "properties": {
            "tags": ["data-governance", meta.severity],
            "precision": "high",
            "security-severity": SECURITY_SEVERITY[meta.severity],
            "policyVersion": meta.version,
            "steward": meta.steward or "",
            "regoPackage": meta.package,
        },
    }


def _message(finding: Finding) -> str:
    decision, classification = finding.decision, finding.classification
    origin = (f" inherited from {', '.join(classification.inherited_from)}"
              if classification.inherited_from else "")
    lines = [
        f"{decision.reasoning}.",
        (f"Classification: {classification.tier.value}{origin}; tags: "
         f"{', '.join(classification.tags) or 'none'}."),
        *([f"Data types: {data_types_text(classification)}."] if classification.data_types
          else []),
        (f"Suppressed ({finding.suppression.kind}): {finding.suppression.reason}."
         if finding.suppression else "What to do instead: " + " ".join(
             f"({n}) {alt}." for n, alt in enumerate(decision.alternatives, start=1))),
        f"Steward: {decision.steward or 'not named'}.",
    ]
    return " ".join(lines)


def _result(finding: Finding, rule_index: dict[str, int]) -> dict[str, Any]:
    op = finding.operation
    region: dict[str, Any] = {"startLine": op.location.line, "startColumn": op.location.column,
                              "snippet": {"text": op.code}}
    result: dict[str, Any] = {
        "ruleId": finding.decision.policy_id,
        "level": LEVELS[finding.decision.severity],
        "message": {"text": _message(finding)},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": op.location.path, "uriBaseId": "%SRCROOT%"},
            "region": region,
        }}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(finding)},
        "properties": {"operationId": op.id, "action": op.action,
                       "tier": finding.classification.tier.value,
                       "tags": list(finding.classification.tags)},
    }
    if finding.classification.data_types:
        result["properties"]["dataTypes"] = data_types_json(finding.classification)
    if op.location.cell is not None:
        result["properties"]["notebookCell"] = op.location.cell
    if finding.decision.policy_id in rule_index:
        result["ruleIndex"] = rule_index[finding.decision.policy_id]
    if finding.suppression is not None:
        kind = "inSource" if finding.suppression.kind == "inline" else "external"
        result["suppressions"] = [{"kind": kind, "status": "accepted",
                                   "justification": finding.suppression.reason}]
    return result


def _builtin_rules(result: CheckResult, known: set[str]) -> list[PolicyMeta]:
    """Descriptors for denials Lacuna raises itself (not from a Rego package), such as an
    exception comment without a reason, described by their decision."""
    found: dict[str, PolicyMeta] = {}
    for finding in result.findings:
        decision = finding.decision
        if decision.allowed or decision.policy_id in known | set(found):
            continue
        title = decision.title or decision.policy_id
        found[decision.policy_id] = PolicyMeta(
            package="lacuna.builtin." + "_".join(title.lower().split()), id=decision.policy_id,
            version=decision.policy_version, title=title, description=title,
            steward=decision.steward, severity=decision.severity, path="")
    return list(found.values())


def sarif_document(result: CheckResult, root_uri: str) -> dict[str, Any]:
    rules = [meta for package, meta in sorted(result.policies.metadata.items())
             if package.startswith(RULES_PACKAGE_PREFIX)]
    rules += _builtin_rules(result, {meta.id for meta in rules})
    rule_index = {meta.id: index for index, meta in enumerate(rules)}
    notifications = [{
        "level": "error",
        "message": {"text": f"{error.path}: {error.message}"},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": error.path, "uriBaseId": "%SRCROOT%"},
            **({"region": {"startLine": error.line}} if error.line else {}),
        }}],
    } for error in result.errors]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "Lacuna",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [_rule(meta) for meta in rules],
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": root_uri}},
            "invocations": [{"executionSuccessful": True,
                             "toolExecutionNotifications": notifications}],
            # The run's coverage: how many operations had a source or destination Lacuna
            # could not resolve (their data is classified UNKNOWN).
            "properties": {"operations": result.summary.operations,
                           "unresolved": result.summary.unresolved},
            "results": [_result(f, rule_index) for f in result.findings
                        if not f.decision.allowed],
        }],
    }
