"""Check data operations against the policies; exit 1 if any is blocked."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from lacuna_cli.commands.common import (
    DialectOption, FailOn, Format, PathsArgument, Target, analysis_setup, console,
    report_targets, write_output,
)
from lacuna_cli.errors import EXIT_CLEAN, EXIT_VIOLATIONS

if TYPE_CHECKING:
    from lacuna_cli.config import Config
    from lacuna_cli.results import CheckResult, Scope

OpaUrlOption = Annotated[str | None, typer.Option(
    "--opa-url", help="Evaluate the policies on this OPA server (REST API) instead of in "
                      "process; bearer token from LACUNA_OPA_TOKEN.")]


def command(
    ctx: typer.Context,
    paths: PathsArgument = None,
    output_format: Annotated[Format | None, typer.Option(
        "--format", "-f", help="Format of the main report (default text).")] = None,
    dialect: DialectOption = None,
    output: Annotated[list[str] | None, typer.Option(
        "--output", "-o", metavar="FORMAT[:FILE]|FILE",
        help="Another report, repeatable: `sarif:lacuna.sarif`, `github` (stdout), "
             "`junit:report.xml`, `markdown:summary.md`. A plain FILE receives the --format "
             "report instead of stdout.")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v",
                                          help="Also list allowed operations.")] = False,
    opa_url: OpaUrlOption = None,
    baseline: Annotated[Path | None, typer.Option(
        "--baseline", help="Report only findings not in this baseline file (written by "
                           "`lacuna baseline`), and entries that no longer match.",
        dir_okay=False)] = None,
    diff_base: Annotated[str | None, typer.Option(
        "--diff-base", metavar="REF", help="Report only findings on lines changed since the "
                                           "merge base of REF and HEAD; lineage still uses "
                                           "the whole project.")] = None,
    fail_on: Annotated[FailOn, typer.Option(
        "--fail-on", help="Least severe blocked operation that makes the exit code 1.")
    ] = FailOn.info,
    alert_webhook: Annotated[str | None, typer.Option(
        "--alert-webhook", metavar="URL", help="Post a Slack-compatible message about blocked "
                                               "operations to this webhook (never changes the "
                                               "result).")] = None,
) -> None:
    from lacuna_cli.output.progress import scan_progress
    from lacuna_cli.scan import check

    targets = report_targets(output_format, output or [])
    chosen, config, dialect = analysis_setup(ctx, paths, dialect)
    scopes: list[Scope] = []
    if baseline is not None:
        from lacuna_cli import baseline as baselines

        accepted = baselines.load(baseline)
        scopes.append(accepted)
    if diff_base is not None:
        from lacuna_cli.diff import changed_since

        scopes.append(changed_since(config.root, diff_base))
    with scan_progress() as progress:
        result = check(chosen, config, dialect, opa_url, scopes, progress)
    if baseline is not None:
        result.notices.extend(accepted.stale(result.paths))
        if accepted.matched:
            typer.echo(f"lacuna: {accepted.matched} finding(s) matched the baseline and are "
                       "not reported", err=True)
    report(result, config, targets, verbose)
    if alert_webhook and result.blocking:
        alert(alert_webhook, result, config)
    raise typer.Exit(exit_code(result, fail_on))


def report(result: CheckResult, config: Config, targets: list[Target], verbose: bool) -> None:
    """Warnings on stderr (never mixed into a report), then every requested report."""
    from lacuna_cli.output import reports, text

    for notice in result.notices:
        line = f":{notice.line}" if notice.line else ""
        typer.echo(f"lacuna: warning: {notice.path}{line}: {notice.message}", err=True)
    for target in targets:
        if target.format is Format.text and target.file is None:
            text.render_check(console(), result, verbose)
        else:
            write_output(reports.render(target.format.value, result, config.root, verbose),
                         target.file)


def alert(url: str, result: CheckResult, config: Config) -> None:
    from lacuna_cli.alerts import message, send
    from lacuna_cli.gitinfo import identify

    problem = send(url, message(result.blocking, identify(config.root, config.settings.user)))
    if problem is not None:
        typer.echo(f"lacuna: warning: alert webhook: {problem}", err=True)


def exit_code(result: CheckResult, fail_on: FailOn) -> int:
    """1 when a blocked operation reaches the --fail-on severity or a file was not analysed."""
    from lacuna_cli.models import SEVERITY_RANK

    if fail_on is FailOn.never:
        return EXIT_CLEAN
    threshold = SEVERITY_RANK[fail_on.value]
    failing = any(SEVERITY_RANK[f.decision.severity] >= threshold for f in result.blocking)
    return EXIT_VIOLATIONS if failing or result.errors else EXIT_CLEAN
