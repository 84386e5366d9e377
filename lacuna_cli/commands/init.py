"""Set a project up for Lacuna: config, a policy folder with a policy test, and the hook and CI
snippets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lacuna_cli.errors import LacunaError


def command(
    directory: Annotated[Path, typer.Argument(help="The project root.", file_okay=False)
                         ] = Path("."),
    policies: Annotated[str, typer.Option(
        "--policies", help="Folder for the team's policies, relative to the root.")
    ] = "policies",
) -> None:
    from lacuna_cli.init import ACTIONS_SNIPPET, DATA_NOTICE, PRE_COMMIT_SNIPPET, scaffold

    if not directory.is_dir():
        raise LacunaError(f"{directory}: no such directory")
    for step in scaffold(directory, policies):
        typer.echo(step)
    typer.echo(f"\n{DATA_NOTICE}")
    typer.echo("Next: `lacuna check` to see today's findings, `lacuna baseline` to accept "
               "them and fail only on new ones.\n")
    typer.echo(PRE_COMMIT_SNIPPET)
    typer.echo(ACTIONS_SNIPPET)
