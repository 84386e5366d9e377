"""SQL extraction with sqlglot: which tables each statement reads and writes.

A script is split into statements with sqlglot's tokenizer (so a statement's line number is
exact and one bad statement does not hide the others), each statement is parsed on its own, and
its tables are sorted into sources and target. CTE names are never tables. The same analysis
serves `.sql` files and SQL strings embedded in Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import Tokenizer, TokenType

from lacuna_cli.extract.files import normalise_location, table_resource
from lacuna_cli.extract.graph import GraphBuilder
from lacuna_cli.models import Action, Extraction, FileError, Location, Resource, Transform

AGGREGATES = (exp.AggFunc,)
FILE_SUFFIX = re.compile(r"\.(csv|tsv|parquet|json|jsonl|ndjson|orc|avro|xlsx?)(\.gz)?$", re.I)
WRITE_STATEMENTS = (exp.Insert, exp.Create, exp.Merge, exp.Update, exp.Delete)


@dataclass(frozen=True)
class StatementText:
    """One statement of a script and where it starts (1-based line and column)."""

    text: str
    line: int
    column: int


@dataclass
class StatementLineage:
    """What one statement reads and writes, and how its result relates to its sources."""

    action: Action
    sources: list[Resource]
    target: Resource | None
    transform: Transform
    keys: tuple[str, ...] = ()
    columns: tuple[str, ...] | None = None
    line: int = 1
    column: int = 1
    snippet: str = ""


def split_statements(sql: str) -> list[StatementText]:
    """Split on top-level semicolons using sqlglot's tokenizer (comments and strings respected)."""
    tokens = Tokenizer().tokenize(sql)
    statements: list[StatementText] = []
    chunk: list = []
    for token in [*tokens, None]:
        if token is not None and token.token_type != TokenType.SEMICOLON:
            chunk.append(token)
            continue
        if chunk:
            first, last = chunk[0], chunk[-1]
            start = _token_start(sql, first)
            statements.append(
                StatementText(sql[start : last.end + 1], first.line, _column_of(sql, start))
            )
        chunk = []
    return statements


def _token_start(sql: str, token) -> int:
    """Offset where a token begins; quoted identifiers and strings start one char earlier."""
    start = token.start
    if start > 0 and sql[start - 1] in "'\"`[":
        return start - 1
    return start


def _column_of(sql: str, offset: int) -> int:
    return offset - (sql.rfind("\n", 0, offset) + 1) + 1


def analyse_statement(text: str, dialect: str | None) -> StatementLineage | None:
    """Parse one statement; None for statements without data (SET, USE, BEGIN ...)."""
    tree = sqlglot.parse_one(text, read=dialect or None)
    if tree is None or isinstance(tree, exp.Command | exp.Set | exp.Use | exp.Transaction):
        return None
    ctes = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
    target_table = _target_table(tree)
    target_key = _qualified(target_table) if target_table is not None else None
    tables = [t for t in tree.find_all(exp.Table) if t is not target_table]
    sources: dict[str, Resource] = {}
    for table in tables:
        file = _file_table(table)
        if file is not None:
            sources.setdefault(file.key, file)
            continue
        name = _qualified(table)
        if not table.name or name in ctes or name == target_key and not isinstance(
                tree, exp.Update):
            continue
        sources.setdefault(name, table_resource(name, _columns_of(tree, table, len(tables))))
    target = table_resource(target_key) if target_key else None
    if isinstance(tree, exp.Copy):
        files = [normalise_location(f.name) for f in tree.args.get("files") or []]
        if tree.args.get("kind"):  # COPY table FROM 'file': the files are read
            sources.update({f.key: f for f in files})
        elif files:  # COPY (query) TO 'file': the file is written
            target = files[0]
    keys, columns, transform = _shape(tree.find(exp.Select), len(sources))
    action: Action = "query"
    if target is not None:
        action = "write" if target.kind == "table" else "export"
    return StatementLineage(
        action=action,
        sources=list(sources.values()),
        target=target,
        transform=transform,
        keys=keys,
        columns=columns,
    )


def _target_table(tree: exp.Expression) -> exp.Table | None:
    """The table a statement writes into, if any (INSERT, CTAS, VIEW, MERGE, UPDATE, DELETE)."""
    if isinstance(tree, WRITE_STATEMENTS) or isinstance(tree, exp.Copy) and tree.args.get("kind"):
        target = tree.this
        if isinstance(target, exp.Schema):
            target = target.this
        if isinstance(target, exp.Table):
            return target
    return None


