"""A Markdown summary: the verdict line and one table row per denial.

Written for `$GITHUB_STEP_SUMMARY` and pull-request comments, where a reviewer wants the
blocked operations, their reason and the way out at a glance rather than a log to scroll.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lacuna_cli.models import Finding
from lacuna_cli.plural import counted

if TYPE_CHECKING:
    from lacuna_cli.results import CheckResult


def cell(text: str) -> str:
    """Text safe inside a table cell: pipes escaped, line breaks as <br>."""
    return text.replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def _code(text: str) -> str:
    return f"`{text.replace('`', '')}`"


def _where(finding: Finding) -> str:
    return _code(finding.operation.location.display(column=False))


def _row(finding: Finding) -> str:
    decision, classification = finding.decision, finding.classification
    status = "🔕 suppressed" if finding.suppression else "⛔ blocked"
    origin = (f" from {', '.join(classification.inherited_from)}"
              if classification.inherited_from else "")
    tags = f" ({', '.join(classification.tags)})" if classification.tags else ""
    remedy = (cell("Suppressed: " + finding.suppression.reason) if finding.suppression else
              "<br>".join(f"{n}. {cell(alt)}"
                          for n, alt in enumerate(decision.alternatives, start=1)))
    return "| " + " | ".join([
        status, _where(finding), f"{decision.policy_id} v{decision.policy_version}",
        f"{finding.operation.action} to {_code(finding.operation.target)}",
        cell(f"{classification.tier.value}{tags}{origin}"), cell(decision.reasoning),
        remedy, cell(decision.steward or "not named")]) + " |"


VERDICTS = {"blocked": "⛔ blocked", "incomplete": "⚠️ incomplete", "clean": "✅ clean"}


def render(result: CheckResult) -> str:
    denied = [f for f in result.findings if not f.decision.allowed]
    counts = result.summary
    lines = [f"### Lacuna data-governance check: {VERDICTS[counts.verdict]}", "",
             (f"{counted(counts.files, 'file')}, {counted(counts.operations, 'operation')} — "
              f"**{counts.blocked} blocked**, {counts.allowed} allowed, {counts.suppressed} "
              f"suppressed, {counted(counts.errors, 'error')}; {counts.unresolved} with an "
              "unresolved source or destination; "
              f"{counted(counts.audited, 'decision')} recorded in the audit log."), ""]
    if denied:
        lines += [("| | Where | Policy | Operation | Classification | Why | What to do instead "
                   "| Steward |"), "|---|---|---|---|---|---|---|---|"]
        lines += [_row(f) for f in denied]
        lines.append("")
    if result.errors:
        lines += ["| File not analysed | Problem |", "|---|---|"]
        lines += [f"| {_code(e.path + (f':{e.line}' if e.line else ''))} | {cell(e.message)} |"
                  for e in result.errors]
        lines.append("")
    return "\n".join(lines)
