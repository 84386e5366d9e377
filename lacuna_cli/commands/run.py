"""Check every file a Python command will execute, then run it only if nothing is blocked.

`lacuna run -- python pipeline.py --day 2026-11-01`: the decisions land in the audit log like
any check; the script's exit code becomes lacuna's (a blocked run exits 1 without starting it,
code that cannot be checked before it runs exits 2 without starting it).
"""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path
from typing import Annotated

import typer

from lacuna_cli.commands.common import console, project_config
from lacuna_cli.errors import EXIT_VIOLATIONS, LacunaError


def command(
    ctx: typer.Context,
    argv: Annotated[list[str], typer.Argument(
        metavar="-- COMMAND [ARGS]...", help="The command that runs the script, after `--`.")],
) -> None:
    from lacuna_cli.output import text
    from lacuna_cli.runner import Plan, Unfollowable, command_launch, is_python_command
    from lacuna_cli.scan import check

    config = project_config(ctx)
    shown = shlex.join(argv).replace("\n", "\\n")  # one line, whatever `-c` holds
    if not is_python_command(argv):
        raise LacunaError(f"{shown}: no Python script to check in this command (expected "
                          "`python FILE.py ...`, `python -m MODULE ...`, `python -c CODE` or "
                          "`FILE.py`)")
    cwd = Path.cwd()
    try:
        launch = command_launch(argv, cwd, os.environ)
        files = Plan(config.root, cwd, os.environ, config.db_path.parent / "run").follow(launch)
    except Unfollowable as exc:
        raise LacunaError(f"not running `{shown}`: {exc}") from None
    result = check(files, config, None)
    if result.blocking or result.errors:
        text.render_check(console(), result)
        typer.echo(f"lacuna: not running `{shown}`: "
                   f"{len(result.blocking)} blocked operation(s), {len(result.errors)} "
                   "error(s) in the script or its local modules", err=True)
        raise typer.Exit(EXIT_VIOLATIONS)
    typer.echo(f"lacuna: {len(result.findings)} operation(s) in {result.files} file(s) allowed "
               f"(recorded in the audit log); running `{shown}`", err=True)
    try:
        completed = subprocess.run(argv, check=False)
    except OSError as exc:
        raise LacunaError(f"{argv[0]}: cannot run: {exc.strerror}") from exc
    code = completed.returncode
    raise typer.Exit(128 - code if code < 0 else code)  # killed by signal N: 128+N, as shells do
