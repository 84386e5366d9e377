"""What notebook magics mean for the analysis: the language of a cell, and IPython syntax turned
into Python that means "nothing happens".

The tables are the knowledge (which magic runs Python, which runs SQL and in which dialect,
which runs something Lacuna does not read); the functions only look names up in them. Every
line of a cell is kept (as `pass` at the same indent, so a block stays a block) so that line
numbers inside the cell stay true.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

# Cell magics whose body is Python that runs (the body is analysed, the magic line not).
PYTHON_CELL_MAGICS = {"time", "timeit", "capture", "prun", "debug", "memit", "skip", "python",
                      "python3", "spark", "pyspark", "local", "lacuna"}
# Cell magics whose body is SQL: magic -> the dialect its engine speaks (None: the configured
# one; ipython-sql and jupysql talk to whatever database the connection names).
SQL_CELL_MAGICS: dict[str, str | None] = {"sql": None, "bigquery": "bigquery",
                                          "sparksql": "spark"}
# Cell magics whose body is shell commands: each line is read like a `!command` line.
SHELL_CELL_MAGICS = {"bash", "sh"}
# Cell magics whose body is code of another language, which may move data Lacuna cannot read:
# each such cell is reported, never silently skipped.
CODE_CELL_MAGICS = {"script", "perl", "ruby", "pypy", "python2", "R", "r", "octave", "julia",
                    "scala", "cython", "fortran", "send_to_spark"}
# Cell magics whose body moves no data: markup, kernel settings.
OTHER_CELL_MAGICS = {
    "html", "HTML", "javascript", "js", "latex", "markdown", "svg", "md",
    "fs", "configure", "info", "help", "cleanup", "logs", "delete", "manage_spark", "mermaid",
    "dot", "graphviz",
}
# Cell magics that write their body to a file (`%%writefile [-a] NAME`). A Python or shell
# script written so is code a later `!python job.py` (or a scheduler) runs: its body is read
# as that language, by the file name's suffix; any other file moves no data by being written.
WRITEFILE_CELL_MAGICS = {"writefile", "file"}
WRITTEN_SCRIPT_LANGUAGES = {".py": "python", ".sh": "shell", ".bash": "shell"}
# `%store`: the module its lines are written as calls of (rules/apis/ipython_store.yaml) and
# where IPython keeps what it stores (the default profile's database, one file per name).
STORE_MODULE = "_lacuna_ipython"
STORE_FOLDER = "~/.ipython/profile_default/db/autorestore"
# Databricks cell languages (`%sql` alone on a cell's first line makes the whole cell SQL).
DATABRICKS_LANGUAGES: dict[str, str] = {"python": "python", "sql": "sql", "md": "other",
                                        "scala": "code", "r": "code", "sh": "shell",
                                        "fs": "other", "pip": "other", "run": "run"}
# Line magics that run the statement after them (`%time df = pd.read_csv(...)`).
STATEMENT_MAGICS = {"time", "timeit", "prun", "memit", "debug"}
# Options of SQL magics that take a value (the value is not SQL, not a variable name).
SQL_VALUE_OPTIONS = {"-x", "--close", "-c", "--creator", "-s", "--section", "-a",
                     "--connection_arguments", "-f", "--file", "-S", "--save", "-w", "--with",
                     "-A", "--alias", "-m", "-r", "--project", "--params", "--max_results",
                     "--maximum_bytes_billed", "--location", "--progress_bar_type",
                     "--engine", "--bigquery_api_endpoint", "--bqstorage_api_endpoint"}
# Options that name the variable a SQL cell's result is stored in.
SQL_RESULT_OPTIONS = {"-o", "--output"}
# Options that write a Python DataFrame into a table named like it (jupysql).
SQL_PERSIST_OPTIONS = {"-p", "--persist", "-P", "--persist-replace", "--append"}
# The option naming the table a query's result is written to (%%bigquery).
SQL_DESTINATION_OPTIONS = {"--destination_table"}
# `files = !ls` or `out = %sx ls`: a name bound to the output of a shell command or magic.
CAPTURE = re.compile(r"^(\s*[A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*\s*=\s*)[!%]")
VALUE_OPTIONS = (SQL_VALUE_OPTIONS | SQL_RESULT_OPTIONS | SQL_PERSIST_OPTIONS
                 | SQL_DESTINATION_OPTIONS)
TOKEN = re.compile(r"""\s*("[^"]*"|'[^']*'|\S+)""")
BIND = re.compile(r"^\s*([A-Za-z_]\w*)\s*<<\s*(.*)$", re.DOTALL)
IDENTIFIER = re.compile(r"^[A-Za-z_]\w*$")
# `rows = %sql SELECT ...`: a line magic whose result an assignment keeps (ipython-sql, jupysql).
ASSIGNED_MAGIC = re.compile(r"^(\s*)([A-Za-z_]\w*)(\s*=\s*)(?=%[A-Za-z])")


