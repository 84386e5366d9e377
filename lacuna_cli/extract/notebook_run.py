"""`%run other.ipynb` / `%run ./other`: which project file a notebook runs in its own namespace.

Only files inside the project are followed (a notebook cannot make Lacuna read the machine),
through the same bounded reader as every analysed file. `run_dependencies` gives the bytes of
everything a notebook runs, transitively, so the extraction cache sees a change to them.
"""

from __future__ import annotations

import re
from pathlib import Path

from lacuna_cli.extract.magics import TOKEN, magic_name
from lacuna_cli.extract.source import SourceProblem, read_source

MAX_DEPTH = 8  # notebooks running notebooks running notebooks...
# Suffixes tried after the name as written (Databricks writes `%run ./other` without one).
RUN_SUFFIXES = ("", ".ipynb", ".py")
# `%run` options that take the next word as their value.
RUN_VALUE_OPTIONS = {"-m", "-N", "-b", "-D", "-l", "-r", "-s", "-T"}
# A `%run` target as it appears in a notebook's raw text (JSON string or Databricks source).
RUN_IN_TEXT = re.compile(r"%run\s+(?:-\w+\s+)*['\"]?([^\s'\"\\]+)")


class RunProblem(Exception):
    """The `%run` cannot be followed; the message says why in one line."""


def is_run(line: str) -> bool:
    return magic_name(line, "%") == "run"


def run_target(line: str) -> str:
    """The file a `%run [options] FILE [args]` line runs."""
    stripped = line.strip()
    position = len("%run")
    while (match := TOKEN.match(stripped, position)) is not None:
        word = match.group(1)
        position = match.end()
        if word == "-m":
            raise RunProblem("`%run -m` runs a module by name; it is not followed")
        if word.startswith("-"):
            if word in RUN_VALUE_OPTIONS:
                value = TOKEN.match(stripped, position)
                position = value.end() if value else position
            continue
        return word.strip("'\"")
    raise RunProblem("`%run` names no file")


def resolve(target: str, notebook: Path, root: Path) -> Path:
    """The project file `target` names, relative to the notebook that runs it."""
    base = notebook.parent
    for suffix in RUN_SUFFIXES:
        try:
            candidate = (base / (target + suffix)).resolve()
            inside = candidate.is_relative_to(root.resolve())
            exists = candidate.is_file()
        except (OSError, RuntimeError, ValueError) as exc:  # a link loop, a NUL in the name
            raise RunProblem(f"`%run {target}`: cannot be resolved ({exc})") from None
        if not inside:
            raise RunProblem(f"`%run {target}`: outside the project, not followed")
        if exists:
            return candidate
    raise RunProblem(f"`%run {target}`: no such notebook or file in the project; what it "
                     "defines is unknown")


def read_run(path: Path) -> str:
    try:
        return read_source(path).decode("utf-8-sig")
    except (SourceProblem, UnicodeDecodeError) as exc:
        raise RunProblem(f"{path.name}: {exc}") from None


def run_dependencies(path: Path, text: str, root: Path) -> list[bytes]:
    """The bytes of every project file the notebook at `path` runs, transitively (what a
    cached analysis of it depends on besides its own bytes)."""
    found: list[bytes] = []
    seen = {path.resolve()}
    pending = [(path, text, 0)]
    while pending:
        current, content, depth = pending.pop()
        if "%run" not in content or depth >= MAX_DEPTH:
            continue
        for target in RUN_IN_TEXT.findall(content):
            try:
                other = resolve(target, current, root)
                raw = read_source(other)
            except (RunProblem, SourceProblem):
                found.append(f"missing:{target}".encode())
                continue
            if other in seen:
                continue
            seen.add(other)
            found.append(raw)
            pending.append((other, raw.decode("utf-8", "replace"), depth + 1))
    return found
