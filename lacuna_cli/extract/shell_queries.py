"""Database command-line clients that run SQL and keep what it returns in a local file:
`psql -c "\\copy (SELECT email FROM customers) TO 'x.csv' CSV"`, `psql -c "SELECT ..." -o
x.csv`, `mysql -e "SELECT ..." > x.tsv`, `sqlite3 app.db "SELECT ..." > x.csv`, `bq query
'SELECT ...' | gzip > x.csv.gz`, `psql -f sql/export.sql -o x.csv`. The query reads the
database's tables and the file holds its rows. A script runs such a command with
`subprocess.run([...])` or `os.system("...")` (also through `bash -c`, `sudo -u postgres`,
`PGPASSWORD=... psql`), a notebook with `!psql ...`, a DAG in a BashOperator: all are read here
from the command's words.

Which clients take their SQL in which option (or argument), and which options name the file
their output goes to, is knowledge kept in `rules/shell/database_clients.yaml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from lacuna_cli.extract.shell_words import OPERATOR_CHARACTERS, command_words
from lacuna_cli.shipped import shipped_dir
from lacuna_cli.yamlfile import read_yaml

@dataclass(frozen=True)
class Client:
    """What one client takes: the options giving its SQL, a file of SQL, its output file; or
    the argument its SQL is (`sql_position`, after the subcommand `sql_after`)."""

    sql: tuple[str, ...] = ()
    sql_file: tuple[str, ...] = ()
    output: tuple[str, ...] = ()
    sql_after: str | None = None
    sql_position: int | None = None


@dataclass(frozen=True)
class Clients:
    """The knowledge in `rules/shell/database_clients.yaml`."""

    clients: dict[str, Client]
    value_options: frozenset[str]
    wrappers: dict[str, frozenset[str]]  # wrapper -> its options that take a value
    shells: frozenset[str]


@cache
def known_clients() -> Clients:
    """The shipped table of database clients (read once per process)."""
    data = read_yaml(shipped_dir("rules") / "shell" / "database_clients.yaml")
    clients = {}
    for name, entry in data["clients"].items():
        argument = entry.get("sql_argument") or {}
        clients[name] = Client(tuple(entry.get("sql", ())), tuple(entry.get("sql_file", ())),
                               tuple(entry.get("output", ())), argument.get("after"),
                               argument.get("position"))
    return Clients(clients, frozenset(data["value_options"]),
                   {name: frozenset(options) for name, options in data["wrappers"].items()},
                   frozenset(data["shells"]))


STDOUT_REDIRECTS = (">", ">>", "&>", "1>", ">|")
STDOUT_NAMES = frozenset({"stdout", "pstdout"})
ASSIGNMENT = re.compile(r"^[A-Za-z_]\w*=")  # `PGPASSWORD=secret psql ...`
DURATION = re.compile(r"^\d+(\.\d+)?[smhd]?$")  # `timeout 10m`, `nice -n 10`
# psql's `\copy (query) TO ...` / `\copy table [(columns)] TO ...`, and `\o file` before a
# query; the place is a quoted or bare file name, STDOUT, or `PROGRAM 'command'`.
PSQL_COPY = re.compile(
    r"\\copy\s+(\((?P<query>.*)\)|(?P<table>[\w.\"]+)\s*(\((?P<columns>[^)]*)\))?)\s+to\s+"
    r"(?P<program>program\s+)?(?:'(?P<quoted>[^']*)'|(?P<bare>[^'\s]+))",
    re.IGNORECASE | re.DOTALL)
PSQL_OUTPUT = re.compile(r"\\o\s+(?P<path>[^\s\\]+)\s*(?P<rest>.*)", re.DOTALL)
COPY_TO_STDOUT = re.compile(r"^\s*copy\b.*\bto\s+stdout\b", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class DatabaseExport:
    """A client's query (or `sql_file`, a file of SQL it runs) and where what it returns is
    written: `path`, a file, or with `program` a command the rows are piped into. `copies`:
    the SQL is a `COPY ... TO STDOUT` whose output the shell sends into `path`."""

    query: str
    path: str
    copies: bool = False
    program: bool = False
    sql_file: str | None = None


def database_export_of(words: list[str]) -> DatabaseExport | None:
    """The first command of a line that runs SQL with a database client and writes what it
    returns to a file (see the module); None when none does."""
    for command, after in _commands(words):
        command = unwrapped(command)
        if not command:
            continue
        if command[0] in known_clients().shells and "-c" in command[:-1]:
            inner = database_export_of(command_words(command[command.index("-c") + 1]))
            if inner is not None:
                return inner
            continue
        found = _export(command, after)
        if found is not None:
            return found
    return None


def _export(command: list[str], after: list[list[str]]) -> DatabaseExport | None:
    """What one client command exports (`after`: the commands its output is piped into)."""
    client = known_clients().clients.get(command[0].rsplit("/", 1)[-1])
    if client is None:
        return None
    output = _output_of(client, command) or _piped_output(after)
    sql_file = _option_value(command, client.sql_file)
    if sql_file is not None:
        return DatabaseExport("", output, sql_file=sql_file) if output is not None else None
    sql = _sql_of(client, command)
    if sql is None:
        return None
    copied = PSQL_COPY.search(sql)
    if copied is not None:
        columns = f"{copied['columns']}" if copied["columns"] else "*"
        query = copied["query"] or f"SELECT {columns} FROM {copied['table']}"
        path = copied["quoted"] if copied["quoted"] is not None else copied["bare"]
        if copied["program"]:
            return DatabaseExport(query.strip(), path, program=True)
        if path.lower() in STDOUT_NAMES:
            return DatabaseExport(query.strip(), output) if output is not None else None
        return DatabaseExport(query.strip(), path)
    meta_output = PSQL_OUTPUT.search(sql)
    if meta_output is not None and meta_output["rest"].strip():
        return DatabaseExport(meta_output["rest"].strip(), meta_output["path"])
    if output is not None:
        return DatabaseExport(sql, output, copies=COPY_TO_STDOUT.match(sql) is not None)
    return None


def _commands(words: list[str]) -> list[tuple[list[str], list[list[str]]]]:
    """Each command of a line with the commands its output is piped into (`a | b | c`)."""
    found: list[tuple[list[str], str]] = [([], "")]  # (words, the operator after them)
    for word in words:
        if word and set(word) <= OPERATOR_CHARACTERS:
            found[-1] = (found[-1][0], word)
            found.append(([], ""))
        else:
            found[-1][0].append(word)
    commands: list[tuple[list[str], list[list[str]]]] = []
    for index, (command, _) in enumerate(found):
        piped: list[list[str]] = []
        for later, (_, operator) in zip(found[index + 1:], found[index:], strict=False):
            if operator != "|":
                break
            piped.append(later[0])
        if command:
            commands.append((command, piped))
    return commands


def unwrapped(command: list[str]) -> list[str]:
    """The command a line runs past variable assignments and wrappers (`sudo -u postgres`,
    `/usr/bin/env X=1`, `timeout 10m`)."""
    rest = list(command)
    while rest:
        wrapper = rest[0].rsplit("/", 1)[-1]
        if ASSIGNMENT.match(rest[0]):
            rest.pop(0)
        elif wrapper in known_clients().wrappers:
            takes = known_clients().wrappers[wrapper]
            rest.pop(0)
            while rest and (rest[0].startswith("-") or ASSIGNMENT.match(rest[0])
                            or DURATION.match(rest[0])):
                option = rest.pop(0)
                if option in takes and rest:
                    rest.pop(0)
        else:
            break
    return rest


def _option_value(command: list[str], options: tuple[str, ...]) -> str | None:
    """The value of the first of `options` a command gives: `-c SQL`, `--command=SQL`, or
    flags written together ending in the option's letter (`psql -Atc SQL`)."""
    for index, word in enumerate(command[1:], start=1):
        for option in options:
            if option.startswith("--") and word.startswith(option + "="):
                return word[len(option) + 1:]
            together = len(option) == 2 and word.startswith("-") and not word.startswith("--") \
                and word[1:].isalpha() and word.endswith(option[1])
            if (word == option or together) and index + 1 < len(command):
                return command[index + 1]
    return None


