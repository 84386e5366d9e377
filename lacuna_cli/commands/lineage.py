"""Explore the lineage stored by earlier `lacuna check` runs."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.tree import Tree

from lacuna_cli.commands.common import (
    DataFormat, FormatOption, console, project_config, write_output,
)
from lacuna_cli.errors import LacunaError

if TYPE_CHECKING:
    import networkx as nx

    from lacuna_cli.lineage_history import Learned

app = typer.Typer(help="Explore stored lineage: where data comes from and where it goes.",
                  no_args_is_help=True)
ResourceArgument = Annotated[str, typer.Argument(help="A file path or table name as Lacuna "
                                                      "reports it (e.g. data/customers.csv).")]
ColumnOption = Annotated[str | None, typer.Option(
    "--column", "-c", help="Follow one column of the resource: every column of every resource "
                           "it is written to.")]
CentralFlag = Annotated[bool, typer.Option(
    "--central", help="Answer across every repository that pushed to the central store "
                      "(central_url in the trusted config, or LACUNA_CENTRAL_URL).")]


def _stored(ctx: typer.Context) -> tuple[nx.MultiDiGraph, dict, dict[str, Learned]]:
    """The stored map of the current code, its labels, and what was learned about data at
    rest that no current code writes."""
    from lacuna_cli import lineage_history
    from lacuna_cli.store.lineage import load_graph
    from lacuna_cli.store import open_store

    config = project_config(ctx)
    with open_store(config.db_path) as connection:
        graph, labels = load_graph(connection)
        learned = lineage_history.stored(connection)
    return graph, labels, learned


def _missing(resource: str) -> LacunaError:
    return LacunaError(f"no resource named {resource!r} in the stored lineage "
                       "(run `lacuna check` on the project first)")


def _load(ctx: typer.Context, resource: str) -> tuple[nx.MultiDiGraph, dict, str]:
    from lacuna_cli import lineage

    graph, labels, _ = _stored(ctx)
    node_id = lineage.find(graph, resource)
    if node_id is None:
        raise _missing(resource)
    return graph, labels, node_id


def _describe(graph: nx.MultiDiGraph, labels: dict, node_id: str) -> str:
    from lacuna_cli import lineage

    node = lineage.node_of(graph, node_id)
    tier, tags = labels.get(node_id, (None, ()))
    where = (f" ({node.location.display(column=False)})"
             if node.kind == "value" and node.location else "")
    tag_text = f" [{', '.join(tags)}]" if tags else ""
    return f"[bold]{escape(node.label)}[/bold]{escape(where)}  {tier or '?'}{escape(tag_text)}"


def _historical(tree: Tree, entry: Learned, why: str) -> None:
    """A branch saying the classification shown is history: when and where it was learned."""
    branch = tree.add(f"[dim]historical classification, {why}[/dim]")
    for line in entry.provenance():
        branch.add(f"[dim]{escape(line)}[/dim]")


def _central_url(ctx: typer.Context) -> str:
    url = project_config(ctx).settings.central_url
    if not url:
        raise LacunaError("--central: no central store configured (set LACUNA_CENTRAL_URL or "
                          "central_url in the trusted config)")
    return url


@app.command("show")
def show_command(ctx: typer.Context, resource: ResourceArgument,
                 central: CentralFlag = False) -> None:
    """Print a resource as a tree: its tier and tags, its sources as children."""
    from lacuna_cli import lineage, lineage_history

    if central:
        from lacuna_cli.commands import lineage_central

        lineage_central.show(_central_url(ctx), resource)
        return
    graph, labels, learned = _stored(ctx)
    node_id = lineage.find(graph, resource)
    if node_id is None:
        entry = lineage_history.find(learned, resource)
        if entry is None:
            raise _missing(resource)
        tags = f" [{', '.join(entry.tags)}]" if entry.tags else ""
        tree = Tree(f"[bold]{escape(entry.name)}[/bold]  {entry.tier.value}{escape(tags)}")
        _historical(tree, entry, "no code in the project writes or reads it now")
        console().print(tree)
        return

    def grow(branch: Tree, subtree: dict[str, list]) -> None:
        for current, children in subtree.items():
            for child in children:
                (child_id,) = child
                transforms = sorted({data["edge"].transform for data in
                                     graph.get_edge_data(child_id, current).values()})
                node = branch.add(f"{_describe(graph, labels, child_id)}  "
                                  f"[dim]via {', '.join(transforms)}[/dim]")
                grow(node, child)
    tree = Tree(_describe(graph, labels, node_id))
    historical = lineage_history.unwritten(graph, learned).get(node_id)
    if historical is not None:
        _historical(tree, historical, "no code in the project writes it now")
    grow(tree, lineage.upstream_tree(graph, node_id))
    console().print(tree)


@app.command("downstream")
def downstream_command(ctx: typer.Context, resource: ResourceArgument,
                       output_format: FormatOption = DataFormat.text,
                       column: ColumnOption = None, central: CentralFlag = False) -> None:
    """List everything that depends on a resource, nearest first; with --column, where one
    of its columns ends up."""
    from lacuna_cli import lineage
    from lacuna_cli.output import json as json_output

    if central:
        from lacuna_cli.commands import lineage_central

        if column is not None:
            lineage_central.column_downstream(_central_url(ctx), resource, column,
                                              output_format)
        else:
            lineage_central.downstream(_central_url(ctx), resource, output_format)
        return
    graph, labels, node_id = _load(ctx, resource)
    if column is not None:
        from lacuna_cli.central.query import local_column_walk
        from lacuna_cli.commands.lineage_central import print_column_walk
        from lacuna_cli.gitinfo import identify

        config = project_config(ctx)
        repo = identify(config.root, config.settings.user).repo
        print_column_walk(local_column_walk(graph, labels, node_id, column, repo), resource,
                          output_format)
        return
    dependents = lineage.downstream(graph, node_id)
    if output_format is DataFormat.json:
        print(json_output.dumps({"resource": lineage.node_of(graph, node_id).label,
                                 "downstream": [_json_node(graph, labels, n)
                                                for n in dependents]}))
        return
    for dependent in dependents:
        console().print(_describe(graph, labels, dependent))
    console().print(f"{len(dependents)} dependents of {escape(resource)}")


def _json_node(graph: nx.MultiDiGraph, labels: dict, node_id: str) -> dict:
    from lacuna_cli import lineage

    node = lineage.node_of(graph, node_id)
    tier, tags = labels.get(node_id, (None, ()))
    return {"id": node_id, "kind": node.kind, "label": node.label, "tier": tier,
            "tags": list(tags)}


class ExportFormat(str, Enum):
    openlineage = "openlineage"
    dot = "dot"
    mermaid = "mermaid"


@app.command("export")
def export_command(
    ctx: typer.Context,
    output_format: Annotated[ExportFormat, typer.Option(
        "--format", "-f", help="openlineage (RunEvents, one JSON per line), dot (Graphviz) or "
                               "mermaid.")] = ExportFormat.openlineage,
    output: Annotated[Path | None, typer.Option("--output", "-o", dir_okay=False,
                                                help="Write to this file.")] = None,
    namespace: Annotated[str | None, typer.Option(
        help="OpenLineage job namespace (default: the repository name); also the namespace "
             "of tables.")] = None,
) -> None:
    """Export the whole stored lineage graph for other tools."""
    from lacuna_cli import lineage_export, lineage_history
    from lacuna_cli.gitinfo import identify
    from lacuna_cli.output import json as json_output

    config = project_config(ctx)
    graph, labels, learned = _stored(ctx)
    if output_format is ExportFormat.dot:
        text = lineage_export.to_dot(graph, labels)
    elif output_format is ExportFormat.mermaid:
        text = lineage_export.to_mermaid(graph, labels)
    else:
        name = namespace or identify(config.root, config.settings.user).repo
        text = "\n".join(json_output.dumps_line(event) for event in
                         lineage_export.openlineage_events(
                             graph, labels, name,
                             historical=lineage_history.unwritten(graph, learned)))
    write_output(text, output)


@app.command("push")
def push_command(
    ctx: typer.Context,
    to: Annotated[str | None, typer.Option(
        "--to", help="PostgreSQL URL of the central store (default: LACUNA_CENTRAL_URL or "
                     "central_url in the trusted config).")] = None,
    repo: Annotated[str | None, typer.Option(
        help="Repository name in the central store (default: GITHUB_REPOSITORY or the git "
             "work tree's name).")] = None,
) -> None:
    """Send this repository's lineage and classifications to the central store. Safe to
    re-run: unchanged lineage sends nothing, an interrupted push resumes; the new push
    replaces the repository's current view, earlier ones stay as history."""
    from lacuna_cli.commands import lineage_central

    config = project_config(ctx)
    url = to or config.settings.central_url
    if not url:
        raise LacunaError("--to: no central store given (or set LACUNA_CENTRAL_URL)")
    lineage_central.push(config, url, repo)
