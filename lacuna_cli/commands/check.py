"""Check data operations against the policies; exit 1 if any is blocked."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from lacuna_cli.commands.common import (
    DialectOption, FailOn, Format, PathsArgument, Target, analysis_setup, console,
    project_config, report_targets, write_output,
)
from lacuna_cli.errors import EXIT_CLEAN, EXIT_ERROR, EXIT_VIOLATIONS, LacunaError

if TYPE_CHECKING:
    from lacuna_cli.config import Config
    from lacuna_cli.results import CheckResult, Scope

# What a --shard run is given; --from-shards takes everything else (the shards fixed these).
SHARD_OPTIONS = {"paths", "dialect", "shard", "shard_dir"}
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
    shard: Annotated[str | None, typer.Option(
        "--shard", metavar="I/N", help="Only extract the I-th of N shares of the files (by "
                                       "path hash) into a shard file in --shard-dir; decide "
                                       "later with --from-shards.")] = None,
    shard_dir: Annotated[Path | None, typer.Option(
        "--shard-dir", metavar="DIR", help="Where --shard writes its shard file.",
        file_okay=False)] = None,
    from_shards: Annotated[Path | None, typer.Option(
        "--from-shards", metavar="DIR", help="Decide from the shard files of every --shard "
                                             "run in DIR (all N needed) instead of extracting.",
        file_okay=False)] = None,
) -> None:
    from lacuna_cli.gcpause import collector_paused

    with collector_paused():  # long-lived module objects only: nothing to collect (entry.py)
        from lacuna_cli.output.progress import scan_progress
        from lacuna_cli.scan import check

    if shard is not None or shard_dir is not None:
        raise typer.Exit(extract_shard(ctx, paths, dialect, shard, shard_dir))
    targets = report_targets(output_format, output or [])
    if from_shards is not None:
        refuse_given(ctx, "--from-shards", SHARD_OPTIONS,
                     "the shards fixed it; give it to every --shard run")
        chosen: list[Path] = []
        config = project_config(ctx)
    else:
        chosen, config, dialect = analysis_setup(ctx, paths, dialect)
    scopes: list[Scope] = []
    if baseline is not None:
        from lacuna_cli import baseline as baselines

        accepted = baselines.load(baseline)
        scopes.append(accepted)
    if diff_base is not None:
        from lacuna_cli.diff import changed_since

        scopes.append(changed_since(config.root, diff_base))
    if from_shards is not None:
        from lacuna_cli.scan import check_extracted
        from lacuna_cli.shards import merge_shards

        result = check_extracted(merge_shards(from_shards, config), config, opa_url, scopes)
    else:
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


def extract_shard(ctx: typer.Context, paths: list[Path] | None, dialect: str | None,
                  shard: str | None, shard_dir: Path | None) -> int:
    """`--shard I/N --shard-dir DIR`: write this shard's analyses, report nothing (the
    --from-shards run reports and decides), exit 0."""
    from lacuna_cli.output.progress import scan_progress
    from lacuna_cli.shards import ShardSpec, write_shard

    if shard is None or shard_dir is None:
        raise LacunaError("--shard and --shard-dir go together: --shard I/N --shard-dir DIR")
    refuse_given(ctx, "--shard", {p.name or "" for p in ctx.command.params} - SHARD_OPTIONS,
                 "it belongs to the --from-shards run, which decides")
    spec = ShardSpec.parse(shard)
    chosen, config, dialect = analysis_setup(ctx, paths, dialect)
    with scan_progress() as progress:
        written = write_shard(chosen, config, dialect, spec, shard_dir, progress)
    typer.echo(f"lacuna: shard {spec}: {written.files} of {written.total} files "
               f"({written.analysed} analysed, {written.files - written.analysed} from the "
               f"cache) written to {written.file}", err=True)
    return EXIT_CLEAN


def refuse_given(ctx: typer.Context, flag: str, refused: set[str], why: str) -> None:
    """An option given with `flag` that would have no effect is an error, never ignored."""
    for param in ctx.command.params:
        value = ctx.params.get(param.name or "")
        if param.name in refused and value not in (None, (), [], param.default):
            name = param.opts[0] if param.opts[0].startswith("-") else param.opts[0].upper()
            raise LacunaError(f"{flag}: {name} cannot be combined with it ({why})")


def report(result: CheckResult, config: Config, targets: list[Target], verbose: bool) -> None:
    """Warnings on stderr (never mixed into a report), then every requested report."""
    from lacuna_cli.gcpause import collector_paused

    with collector_paused():  # rendering allocates a value per field of every finding
        _render(result, config, targets, verbose)


def _render(result: CheckResult, config: Config, targets: list[Target], verbose: bool) -> None:
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
    """1 when a blocked operation reaches the --fail-on severity or a file was not analysed;
    2 when a config file had an entry that could not apply."""
    from lacuna_cli.models import SEVERITY_RANK

    if result.bad_config:
        return EXIT_ERROR
    if fail_on is FailOn.never:
        return EXIT_CLEAN
    threshold = SEVERITY_RANK[fail_on.value]
    failing = any(SEVERITY_RANK[f.decision.severity] >= threshold for f in result.blocking)
    return EXIT_VIOLATIONS if failing or result.errors else EXIT_CLEAN
