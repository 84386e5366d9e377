"""Jupyter notebooks: code cells analysed as one module, in cell order.

Cells are joined so that a DataFrame read in cell 2 and exported in cell 7 is one dataflow;
every line keeps its (cell, line) origin so findings point into the notebook. IPython magics,
shell escapes and help requests become `pass` (not removed) so line numbers stay true, and the
statements that `%time`/`%%time` run are still analysed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator

from lacuna_cli.extract.python import PythonContext, extract_python
from lacuna_cli.models import Extraction, FileError, Location

# Cell magics whose body is still Python that runs (the body is analysed, the magic line not).
PYTHON_CELL_MAGICS = {"time", "timeit", "capture", "prun", "debug", "memit", "skip"}
# Line magics that run the statement after them (`%time df = pd.read_csv(...)`).
STATEMENT_MAGICS = {"time", "timeit", "prun", "memit", "debug"}
# `files = !ls` or `out = %sx ls`: a name bound to the output of a shell command or magic.
CAPTURE = re.compile(r"^(\s*[A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*\s*=\s*)[!%]")


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
        for index, line in enumerate(python_lines(source.splitlines()), start=1):
            lines.append(line)
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


def python_lines(cell_lines: list[str]) -> Iterator[str]:
    """The cell's lines with IPython syntax replaced by Python that means "nothing happens".

    Every line is kept (as `pass` at the same indent, so a block stays a block) so that line
    numbers inside the cell stay true.
    """
    first = cell_lines[0].strip() if cell_lines else ""
    if first.startswith("%%"):
        name = first[2:].split(maxsplit=1)[0] if first[2:].strip() else ""
        if name not in PYTHON_CELL_MAGICS:  # %%bash, %%sql, %%writefile...: not Python
            yield from ("" for _ in cell_lines)
            return
        yield ""
        cell_lines = cell_lines[1:]
    yield from (_python_line(line) for line in cell_lines)


def _python_line(line: str) -> str:
    stripped = line.lstrip()
    indent = line[: len(line) - len(stripped)]
    if stripped.startswith("%"):
        words = stripped[1:].split()
        if words and words[0] in STATEMENT_MAGICS:
            statement = _after_options(words[1:])
            if statement:
                return indent + statement
        return indent + "pass"
    help_request = stripped.rstrip().endswith("?") and not stripped.startswith("#")
    if stripped.startswith(("!", "?")) or help_request:
        return indent + "pass"
    captured = CAPTURE.match(line)
    if captured:
        return captured.group(1) + "None"
    return line


def _after_options(words: Iterable[str]) -> str:
    """`%timeit -n 10 -r 3 f(x)` -> `f(x)`: drop the magic's own options."""
    rest = list(words)
    while rest and rest[0].startswith("-"):
        if rest.pop(0) in ("-n", "-r", "-p") and rest:
            rest.pop(0)  # the option's value
    return " ".join(rest)