@dataclass(frozen=True)
class SqlMagic:
    """A `%sql`/`%%sql`/`%%bigquery` line: where the result goes and what else it does.

    `query` is SQL written on the magic line itself (`%sql SELECT ...`, `%sql r << SELECT`);
    `result` the Python name the result is stored in; `persist` a DataFrame written into a
    table of its name; `destination` a table the query result is written to.
    """

    name: str
    query: str = ""
    query_column: int = 0  # 0-based offset of `query` in the magic line
    result: str | None = None
    persist: str | None = None
    destination: str | None = None
    connection: str | None = None  # a connection string on the line (`%sql postgresql://…`)

    @property
    def dialect(self) -> str | None:
        return SQL_CELL_MAGICS.get(self.name)


def magic_name(line: str, marker: str) -> str:
    """`sql` for `%%sql x <<` with marker `%%`; "" when the line is not such a magic."""
    stripped = line.strip()
    if not stripped.startswith(marker) or stripped.startswith(marker + "%"):
        return ""
    words = stripped[len(marker):].split(maxsplit=1)
    return words[0] if words else ""


def cell_language(first_line: str, databricks: bool) -> str:
    """`python`, `sql`, `shell`, `code` (another language), `run`, `other` or `unknown` (a
    cell magic Lacuna does not know) for a cell starting with `first_line`. In Databricks
    notebooks a `%lang` first line sets the cell's language; anywhere, `%sql` alone on the
    first line does (a Databricks export)."""
    cell_magic = magic_name(first_line, "%%")
    if cell_magic:
        if cell_magic in PYTHON_CELL_MAGICS:
            return "python"
        if cell_magic in SQL_CELL_MAGICS:
            return "sql"
        if cell_magic in SHELL_CELL_MAGICS:
            return "shell"
        if cell_magic in CODE_CELL_MAGICS:
            return "code"
        if cell_magic in WRITEFILE_CELL_MAGICS:
            written = first_line.split()[-1].strip("\"'")
            return next((language for suffix, language in WRITTEN_SCRIPT_LANGUAGES.items()
                         if written.endswith(suffix)), "other")
        return "other" if cell_magic in OTHER_CELL_MAGICS else "unknown"
    line_magic = magic_name(first_line, "%")
    alone = first_line.strip() == f"%{line_magic}"
    if line_magic in DATABRICKS_LANGUAGES and (databricks or alone) and line_magic != "run":
        return DATABRICKS_LANGUAGES[line_magic]
    return "python"


def sql_magic(line: str, cell: bool) -> SqlMagic:
    """Read a SQL magic line: options, a connection string, `name <<`; in a line magic the
    text after them is the query, kept as written."""
    stripped = line.lstrip()
    marker = "%%" if cell else "%"
    name = magic_name(stripped, marker)
    position = len(line) - len(stripped) + len(marker) + len(name)
    values: dict[str, str] = {}
    positional: list[str] = []
    connection: str | None = None
    while (match := TOKEN.match(line, position)) is not None:
        word = match.group(1).strip("\"'")
        if word.startswith("-") and word != "--":  # an option (`--` starts a SQL comment)
            position = match.end()
            value = TOKEN.match(line, position) if word in VALUE_OPTIONS else None
            if value is not None:
                values[word] = value.group(1).strip("\"'")
                position = value.end()
            continue
        if "://" in word:  # a connection string
            connection = connection or word
            position = match.end()
            continue
        if not cell:
            break  # the rest of the line is the query
        positional.append(word)
        position = match.end()
    result = next((values[o] for o in SQL_RESULT_OPTIONS if o in values), None)
    persist = next((values[o] for o in SQL_PERSIST_OPTIONS if o in values), None)
    destination = next((values[o] for o in SQL_DESTINATION_OPTIONS if o in values), None)
    query, column = "", 0
    bound = BIND.match(" ".join(positional) if cell else line[position:])
    if bound:
        result = bound.group(1)
        query, column = bound.group(2), position + bound.start(2)
    elif cell and name == "bigquery" and positional and IDENTIFIER.match(positional[0]):
        result = positional[0]
    elif not cell:
        query = line[position:]
        column = position + len(query) - len(query.lstrip())
    return SqlMagic(name=name, query="" if cell else query.strip(), query_column=column,
                    result=result, persist=persist, destination=destination,
                    connection=connection)


