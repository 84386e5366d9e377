"""GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=…::message`.

GitHub turns each into an annotation on the pull request's diff. Severity picks the command
(high and critical block the merge as errors, medium warns, low and info are notices);
suppressed findings are not annotated — they are in SARIF with their justification. Paths are
made relative to the workspace, so a project in a sub-folder of the repository still lands on
the right file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from lacuna_cli.fingerprint import fingerprint
from lacuna_cli.models import FileProblem, Finding

if TYPE_CHECKING:
    from lacuna_cli.results import CheckResult

COMMANDS = {"critical": "error", "high": "error", "medium": "warning", "low": "notice",
            "info": "notice"}


def escape_data(text: str) -> str:
    """The message part, escaped as @actions/core does (`%`, CR and LF)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value: additionally `:` and `,`, which would end the property."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workspace_prefix(root: Path) -> str:
    """The project root relative to $GITHUB_WORKSPACE ('' when it is the workspace or outside)."""
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if not workspace:
        return ""
    try:
        relative = root.resolve().relative_to(Path(workspace).resolve()).as_posix()
    except ValueError:
        return ""
    return "" if relative == "." else relative + "/"


def command(name: str, message: str, **properties: object) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}"
                     for key, value in properties.items() if value is not None)
    return f"::{name} {props}::{escape_data(message)}" if props else \
        f"::{name}::{escape_data(message)}"


def annotation(finding: Finding, prefix: str = "") -> str:
    op, decision, classification = finding.operation, finding.decision, finding.classification
    cell = f" ({op.location.display()})" if op.location.cell is not None else ""
    lines = [
        f"{decision.reasoning}{cell}.",
        f"Classification: {classification.tier.value}"
        + (f" inherited from {', '.join(classification.inherited_from)}"
           if classification.inherited_from else "")
        + f"; tags: {', '.join(classification.tags) or 'none'}.",
        "What to do instead:",
        *(f"{n}. {alt}" for n, alt in enumerate(decision.alternatives, start=1)),
        (f"Policy {decision.policy_id} v{decision.policy_version}; data steward "
         f"{decision.steward or 'not named'}; fingerprint {fingerprint(finding)}."),
    ]
    return command(
        COMMANDS[decision.severity], "\n".join(lines), file=prefix + op.location.path,
        line=op.location.line, col=op.location.column,
        title=f"{decision.policy_id} {op.action} of {classification.tier.value} data to "
              f"{finding.operation.target}")


def problem(error: FileProblem, level: str, prefix: str = "") -> str:
    return command(level, error.message, file=prefix + error.path, line=error.line,
                   title="Lacuna: file not analysed" if level == "error" else "Lacuna")


def render(result: CheckResult, root: Path) -> str:
    prefix = workspace_prefix(root)
    lines = [annotation(f, prefix) for f in result.findings if f.blocking]
    lines += [problem(e, "error", prefix) for e in result.errors]
    lines += [problem(n, "warning", prefix) for n in result.notices]
    return "\n".join(lines)
