"""Check data operations against the policies; exit 1 if any is blocked."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lacuna_cli.commands.common import (
    DialectOption, Format, PathsArgument, analysis_setup, console, write_output,
)
from lacuna_cli.errors import EXIT_CLEAN, EXIT_VIOLATIONS


def command(
    ctx: typer.Context,
    paths: PathsArgument = None,
    output_format: Annotated[Format, typer.Option("--format", "-f",
                                                  help="Output format.")] = Format.text,
    dialect: DialectOption = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the report to this file instead of stdout.",
        dir_okay=False)] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v",
                                          help="Also list allowed operations.")] = False,
    opa_url: Annotated[str | None, typer.Option(
        "--opa-url", help="Evaluate the policies on this OPA server (REST API) instead of in "
                          "process; bearer token from LACUNA_OPA_TOKEN.")] = None,
) -> None:
    from lacuna_cli.output import json as json_output
    from lacuna_cli.output import sarif, text
    from lacuna_cli.scan import check

    chosen, config, dialect = analysis_setup(ctx, paths, dialect)
    result = check(chosen, config, dialect, opa_url)
    for notice in result.notices:  # on stderr: never mixed into a JSON or SARIF report
        line = f":{notice.line}" if notice.line else ""
        typer.echo(f"lacuna: warning: {notice.path}{line}: {notice.message}", err=True)
    if output_format is Format.json:
        write_output(json_output.dumps(json_output.check_document(result)), output)
    elif output_format is Format.sarif:
        document = sarif.sarif_document(result, config.root.as_uri() + "/")
        write_output(json_output.dumps(document), output)
    elif output is not None:
        with output.open("w", encoding="utf-8") as handle:
            text.render_check(console(handle), result, verbose)
    else:
        text.render_check(console(), result, verbose)
    raise typer.Exit(EXIT_VIOLATIONS if result.blocking or result.errors else EXIT_CLEAN)
