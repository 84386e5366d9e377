"""Parameter placeholders and template holes in SQL: made parseable, then given back.

Real SQL arrives with holes the database driver or a template engine fills in at run time:
`%s` and `%(name)s` (psycopg, MySQLdb), `{{ expr }}` (Jinja: Airflow, dbt expressions nobody
resolved), `${var}` (Spark, Hive, shell), `$(var)` (sqlcmd), `%var%` (batch files), and Python
format fields left by f-strings and `str.format` (`{name}`, `{cfg['schema']}`, `{0!r}`).
sqlglot cannot parse any of them, so each is replaced before parsing by a stand-in every
dialect accepts — a name where the hole is part of a name or follows FROM/JOIN/INTO/TABLE/...,
a string literal elsewhere — and every name, snippet and message built from the stand-ins gets
the hole back as written. A table or location whose whole name is a hole is `unknown`: what it
is is only known at run time. Holes inside string literals are data, not SQL, and stay. `?`,
`$1`, `:name` and `@p` parse as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lacuna_cli.models import Resource

HOLE_PATTERN = r"""
    \{\{.*?\}\} | \{%.*?%\} | \{\#.*?\#\}
  | \$\{[^{}\n]*\} | \$\([A-Za-z_][\w.]*\)
  | %\([^()\n]*\)[sdbt] | %[sdbt](?!\w) | %[A-Za-z_][\w.]*%(?!\w)
  | \{(?![\s'"])(?:[^{}\n'"]|'[^'\n]*'|"[^"\n]*")*\}
"""
HOLE = re.compile(HOLE_PATTERN, re.S | re.X)
SCAN = re.compile(r"""
    (?P<string>'(?:[^']|'')*'?)
  | (?P<comment>--[^\n]*|/\*.*?(?:\*/|\Z))
  | (?P<quoted>"(?:[^"]|"")*"?|`[^`]*`?)
  | (?P<hole>""" + HOLE_PATTERN + ")", re.S | re.X)
STAND_IN = re.compile(r"'lacuna_hole_(\d+)_'|lacuna_hole_(\d+)_")
# A hole right after one of these words names a table, not a value.
NAMING_WORDS = {"FROM", "JOIN", "INTO", "TABLE", "UPDATE", "USING", "VIEW", "EXISTS", "ONLY",
                "TRUNCATE", "COPY", "CLONE", "DESCRIBE", "STAGE"}
NAME_CHARS = re.compile(r"[\w.$#@]")
# `{fn NOW()}`, `{d '2024-01-01'}` (ODBC escapes) and `{a: 1}` (DuckDB structs) are SQL.
NOT_A_FIELD = re.compile(r"^\{\w+\s|:\s")
LAST_WORD = re.compile(r"(\w+)\s*$")
COMMENTS = re.compile(r"/\*.*?\*/|--[^\n]*", re.S)
LOOK_BACK = 400  # characters read back to find what precedes a hole
OPERAND_END = re.compile(r"[\w)\]]")


@dataclass
class Holes:
    """The holes of one script, in the order they were replaced (index = stand-in number)."""

    written: list[str] = field(default_factory=list)

    def normalise(self, sql: str) -> str:
        """`sql` with every hole outside string literals replaced by a stand-in."""
        if not any(mark in sql for mark in ("{", "%", "${", "$(")):
            return sql
        out: list[str] = []
        position = 0
        for match in SCAN.finditer(sql):
            if match.group("string") is not None or match.group("comment") is not None:
                continue
            out.append(sql[position:match.start()])
            position = match.end()
            if match.group("quoted") is not None:
                out.append(HOLE.sub(lambda m: self._stand_in(m.group(0), "name"),
                                    match.group(0)))
            else:
                out.append(self._hole(sql, match.start(), match.end()))
        out.append(sql[position:])
        return "".join(out)

    def _hole(self, sql: str, start: int, end: int) -> str:
        written = sql[start:end]
        newlines = "\n" * written.count("\n")
        if written.startswith(("{%", "{#")):
            return newlines  # a Jinja tag nobody rendered: no SQL of its own
        if written.startswith("{") and not written.startswith("{{") and \
                NOT_A_FIELD.search(written):
            return written
        if written.startswith("%") and not written.startswith("%(") and start and \
                OPERAND_END.match(sql[start - 1]):
            return written  # `a%b%c` and `a%b` are arithmetic
        before = _code_before(sql, start)
        if before is not None and (not before or before.endswith(";")):
            return newlines  # a template call standing as a statement of its own (dbt hooks)
        word = LAST_WORD.search((before or "")[-40:])
        glued = NAME_CHARS.match(sql[start - 1]) or (end < len(sql) and NAME_CHARS.match(sql[end]))
        if glued or (word and word.group(1).upper() in NAMING_WORDS):
            return self._stand_in(written, "name") + newlines
        value = self._stand_in(written, "value")
        return (f"({value})" if word and word.group(1).upper() == "IN" else value) + newlines

    def _stand_in(self, written: str, kind: str) -> str:
        self.written.append(written)
        name = f"lacuna_hole_{len(self.written) - 1}_"
        return name if kind == "name" else f"'{name}'"

    def restore(self, text: str) -> str:
        """`text` with every stand-in given back its hole as written."""
        if not self.written or "lacuna_hole_" not in text:
            return text
        return STAND_IN.sub(self._written, text)

    def _written(self, match: re.Match[str]) -> str:
        index = int(match.group(1) or match.group(2))
        return self.written[index] if index < len(self.written) else match.group(0)

    def resource(self, resource: Resource) -> Resource:
        """A resource named through stand-ins, named as written; unknown when only holes."""
        if not self.written or "lacuna_hole_" not in resource.name:
            return resource
        name = self.restore(resource.name)
        columns = tuple(self.restore(c) for c in resource.columns)
        if STAND_IN.sub("", resource.name).strip("./ "):
            return resource.model_copy(update={"name": name, "columns": columns})
        what = "table" if resource.kind == "table" else "location"
        return Resource(kind="unknown", name=f"{what} named by `{name}`", columns=columns)


def _code_before(sql: str, start: int) -> str | None:
    """The SQL right before `start`, comments left out (None when it lies too far back)."""
    window = sql[max(0, start - LOOK_BACK):start]
    code = COMMENTS.sub(" ", window).rstrip()
    return None if not code and start > LOOK_BACK else code