def assigned_magic(line: str) -> tuple[str, str, str] | None:
    """`(indent, name, magic line)` for `name = %magic ...`, the magic line with the assignment
    blanked so its columns stay those of the cell; None for any other line."""
    match = ASSIGNED_MAGIC.match(line)
    if match is None:
        return None
    indent, name = match.group(1), match.group(2)
    return indent, name, " " * match.end() + line[match.end():]


def python_lines(cell_lines: list[str]) -> Iterator[str]:
    """The cell's lines with IPython syntax replaced by Python that means "nothing happens"."""
    first = cell_lines[0].strip() if cell_lines else ""
    if magic_name(first, "%%"):
        yield ""  # the magic line; the caller decided the body is Python
        cell_lines = cell_lines[1:]
    yield from (python_line(line) for line in cell_lines)


def python_line(line: str) -> str:
    """One line of a Python cell, with a line magic, shell escape or help request neutralised."""
    stripped = line.lstrip()
    indent = line[: len(line) - len(stripped)]
    if stripped.startswith("%"):
        words = stripped[1:].split()
        if words and words[0] == "store":
            return indent + store_python(words[1:])
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


def store_python(words: list[str]) -> str:
    """`%store` as Python the interpreter reads with the catalog's `_lacuna_ipython` rows:
    `%store df` keeps a copy of `df` in IPython's database in the user's home folder, `%store -r
    df` (in any later notebook) binds `df` to that copy, `%store df > f.txt` writes it to a
    file. Deleting (`-d`, `-z`), listing, and `-r` without names (see `restores_all`) bind
    nothing."""
    if words[:1] == ["-r"]:
        names = [w for w in words[1:] if IDENTIFIER.match(w)]
        calls = [f"{name} = {STORE_MODULE}.restore({_stored(name)!r})" for name in names]
    elif words and not words[0].startswith("-"):
        target = next((i for i, w in enumerate(words) if w.startswith(">")), None)
        if target is not None:  # `%store df > out.txt` / `>> out.txt`
            path = " ".join(words[target:]).lstrip(">").strip()
            names = words[:1] if IDENTIFIER.match(words[0]) and path else []
            calls = [f"{STORE_MODULE}.store({names[0]}, {path!r})"] if names else []
        else:
            calls = [f"{STORE_MODULE}.store({name}, {_stored(name)!r})"
                     for name in words if IDENTIFIER.match(name)]
    else:
        calls = []
    return f"import {STORE_MODULE}; " + "; ".join(calls) if calls else "pass"


def restores_all(line: str) -> bool:
    """`%store -r` alone: every stored variable comes back, under names no line spells."""
    return line.split() == ["%store", "-r"]


def _stored(name: str) -> str:
    return f"{STORE_FOLDER}/{name}"


def _after_options(words: Iterable[str]) -> str:
    """`%timeit -n 10 -r 3 f(x)` -> `f(x)`: drop the magic's own options."""
    rest = list(words)
    while rest and rest[0].startswith("-"):
        if rest.pop(0) in ("-n", "-r", "-p") and rest:
            rest.pop(0)  # the option's value
    return " ".join(rest)


def shell_cell(lines: list[str]) -> list[str]:
    """A shell cell's lines as `!command` lines (its magic line kept as it is), so each
    command is read as a notebook's shell line is."""
    return [lines[0], *("!" + line.strip() if line.strip() else line for line in lines[1:])]