def _sql_of(client: Client, command: list[str]) -> str | None:
    """The SQL a database client is given on its command line, or None."""
    given = _option_value(command, client.sql)
    if given is not None or client.sql_position is None:
        return given
    arguments = _arguments(command[1:])
    if client.sql_after is not None:
        if client.sql_after not in arguments:
            return None
        arguments = arguments[arguments.index(client.sql_after) + 1:]
    return arguments[client.sql_position] if client.sql_position < len(arguments) else None


def _arguments(words: list[str]) -> list[str]:
    """The words that are neither options nor their values, up to a redirection."""
    found: list[str] = []
    skip = False
    for word in words:
        if word in STDOUT_REDIRECTS or word.startswith(">"):
            break
        if skip:
            skip = False
        elif word.startswith("-"):
            skip = word in known_clients().value_options
        else:
            found.append(word)
    return found


def _output_of(client: Client, command: list[str]) -> str | None:
    """The file a client's output goes to: its output option, else a redirection of its
    standard output (`> f`, not `2> err.log`)."""
    option = _option_value(command, client.output)
    return option if option is not None else _redirected(command)


def _redirected(command: list[str]) -> str | None:
    for index, word in enumerate(command[:-1]):
        descriptor = command[index - 1] if index else ""
        if word in STDOUT_REDIRECTS and not (descriptor.isdigit() and descriptor != "1"):
            return command[index + 1]
    return None


def _piped_output(piped: list[list[str]]) -> str | None:
    """Where the commands a client's output is piped into write it (`| gzip > f`, `| tee
    f`)."""
    for command in piped:
        if command[:1] == ["tee"]:
            files = [w for w in command[1:] if not w.startswith("-")]
            if files:
                return files[0]
        redirected = _redirected(command)
        if redirected is not None:
            return redirected
    return None
