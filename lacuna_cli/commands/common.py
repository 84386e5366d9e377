"""Options and helpers shared by the command modules."""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer
from rich.console import Console

from lacuna_cli.dialect_names import is_builtin_dialect
from lacuna_cli.errors import LacunaError

if TYPE_CHECKING:  # the config's models (pydantic) load when a command runs, not for --help
    from lacuna_cli.config import Config


class Format(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"
    junit = "junit"
    markdown = "markdown"


class FailOn(str, Enum):
    """The least severe blocked operation that fails the run (`never`: report only)."""

    info = "info"
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"
    never = "never"


@dataclass(frozen=True)
class Target:
    """One report of a run: a format, into a file or (file None) onto stdout."""

    format: Format
    file: Path | None


FORMAT_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]+")


def report_targets(output_format: Format | None, outputs: list[str]) -> list[Target]:
    """Resolve `--format` and the repeatable `--output FORMAT[:FILE]` into the run's reports.

    A value whose part before the first `:` is a format name is a report of its own (no file:
    stdout); any other value is a file for the `--format` report, as `-o FILE` always meant
    (write `./sarif` for a file literally named like a format). A value that looks like
    `NAME:FILE` with an unknown format name is an error, not a file named `xml:out.xml`
    (write `./xml:out.xml` for that file). Without `--format`, when
    `--output` names formats, those are all the reports; otherwise the `--format` report
    (text by default) goes to stdout or to the bare FILE. At most one report on stdout.
    """
    names = {f.value for f in Format}
    extra: list[Target] = []
    bare: list[Path] = []
    for value in outputs:
        name, _, file = value.partition(":")
        if name in names:
            extra.append(Target(Format(name), Path(file) if file else None))
        elif file and FORMAT_NAME.fullmatch(name):
            raise LacunaError(f"--output {value}: unknown report format {name!r} (known: "
                              f"{', '.join(sorted(names))}; write ./{value} for a file of "
                              "that name)")
        else:
            bare.append(Path(value))
    if len(bare) > 1:
        raise LacunaError(f"--output: two files for the --format report ({bare[0]}, {bare[1]});"
                          " name the format of the others as FORMAT:FILE")
    targets = extra
    if output_format is not None or bare or not extra:
        targets = [Target(output_format or Format.text, bare[0] if bare else None), *extra]
    on_stdout = [t.format.value for t in targets if t.file is None]
    if len(on_stdout) > 1:
        raise LacunaError(f"--output: {' and '.join(on_stdout)} would both go to standard "
                          "output; give all but one a file (FORMAT:FILE)")
    files = [t.file for t in targets if t.file is not None]
    if len(set(files)) < len(files):
        raise LacunaError("--output: two reports into the same file")
    return targets


class DataFormat(str, Enum):
    text = "text"
    json = "json"


FormatOption = Annotated[DataFormat, typer.Option("--format", "-f", help="Output format.")]
PathsArgument = Annotated[list[Path] | None, typer.Argument(
    help="Files or folders to analyse (default: the current directory).")]
DialectOption = Annotated[str | None, typer.Option(
    "--dialect", help="Default SQL dialect for the run (a sqlglot dialect name: duckdb, "
                      "snowflake, bigquery, spark, postgres, ...).")]


class _Console(Console):
    """Rich's console, except that a reader going away (`lacuna audit log | head`) ends the
    command with exit 0: the output was wanted only that far, which is not a failure (Rich
    exits 1)."""

    def on_broken_pipe(self) -> None:
        if not self.quiet:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise SystemExit(0)


def console(file: TextIO | None = None) -> Console:
    """Rich console (stdout by default); without a terminal (pipes, CI logs, files) plain and
    160 columns wide, so reports do not depend on the width of whoever ran them. No emoji
    codes: a location `load.py:100:5` would print as an emoji."""
    interactive = (file or sys.stdout).isatty()
    return _Console(file=file, highlight=False, soft_wrap=True, emoji=False,
                    width=None if interactive else 160)


def write_output(text: str, output: Path | None) -> None:
    """A report on stdout or into a file, ending with a newline (an empty report stays empty:
    no annotations means no output)."""
    if text and not text.endswith("\n"):
        text += "\n"
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise LacunaError(f"{output}: cannot write: {exc.strerror}") from exc


def project_config(ctx: typer.Context, start: Path | None = None) -> Config:
    root = ctx.obj.get("project") if ctx.obj else None
    if root is not None and not root.is_dir():
        raise LacunaError(f"{root}: project directory not found")
    from lacuna_cli.config import load_config

    return load_config(start=start, root=root)


def require_paths(paths: list[Path] | None) -> list[Path]:
    chosen = paths or [Path(".")]
    for path in chosen:
        if not path.exists():
            raise LacunaError(f"{path}: no such file or directory")
    return chosen


def check_dialect(dialect: str | None) -> str | None:
    if dialect is None or is_builtin_dialect(dialect):
        return dialect
    from sqlglot.dialects.dialect import Dialect  # the full check: settings, or an error

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
