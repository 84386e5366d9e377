"""Which tables and locations one parsed SQL statement reads and writes.

Each statement kind has its own rule for what its target is (INSERT's table or directory,
CTAS/VIEW, MERGE/UPDATE/DELETE's table with aliases resolved to the real table, COPY's table or
file, `SELECT ... INTO`, EXPORT's URI); every other table reference in the statement is a source,
except CTE names in scope, table functions and aliases. Files queried as tables (`read_parquet(
'x')`, `FROM 'x.csv'`, Spark's ``parquet.`path` ``) become file or URL resources.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from lacuna_cli.extract.db_servers import outside_server
from lacuna_cli.extract.places import URL_SCHEME, normalise_location, table_resource
from lacuna_cli.models import Resource

FILE_SUFFIX = re.compile(r"\.(csv|tsv|parquet|json|jsonl|ndjson|orc|avro|xlsx?)(\.gz)?$", re.I)
FILE_FORMATS = {"parquet", "json", "csv", "orc", "avro", "text", "delta", "binaryfile", "tsv"}
DATA_OBJECTS = ("TABLE", "VIEW")
NO_DATA = (exp.Drop, exp.Describe, exp.Use, exp.Set, exp.Transaction, exp.Commit, exp.Rollback,
           exp.Refresh, exp.Uncache, exp.Analyze, exp.Declare, exp.Show, exp.Grant)
# Statements that name tables but move no data between them.
NO_FLOW = (exp.Comment, exp.Pragma, exp.Revoke, exp.Kill, exp.Literal, exp.Condition)


@dataclass(frozen=True)
class Flow:
    """Data moving from `sources` into `target` (None: the result goes to the caller).

    `kind` is the statement keyword (select, insert, create, merge, update, delete, copy,
    export, cache, rename, swap, truncate, drop); `query` the expression whose output columns
    land in the target, for column lineage; `columns` the target columns named by the statement.
    """

    kind: str
    sources: tuple[Resource, ...]
    target: Resource | None
    query: exp.Expr | None = None
    columns: tuple[str, ...] = ()
    temporary: bool = False


def flows_of(tree: exp.Expr) -> list[Flow] | None:
    """The data flows of one statement; [] for statements known to move no data, None for
    statements this module does not understand (sqlglot's opaque `Command` among them)."""
    if isinstance(tree, NO_DATA):
        return [Flow("drop", (), _table(t)) for t in _dropped_tables(tree)]
    handler = HANDLERS.get(type(tree))
    if handler is not None:
        return handler(tree)
    if isinstance(tree, exp.Query):
        return [_select(tree)]
    if isinstance(tree, NO_FLOW):
        return []
    return None


def _select(tree: exp.Query) -> Flow:
    first = tree
    while isinstance(first, exp.SetOperation):  # `SELECT * INTO t FROM a UNION SELECT ...`
        first = first.this
    into = first.args.get("into") if isinstance(first, exp.Select) else None
    if into is None:
        return Flow("select", sources_in(tree), None, tree)
    target = into.this
    return Flow("select", sources_in(tree, skip=(target,)), _table(target), tree,
                temporary=bool(into.args.get("temporary")) or _is_temporary_name(target))


def _insert(tree: exp.Insert) -> list[Flow]:
    this = tree.this
    columns: tuple[str, ...] = ()
    if isinstance(this, exp.Schema):
        columns = tuple(c.name.lower() for c in this.expressions if isinstance(c, exp.Identifier))
        this = this.this
    target = _location(this.this) if isinstance(this, exp.Directory) else _table(this)
    if tree.args.get("is_function"):
        target = _table_function(this)
    return [Flow("insert", sources_in(tree, skip=(this,)), target, _query_of(tree.expression),
                 columns)]


def _table_function(node: exp.Expr) -> Resource:
    """Where `INSERT INTO FUNCTION s3('https://b/k.csv', ...)` (ClickHouse's `s3`, `url`,
    `gcs`, `hdfs`, `remote` ...) writes: the location its first argument names, else a place
    known only at run time."""
    arguments = list(node.expressions) if isinstance(node, exp.Func) else []
    first = arguments[0] if arguments else None
    if isinstance(first, exp.Literal) and first.is_string:
        if URL_SCHEME.match(first.name):
            return location_resource(first.name)
        server = outside_server(first.name.split(":")[0], node.name.lower())
        named = [a.name for a in arguments[1:3] if isinstance(a, exp.Literal) and a.is_string]
        # `remote('host:9000', 'db', 't')`: a table of that server; of ours when it is ours
        return Resource(kind="url", name="/".join([server, *named])) if server \
            else table_resource(".".join(named) or first.name)
    return Resource(kind="unknown", name=f"table function `{node.sql()}`"[:200])


def _create(tree: exp.Create) -> list[Flow]:
    kind = (tree.args.get("kind") or "").upper()
    if kind == "STAGE":
        return _stage(tree)
    if not any(word in kind for word in DATA_OBJECTS):
        return []
    this = tree.this
    columns: tuple[str, ...] = ()
    if isinstance(this, exp.Schema):
        columns = tuple(c.name.lower() for c in this.expressions
                        if isinstance(c, exp.ColumnDef | exp.Identifier))
        this = this.this
    parts = [tree.expression, tree.args.get("clone"), tree.find(exp.LikeProperty)]
    sources = _unique(r for part in parts if part is not None for r in sources_in(part))
    temporary = tree.find(exp.TemporaryProperty) is not None or _is_temporary_name(this)
    table = _table(this)
    flows = [Flow("create", sources, table, _query_of(tree.expression), columns, temporary)]
    location = tree.find(exp.LocationProperty)
    stored = location.args.get("this") if location is not None else None
    if table is not None and isinstance(stored, exp.Literal):
        # `CREATE EXTERNAL TABLE t ... LOCATION 's3://b/p'`: what is written into the table is
        # kept there, wherever it is written from
        flows.append(Flow("copy", (table,), _location(stored)))
    return flows


def _stage(tree: exp.Create) -> list[Flow]:
    """`CREATE STAGE s URL='s3://...'`: the stage (a schema object, read as `@s/path`) names
    that location."""
    url = next((p.args.get("value") for p in tree.find_all(exp.Property)
                if p.name.lower() == "url"), None)
    stage = _table(tree.this)
    if not isinstance(url, exp.Literal) or stage is None:
        return []
    return [Flow("stage", (_location(url),), stage)]


def _load(tree: exp.LoadData) -> list[Flow]:
    """Hive's `LOAD DATA INPATH 'dir' INTO TABLE t`."""
    path = tree.args.get("inpath")
    sources = (_location(path),) if isinstance(path, exp.Literal) else ()
    return [Flow("load", sources, _table(tree.this))]


def _merge(tree: exp.Merge) -> list[Flow]:
    target = tree.this
    return [Flow("merge", sources_in(tree, skip=(target,)), _table(target), tree)]


def _update(tree: exp.Update) -> list[Flow]:
    target = _aliased_table(tree, tree.this)
    return [Flow("update", sources_in(tree, skip=(tree.this, target)), _table(target), tree)]


def _delete(tree: exp.Delete) -> list[Flow]:
    target = _aliased_table(tree, tree.this)
    return [Flow("delete", sources_in(tree, skip=(tree.this, target)), _table(target))]


def _truncate(tree: exp.TruncateTable) -> list[Flow]:
    return [Flow("truncate", (), _table(t)) for t in tree.expressions]


def _copy(tree: exp.Copy) -> list[Flow]:
    """`COPY t FROM 'file'` loads (file -> table); `COPY (q) TO 'file'` and Snowflake's
    `COPY INTO 's3://..' FROM (q)` unload (query -> location), as does `COPY ... TO PROGRAM
    'cmd'` (PostgreSQL hands the rows to a command: to the URL it names, else to a place known
    only at run time)."""
    this = tree.this
    files = tree.args.get("files") or []
    if tree.args.get("kind"):
        target = _into(this)
        sources = _unique(r for f in files for r in _file_sources(f))
        queries = [q for f in files if (q := _query_of(f)) is not None]
        # `COPY INTO @stage FROM (SELECT email ...)`: the query's columns are what moves.
        return [Flow("copy", sources, target, queries[0] if len(files) == 1 == len(queries)
                     else None)]
    query = this.this if isinstance(this, exp.Subquery) else this
    targets = [r for f in files for r in ((_program(tree),) if isinstance(f, exp.Identifier)
                                          and not f.quoted and f.name.upper() == "PROGRAM"
                                          else _file_sources(f))]
    return [Flow("copy", _file_sources(this), target, _query_of(query)) for target in targets]


def _into(node: exp.Expr) -> Resource | None:
    """What `COPY INTO` writes: a table, or a location written as a quoted name (dialects
    other than Snowflake's read `'s3://b/x'` there as an identifier)."""
    if isinstance(node, exp.Table) and isinstance(node.this, exp.Identifier) \
            and node.this.quoted and (node.name.startswith("@") or URL_SCHEME.match(node.name)):
        return location_resource(node.name)
    return _table(node)


def _program(tree: exp.Copy) -> Resource:
    """Where `COPY ... TO PROGRAM 'cmd'` sends the rows: the first URL the command names
    (`curl ... https://api.x`, `aws s3 cp - s3://b/k`), else the command, known at run time."""
    command = " ".join(p.this.name for p in tree.args.get("params") or []
                       if isinstance(p, exp.CopyParameter) and p.this is not None)
    url = next((w for w in command.split() if URL_SCHEME.match(w)), None)
    if url is not None:
        return location_resource(url.strip("'\""))
    return Resource(kind="unknown", name=f"program `{command or '?'}`"[:200])


# Where `COPY (q) TO STDOUT` puts the rows: the client's output (psql's terminal, or the file
# a driver's `copy_expert(sql, file)` is given, which the Python extractor substitutes).
STDOUT = Resource(kind="stream", name="stdout", service="stdout", category="log")


def _file_sources(node: exp.Expr) -> tuple[Resource, ...]:
    """A COPY operand: a literal location, a stage, a table, a query, or STDIN/STDOUT."""
    if isinstance(node, exp.Identifier) and node.name.upper() in ("STDOUT", "STDIN"):
        return (STDOUT,) if node.name.upper() == "STDOUT" else ()
    if isinstance(node, exp.Literal):
        return (_location(node),)
    if isinstance(node, exp.Table) and not isinstance(node.this, exp.Identifier):
        return (_location(node.this),)
    if isinstance(node, exp.Identifier) and not node.quoted:
        # `COPY INTO 's3://..' FROM t` as the generic dialect reads it: the table `t`
        return sources_in(exp.Table(this=node.copy()))
    return sources_in(node)


def _export(tree: exp.Export) -> list[Flow]:
    uri = next((p.args.get("value") for p in tree.find_all(exp.Property)
                if p.name.lower() == "uri"), None)
    target = _location(uri) if uri is not None else None
    return [Flow("export", sources_in(tree.this), target, _query_of(tree.this))]


def _cache(tree: exp.Cache) -> list[Flow]:
    query = tree.expression
    sources = sources_in(query) if query is not None else ()
    return [Flow("cache", sources, _table(tree.this), _query_of(query), temporary=True)]


def _alter(tree: exp.Alter) -> list[Flow]:
    """RENAME and SWAP move a table's data; any other change to a table (columns, properties)
    modifies the table and reads nothing."""
    flows: list[Flow] = []
    table = _table(tree.this)
    if table is None:  # not a table Lacuna can name: nothing to move
        return flows
    for action in tree.args.get("actions") or []:
        if isinstance(action, exp.AlterRename):
            flows.append(Flow("rename", (table,), _table(action.this)))
        elif isinstance(action, exp.SwapTable):
            other = _table(action.this)
            if other is not None:
                flows += [Flow("swap", (other,), table), Flow("swap", (table,), other)]
    if not flows and str(tree.args.get("kind") or "").upper() == "TABLE" and table is not None:
        return [Flow("alter", (), table)]
    return flows


# Statement type -> its flows (each handler takes the statement of its own type).
HANDLERS: dict[type[exp.Expr], Callable[[Any], list[Flow]]] = {
    exp.Insert: _insert, exp.Create: _create, exp.Merge: _merge, exp.Update: _update,
    exp.Delete: _delete, exp.TruncateTable: _truncate, exp.Copy: _copy, exp.Export: _export,
    exp.Cache: _cache, exp.Alter: _alter, exp.LoadData: _load,
}


def sources_in(node: exp.Expr, skip: Iterable[exp.Expr | None] = ()
               ) -> tuple[Resource, ...]:
    """Every table or file `node` reads, minus the `skip` nodes, CTE names and table functions."""
    skipped = {id(s) for s in skip if s is not None}
    found: list[Resource] = []
    for table in node.find_all(exp.Table):
        if id(table) in skipped or _is_cte_reference(table):
            continue
        resource = file_table(table)
        if resource is None and table.name and isinstance(table.this, exp.Identifier):
            resource = _table(table)
        elif resource is None and is_stage(table):
            resource = _location(table.this)
        if resource is not None:
            found.append(resource)
    return _unique(found)


def file_table(table: exp.Table) -> Resource | None:
    """Files queried as tables: `read_parquet('x')`, `FROM 'x.csv'`, ``parquet.`dir/` ``."""
    this = table.this
    if isinstance(this, exp.Func):
        literal = this.find(exp.Literal)
        return _location(literal) if literal is not None and literal.is_string else None
    if not isinstance(this, exp.Identifier) or not this.quoted:
        return None
    if table.db.lower() in FILE_FORMATS and not table.catalog and (
            "/" in this.name or FILE_SUFFIX.search(this.name)):
        return normalise_location(this.name)
    if not table.db and FILE_SUFFIX.search(this.name):
        return normalise_location(this.name)
    return None


def is_stage(table: exp.Table) -> bool:
    """`FROM @stage/path` (Snowflake): files in a stage queried as a table."""
    return isinstance(table.this, exp.Var) and table.this.name.startswith("@")


def _is_cte_reference(table: exp.Table) -> bool:
    """An unqualified name that matches a CTE visible where it is used (CTE scoping rules: a
    CTE sees the CTEs defined before it, and itself only when RECURSIVE)."""
    if table.db or not isinstance(table.this, exp.Identifier):
        return False
    name = table.name.lower()
    below: exp.Expr | None = None
    child: exp.Expr = table
    parent = table.parent
    while parent is not None:
        with_ = parent.args.get("with_")
        if isinstance(with_, exp.With) and _cte_visible(
                with_, below if child is with_ else None, name):
            return True
        below, child, parent = child, parent, parent.parent
    return False


def _cte_visible(with_: exp.With, inside: exp.Expr | None, name: str) -> bool:
    """Whether CTE `name` of `with_` is visible from the main query (`inside` None) or from
    the body of the CTE `inside`."""
    recursive = bool(with_.args.get("recursive"))
    for cte in with_.expressions:
        named = cte.alias_or_name.lower() == name
        if cte is inside:
            return recursive and named
        if named:
            return True
    return False


def _aliased_table(tree: exp.Expr, written: exp.Expr) -> exp.Expr:
    """`UPDATE sr ... FROM Production.ScrapReason AS sr`: the real table behind an alias."""
    if not isinstance(written, exp.Table) or written.db:
        return written
    alias = written.name.lower()
    for table in tree.find_all(exp.Table):
        if table is not written and table.alias and table.alias.lower() == alias:
            return table
    return written


def _dropped_tables(tree: exp.Expr) -> list[exp.Table]:
    kind = str(tree.args.get("kind") or "").upper()
    if not isinstance(tree, exp.Drop) or kind not in DATA_OBJECTS:
        return []
    tables = tree.args.get("tables") or [tree.this]
    return [t for t in tables if isinstance(t, exp.Table)]


def _table(node: exp.Expr | None) -> Resource | None:
    if isinstance(node, exp.Table):
        parts = node.parts
        if len(parts) > 3 and all(isinstance(p, exp.Identifier) for p in parts):
            return _linked_table(parts)
        if not isinstance(node.this, exp.Identifier):
            return _location(node.this)
        return table_resource(".".join(p.name for p in node.parts))
    if isinstance(node, exp.Literal | exp.Var):
        return _location(node)
    return None


def _linked_table(parts: list[exp.Expr]) -> Resource:
    """`[SERVER].[db].[schema].[table]`: a table of another server (a SQL Server linked
    server), named as a place of that server, never as one of the project's database."""
    server, *rest = (p.name for p in parts)
    return Resource(kind="url", name=f"mssql://{server.lower()}/{'.'.join(rest).lower()}")


def _location(node: exp.Expr) -> Resource:
    """A file, stage or URL written as a literal (`'s3://b/x'`, `@stage/path`, `file:///x`)."""
    text = node.name if isinstance(node, exp.Literal | exp.Var | exp.Identifier) else node.sql()
    return location_resource(text)


def location_resource(text: str) -> Resource:
    """A stage (`@stage/path`, kept as written), a local `file://` path, a path or a URL."""
    if text.startswith("@"):
        return Resource(kind="url", name=text)
    if text.lower().startswith("file://"):
        text = text[len("file://"):]
    elif URL_SCHEME.match(text):
        return Resource(kind="url", name=text.strip())  # azure://, abfss://, ... as written
    return normalise_location(text)


def _is_temporary_name(node: exp.Expr | None) -> bool:
    """T-SQL `#temp` / `##global` tables and `@table` variables live only for the session."""
    return isinstance(node, exp.Table) and node.name.startswith(("#", "@"))


def _query_of(node: exp.Expr | None) -> exp.Expr | None:
    while isinstance(node, exp.Subquery):
        node = node.this
    return node if isinstance(node, exp.Query | exp.Values) else None


def _unique(resources: Iterable[Resource]) -> tuple[Resource, ...]:
    return tuple(dict.fromkeys(resources))
