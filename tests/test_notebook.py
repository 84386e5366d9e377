"""Notebooks: IPython syntax becomes harmless Python, lines keep their cell and number."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lacuna_cli.extract.notebook import extract_notebook, python_lines
from lacuna_cli.extract.python import PythonContext


def notebook(*cells: str) -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "metadata": {}, "source": source, "outputs": [],
         "execution_count": None} for source in cells]})


@pytest.mark.parametrize("line, python", [
    ("!pip install x", "pass"),
    ("    !ls", "    pass"),
    ("files = !ls data", "files = None"),
    ("a, b = %sx ls", "a, b = None"),
    ("pd.read_csv?", "pass"),
    ("??pd", "pass"),
    ("%matplotlib inline", "pass"),
    ("%time df = load()", "df = load()"),
    ("%timeit -n 10 -r 2 f(x)", "f(x)"),
    ("# a comment that asks why?", "# a comment that asks why?"),
    ("x = 1  # plain Python", "x = 1  # plain Python"),
])
def test_ipython_lines(line: str, python: str) -> None:
    assert list(python_lines([line])) == [python]


def test_cell_magics_keep_python_bodies_and_blank_the_others() -> None:
    assert list(python_lines(["%%time", "x = 1"])) == ["", "x = 1"]
    assert list(python_lines(["%%bash", "ls (", "echo"])) == ["", "", ""]
    assert list(python_lines(["%%sql", "SELECT 1"])) == ["", ""]


def test_operations_point_to_cell_and_line() -> None:
    text = notebook("import pandas as pd\n", "# markdown-like comment\n!ls\n"
                    "%time df = pd.read_csv('a.csv')\n", "df.to_csv('~/a.csv')\n")
    extraction = extract_notebook(text, "nb.ipynb", PythonContext(root=Path("/p")))
    assert extraction.errors == ()
    assert [(op.action, op.location.cell, op.location.line) for op in extraction.operations] == [
        ("read", 2, 3), ("export", 3, 1)]


def test_a_syntax_error_names_the_cell_line() -> None:
    text = notebook("x = 1\n", "y = (\n")
    (error,) = extract_notebook(text, "nb.ipynb", PythonContext(root=Path("/p"))).errors
    assert error.line == 1 and "cannot parse Python" in error.message
