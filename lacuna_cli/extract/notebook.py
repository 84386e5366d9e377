"""Notebooks: Jupyter `.ipynb` files and Databricks `.py` sources, analysed cell by cell.

The cells are read (`notebook_read`), joined into one module in order (`notebook_program`:
SQL cells, magics and `%run` included), and that module goes through the Python extractor with
every line located back at its cell and line — or at its file line in a Databricks source,
which is a plain file in the repository. A cell that cannot be read or parsed is one error line
naming its cell; the other cells are analysed and checked as usual.
"""

from __future__ import annotations

from dataclasses import replace

from lacuna_cli.extract.allow_comments import find_allows
from lacuna_cli.extract.failures import failed
from lacuna_cli.extract.magics import magic_name
from lacuna_cli.extract.notebook_program import (
    DATABRICKS_DIALECT,
    Place,
    Program,
    assemble,
)
from lacuna_cli.extract.notebook_read import (
    Notebook,
    NotebookProblem,
    read_databricks_source,
    read_ipynb,
)
from lacuna_cli.extract.python import PythonContext, extract_python
from lacuna_cli.models import Extraction, FileProblem, InlineAllow, Location

__all__ = ["extract_databricks", "extract_notebook"]


def extract_notebook(text: str, relpath: str, context: PythonContext) -> Extraction:
    """Operations of a Jupyter notebook's code cells; a file that is not a notebook at all is
    one error, a cell that cannot be read one error naming the cell."""
    try:
        notebook = read_ipynb(text)
    except NotebookProblem as problem:
        return failed(relpath, "notebook", problem.message, problem.line)
    extraction = _analyse(notebook, relpath, context, "notebook")
    allows: list[InlineAllow] = []
    errors: list[FileProblem] = []
    for cell in notebook.cells:
        found, problems = find_allows("\n".join(cell.lines), relpath, cell=cell.number)
        allows.extend(found)
        errors.extend(problems)
    return extraction.model_copy(update={"allows": tuple(allows),
                                         "errors": (*extraction.errors, *errors)})


def extract_databricks(text: str, relpath: str, context: PythonContext) -> Extraction:
    """Operations of a Databricks notebook exported as source (`# Databricks notebook source`),
    located at file lines. Its allow comments are the file's, read like any Python file's."""
    return _analyse(read_databricks_source(text), relpath, context, "python")


def _analyse(notebook: Notebook, relpath: str, context: PythonContext,
             language: str) -> Extraction:
    dialect = context.dialect or _implied_dialect(notebook)
    program = assemble(notebook, context.root / relpath, context.root, dialect)

    def locate(line: int, column: int) -> Location:
        cell, cell_line = program.places[line - 1] if 0 < line <= len(program.places) \
            else (None, line)
        column = max(1, column - program.indents.get(line - 1, 0))
        return Location(path=relpath, line=cell_line, column=column, cell=cell)

    extraction = extract_python(program.source, relpath, replace(context, dialect=dialect),
                                locate)
    problems = [FileProblem(path=relpath, message=f"cell {number}: {message}")
                for number, message in notebook.problems]
    problems += [_error(relpath, place, message, notebook)
                 for place, message in program.problems]
    return extraction.model_copy(update={
        "language": language,
        "operations": _own_operations(extraction, program),
        "errors": (*problems, *extraction.errors),
    })


def _own_operations(extraction: Extraction, program: Program) -> tuple:
    """The notebook's operations: those of what a `%run` runs are the other file's, and an
    operation of a SQL cell shows the SQL as written."""
    kept = []
    for operation in extraction.operations:
        place: Place = (operation.location.cell, operation.location.line)
        if place in program.runs:
            continue
        statement = program.statements.get(place)
        if statement is not None:
            code, column = statement
            location = operation.location.model_copy(update={"column": column})
            operation = operation.model_copy(update={"code": code, "location": location})
        kept.append(operation)
    return tuple(kept)


def _error(relpath: str, place: Place, message: str, notebook: Notebook) -> FileProblem:
    cell, line = place
    if notebook.file_lines or cell is None:
        return FileProblem(path=relpath, line=line, message=message)
    return FileProblem(path=relpath, line=line, message=f"cell {cell}: {message}")


def _implied_dialect(notebook: Notebook) -> str | None:
    """The SQL dialect the notebook's own engine speaks, when the project sets none."""
    if notebook.databricks:
        return DATABRICKS_DIALECT
    if any(cell.lines and magic_name(cell.lines[0], "%%") == "bigquery"
           for cell in notebook.cells):
        return "bigquery"
    return None
