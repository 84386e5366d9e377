"""A notebook's cells, in order, as one Python module — so data read in cell 2 and exported in
cell 7 is one dataflow — with the place (cell and line, or file line) of every line.

Each cell is turned into Python on its own and checked by CPython's parser on its own: a cell
that does not parse (Python 2, shell syntax, a magic Lacuna does not know) is reported with its
cell number and left out, and every other cell is still analysed. SQL cells become SQL calls
(`notebook_sql`), `%run` brings in what the other notebook defines (`notebook_run`).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from lacuna_cli.extract.magics import (
    assigned_magic,
    cell_language,
    magic_name,
    python_lines,
    restores_all,
    SqlMagic,
    WRITEFILE_CELL_MAGICS,
    shell_cell,
    sql_magic,
)
from lacuna_cli.extract.notebook_read import (
    Cell,
    Notebook,
    NotebookProblem,
    is_databricks_source,
    read_databricks_source,
    read_ipynb,
)
from lacuna_cli.extract.notebook_run import (
    MAX_DEPTH,
    RunProblem,
    is_run,
    read_run,
    resolve,
    run_target,
)
from lacuna_cli.extract.notebook_sql import SqlCode, sql_cell, sql_line
from lacuna_cli.extract.shell_uploads import shell_upload

# The function a `%%writefile` script's body is read in (a name no notebook spells).
WRITTEN_SCRIPT = "_lacuna_written_script"
Place = tuple[int | None, int]  # (cell, line in the cell), or (None, file line)
Placer = Callable[[int], Place]  # index of a line in its cell -> its place
DATABRICKS_RESULT = "_sqldf"  # the name Databricks gives the result of the last SQL cell
DATABRICKS_DIALECT = "databricks"


@dataclass
class Program:
    """The module text with the place of each line, what could not be analysed (place,
    message), the SQL statements by the place they start, and the places of `%run` lines
    (what the run notebook does is reported by its own analysis, not at these places)."""

    lines: list[str] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    problems: list[tuple[Place, str]] = field(default_factory=list)
    statements: dict[Place, tuple[str, int]] = field(default_factory=dict)
    runs: set[Place] = field(default_factory=set)
    # Lines moved right to read them inside a function (a written script): index -> columns.
    indents: dict[int, int] = field(default_factory=dict)

    @property
    def source(self) -> str:
        return "\n".join(self.lines) + "\n"


def assemble(notebook: Notebook, path: Path, root: Path, dialect: str | None) -> Program:
    """The program of a notebook at `path` (absolute), SQL split in `dialect` by default."""
    builder = _Builder(Program(), root, dialect, {path.resolve()})
    builder.notebook(notebook, path, None, 0)
    return builder.program


@dataclass
class _Builder:
    program: Program
    root: Path
    dialect: str | None
    running: set[Path]  # notebooks being included (a notebook running itself stops there)
    # The database `%sql` magics talk to: the last connection string one named (ipython-sql
    # and jupysql keep it for the magics after it).
    connection: str | None = None

    def notebook(self, notebook: Notebook, path: Path, run_at: Place | None, depth: int) -> None:
        """Add every cell; inside a `%run` (run_at set) every line takes the run's place."""
        for cell in notebook.cells:
            def place(index: int, cell: Cell = cell) -> Place:
                if run_at is not None:
                    return run_at
                if notebook.file_lines:
                    return None, cell.first_line + index
                return cell.number, index + 1

            self.cell(cell, notebook.databricks, path, place, run_at is not None, depth)

    def cell(self, cell: Cell, databricks: bool, path: Path, place: Placer, included: bool,
             depth: int) -> None:
        head = next((i for i, line in enumerate(cell.lines) if line.strip()), None)
        if head is None:
            return
        lines = list(cell.lines[head:])  # a magic counts on the first line that is not blank
        if head:
            place = _shifted(place, head)
        language = cell_language(lines[0], databricks)
        if language == "other":
            return
        if language == "code":
            self.problem(place(0), f"a `{lines[0].split()[0]}` cell is code Lacuna does not "
                                   "read: what it does with data is not checked", included)
            return
        if language == "shell":  # `%%bash`, Databricks `%sh`: each line a shell command
            lines = shell_cell(lines)
        if language == "unknown":
            self.problem(place(0), f"cell magic `{lines[0].split()[0]}` is not known to Lacuna;"
                                   " the cell is not analysed", included)
            return
        if language == "sql":
            cell_magic = magic_name(lines[0], "%%") != ""
            magic = sql_magic(lines[0], cell=cell_magic)
            engine = magic.dialect
            if not cell_magic:  # a Databricks `%sql` cell
                engine = DATABRICKS_DIALECT
                magic = replace(magic, result=magic.result or DATABRICKS_RESULT)
            magic = self.connected(magic)
            code = sql_cell(lines, magic, engine or self.dialect, self.dialect)
            for index, text in enumerate(code.lines):
                self.program.lines.append(text)
                self.program.places.append(place(index))
            self.record(code, place, included, cell.column_offset)
            return
        self.python_cell(lines, path, place, included, depth, cell.column_offset,
                         script=magic_name(lines[0], "%%") in WRITEFILE_CELL_MAGICS)

    def python_cell(self, lines: list[str], path: Path, place: Placer, included: bool,
                    depth: int, column_offset: int, script: bool = False) -> None:
        """A cell of Python (with IPython syntax). A `script` (`%%writefile job.py`) runs in a
        process of its own: its body is read inside a function, so the names it binds are not
        the notebook's, one column further right (`Program.indents` takes it back)."""
        python = list(python_lines(lines))
        runs: dict[int, str] = {}
        sql_lines = SqlCode(lines=python)  # what the `%sql` lines and shell uploads hold
        for index, line in enumerate(lines):
            assigned = assigned_magic(line)
            indent, result, magic_line = assigned or ("", None, line)
            upload = shell_upload(line)
            if upload is not None:  # `!curl -F f=@x.csv https://...`, `!aws s3 cp x s3://...`
                python[index] = upload  # reported as the shell line is written
                sql_lines.statements[index] = (line.strip(), len(line) - len(line.lstrip()) + 1)
            elif is_run(line):
                runs[index] = line
            elif restores_all(line):
                self.problem(place(index), "`%store -r` brings back every stored variable under"
                                           " names no line spells, so what they hold is not "
                                           "followed: name them (`%store -r df`)", included)
            elif magic_name(magic_line, "%") == "sql":  # `%sql ...` or `rows = %sql ...`
                magic = sql_magic(magic_line, cell=False)
                magic = replace(magic, result=result) if result else magic
                sql = sql_line(magic_line, self.connected(magic), self.dialect)
                python[index] = indent + sql.lines[0].lstrip() if assigned else sql.lines[0]
                sql_lines.problems.extend((index, message) for _, message in sql.problems)
                for found in sql.statements.values():  # the first statement of the line
                    sql_lines.statements.setdefault(index, found)
        shift = 0
        if script and any(line.strip() for line in python[1:]):
            python = [f"def {WRITTEN_SCRIPT}():", *(" " + line for line in python[1:])]
            shift = 1
        try:
            ast.parse("\n".join(python))
        except SyntaxError as exc:
            index = min(max(exc.lineno or 1, 1), len(python)) - 1
            self.problem(place(index), f"cannot parse Python: {exc.msg}; the cell is not "
                                      "analysed", included)
            return
        except (RecursionError, MemoryError, ValueError) as exc:
            reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
            self.problem(place(0), f"cannot parse Python: {reason}; the cell is not analysed",
                         included)
            return
        for index, text in enumerate(python):
            if index and shift:
                self.program.indents[len(self.program.lines)] = shift
            self.program.lines.append(text)
            self.program.places.append(place(index))
            if index in runs:
                self.run(runs[index], path, place(index), included, depth)
        self.record(sql_lines, place, included, column_offset)

    def connected(self, magic: SqlMagic) -> SqlMagic:
        """The magic with the connection it runs on: its own, else the last one named."""
        if magic.name != "sql":
            return magic
        self.connection = magic.connection or self.connection
        return replace(magic, connection=self.connection)

    def record(self, code: SqlCode, place: Placer, included: bool, column_offset: int) -> None:
        """What a cell's SQL met, and where its statements start (`column_offset`: the width
        of a `# MAGIC ` prefix taken off the cell's lines)."""
        for index, message in code.problems:
            self.problem(place(index), message, included)
        if not included:
            self.program.statements.update({place(i): (text, column + column_offset)
                                            for i, (text, column) in code.statements.items()})

    def run(self, line: str, path: Path, at: Place, included: bool, depth: int) -> None:
        """What `%run` runs, every line of it placed at the `%run` line."""
        self.program.runs.add(at)
        try:
            if line[: len(line) - len(line.lstrip())]:
                raise RunProblem("`%run` inside a block is not followed")
            other = resolve(run_target(line), path, self.root)
            if other in self.running:
                return  # already being run further up: a cycle adds nothing
            if depth >= MAX_DEPTH:
                raise RunProblem(f"`%run` nested more than {MAX_DEPTH} deep; not followed")
            text = read_run(other)
            notebook = _read_any(other, text)
        except RunProblem as problem:
            self.problem(at, str(problem), included)
            return
        except NotebookProblem as problem:
            self.problem(at, f"`%run {other.name}`: {problem.message}", included)
            return
        self.running.add(other)
        try:
            self.notebook(notebook, other, at, depth + 1)
        finally:
            self.running.discard(other)

    def problem(self, at: Place, message: str, included: bool) -> None:
        """What cannot be analysed; inside a `%run` the run notebook's own analysis says it."""
        if not included:
            self.program.problems.append((at, message))


def _shifted(place: Placer, offset: int) -> Placer:
    return lambda index: place(index + offset)


def _read_any(path: Path, text: str) -> Notebook:
    """A notebook of any kind `%run` can run: `.ipynb`, Databricks source, plain Python."""
    if path.suffix == ".ipynb":
        return read_ipynb(text)
    if is_databricks_source(text):
        return read_databricks_source(text)
    return Notebook(cells=[Cell(1, tuple(text.split("\n")))])
