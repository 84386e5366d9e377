"""Statements no dialect parses as written, rewritten so one does — without losing what they do.

- psql meta-commands: `\\copy (SELECT ...) TO 'file'` is a COPY run by the client (an export all
  the same); `\\g file` ends the query before it, whose rows go to the file, and `\\o file`
  sends the rows of the queries after it there until the next `\\o` (`psql_outputs`); other
  backslash commands (`\\set`, `\\connect`, `\\echo`) are not SQL and go. A meta-command
  ends at the end of its line, not at a semicolon.
- MySQL's `SELECT ... INTO OUTFILE 'f'` (or `DUMPFILE`): the query is parsed without the clause
  and its result goes to the file.
- T-SQL's compound assignments in `UPDATE ... SET a += b`: read as `SET a = b` (the column
  keeps its table; what it is combined with is the assigned value).
- `SELECT a, b INTO x, y FROM t` (PL/pgSQL, MySQL, Snowflake scripting), `INTO @x`, `INTO :x`:
  the INTO list names variables, not tables; the query is parsed without it and reads `t`.

Rewrites keep every offset and line: removed text becomes spaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lacuna_cli.extract.sql_tables import location_resource
from lacuna_cli.models import Resource

META = re.compile(r"^[ \t]*\\(\w+)[^\n]*", re.M)
OUTFILE = re.compile(r"\binto\s+(?:outfile|dumpfile)\s+'([^']*)'.*?(?=\bfrom\b|\Z)", re.I | re.S)
VARIABLE = r"(?::|@)?[A-Za-z_][\w$]*"
INTO_VARIABLES = re.compile(
    rf"\binto\s+(?:{VARIABLE}\s*,\s*)+{VARIABLE}(?=\s+from\b|\s+where\b|\s*;?\s*\Z)"
    rf"|\binto\s+[:@][A-Za-z_][\w$]*(?=\s+from\b|\s+where\b|\s*;?\s*\Z)", re.I)
QUERY_START = re.compile(r"^\s*(select|with)\b", re.I)
UPDATE_START = re.compile(r"^\s*update\b", re.I)
COMPOUND_ASSIGNMENT = re.compile(r"'(?:[^']|'')*'|[+\-*/%&|^]=")


@dataclass(frozen=True)
class Rewritten:
    """A statement as a parser can read it, and where its result goes when a removed clause
    said so (`INTO OUTFILE`)."""

    text: str
    target: Resource | None = None


def psql_commands(script: str) -> str:
    """A script with psql meta-commands turned into SQL statements or blanked."""
    if "\\" not in script:
        return script
    return META.sub(_meta, script)


def _meta(match: re.Match[str]) -> str:
    line = match.group(0)
    command = match.group(1).lower()
    if command == "copy":
        return line.replace("\\", " ", 1) + ";"
    if command in SEND_QUERY:  # `\g file` runs the query before it, as `;` would
        return ";" + " " * (len(line) - 1)
    return " " * len(line)


SEND_QUERY = {"g", "gx"}
OUTPUT = {"o", "out"}


@dataclass(frozen=True)
class PsqlOutput:
    """Where psql writes query rows from a line of a script on: `\\o file` (`place` None:
    `\\o` alone, back to the terminal) for every later query, `\\g file` (`after`) for the
    query before it alone."""

    line: int
    place: Resource | None
    after: bool


def psql_outputs(script: str) -> list[PsqlOutput]:
    """The `\\o` and `\\g` lines of a psql script, in order (1-based lines). A place given as
    `|command` pipes the rows into a program: where they end up is computed at run time."""
    if "\\" not in script:
        return []
    found = []
    for match in META.finditer(script):
        command = match.group(1).lower()
        if command not in OUTPUT | SEND_QUERY:
            continue
        argument = match.group(0).split(None, 1)[1].strip() if len(
            match.group(0).split(None, 1)) > 1 else ""
        place = None
        if argument.startswith("|"):
            place = Resource(kind="unknown", name=f"psql output piped to `{argument[1:].strip()}`")
        elif argument:
            place = location_resource(argument.strip("'\""))
        if command in SEND_QUERY and place is None:
            continue  # `\\g` alone: the rows go where the output goes already
        found.append(PsqlOutput(script.count("\n", 0, match.start()) + 1, place,
                                command in SEND_QUERY))
    return found


def rewrite(statement: str) -> Rewritten:
    """The statement with clauses no parser reads blanked out."""
    if UPDATE_START.match(statement):
        return Rewritten(COMPOUND_ASSIGNMENT.sub(_plain_assignment, statement))
    if not QUERY_START.match(statement):
        return Rewritten(statement)
    target = None
    if outfile := OUTFILE.search(statement):
        target = location_resource(outfile.group(1))
        statement = _blank(statement, outfile)
    elif variables := INTO_VARIABLES.search(statement):
        statement = _blank(statement, variables)
    return Rewritten(statement, target)


def _plain_assignment(match: re.Match[str]) -> str:
    text = match.group(0)
    return text if text.startswith("'") else " ="


def _blank(text: str, match: re.Match[str]) -> str:
    removed = re.sub(r"[^\n]", " ", match.group(0))
    return text[:match.start()] + removed + text[match.end():]
