"""Options and helpers shared by the command modules."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.console import Console

from lacuna_cli.config import Config, load_config
from lacuna_cli.errors import LacunaError


class Format(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"


class DataFormat(str, Enum):
    text = "text"
    json = "json"


FormatOption = Annotated[DataFormat, typer.Option("--format", "-f", help="Output format.")]
PathsArgument = Annotated[list[Path] | None, typer.Argument(
    help="Files or folders to analyse (default: the current directory).")]
DialectOption = Annotated[str | None, typer.Option(
    "--dialect", help="Default SQL dialect for the run (a sqlglot dialect name: duckdb, "
                      "snowflake, bigquery, spark, postgres, ...).")]


def console(file: TextIO | None = None) -> Console:
    """Rich console (stdout by default); without a terminal (pipes, CI logs, files) plain and
    160 columns wide, so reports do not depend on the width of whoever ran them."""
    interactive = (file or sys.stdout).isatty()
    return Console(file=file, highlight=False, soft_wrap=True,
                   width=None if interactive else 160)


def write_output(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    except OSError as exc:
        raise LacunaError(f"{output}: cannot write: {exc.strerror}") from exc


def project_config(ctx: typer.Context, start: Path | None = None) -> Config:
    root = ctx.obj.get("project") if ctx.obj else None
    if root is not None and not root.is_dir():
        raise LacunaError(f"{root}: project directory not found")
    return load_config(start=start, root=root)


def require_paths(paths: list[Path] | None) -> list[Path]:
    chosen = paths or [Path(".")]
    for path in chosen:
        if not path.exists():
            raise LacunaError(f"{path}: no such file or directory")
    return chosen


def check_dialect(dialect: str | None) -> str | None:
    if dialect is None:
        return None
    from sqlglot.dialects.dialect import Dialect

    try:
        Dialect.get_or_raise(dialect)
    except ValueError as exc:
        raise LacunaError(f"unknown SQL dialect '{dialect}'") from exc
    return dialect


def analysis_setup(ctx: typer.Context, paths: list[Path] | None, dialect: str | None
                   ) -> tuple[list[Path], Config, str | None]:
    """What every command that analyses code starts with: existing paths, the project's
    config (found from the first path), and a validated dialect."""
    chosen = require_paths(paths)
    return chosen, project_config(ctx, chosen[0]), check_dialect(dialect)
