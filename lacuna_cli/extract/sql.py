"""SQL extraction with sqlglot: which tables each statement reads and writes, column by column.

A script is split into statements on the token stream (so a statement's line is exact and one
bad statement does not hide the others); each is parsed on its own in the configured dialect,
then in sqlglot's generic one, before it is reported. SQL inside opaque statements (procedure
bodies, `UNLOAD ('select ...')`, `EXECUTE IMMEDIATE`) is cut out and analysed as a script of its
own. Across a script, a table written by one statement and read by a later one is resolved
through to the sources it was built from, at table and at column level. The same analysis
serves `.sql` files, dbt models and SQL strings embedded in Python.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from lacuna_cli.extract.graph import GraphBuilder
from lacuna_cli.extract.sql_columns import ColumnLineage, ColumnResolver, Outputs, column_lineage
from lacuna_cli.extract.sql_opaque import command_flows, embedded_sql, looks_opaque
from lacuna_cli.extract.sql_split import (
    StatementText, column_of, line_of, split_until_error,
)
from lacuna_cli.extract.sql_tables import Flow, flows_of
from lacuna_cli.extract.sql_shape import shape
from lacuna_cli.models import Action, Extraction, FileError, Location, Resource, Transform

# sqlglot warns on stderr for every statement it keeps as an opaque Command; those are handled
# (or deliberately ignored) here, so the warning would only be noise in a user's terminal.
logging.getLogger("sqlglot").setLevel(logging.ERROR)

Problem = tuple[int, str]
# Dialects whose engines also accept another dialect's syntax (Athena runs Hive DDL and takes
# Hive's backquoted names), tried after the configured dialect and before the generic one.
RELATED_DIALECTS = {"athena": "hive"}
NO_SEMICOLON_KEYWORDS = {"SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "CREATE", "WITH",
                         "DROP", "ALTER", "TRUNCATE", "DECLARE", "SET", "EXEC", "EXECUTE"}


@dataclass
class StatementLineage:
    """What one statement reads and writes, and how its result relates to its sources.

    `kind` is the statement keyword (see sql_tables.Flow); `statement` the index of the top-level
    statement it came from (statements of one procedure body share it); `column_lineage` has one
    entry per output column.
    """

    action: Action
    sources: list[Resource]
    target: Resource | None
    transform: Transform
    keys: tuple[str, ...] = ()
    columns: tuple[str, ...] | None = None
    line: int = 1
    column: int = 1
    snippet: str = ""
    kind: str = "select"
    column_lineage: tuple[ColumnLineage, ...] = ()
    statement: int = 0
    temporary: bool = False


class ScriptAnalysis:
    """Walks a script statement by statement, remembering what earlier statements wrote."""

    def __init__(self, dialect: str | None, schema: Mapping[str, Sequence[str]] | None) -> None:
        self.dialect = dialect or None
        self.schema = schema or {}
        self.upstream: dict[str, tuple[Resource, ...]] = {}
        self.written: dict[str, Outputs] = {}
        self.found: list[StatementLineage] = []
        self.problems: list[Problem] = []

    def script(self, sql: str, first_line: int = 1, index: int | None = None) -> None:
        statements, broken = split_until_error(sql, self.dialect)
        if broken is not None:
            self.problems.append((first_line + broken - 1,
                                  "cannot tokenize SQL: unterminated string, quote or comment"))
        for number, statement in enumerate(statements):
            line = first_line + statement.line - 1
            self.statement(statement, line, number if index is None else index)

    def statement(self, statement: StatementText, line: int, index: int) -> None:
        text = statement.text
        if looks_opaque(text):
            inner = embedded_sql(text)
            if inner is not None:
                for part in inner:
                    before = len(self.found)
                    self.script(part.text, line + line_of(text, part.offset) - 1, index)
                    if part.target is not None:
                        self.redirect(before, part.target, "unload")
                return
        try:
            trees = self._parse(text)
        except (ParseError, TokenError) as exc:
            self.problems.append((line + _error_line(exc) - 1, _error_message(exc)))
            return
        for offset, tree in trees:
            here = line + line_of(text, offset) - 1
            column = statement.column if offset == 0 else column_of(text, offset)
            self.tree(tree, text[offset:], here, column, index)

    def _parse(self, text: str) -> list[tuple[int, exp.Expression]]:
        """Parse one statement: the configured dialect, then the generic one; a T-SQL batch
        without semicolons is split where the parser finds a second statement begin."""
        try:
            return [(0, _parse_one(text, self.dialect))]
        except (ParseError, TokenError) as first:
            split = _second_statement(text, first)
            if split is not None:
                head = self._parse(text[:split])
                return head + [(split + o, t) for o, t in self._parse(text[split:])]
            for fallback in (RELATED_DIALECTS.get(self.dialect or ""), None):
                if fallback == self.dialect:
                    continue
                try:
                    return [(0, _parse_one(text, fallback))]
                except (ParseError, TokenError):
                    continue
            raise first from None

    def tree(self, tree: exp.Expression | None, text: str, line: int, column: int,
             index: int) -> None:
        if tree is None:
            return
        flows = command_flows(tree, text)
        if flows is None:
            flows = flows_of(tree)
        # The flows of one statement happen at once (a swap): resolve all, then remember.
        remembered = [self.flow(flow, tree, text, line, column, index) for flow in flows]
        for flow, sources, outputs in (r for r in remembered if r is not None):
            self._remember(flow, sources, outputs)

    def flow(self, flow: Flow, tree: exp.Expression, text: str, line: int, column: int,
             index: int) -> tuple[Flow, list[Resource], Outputs] | None:
        """Record one flow; returns what a later statement must know about its target."""
        target = flow.target
        if flow.kind == "drop":
            if target is not None:
                self.upstream.pop(target.name, None)
                self.written.pop(target.name, None)
            self.found.append(self._lineage(flow, [], (), line, column, text, index))
            return None
        outputs = ColumnResolver(self.schema, self.written).outputs_of(flow, tree)
        lineage = column_lineage(outputs)
        sources = self._resolved(flow.sources)
        sources = [_with_columns(s, tree, lineage, len(flow.sources)) for s in sources]
        self.found.append(self._lineage(flow, sources, lineage, line, column, text, index, tree))
        return (flow, sources, outputs) if target is not None and target.kind == "table" else None

    def _remember(self, flow: Flow, sources: list[Resource], outputs: Outputs) -> None:
        """What a later statement reading the flow's target table really reads."""
        name = flow.target.name if flow.target is not None else ""
        appends = flow.kind in ("insert", "merge", "update")
        kept = self.upstream.get(name, ()) if appends else ()
        self.upstream[name] = tuple(dict.fromkeys((*kept, *sources)))
        renamed = flow.kind == "rename" and flow.sources
        self.written[name] = self.written.get(flow.sources[0].name, []) if renamed else outputs

    def _resolved(self, sources: Sequence[Resource]) -> list[Resource]:
        """Each source, followed by what it was built from earlier in the script."""
        resolved: dict[Resource, None] = {}
        for source in sources:
            resolved[source] = None
            for upstream in self.upstream.get(source.name, ()) if source.kind == "table" else ():
                resolved.setdefault(upstream, None)
        return list(resolved)

    def _lineage(self, flow: Flow, sources: list[Resource], lineage: tuple[ColumnLineage, ...],
                 line: int, column: int, text: str, index: int,
                 tree: exp.Expression | None = None) -> StatementLineage:
        keys, columns, transform = shape(flow, len(sources), lineage)
        action: Action = "query"
        if flow.target is not None:
            action = "write" if flow.target.kind == "table" else "export"
        return StatementLineage(
            action=action, sources=sources, target=flow.target, transform=transform, keys=keys,
            columns=columns, line=line, column=column, snippet=" ".join(text.split())[:200],
            kind=flow.kind, column_lineage=lineage, statement=index, temporary=flow.temporary,
        )

    def redirect(self, start: int, target: Resource, kind: str) -> None:
        """Queries whose result a wrapper stores: `UNLOAD ('select ...') TO 's3://...'`, or a
        dbt model's SELECT materialised as the model's table."""
        action: Action = "write" if target.kind == "table" else "export"
        for position in range(start, len(self.found)):
            found = self.found[position]
            if found.target is None and found.kind != "drop":
                self.found[position] = replace(found, target=target, action=action, kind=kind)


