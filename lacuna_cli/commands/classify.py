"""Classify by name without a scan, override a classification, explain one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from lacuna_cli.commands.common import DataFormat, FormatOption, console, project_config

if TYPE_CHECKING:
    from lacuna_cli.classify.run import ClassificationRun
    from lacuna_cli.config import Config
    from lacuna_cli.models import Classification, Resource

app = typer.Typer(help="Classify data by name (columns of a table, or a path), override a "
                       "classification, or explain one.", no_args_is_help=True)


@contextmanager
def _run(ctx: typer.Context) -> Iterator[tuple[Config, ClassificationRun]]:
    """The project's classification run, on its DuckDB file (the layer 2/3 cache)."""
    from lacuna_cli.classify.run import open_run
    from lacuna_cli.store import open_store

    config = project_config(ctx)
    with open_store(config.db_path, write=True) as connection:
        run = open_run(connection, config)
        for problem in run.problems:
            typer.echo(f"lacuna: error: {problem.path}: {problem.message}", err=True)
        yield config, run


def _done(run: ClassificationRun) -> None:
    """Exit 2 after the answer when the reviewed file had an entry that could not apply."""
    from lacuna_cli.errors import EXIT_ERROR

    if run.problems:
        raise typer.Exit(EXIT_ERROR)


def _print(classification: Classification, name: str) -> None:
    tags = ", ".join(classification.tags) or "no tags"
    console().print(f"[bold]{name}[/bold]: {classification.tier.value} ({tags}) — "
                    f"{classification.layer}, confidence {classification.confidence:.2f}: "
                    f"{classification.reasoning}", markup=True)


def _classify(run: ClassificationRun, resource: Resource) -> Classification:
    from lacuna_cli.classify.pipeline import classify_resource, to_classification

    return to_classification(classify_resource(resource, run.classifier))


@app.command("columns")
def columns_command(
    ctx: typer.Context,
    table: Annotated[str, typer.Argument(help="Table name (schema-qualified if you like).")],
    columns: Annotated[list[str], typer.Argument(help="Column names.")],
    output_format: FormatOption = DataFormat.text,
) -> None:
    """Classify each column of a table, in the context of the entity the table describes."""
    from lacuna_cli.classify.pipeline import classify_columns, to_classification
    from lacuna_cli.extract.places import table_resource
    from lacuna_cli.output import json as json_output

    with _run(ctx) as (_, run):
        entity, found = classify_columns(table_resource(table, columns), run.classifier, table)
        results = [(column, to_classification(s)) for column, s in found]
    if output_format is DataFormat.json:
        print(json_output.dumps([{"column": column, "entity": entity.kind,
                                  "entity_reason": entity.describe(),
                                  **_data_type(c, column), **c.model_dump(mode="json")}
                                 for column, c in results]))
    else:
        console().print(f"[bold]{table}[/bold]: entity {entity.describe()}", markup=True)
        for column, classification in results:
            kind = _data_type(classification, column)
            named = (f" [{kind['data_type']}, {kind['fideslang']}]" if kind["data_type"] else "")
            _print(classification, f"{table}.{column}{named}")
    _done(run)


def _data_type(classification: Classification, column: str) -> dict[str, str | None]:
    found = classification.data_types.get(column)
    return {"data_type": found.name if found else None,
            "fideslang": found.fideslang if found else None}


@app.command("path")
def path_command(
    ctx: typer.Context,
    path: Annotated[str, typer.Argument(help="A file path or URL as written in code.")],
    output_format: FormatOption = DataFormat.text,
) -> None:
    """Classify a file path or URL by its name (and its header, for a CSV in the project)."""
    from lacuna_cli.classify.explain import named_resource
    from lacuna_cli.output import json as json_output

    with _run(ctx) as (config, run):
        resource = named_resource(config.root, path)
        classification = _classify(run, resource)
    if output_format is DataFormat.json:
        print(json_output.dumps(classification.model_dump(mode="json")))
    else:
        _print(classification, resource.name)
    _done(run)


@app.command("override")
def override_command(
    ctx: typer.Context,
    resource: Annotated[str, typer.Argument(help="Path or table name as Lacuna reports it.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (kept in the audit log).")],
    tier: Annotated[str | None, typer.Option(
        "--tier", help="PUBLIC, INTERNAL or PROPRIETARY.")] = None,
    tags: Annotated[str, typer.Option("--tags", help="Comma-separated tags, e.g. PII,GDPR.")] = "",
    not_yet_seen: Annotated[bool, typer.Option(
        "--not-yet-seen", help="Classify a resource no code in the stored lineage reads or "
                               "writes yet.")] = False,
    remove: Annotated[bool, typer.Option(
        "--remove", help="Withdraw the override set here before (audited too).")] = False,
) -> None:
    """Set a resource's classification by hand (it beats every layer), or withdraw it with
    --remove; both are audited."""
    from lacuna_cli.classify.override_input import change_override

    record, chosen_tags = change_override(project_config(ctx), resource, reason, tier, tags,
                                          not_yet_seen, remove)
    what = "withdrawn" if remove else (f"{record['tier']} ({', '.join(chosen_tags) or 'no tags'})"
                                       " — override recorded")
    console().print(f"{record['resource']}: {what} (audit seq {record['seq']})", markup=False)


@app.command("explain")
def explain_command(
    ctx: typer.Context,
    resource: Annotated[str, typer.Argument(help="Path or table name as Lacuna reports it.")],
    output_format: FormatOption = DataFormat.text,
) -> None:
    """Show the whole decision path: override, rules, nearest examples, LLM, inheritance."""
    from lacuna_cli.classify.explain import explain, render
    from lacuna_cli.output import json as json_output

    with _run(ctx) as (config, run):
        path = explain(run, config, resource)
    if output_format is DataFormat.json:
        print(json_output.dumps(path))
    else:
        console().print("\n".join(render(path)), markup=False)
    _done(run)