def _file_table(table: exp.Table) -> Resource | None:
    """Files queried as tables: `read_parquet('x')` (a table function) or `FROM 'x.csv'`."""
    if isinstance(table.this, exp.Func):
        literal = table.this.find(exp.Literal)
        return normalise_location(literal.name) if literal is not None and literal.is_string \
            else None
    identifier = table.this
    if isinstance(identifier, exp.Identifier) and identifier.quoted and FILE_SUFFIX.search(
            identifier.name):
        return normalise_location(identifier.name)
    return None


def _qualified(table: exp.Table) -> str:
    parts = [table.catalog, table.db, table.name]
    return ".".join(part for part in parts if part).lower()


def _columns_of(tree: exp.Expression, table: exp.Table, table_count: int) -> list[str]:
    """Columns a statement references on `table` (qualified by its alias, or unqualified if alone)."""
    alias = (table.alias_or_name or "").lower()
    found: list[str] = []
    for column in tree.find_all(exp.Column):
        qualifier = column.table.lower()
        if qualifier == alias or (not qualifier and table_count == 1):
            if column.name and column.name not in found:
                found.append(column.name.lower())
    return found


def _shape(
    select: exp.Select | None, source_count: int
) -> tuple[tuple[str, ...], tuple[str, ...] | None, Transform]:
    """Group keys, output columns and the transform a SELECT applies to its sources."""
    if select is None:
        return (), None, "derive"
    star = any(isinstance(e, exp.Star) or e.is_star for e in select.expressions)
    columns = None if star else tuple(name.lower() for name in select.named_selects)
    group = select.args.get("group")
    if group is not None or any(select.find_all(*AGGREGATES)):
        keys = tuple(
            e.alias_or_name.lower() for e in (group.expressions if group is not None else [])
        )
        return keys, columns, "aggregate"
    if source_count > 1:
        return (), columns, "join"
    if select.args.get("where") is not None:
        return (), columns, "filter"
    return (), columns, "derive" if columns is None else "project"


def analyse_sql(
    sql: str, dialect: str | None
) -> tuple[list[StatementLineage], list[tuple[int, str]]]:
    """All statements of a script with their lineage, and (line, message) for those that fail."""
    try:
        statements = split_statements(sql)
    except TokenError as exc:
        return [], [(1, f"cannot tokenize SQL: {exc}")]
    found: list[StatementLineage] = []
    problems: list[tuple[int, str]] = []
    for statement in statements:
        try:
            lineage = _parse_with_fallback(statement.text, dialect)
        except (ParseError, TokenError) as exc:
            problems.append((statement.line + _error_line(exc) - 1, _error_message(exc)))
            continue
        if lineage is None:
            continue
        lineage.line, lineage.column = statement.line, statement.column
        lineage.snippet = " ".join(statement.text.split())[:200]
        found.append(lineage)
    return found, problems


def _parse_with_fallback(text: str, dialect: str | None) -> StatementLineage | None:
    """Try the configured dialect, then sqlglot's generic one, before calling a statement bad."""
    try:
        return analyse_statement(text, dialect)
    except (ParseError, TokenError):
        if not dialect:
            raise
        return analyse_statement(text, None)


def _error_line(exc: Exception) -> int:
    errors = getattr(exc, "errors", None) or [{}]
    return int(errors[0].get("line") or 1)


def _error_message(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if errors:
        first = errors[0]
        near = (first.get("highlight") or "").strip()
        return f"cannot parse SQL: {first.get('description', 'syntax error')}" + (
            f" near '{near}'" if near else ""
        )
    return f"cannot parse SQL: {str(exc).splitlines()[0]}"


def extract_sql(text: str, relpath: str, dialect: str | None) -> Extraction:
    """Operations and lineage for a `.sql` file; bad statements become errors, not a stop."""
    graph = GraphBuilder(relpath)
    statements, problems = analyse_sql(text, dialect)
    for statement in statements:
        location = Location(path=relpath, line=statement.line, column=statement.column)
        graph.add_sql_statement(statement, location)
    errors = [FileError(path=relpath, line=line, message=message) for line, message in problems]
    return graph.build("sql", errors)
