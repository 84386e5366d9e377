"""Database command-line clients that run SQL and keep what it returns in a local file:
`psql -c "\\copy (SELECT email FROM customers) TO 'x.csv' CSV"`, `psql -c "SELECT ..." -o
x.csv`, `mysql -e "SELECT ..." > x.tsv`, `sqlite3 app.db "SELECT ..." > x.csv`, `bq query
'SELECT ...' > x.csv`. The query reads the database's tables and the file holds its rows. A
script runs such a command with `subprocess.run([...])` or `os.system("...")`, a notebook with
`!psql ...`, a DAG in a BashOperator: all are read here from the command's words.

The tables are the knowledge: which clients take their SQL in which option (or argument), and
which options name the file their output goes to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lacuna_cli.extract.shell_words import commands

# Client -> the options whose value is the SQL it runs.
SQL_OPTIONS: dict[str, tuple[str, ...]] = {
    "psql": ("-c", "--command"), "vsql": ("-c", "--command"), "duckdb": ("-c",),
    "mysql": ("-e", "--execute"), "mariadb": ("-e", "--execute"),
    "clickhouse-client": ("-q", "--query"), "snowsql": ("-q", "--query"),
    "sqlcmd": ("-Q", "-q"), "trino": ("--execute",), "presto": ("--execute",),
}
# Clients whose SQL is an argument: the how-manieth one that is not an option (`sqlite3 DB
# SQL`), after the words that start the command (`bq query SQL`).
SQL_ARGUMENTS: dict[tuple[str, ...], int] = {("sqlite3",): 1, ("bq", "query"): 0}
# Client -> the options whose value is the file its output is written to.
OUTPUT_OPTIONS: dict[str, tuple[str, ...]] = {"psql": ("-o", "--output"), "sqlcmd": ("-o",),
                                              "vsql": ("-o",)}
# Options of the clients above that take a value (the value is not the SQL argument).
VALUE_OPTIONS = frozenset({"-h", "--host", "-p", "--port", "-U", "--username", "-d",
                           "--dbname", "-u", "--user", "-D", "--database", "-S", "-f",
                           "--file", "--project_id", "--format", "-F", "-v", "--set"})
REDIRECTS = (">", ">>")
# psql's `\copy (query) TO 'file'` / `\copy table TO 'file'`, and `\o file` before a query.
PSQL_COPY = re.compile(r"\\copy\s+(\((?P<query>.*)\)|(?P<table>[\w.\"]+))\s+to\s+"
                       r"(?P<quote>'?)(?P<path>[^'\s]+)(?P=quote)", re.IGNORECASE | re.DOTALL)
PSQL_OUTPUT = re.compile(r"\\o\s+(?P<path>[^\s\\]+)\s*(?P<rest>.*)", re.DOTALL)
COPY_TO_STDOUT = re.compile(r"^\s*copy\b.*\bto\s+stdout\b", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class DatabaseExport:
    """A client's query and the file what it returns is written to. `copies`: the SQL is a
    `COPY ... TO STDOUT` whose output the shell sends into `path`."""

    query: str
    path: str
    copies: bool = False


def database_export_of(words: list[str]) -> DatabaseExport | None:
    """The first command of a line that runs SQL with a database client and writes what it
    returns to a file (see the module); None when none does."""
    for command in commands(words):
        sql = _sql_of(command)
        if sql is None:
            continue
        copied = PSQL_COPY.search(sql)
        if copied is not None:
            query = copied["query"] or f"SELECT * FROM {copied['table']}"
            return DatabaseExport(query.strip(), copied["path"])
        output = PSQL_OUTPUT.search(sql)
        if output is not None and output["rest"].strip():
            return DatabaseExport(output["rest"].strip(), output["path"])
        path = _output_of(command)
        if path is not None:
            return DatabaseExport(sql, path, copies=COPY_TO_STDOUT.match(sql) is not None)
    return None


def _sql_of(command: list[str]) -> str | None:
    """The SQL a database client is given on its command line, or None."""
    options = SQL_OPTIONS.get(command[0], ())
    for index, word in enumerate(command[1:], start=1):
        for option in options:
            if word == option and index + 1 < len(command):
                return command[index + 1]
            if option.startswith("--") and word.startswith(option + "="):
                return word[len(option) + 1:]
            if not option.startswith("--") and word.startswith(option) and len(word) > 2:
                return word[len(option):]  # `-c"SELECT 1"` as one word
    start = next((s for s in SQL_ARGUMENTS if tuple(command[:len(s)]) == s), None)
    if start is None:
        return None
    arguments = _arguments(command[len(start):])
    position = SQL_ARGUMENTS[start]
    return arguments[position] if position < len(arguments) else None


def _arguments(words: list[str]) -> list[str]:
    """The words that are neither options nor their values, up to a redirection."""
    found: list[str] = []
    skip = False
    for word in words:
        if word in REDIRECTS:
            break
        if skip:
            skip = False
        elif word.startswith("-"):
            skip = word in VALUE_OPTIONS
        else:
            found.append(word)
    return found


def _output_of(command: list[str]) -> str | None:
    """The file a client's output goes to: its output option, else a `>` redirection."""
    options = OUTPUT_OPTIONS.get(command[0], ())
    for index, word in enumerate(command[:-1]):
        if word in options or word in REDIRECTS:
            return command[index + 1]
    return next((word[len(option) + 1:] for word in command for option in options
                 if option.startswith("--") and word.startswith(option + "=")), None)