def _parse_one(text: str, dialect: str | None) -> exp.Expression:
    return sqlglot.parse_one(text, read=dialect)


def _second_statement(text: str, error: Exception) -> int | None:
    """Offset of a statement keyword starting a line where the parser expected no more input
    (T-SQL batches often omit semicolons between statements)."""
    errors = getattr(error, "errors", None) or [{}]
    first = errors[0]
    if first.get("description") != "Invalid expression / Unexpected token":
        return None
    line, col, word = first.get("line"), first.get("col"), (first.get("highlight") or "")
    if not line or not col or word.upper() not in NO_SEMICOLON_KEYWORDS:
        return None
    lines = text.split("\n")
    offset = sum(len(part) + 1 for part in lines[: line - 1]) + col - len(word)
    start_of_line = text.rfind("\n", 0, offset) + 1
    if offset <= 0 or text[start_of_line:offset].strip():
        return None
    return offset


def _with_columns(source: Resource, tree: exp.Expression, lineage: tuple[ColumnLineage, ...],
                  table_count: int) -> Resource:
    """The columns a statement references on a source table: those feeding its output columns
    and those it filters or joins on (qualified by the table's alias, or unqualified if alone)."""
    if source.kind != "table":
        return source
    names = [column for entry in lineage for table, column in entry.sources
             if table == source.name and column != "*"]
    aliases = {t.alias_or_name.lower() for t in tree.find_all(exp.Table)
               if ".".join(p.name for p in t.parts).lower() == source.name}
    for column in tree.find_all(exp.Column):
        qualifier = column.table.lower()
        if (qualifier in aliases or not qualifier and table_count == 1) and column.name:
            names.append(column.name.lower())
    return source.model_copy(update={"columns": tuple(dict.fromkeys(names))}) if names else source


