"""Reading a notebook into its cells: Jupyter `.ipynb` JSON and Databricks `.py` sources.

Whatever the file holds, the result is a list of cells and one problem per thing that could not
be read (a cell that is not an object, a `source` that is not text): those cells are skipped and
reported, the others analysed. Only a file that is not a notebook at all (not JSON, no cell
list) is one `NotebookProblem` for the whole file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

DATABRICKS_HEADER = "# Databricks notebook source"
DATABRICKS_SEPARATOR = re.compile(r"^# COMMAND -{5,}\s*$")
DATABRICKS_MAGIC = re.compile(r"^# MAGIC ?")
DATABRICKS_METADATA = ("application/vnd.databricks.v1+notebook",
                       "application/vnd.databricks.v1+cell")


class NotebookProblem(Exception):
    """The file is not a notebook Lacuna can read; `line` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class Cell:
    """One code cell: its number as the notebook shows it (1-based, every cell counted) and
    its lines; in a Databricks source, `first_line` is the file line of its first line and
    `column_offset` the width of the `# MAGIC ` prefix taken off its lines."""

    number: int
    lines: tuple[str, ...]
    first_line: int = 1
    column_offset: int = 0


@dataclass
class Notebook:
    """The code cells of a notebook and the cells that could not be read (number, why).

    `databricks`: a `%lang` first line sets a cell's language. `file_lines`: findings are
    located by file line (a Databricks source is a plain file in the repository), not by cell.
    """

    cells: list[Cell]
    problems: list[tuple[int, str]] = field(default_factory=list)
    databricks: bool = False
    file_lines: bool = False


def is_databricks_source(text: str) -> bool:
    """A `.py` file exported from Databricks (cells separated by `# COMMAND ----------`)."""
    return text.lstrip("\ufeff").startswith(DATABRICKS_HEADER)


def read_ipynb(text: str) -> Notebook:
    """The code cells of a Jupyter notebook (nbformat 4, or 3 with its worksheets)."""
    try:
        document = json.loads(text)
    except RecursionError:
        raise NotebookProblem("not a valid notebook: JSON nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise NotebookProblem(f"not a valid notebook: {exc.msg}", exc.lineno) from None
    except ValueError as exc:  # e.g. an integer too long to convert
        raise NotebookProblem(f"not a valid notebook: {exc}") from None
    if not isinstance(document, dict):
        raise NotebookProblem("not a valid notebook: the top level is not a JSON object")
    cells = document.get("cells")
    if cells is None and isinstance(document.get("worksheets"), list):
        cells = [c for sheet in document["worksheets"] if isinstance(sheet, dict)
                 for c in _list(sheet.get("cells"))]
    if not isinstance(cells, list):
        raise NotebookProblem("not a valid notebook: `cells` is missing or not a list")
    notebook = Notebook(cells=[], databricks=_from_databricks(document))
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict):
            notebook.problems.append((number, "the cell is not a JSON object; skipped"))
            continue
        kind = cell.get("cell_type")
        if not isinstance(kind, str):
            notebook.problems.append((number, "the cell has no `cell_type`; skipped"))
            continue
        if kind != "code":
            continue
        source = cell.get("source", cell.get("input", ""))
        if isinstance(source, list) and all(isinstance(part, str) for part in source):
            source = "".join(source)
        if not isinstance(source, str):
            notebook.problems.append((number, "the cell's `source` is not text; skipped"))
            continue
        notebook.cells.append(Cell(number, tuple(_lines(source))))
    return notebook


def read_databricks_source(text: str) -> Notebook:
    """The cells of a Databricks source file; `# MAGIC ` prefixes are taken off, so a
    `# MAGIC %sql` cell is a SQL cell. Every line keeps its file line."""
    lines = _lines(text.lstrip("\ufeff"))
    notebook = Notebook(cells=[], databricks=True, file_lines=True)
    start = 1  # index of the first line of the current cell (line 1 is the header)
    for index in range(1, len(lines) + 1):
        if index == len(lines) or DATABRICKS_SEPARATOR.match(lines[index]):
            body = lines[start:index]
            magic = _is_magic(body)
            notebook.cells.append(Cell(len(notebook.cells) + 1,
                                       tuple(_unmagic(body)) if magic else tuple(body),
                                       first_line=start + 1,
                                       column_offset=len("# MAGIC ") if magic else 0))
            start = index + 1
    return notebook


def _is_magic(lines: list[str]) -> bool:
    code = [line for line in lines if line.strip() and not line.startswith("# DBTITLE")]
    return bool(code) and all(DATABRICKS_MAGIC.match(line) for line in code)


def _unmagic(lines: list[str]) -> list[str]:
    return ["" if line.startswith("# DBTITLE") else DATABRICKS_MAGIC.sub("", line, count=1)
            for line in lines]


def _from_databricks(document: dict) -> bool:
    metadata = document.get("metadata")
    return isinstance(metadata, dict) and any(key in metadata for key in DATABRICKS_METADATA)


def _lines(text: str) -> list[str]:
    """Lines as the notebook shows them (split on newlines only); characters JSON allows but
    no file can hold (lone surrogates) become `?`."""
    clean = text.encode("utf-8", "replace").decode("utf-8", "replace")
    return clean.split("\n")


def _list(value: object) -> list:
    return value if isinstance(value, list) else []
