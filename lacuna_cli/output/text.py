"""Human output (rich): one screen per denial, in the familiar `path:line:col: ID message` shape.

A data analyst reading a denial must learn, without looking anything up: what was blocked and
where it was going, why, how sensitive the data is and where that came from, what to do
instead, and whom to ask.
"""

from __future__ import annotations

from io import StringIO
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape

from lacuna_cli.models import Finding, Location
from lacuna_cli.output.datatypes import data_types_text
from lacuna_cli.plural import counted

if TYPE_CHECKING:
    from lacuna_cli.results import CheckResult, ExtractResult

LABEL_WIDTH = 18


def _label(name: str, value: str) -> str:
    return f"  [bold]{name + ':':<{LABEL_WIDTH}}[/bold]{escape(value)}"


def place(location: Location) -> str:
    return escape(location.display())


def render_denial(console: Console, finding: Finding) -> None:
    op, decision, classification = finding.operation, finding.decision, finding.classification
    status = ("[yellow]SUPPRESSED[/yellow]" if finding.suppression
              else "[bold red]BLOCKED[/bold red]")
    console.print(f"{place(op.location)}: {decision.policy_id} {status} "
                  f"{op.action} of {classification.tier.value} data to "
                  f"[bold]{escape(finding.operation.target)}[/bold]")
    console.print(f"    [dim]{escape(op.code)}[/dim]")
    console.print(_label("Why", decision.reasoning))
    console.print(_label("Classification", f"{classification.tier.value} — "
                                           f"{classification.reasoning} "
                                           f"({classification.layer}, confidence "
                                           f"{classification.confidence:.2f})"))
    console.print(_label("Tags", ", ".join(classification.tags) or "none"))
    personal = [name for name, tags in classification.sensitive_columns.items()
                if {"PII", "PHI", "SPECIAL_CATEGORY"} & set(tags)]
    if personal:
        console.print(_label("Personal columns", ", ".join(personal)))
    if classification.data_types:
        console.print(_label("Data types", data_types_text(classification)))
    if op.dynamic_reason:
        console.print(_label("Dynamic", op.dynamic_reason))
    if op.called_from is not None:
        console.print(_label("Called from", op.called_from.display()))
    if not finding.suppression:  # a waived finding needs no remedy: its reason is shown
        console.print("  [bold]What to do instead:[/bold]")
        for number, alternative in enumerate(decision.alternatives, start=1):
            console.print(f"    {number}. {escape(alternative)}")
    title = f" — {decision.title}" if decision.title else ""
    console.print(_label("Policy", f"{decision.policy_id} v{decision.policy_version}{title} "
                                   f"(severity {decision.severity})"))
    console.print(_label("Data steward", decision.steward or "not named"))
    if finding.suppression:
        console.print(_label("Suppressed", f"{finding.suppression.kind}: "
                                           f"{finding.suppression.reason}"))
    console.print()


def plain_console(buffer: StringIO) -> Console:
    """A console writing plain text into `buffer` (no colour, 160 columns) for reports that
    embed it. Rich's emoji codes are off here as on the terminal: `load.py:100:5` is a
    location, not `:100:`."""
    return Console(file=buffer, width=160, color_system=None, highlight=False, soft_wrap=True,
                   emoji=False)


def denial_text(finding: Finding) -> str:
    """One denial as plain text, for reports that embed it."""
    buffer = StringIO()
    render_denial(plain_console(buffer), finding)
    return buffer.getvalue().rstrip() + "\n"


def render_check(console: Console, result: CheckResult, verbose: bool = False) -> None:
    for finding in result.findings:
        if not finding.decision.allowed:
            render_denial(console, finding)
        elif verbose:
            console.print(f"{place(finding.operation.location)}: [green]allowed[/green] "
                          f"{finding.operation.action} {escape(finding.operation.target)} "
                          f"({finding.classification.tier.value})")
    for error in result.errors:
        line = f":{error.line}" if error.line else ""
        console.print(f"{escape(error.path)}{line}: [bold red]error[/bold red] "
                      f"{escape(error.message)}")
    counts = result.summary
    colour = "green" if counts.verdict == "clean" else "bold red"
    console.print(
        f"[{colour}]{counts.verdict}[/{colour}]: {counted(counts.files, 'file')}, "
        f"{counted(counts.operations, 'operation')} — {counts.blocked} blocked, "
        f"{counts.allowed} allowed, {counts.suppressed} suppressed, "
        f"{counted(counts.errors, 'error')}; {counts.unresolved} with an unresolved source or "
        f"destination; {counted(counts.audited, 'decision')} recorded in the audit log")


def render_extract(console: Console, result: ExtractResult) -> None:
    for op in result.operations:
        sources = ", ".join(s.name for s in op.sources) or "-"
        target = f" -> {op.destination.name}" if op.destination else ""
        dynamic = (f"  [yellow](dynamic: {escape(op.dynamic_reason or '')})[/yellow]"
                   if op.dynamic else "")
        console.print(f"{place(op.location)}: {op.action:<9} "
                      f"{escape(sources)}{escape(target)}{dynamic}")
    for error in result.errors:
        line = f":{error.line}" if error.line else ""
        console.print(f"{escape(error.path)}{line}: [bold red]error[/bold red] "
                      f"{escape(error.message)}")
    console.print(f"{counted(result.files, 'file')}, "
                  f"{counted(len(result.operations), 'operation')}, "
                  f"{counted(len(result.errors), 'error')}")
