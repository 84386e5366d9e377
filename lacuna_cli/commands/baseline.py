"""Record today's blocked operations in a baseline file, so that `check --baseline` fails only
on new ones."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lacuna_cli.commands.common import DialectOption, PathsArgument, analysis_setup
from lacuna_cli.plural import counted


def command(
    ctx: typer.Context,
    paths: PathsArgument = None,
    dialect: DialectOption = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Baseline file (default: .lacuna-baseline.json at the project "
                               "root).", dir_okay=False)] = None,
) -> None:
    from lacuna_cli import baseline
    from lacuna_cli.output.progress import scan_progress
    from lacuna_cli.scan import check

    chosen, config, dialect = analysis_setup(ctx, paths, dialect)
    with scan_progress() as progress:
        result = check(chosen, config, dialect, progress=progress)
    for error in result.errors:  # never baselined: `check --baseline` still reports them
        line = f":{error.line}" if error.line else ""
        typer.echo(f"lacuna: warning: {error.path}{line}: not analysed, not in the baseline: "
                   f"{error.message}", err=True)
    target = output or config.root / baseline.BASELINE_FILE
    entries = baseline.write(target, result.findings)
    total = sum(entry["count"] for entry in entries)
    typer.echo(f"wrote {target}: {total} blocked operation(s) under {len(entries)} "
               f"fingerprint(s) from {counted(result.files, 'file')}")
