"""Jupyter notebooks: code cells analysed as one module, in cell order.

Cells are joined so that a DataFrame read in cell 2 and exported in cell 7 is one dataflow;
every line keeps its (cell, line) origin so findings point into the notebook. IPython magics
and shell escapes are blanked (not removed) so line numbers stay true.
"""

from __future__ import annotations

import json

from lacuna_cli.extract.python import PythonContext, extract_python
from lacuna_cli.models import Extraction, FileError, Location

MAGIC_PREFIXES = ("%", "!", "?")


def extract_notebook(text: str, relpath: str, context: PythonContext) -> Extraction:
    """Operations of a notebook's code cells; a notebook that is not valid JSON is one error."""
    try:
        cells = _code_cells(json.loads(text))
    except (json.JSONDecodeError, TypeError, AttributeError, KeyError) as exc:
        message = f"not a valid notebook: {exc.msg if hasattr(exc, 'msg') else exc}"
        line = getattr(exc, "lineno", None)
        return Extraction(path=relpath, language="notebook",
                          errors=(FileError(path=relpath, line=line, message=message),))
    lines: list[str] = []
    origin: list[tuple[int, int]] = []
    for number, source in cells:
        cell_lines = source.splitlines()
        if cell_lines and cell_lines[0].startswith("%%"):
            cell_lines = [""] * len(cell_lines)  # a cell magic (%%bash, %%sql): not Python
        for index, line in enumerate(cell_lines, start=1):
            lines.append("" if line.lstrip().startswith(MAGIC_PREFIXES) else line)
            origin.append((number, index))
    def locate(line: int, column: int) -> Location:
        cell, cell_line = origin[line - 1] if 0 < line <= len(origin) else (None, line)
        return Location(path=relpath, line=cell_line, column=column, cell=cell)

    extraction = extract_python("\n".join(lines) + "\n", relpath, context, locate)
    return extraction.model_copy(update={"language": "notebook"})


def _code_cells(notebook: dict) -> list[tuple[int, str]]:
    """(1-based cell number, source) of every code cell; sources may be a list of lines."""
    cells = []
    for number, cell in enumerate(notebook["cells"], start=1):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        cells.append((number, "".join(source) if isinstance(source, list) else str(source)))
    return cells
