"""Classify column names or a path/table without scanning code."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from lacuna_cli.commands.common import DataFormat, FormatOption, console, project_config

if TYPE_CHECKING:
    from lacuna_cli.models import Classification

app = typer.Typer(help="Classify data by name: columns of a table, or a path.",
                  no_args_is_help=True)


def _print(classification: Classification, name: str) -> None:
    tags = ", ".join(classification.tags) or "no tags"
    console().print(f"[bold]{name}[/bold]: {classification.tier.value} ({tags}) — "
                    f"{classification.layer}, confidence {classification.confidence:.2f}: "
                    f"{classification.reasoning}")


@app.command("columns")
def columns_command(
    ctx: typer.Context,
    table: Annotated[str, typer.Argument(help="Table name (schema-qualified if you like).")],
    columns: Annotated[list[str], typer.Argument(help="Column names.")],
    output_format: FormatOption = DataFormat.text,
) -> None:
    """Classify each column of a table (the table's name is taken into account)."""
    from lacuna_cli.classify.heuristics import load_rules
    from lacuna_cli.classify.pipeline import classify_resource, to_classification
    from lacuna_cli.extract.files import table_resource
    from lacuna_cli.output import json as json_output

    rules = load_rules(project_config(ctx).rule_files)
    results = []
    for column in columns:
        resource = table_resource(table, [column])
        classification = to_classification(classify_resource(resource, rules))
        results.append((column, classification))
    if output_format is DataFormat.json:
        print(json_output.dumps([{"column": column, **c.model_dump(mode="json")}
                                 for column, c in results]))
        return
    for column, classification in results:
        _print(classification, f"{table}.{column}")


@app.command("path")
def path_command(
    ctx: typer.Context,
    path: Annotated[str, typer.Argument(help="A file path or URL as written in code.")],
    output_format: FormatOption = DataFormat.text,
) -> None:
    """Classify a file path or URL by its name (and its header, for a CSV in the project)."""
    from lacuna_cli.classify.heuristics import load_rules
    from lacuna_cli.classify.pipeline import classify_resource, to_classification
    from lacuna_cli.extract.files import normalise_location
    from lacuna_cli.extract.schema import header_columns
    from lacuna_cli.output import json as json_output

    config = project_config(ctx)
    resource = normalise_location(path, config.root)

    if resource.kind == "file":
        resource = resource.model_copy(
            update={"columns": header_columns(config.root / resource.name)})
    classification = to_classification(classify_resource(resource, load_rules(config.rule_files)))
    if output_format is DataFormat.json:
        print(json_output.dumps(classification.model_dump(mode="json")))
        return
    _print(classification, resource.name)