def analyse_script(sql: str, dialect: str | None,
                   schema: Mapping[str, Sequence[str]] | None = None,
                   into: Resource | None = None) -> tuple[list[StatementLineage], list[Problem]]:
    """Every statement of a script, DDL effects (`drop`) included, and (line, message) for those
    that fail — the full picture a lineage tool needs. With `into`, query results are written
    there (a dbt model's SELECT builds the model)."""
    analysis = ScriptAnalysis(dialect, schema)
    analysis.script(sql)
    if into is not None:
        analysis.redirect(0, into, "model")
    return analysis.found, analysis.problems


def analyse_sql(sql: str, dialect: str | None, schema: Mapping[str, Sequence[str]] | None = None,
                into: Resource | None = None) -> tuple[list[StatementLineage], list[Problem]]:
    """The statements of a script that move data, and (line, message) for those that fail."""
    found, problems = analyse_script(sql, dialect, schema, into)
    return [s for s in found if s.kind != "drop"], problems


def _error_line(exc: Exception) -> int:
    errors = getattr(exc, "errors", None) or [{}]
    return int(errors[0].get("line") or 1)


def _error_message(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if errors:
        first = errors[0]
        near = (first.get("highlight") or "").strip()
        return f"cannot parse SQL: {first.get('description', 'syntax error')}" + (
            f" near '{near}'" if near else "")
    return f"cannot parse SQL: {str(exc).splitlines()[0]}"


def extract_sql(text: str, relpath: str, dialect: str | None,
                schema: Mapping[str, Sequence[str]] | None = None,
                into: Resource | None = None) -> Extraction:
    """Operations and lineage for a `.sql` file; bad statements become errors, not a stop."""
    graph = GraphBuilder(relpath)
    statements, problems = analyse_sql(text, dialect, schema, into)
    for statement in statements:
        location = Location(path=relpath, line=statement.line, column=statement.column)
        graph.add_sql_statement(statement, location)
    errors = [FileError(path=relpath, line=line, message=message) for line, message in problems]
    return graph.build("sql", errors)
