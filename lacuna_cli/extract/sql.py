"""SQL extraction with sqlglot: which tables each statement reads and writes, column by column.

A script's Jinja control flow is rendered and its placeholders and template holes replaced by
stand-ins (sql_jinja, sql_holes), then it is split into statements on the token stream (so a
statement's line is exact and one bad statement does not hide the others). Each statement is
parsed on its own: in the configured dialect, then the related and generic ones, then every
other dialect in RETRY_DIALECTS, until one parses it into something other than an opaque
command; the operation of a statement read in another dialect than the configured one says so
(`-- parsed as bigquery` at the end of its code). A statement no dialect parses, or that parses
into nothing Lacuna understands while naming data, is an error at its line — never dropped.
SQL inside opaque statements (procedure bodies, `UNLOAD ('select ...')`, `EXECUTE IMMEDIATE`)
is cut out and analysed as a script of its own. Across a script, a table written by one
statement and read by a later one is resolved through to the sources it was built from, at
table and at column level, and a stage created with a URL resolves to that URL. The same
analysis serves `.sql` files, dbt models and SQL strings embedded in Python.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from lacuna_cli.extract.graph import GraphBuilder
from lacuna_cli.extract.sql_columns import ColumnLineage, ColumnResolver, Outputs, column_lineage
from lacuna_cli.extract.sql_ddl import declared_columns
from lacuna_cli.extract.sql_holes import Holes
from lacuna_cli.extract.sql_jinja import has_jinja, render_jinja
from lacuna_cli.extract.sql_opaque import (
    command_flows, embedded_sql, is_text_command, looks_opaque, opaque_names_data,
)
from lacuna_cli.extract.sql_rewrite import PsqlOutput, psql_commands, psql_outputs, rewrite
from lacuna_cli.extract.sql_shape import shape
from lacuna_cli.extract.sql_split import (
    StatementText, column_of, line_of, split_until_error,
)
from lacuna_cli.extract.sql_foreign import ForeignTables, remote_sends
from lacuna_cli.extract.sql_tables import Flow, flows_of
from lacuna_cli.models import Action, Extraction, FileProblem, Location, Resource, Transform

# sqlglot warns on stderr for every statement it keeps as an opaque Command; those are handled
# (or deliberately ignored) here, so the warning would only be noise in a user's terminal.
logging.getLogger("sqlglot").setLevel(logging.ERROR)

Problem = tuple[int, str]
# Dialects whose engines also accept another dialect's syntax (Athena runs Hive DDL and takes
# Hive's backquoted names), tried after the configured dialect and before the generic one.
RELATED_DIALECTS = {"athena": "hive"}
# Tried in this order when neither the configured, related nor generic dialect reads a
# statement: real projects mix dialects (BigQuery backquotes, T-SQL brackets under Redshift).
RETRY_DIALECTS = ("bigquery", "snowflake", "tsql", "postgres", "mysql", "spark", "databricks",
                  "duckdb", "redshift", "hive", "oracle", "trino", "clickhouse", "teradata",
                  "sqlite")
# Statements longer than this are parsed in the configured and generic dialects only: a retry
# in every dialect would multiply the time spent on one huge generated statement.
RETRY_MAX_CHARS = 100_000
GENERIC = "generic SQL"  # how sqlglot's dialect-less parser is named in reports
TOKEN_REPR = re.compile(r"<Token token_type: [\w.]+, text: (.*?), line: \d+, col: \d+, "
                        r"start: \d+, end: \d+, comments: \[.*?\]>", re.S)
NO_SEMICOLON_KEYWORDS = {"SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "CREATE", "WITH",
                         "DROP", "ALTER", "TRUNCATE", "DECLARE", "SET", "EXEC", "EXECUTE"}


@dataclass
class StatementLineage:
    """What one statement reads and writes, and how its result relates to its sources.

    `kind` is the statement keyword (see sql_tables.Flow); `statement` the index of the top-level
    statement it came from (statements of one procedure body share it); `column_lineage` has one
    entry per output column; `dialect` the dialect that parsed it when that is not the
    configured one (GENERIC for sqlglot's dialect-less parser).
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
    dialect: str | None = None
    # Sources named because a table the statement reads was built from them earlier in the
    # script: listed as what it reads, but their data reaches it through that table's own
    # lineage (an aggregate built into it stays an aggregate), so they feed no edge of theirs.
    upstream: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Parsed:
    """One statement's tree, where it starts in the statement text, and the dialect that read
    it (None: sqlglot's generic one)."""

    offset: int
    tree: exp.Expr
    dialect: str | None


class ScriptAnalysis:
    """Walks a script statement by statement, remembering what earlier statements wrote."""

    def __init__(self, dialect: str | None, schema: Mapping[str, Sequence[str]] | None) -> None:
        self.dialect = dialect or None
        self.schema = schema or {}
        self.upstream: dict[str, tuple[Resource, ...]] = {}
        self.written: dict[str, Outputs] = {}
        self.found: list[StatementLineage] = []
        self.problems: list[Problem] = []
        self.holes = Holes()
        self.stages: dict[str, Resource] = {}  # `@stage` -> the URL it was created with
        self.foreign = ForeignTables()

    def script(self, sql: str, first_line: int = 1, index: int | None = None) -> None:
        if has_jinja(sql):
            sql = render_jinja(sql, lambda _: None)
        outputs = psql_outputs(sql)
        sql = self.holes.normalise(psql_commands(sql))
        statements, broken = split_until_error(sql, self.dialect)
        if broken is not None:
            self.problems.append((first_line + broken - 1,
                                  "cannot tokenize SQL: unterminated string, quote or comment"))
        for number, statement in enumerate(statements):
            line = first_line + statement.line - 1
            before = len(self.found)
            self.statement(statement, line, number if index is None else index)
            place = _psql_output(outputs, statement, statements[number + 1:])
            if place is not None:
                self.redirect(before, place, "export")

    def statement(self, statement: StatementText, line: int, index: int) -> None:
        """Analyse one statement; a statement too deeply nested for the parser is an error."""
        try:
            self._statement(statement, line, index)
        except RecursionError:
            self.problems.append((line, "cannot parse SQL: nested too deeply to analyse"))

    def _statement(self, statement: StatementText, line: int, index: int) -> None:
        text = statement.text
        if self.foreign.learn(text):
            return
        if looks_opaque(text):
            inner = embedded_sql(text)
            if inner is not None:
                for part in inner:
                    before = len(self.found)
                    self.script(part.text, line + line_of(text, part.offset) - 1, index)
                    if part.target is not None:
                        self.redirect(before, part.target, "unload")
                return
        rewritten = rewrite(text)
        try:
            trees = self._parse(rewritten.text)
        except (ParseError, TokenError) as exc:
            self.problems.append((line + _error_line(exc) - 1,
                                  self.holes.restore(_error_message(exc))))
            return
        before = len(self.found)
        for parsed in trees:
            here = line + line_of(text, parsed.offset) - 1
            column = statement.column if parsed.offset == 0 else column_of(text, parsed.offset)
            self.tree(parsed, text[parsed.offset:], here, column, index)
        if rewritten.target is not None:
            self.redirect(before, rewritten.target, "export")

    def _parse(self, text: str) -> list[Parsed]:
        """Parse one statement: the configured dialect (a T-SQL batch without semicolons is
        split where the parser finds a second statement begin), then the related and generic
        ones, then the others. An opaque command is kept only when no dialect reads more."""
        if is_text_command(text):
            return [Parsed(0, exp.Command(this=text.split(None, 1)[0]), self.dialect)]
        opaque: Parsed | None = None
        first_error: Exception | None = None
        for dialect in self._dialects(text):
            try:
                tree = _parse_one(text, dialect)
            except (ParseError, TokenError) as error:
                if first_error is None:
                    first_error = error
                    split = _second_statement(text, error)
                    if split is not None:
                        head = self._parse(text[:split])
                        return head + [replace(p, offset=split + p.offset)
                                       for p in self._parse(text[split:])]
                continue
            if not isinstance(tree, exp.Command):
                return [Parsed(0, tree, dialect)]
            opaque = opaque or Parsed(0, tree, dialect)
            if not opaque_names_data(text):
                break  # a settings or metadata command: no dialect will read more
        if opaque is not None:
            return [opaque]
        assert first_error is not None
        raise first_error

    def _dialects(self, text: str) -> list[str | None]:
        """The dialects to try for a statement, in order, each once."""
        order = [self.dialect, RELATED_DIALECTS.get(self.dialect or "", self.dialect), None]
        if len(text) <= RETRY_MAX_CHARS:
            order += RETRY_DIALECTS
        return list(dict.fromkeys(order))

    def tree(self, parsed: Parsed, text: str, line: int, column: int, index: int) -> None:
        tree = parsed.tree
        flows = command_flows(tree, text)
        if flows is None:
            flows = flows_of(tree)
        if flows is not None:
            flows = [*map(self.foreign.applied, flows), *remote_sends(tree)]
        if flows is None:
            if _names_data(tree, text):
                self.problems.append((line, self.holes.restore(
                    f"cannot analyse SQL: `{_opening(text)}` is not understood in any dialect")))
            return
        dialect = (parsed.dialect or GENERIC) if parsed.dialect != self.dialect else None
        # The flows of one statement happen at once (a swap): resolve all, then remember.
        remembered = [self.flow(flow, tree, text, line, column, index, dialect)
                      for flow in flows]
        for flow, sources, outputs in (r for r in remembered if r is not None):
            self._remember(flow, sources, outputs)

    def flow(self, flow: Flow, tree: exp.Expr, text: str, line: int, column: int,
             index: int, dialect: str | None = None
             ) -> tuple[Flow, list[Resource], Outputs] | None:
        """Record one flow; returns what a later statement must know about its target."""
        declared = declared_columns(tree)
        if declared and flow.target is not None and flow.target.kind == "table":
            flow = replace(flow, target=flow.target.model_copy(update={"columns": declared}))
        target = flow.target
        where = (line, column, text, index, dialect)
        if flow.kind == "drop":
            if target is not None:
                self.upstream.pop(target.name, None)
                self.written.pop(target.name, None)
            self.found.append(self._lineage(flow, [], (), *where))
            return None
        if flow.kind == "stage" and target is not None:
            self.stages["@" + target.name] = flow.sources[0]
        outputs = ColumnResolver(self.schema, self.written).outputs_of(flow, tree)
        lineage = column_lineage(outputs)
        sources = self._resolved(flow.sources)
        upstream = {s.name for s in sources} - {s.name for s in flow.sources}
        sources = [_with_columns(s, tree, lineage, len(flow.sources)) for s in sources]
        self.found.append(self._lineage(flow, sources, lineage, *where, upstream=upstream))
        return (flow, sources, outputs) if target is not None and target.kind == "table" else None

    def _remember(self, flow: Flow, sources: list[Resource], outputs: Outputs) -> None:
        """What a later statement reading the flow's target table really reads."""
        if flow.kind in ("delete", "alter"):
            return  # the table keeps what it was built from (DELETE's subqueries feed nothing)
        name = flow.target.name if flow.target is not None else ""
        appends = flow.kind in ("insert", "merge", "update")
        kept = self.upstream.get(name, ()) if appends else ()
        self.upstream[name] = tuple(dict.fromkeys((*kept, *sources)))
        renamed = flow.kind == "rename" and flow.sources
        self.written[name] = self.written.get(flow.sources[0].name, []) if renamed else outputs

    def _resolved(self, sources: Sequence[Resource]) -> list[Resource]:
        """Each source, followed by what it was built from earlier in the script (a table's
        sources, a stage's URL)."""
        resolved: dict[Resource, None] = {}
        for source in sources:
            resolved[source] = None
            for upstream in self.upstream.get(source.name, ()) if source.kind == "table" else ():
                resolved.setdefault(upstream, None)
            if (staged := self._staged(source)) is not None:
                resolved.setdefault(staged, None)
        return list(resolved)

    def _staged(self, source: Resource) -> Resource | None:
        """`@stage/path` of a stage created in this script: the location under its URL."""
        if source.kind != "url" or not source.name.startswith("@"):
            return None
        stage, _, path = source.name.partition("/")
        url = self.stages.get(stage.lower())
        if url is None:
            return None
        return url if not path else url.model_copy(
            update={"name": url.name.rstrip("/") + "/" + path})

    def _lineage(self, flow: Flow, sources: list[Resource], lineage: tuple[ColumnLineage, ...],
                 line: int, column: int, text: str, index: int, dialect: str | None,
                 upstream: AbstractSet[str] = frozenset()) -> StatementLineage:
        keys, columns, transform = shape(flow, len(sources) - len(upstream), lineage)
        action: Action = "query"
        if flow.kind == "stage":
            action = "read"  # a stage names a location; creating it moves no data
        elif flow.target is not None:
            action = "write" if flow.target.kind == "table" else "export"
        holes = self.holes
        snippet = holes.restore(" ".join(text.split())[:200])
        if dialect is not None:
            snippet += f"  -- parsed as {dialect}"
        return StatementLineage(
            action=action, sources=[holes.resource(s) for s in sources],
            target=holes.resource(flow.target) if flow.target is not None else None,
            transform=transform, keys=tuple(holes.restore(k) for k in keys),
            columns=tuple(holes.restore(c) for c in columns) if columns is not None else None,
            line=line, column=column, snippet=snippet, kind=flow.kind,
            column_lineage=tuple(_restored(entry, holes) for entry in lineage),
            statement=index, temporary=flow.temporary, dialect=dialect,
            upstream=frozenset(holes.restore(name) for name in upstream),
        )

    def redirect(self, start: int, target: Resource, kind: str) -> None:
        """Queries whose result a wrapper stores: `UNLOAD ('select ...') TO 's3://...'`, or a
        dbt model's SELECT materialised as the model's table."""
        action: Action = "write" if target.kind == "table" else "export"
        for position in range(start, len(self.found)):
            found = self.found[position]
            if found.target is None and found.kind != "drop":
                self.found[position] = replace(found, target=target, action=action, kind=kind)


def _psql_output(outputs: Sequence[PsqlOutput], statement: StatementText,
                 later: Sequence[StatementText]) -> Resource | None:
    """Where psql writes the rows of `statement`: the place of a `\\g` between it and the next
    statement, else of the last `\\o` before it (None: the terminal)."""
    until = later[0].line if later else None
    sent = next((o.place for o in outputs if o.after and o.line >= statement.line
                 and (until is None or o.line < until)), None)
    if sent is not None:
        return sent
    return next((o.place for o in reversed(outputs) if not o.after
                 and o.line < statement.line), None)


def _parse_one(text: str, dialect: str | None) -> exp.Expr:
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


def _with_columns(source: Resource, tree: exp.Expr, lineage: tuple[ColumnLineage, ...],
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
        if (qualifier in aliases or (not qualifier and table_count == 1)) and column.name:
            names.append(column.name.lower())
    return source.model_copy(update={"columns": tuple(dict.fromkeys(names))}) if names else source


def analyse_script(sql: str, dialect: str | None,
                   schema: Mapping[str, Sequence[str]] | None = None,
                   into: Resource | None = None, after: Sequence[tuple[int, str]] = ()
                   ) -> tuple[list[StatementLineage], list[Problem]]:
    """Every statement of a script, DDL effects (`drop`) included, and (line, message) for those
    that fail — the full picture a lineage tool needs. With `into`, query results are written
    there (a dbt model's SELECT builds the model); `after`: (first line, SQL) run once it is
    built (a dbt model's hooks), which see what the script wrote."""
    analysis = ScriptAnalysis(dialect, schema)
    analysis.script(sql)
    if into is not None:
        analysis.redirect(0, into, "model")
    for first_line, text in after:
        analysis.script(text, first_line)
    return analysis.found, analysis.problems


def analyse_sql(sql: str, dialect: str | None, schema: Mapping[str, Sequence[str]] | None = None,
                into: Resource | None = None, after: Sequence[tuple[int, str]] = ()
                ) -> tuple[list[StatementLineage], list[Problem]]:
    """The statements of a script that move data, and (line, message) for those that fail."""
    found, problems = analyse_script(sql, dialect, schema, into, after)
    return [s for s in found if s.kind != "drop"], problems


def _error_line(exc: Exception) -> int:
    errors = getattr(exc, "errors", None) or [{}]
    return int(errors[0].get("line") or 1)


def _error_message(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if errors:
        first = errors[0]
        near = (first.get("highlight") or "").strip()
        description = TOKEN_REPR.sub(r"'\1'", str(first.get("description", "syntax error")))
        return f"cannot parse SQL: {description}" + (f" near '{near}'" if near else "")
    return f"cannot parse SQL: {str(exc).splitlines()[0]}"


def _names_data(tree: exp.Expr, text: str) -> bool:
    """Whether a statement Lacuna does not understand may move data: an opaque command naming
    a source, target, stage or URL, or any other statement naming a table."""
    if isinstance(tree, exp.Command):
        return opaque_names_data(text)
    return tree.find(exp.Table) is not None


def _opening(text: str) -> str:
    """The first words of a statement, to name it in a message."""
    words = text.split()
    return " ".join(words[:4]) + (" ..." if len(words) > 4 else "")


def _restored(entry: ColumnLineage, holes: Holes) -> ColumnLineage:
    """Column lineage with table and column names given back their template holes."""
    if not holes.written:
        return entry
    return replace(entry, column=holes.restore(entry.column),
                   sources=tuple((holes.restore(t), holes.restore(c)) for t, c in entry.sources),
                   anonymized=tuple((holes.restore(t), holes.restore(c))
                                    for t, c in entry.anonymized))


def extract_sql(text: str, relpath: str, dialect: str | None,
                schema: Mapping[str, Sequence[str]] | None = None,
                into: Resource | None = None, after: Sequence[tuple[int, str]] = ()
                ) -> Extraction:
    """Operations and lineage for a `.sql` file; bad statements become errors, not a stop."""
    graph = GraphBuilder(relpath)
    statements, problems = analyse_sql(text, dialect, schema, into, after)
    for statement in statements:
        location = Location(path=relpath, line=statement.line, column=statement.column)
        graph.add_sql_statement(statement, location)
    errors = [FileProblem(path=relpath, line=line, message=message) for line, message in problems]
    return graph.build("sql", errors)
