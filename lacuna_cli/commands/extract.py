"""List the data operations found in code, without classification, policy or audit."""

from __future__ import annotations


import typer

from lacuna_cli.commands.common import (
    DataFormat, DialectOption, FormatOption, PathsArgument, analysis_setup, console, write_output,
)
from lacuna_cli.errors import EXIT_CLEAN, EXIT_VIOLATIONS


def command(
    ctx: typer.Context,
    paths: PathsArgument = None,
    output_format: FormatOption = DataFormat.text,
    dialect: DialectOption = None,
) -> None:
    from lacuna_cli.output import json as json_output
    from lacuna_cli.output import text
    from lacuna_cli.scan import extract_paths

    chosen, config, dialect = analysis_setup(ctx, paths, dialect)
    result = extract_paths(chosen, config, dialect)
    if output_format is DataFormat.json:
        write_output(json_output.dumps(json_output.extract_document(result)), None)
    else:
        text.render_extract(console(), result)
    raise typer.Exit(EXIT_VIOLATIONS if result.errors else EXIT_CLEAN)
