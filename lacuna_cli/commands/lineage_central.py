"""The `--central` side of `lacuna lineage`: pushing this repository's lineage, and showing
what every repository's lineage says about a resource."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape
from rich.tree import Tree

from lacuna_cli.commands.common import DataFormat, console
from lacuna_cli.plural import counted

if TYPE_CHECKING:
    from lacuna_cli.central.query import ColumnWalk, Node, Walk
    from lacuna_cli.config import Config


def push(config: Config, url: str, repo: str | None) -> None:
    """Push and say what happened (one line)."""
    from lacuna_cli.central.push import push as send
    from lacuna_cli.central.snapshot import lineage_snapshot
    from lacuna_cli.gitinfo import identify

    identity = identify(config.root, config.settings.user)
    name = repo or identity.repo
    result = send(url, name, lineage_snapshot(config, name), identity.commit)
    if result.unchanged:
        console().print(f"lineage of {name} unchanged since push {result.push_id}: nothing "
                        "sent", markup=False)
    else:
        console().print(f"pushed lineage of {name}: {result.nodes} nodes and {result.edges} "
                        f"edges, {result.column_edges} column edges (push {result.push_id}, now "
                        "the repository's current view)", markup=False)


def _label(node: Node) -> str:
    tags = f" [{', '.join(node.tags)}]" if node.tags else ""
    return f"[bold]{escape(node.label)}[/bold]  {node.tier}{escape(tags)}"


def show(url: str, name: str) -> None:
    """Who writes the resource and how they classified it, who reads it, where it came from."""
    from lacuna_cli.central.query import walk

    before = walk(url, name, downstream=False)
    after = walk(url, name, downstream=True)
    for key in before.start:
        node = before.nodes[key]
        tree = Tree(_label(node))
        for repo, (tier, tags, reasoning, produced) in sorted(node.repos.items()):
            where = ", ".join(s.at for s in before.into(key) if s.repo == repo)
            what = f"written by {repo}: {where}" if produced else f"known to {repo}"
            tree.add(escape(f"{what} — {tier} [{', '.join(tags)}]: {reasoning}"))
        for step in sorted({(s.repo, s.at, s.operation) for s in after.out_of(key)}):
            tree.add(escape(f"read by {step[0]}: {step[1]} ({step[2]})"))
        for source in before.resources():
            repos = ", ".join(sorted(source.repos))
            tree.add(f"from {_label(source)}  [dim]{escape(repos)}[/dim]")
        console().print(tree)


def downstream(url: str, name: str, output_format: DataFormat) -> None:
    """Every resource the named one's data reaches, in any repository, nearest first."""
    from lacuna_cli.central.query import walk
    from lacuna_cli.output import json as json_output

    reached = walk(url, name, downstream=True)
    found = reached.resources()
    if output_format is DataFormat.json:
        print(json_output.dumps({
            "resource": name,
            "read_by": _readers(reached),
            "downstream": [{"key": n.key, "label": n.label, "tier": n.tier, "tags": n.tags,
                            "distance": reached.distance[n.key],
                            "written_by": _writers(reached, n.key)} for n in found]}))
        return
    for reader in _readers(reached):
        console().print(escape(f"read by {reader['repo']}: {reader['at']}"))
    for node in found:
        writers = ", ".join(f"{w['repo']}: {w['at']}" for w in _writers(reached, node.key))
        console().print(f"{_label(node)}  [dim]written by {escape(writers)}[/dim]")
    repos = {s.repo for s in reached.steps}
    console().print(f"{len(found)} resources downstream of {escape(name)} across "
                    f"{len(repos)} repositories")


def _readers(reached: Walk) -> list[dict[str, str]]:
    return [{"repo": repo, "at": at} for repo, at in sorted(
        {(s.repo, s.at) for key in reached.start for s in reached.out_of(key)})]


def _writers(reached: Walk, key: str) -> list[dict[str, str]]:
    return [{"repo": repo, "at": at} for repo, at in sorted(
        {(s.repo, s.at) for s in reached.into(key)})]


def column_downstream(url: str, name: str, column: str, output_format: DataFormat) -> None:
    """Every column of every resource, in any repository, that the named column reaches."""
    from lacuna_cli.central.query import column_walk

    print_column_walk(column_walk(url, name, column), name, output_format)


def print_column_walk(reached: ColumnWalk, name: str, output_format: DataFormat) -> None:
    """A column walk, central or local: each column reached, nearest first, with the column it
    comes from, the repository and the place that writes it."""
    from lacuna_cli.output import json as json_output

    column = reached.column
    places = reached.reached()
    if output_format is DataFormat.json:
        print(json_output.dumps({
            "resource": name, "column": column,
            "downstream": [_column_json(reached, place) for place in places]}))
        return
    for place in places:
        node = reached.nodes.get(place[0])
        label = node.label if node else place[0]
        tags = sorted(node.columns.get(place[1], ())) if node else []
        shown = f" [{', '.join(tags)}]" if tags else ""
        console().print(f"[bold]{escape(label)}[/bold] column [bold]{escape(place[1])}[/bold]"
                        f"{escape(shown)}")
        for step in _arrivals(reached, place):
            console().print(escape(f"  {step['operation']} of {step['from']} by "
                                   f"{step['repo']}: {step['at']}"), highlight=False)
    repos = {s.repo for s in reached.steps}
    console().print(f"{counted(len(places), 'column')} downstream of {escape(name)} column "
                    f"{escape(column)} across "
                    f"{counted(len(repos), 'repository', 'repositories')}")


def _arrivals(reached: ColumnWalk, place: tuple[str, str]) -> list[dict[str, str]]:
    """How data arrives in one reached column: from which column, by whom, where."""
    def label(key: str) -> str:
        node = reached.nodes.get(key)
        return node.label if node else key

    return [{"from": f"{label(source)}.{column}", "repo": repo, "at": at,
             "operation": operation} for source, column, repo, at, operation in sorted(
        {(s.edge.source, s.column, s.repo, f"{s.edge.path}:{s.edge.line}", s.edge.operation)
         for s in reached.into(place)})]


def _column_json(reached: ColumnWalk, place: tuple[str, str]) -> dict:
    node = reached.nodes.get(place[0])
    return {"key": place[0], "label": node.label if node else place[0], "column": place[1],
            "tier": node.tier if node else "?", "tags": node.tags if node else [],
            "column_tags": sorted(node.columns.get(place[1], ())) if node else [],
            "distance": reached.distance[place], "written_by": _arrivals(reached, place)}
