"""Check the project and write one self-contained HTML report: findings, lineage drawing, audit
status."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lacuna_cli.commands.common import (
    DialectOption, PathsArgument, analysis_setup, write_output,
)
from lacuna_cli.errors import EXIT_CLEAN, EXIT_VIOLATIONS


def command(
    ctx: typer.Context,
    paths: PathsArgument = None,
    html: Annotated[bool, typer.Option(
        "--html", help="HTML, one file with everything inline (the only format so far).")
    ] = True,
    output: Annotated[Path, typer.Option("--output", "-o", dir_okay=False,
                                         help="The report file.")] = Path("lacuna-report.html"),
    dialect: DialectOption = None,
) -> None:
    from lacuna_cli.audit.verify import verify_stored_log
    from lacuna_cli.store.lineage import load_graph
    from lacuna_cli.output import report_html
    from lacuna_cli.output.progress import scan_progress
    from lacuna_cli.scan import check
    from lacuna_cli.store import open_store

    chosen, config, dialect = analysis_setup(ctx, paths, dialect)
    with scan_progress() as progress:
        result = check(chosen, config, dialect, progress=progress)
    with open_store(config.db_path) as connection:
        graph, labels = load_graph(connection)
        verification = verify_stored_log(connection, config.db_path)
    write_output(report_html.render(result, graph, labels, verification, config.root.name),
                 output)
    typer.echo(f"wrote {output}: {len(result.blocking)} blocked, {len(result.findings)} "
               f"operations, audit log {'verified' if verification.ok else 'FAILS verification'}")
    raise typer.Exit(EXIT_VIOLATIONS if result.blocking or result.errors else EXIT_CLEAN)
