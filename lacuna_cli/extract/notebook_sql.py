"""SQL cells of a notebook as Python the interpreter already understands.

A `%%sql` / `%%bigquery` / Databricks `%sql` cell, or a `%sql SELECT ...` line, becomes one
`duckdb.sql("<statement>")` call per statement, written on the line where the statement starts
(a multi-line statement keeps its lines inside the string), so the SQL goes through the SQL
extractor like any SQL string in Python, its operations land at the statement's cell and line,
and a result bound to a name (`result << SELECT ...`, `%%bigquery df`) is data that later cells
read from. The Python text never leaves the extractor: reports show the SQL as written.

A cell whose magic names its engine (`%%bigquery`, a Databricks `%sql` cell) is read in that
engine's dialect and handed on in the notebook's, so `acme.crm.customers` in backquotes is
the same table whatever dialect the project's `.sql` files use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlglot
from sqlglot.errors import SqlglotError

from lacuna_cli.extract.magics import IDENTIFIER, SqlMagic
from lacuna_cli.extract.sql_split import StatementText, split_until_error

SQL_MODULE = "_lacuna_sql"
IMPORT = f"import duckdb as {SQL_MODULE}"
ENGINES = "_lacuna_engines"
QUOTED = re.compile(r"'(?:[^']|'')*'|\"[^\"]*\"")
BOUND = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
TABLE_NAME = re.compile(r"^[\w$`\"\[\]-]+(\.[\w$`\"\[\]-]+){0,3}$")
ESCAPES = {"\\": "\\\\", '"': '\\"', "\r": "\\r"}


@dataclass
class SqlCode:
    """Python lines (as many as the SQL lines given) and what the translation met: problems as
    (0-based line, message), and each statement's text and 1-based column by its 0-based line."""

    lines: list[str]
    problems: list[tuple[int, str]] = field(default_factory=list)
    statements: dict[int, tuple[str, int]] = field(default_factory=dict)


def sql_cell(lines: list[str], magic: SqlMagic, read: str | None, write: str | None) -> SqlCode:
    """A whole SQL cell in dialect `read`, for an extractor reading dialect `write`: `lines[0]`
    is the magic line (any SQL after the magic on it counts, kept at its column), the other
    lines are SQL."""
    first = " " * magic.query_column + magic.query if magic.query else ""
    code = statements_as_python([first, *lines[1:]], (read, write), magic.result,
                                magic.destination, binds=magic.name == "sql")
    code.lines[0] = _joined(_magic_python(magic), code.lines[0])
    return code


def sql_line(line: str, magic: SqlMagic, dialect: str | None) -> SqlCode:
    """A `%sql ...` line magic inside a Python cell, at its indent."""
    indent = line[: len(line) - len(line.lstrip())]
    sql = " " * magic.query_column + magic.query if magic.query else ""
    code = statements_as_python([sql], (dialect, dialect), magic.result, magic.destination,
                                binds=magic.name == "sql")
    code.lines[0] = indent + _joined(_magic_python(magic), code.lines[0].lstrip())
    return code


def statements_as_python(sql_lines: list[str], dialects: tuple[str | None, str | None],
                         result: str | None, destination: str | None, binds: bool = False
                         ) -> SqlCode:
    """One call per statement, each starting on its statement's line; the last statement's
    result is bound to `result`, and written into `destination` when one is named.
    `dialects`: what the SQL is written in, what the extractor reads. With `binds`, the
    notebook's variables a statement names as `:name` (ipython-sql, jupysql) are its
    parameters."""
    code = SqlCode(lines=[])
    sql = "\n".join(sql_lines)
    statements, broken = split_until_error(sql, dialects[0]) if sql.strip() else ([], None)
    if broken is not None:
        code.problems.append((broken - 1, ("cannot tokenize SQL: unterminated string, quote or "
                                           "comment; the rest of the cell is not analysed")))
    if destination is not None and not TABLE_NAME.match(destination):
        code.problems.append((0, f"cannot read the destination table `{destination}`"))
        destination = None
    pieces: list[str] = []
    line = 0  # 0-based line the pieces so far end on
    for index, statement in enumerate(statements):
        last = index == len(statements) - 1
        try:
            text = _in_dialect(statement.text, *dialects)
        except SqlProblem as problem:
            code.problems.append((statement.line - 1, str(problem)))
            continue
        if last and destination is not None:
            text = f"CREATE TABLE {destination} AS {text}"
        names = _bound_names(text) if binds else []
        given = f", [{', '.join(names)}]" if names else ""
        call = f"{SQL_MODULE}.sql({_literal(text)}{given})"
        if last and result is not None and IDENTIFIER.match(result):
            call = f"{result} = {call}"
        start = statement.line - 1
        pieces.append("\n" * (start - line) if start > line else ("; " if pieces else ""))
        pieces.append(call)
        line = start + text.count("\n")
        code.statements[start] = (_snippet(statement), statement.column)
    python = "".join(pieces)
    code.lines = python.split("\n") + [""] * (len(sql_lines) - 1 - python.count("\n"))
    return code


class SqlProblem(Exception):
    """A statement of a cell that cannot be read in the dialect of the cell's engine."""


def _in_dialect(text: str, read: str | None, write: str | None) -> str:
    """The statement as the extractor's dialect writes it (as written when they agree)."""
    if read is None or read == write:
        return text
    try:
        return "; ".join(sqlglot.transpile(text, read=read, write=write))
    except (SqlglotError, RecursionError) as exc:
        detail = getattr(exc, "errors", None) or [{}]
        reason = detail[0].get("description") or str(exc).split("\n", 1)[0]
        raise SqlProblem(f"cannot parse SQL ({read}): {reason}") from None


def _magic_python(magic: SqlMagic) -> str:
    """The import the calls need, and a DataFrame persisted into a table of its name. On a
    connection a magic named, the calls run on that database: a table of a server outside
    is that server's (`db_servers.py`)."""
    setup = IMPORT
    if magic.connection is not None:
        setup += (f"; import sqlalchemy as {ENGINES}; "
                  f"{SQL_MODULE} = {ENGINES}.create_engine({_literal(magic.connection)})"
                  ".connect()")
    persist = magic.persist
    if persist is not None and IDENTIFIER.match(persist):
        into = SQL_MODULE if magic.connection is not None else "None"
        return f'{setup}; {persist}.to_sql("{persist}", {into})'
    return setup


def _bound_names(statement: str) -> list[str]:
    """The notebook variables a statement binds as `:name`, outside its string literals and
    `::` casts."""
    unquoted = QUOTED.sub("''", statement)
    return list(dict.fromkeys(BOUND.findall(unquoted)))


def _joined(first: str, second: str) -> str:
    return f"{first}; {second}" if second.strip() else first


def _literal(text: str) -> str:
    """A Python string literal of `text` whose newlines stay real newlines (lines are kept)."""
    escaped = "".join(ESCAPES.get(char, char) if char >= " " or char in "\n\t"
                      else f"\\x{ord(char):02x}" for char in text)
    return f'"""{escaped}"""'


def _snippet(statement: StatementText) -> str:
    return " ".join(statement.text.split())[:200]
