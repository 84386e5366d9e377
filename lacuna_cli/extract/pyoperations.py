"""The data operations of the Python extractor: reads, SQL, writes, copies, sends, uploads.

Mixed into the interpreter in `python.py`, which evaluates expressions (`value`, `arg`,
`resource_of`, `combine`) and holds the graph; each method here turns one kind of call into
lineage and an Operation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import PurePosixPath

import libcst as cst

from lacuna_cli.extract.db_servers import on_server
from lacuna_cli.extract.pyflow import is_placeholder
from lacuna_cli.extract.pyfunctions import raw_placeholder, write_action
from lacuna_cli.extract.pystate import InterpreterState
from lacuna_cli.extract.pyvalues import Data, Dynamic, Handle, Text, Value
from lacuna_cli.extract.schema import header_columns
from lacuna_cli.extract.sql import analyse_sql
from lacuna_cli.models import FileProblem, Resource

CONFIG_SUFFIXES = {".yaml", ".yml", ".toml", ".ini", ".cfg", ".conf", ".json"}
SQL_KEYWORDS = {"SELECT", "WITH", "INSERT", "CREATE", "UPDATE", "DELETE", "MERGE", "COPY",
                "EXEC", "EXECUTE", "CALL", "UNLOAD", "EXPORT", "REPLACE", "UPSERT"}
# Statements that run code stored in the database: what they return is not in the text.
PROCEDURE_CALLS = {"EXEC", "EXECUTE", "CALL"}
# Comments and opening parentheses before a statement's first word.
LEADING = re.compile(r"(?:\s+|--[^\n]*|/\*.*?\*/|\()*", re.S)


class Operations(InterpreterState):
    """Operation handlers; `self` is the interpreter."""

    def read(self, target: cst.BaseExpression | None, node: cst.CSTNode, kind: str = "file",
             columns: tuple[str, ...] | None = None, fixed: Text | None = None,
             named: tuple[Resource, str | None] | None = None) -> Data:
        """A read of the resource `target` names (or the one `fixed` or `named` gives)."""
        if target is not None and fixed is None and named is None:
            already = self.value(target)
            config = _config_file(already) if _is_item(target) else None
            if config is not None:  # `pd.read_csv(cfg["input"]["path"])`: a path the config
                # file holds, not known here; never the config's own (harmless) data
                named = (Resource(kind="unknown", name=self.code(target)[:200]),
                         f"a path read from {config}")
            elif isinstance(already, Data) and already.node in self.opened:
                return already  # `pickle.load(fh)`: read when the handle was opened
            elif isinstance(already, Data) and not any(is_placeholder(r) for r in already.roots):
                return already  # `pd.read_csv(io.BytesIO(obj["Body"].read()))`: in memory
        if named is not None:
            resource, reason = named
        elif fixed is not None:
            resource, reason = self.location_resource(fixed.value), None
        else:
            resource, reason = self.resource_of(target, node, kind)
        chosen = columns  # `usecols=[...]`: only these columns of the file are read
        whole = self.with_header(resource)
        if chosen and not (whole.columns and set(chosen) <= set(whole.columns)):
            whole = resource.model_copy(update={"columns": chosen})  # no header to project
        columns = whole.columns or None
        node_id = self.node_of(whole)
        if is_placeholder(whole):
            self.read_paths.add(whole.name)
        self.graph.operation("read", self.loc(node), self.code(self.statement), [whole],
                             data_node=node_id, dynamic_reason=reason)
        read = Data(node_id, (whole,), columns)
        if chosen and columns is not None and set(chosen) < set(columns):
            # the file's other columns are never read: a projection of what it holds
            return self.derive([read], "project", node, self.code(node)[:60], columns=chosen)
        return read

    def with_header(self, resource: Resource) -> Resource:
        """A project data file read without known columns gets the columns of its header:
        however it is opened (`pd.read_csv`, `open` + `csv.reader`, a helper given the path),
        the classifier must see that `customers.csv` holds `email`."""
        if resource.kind != "file" or resource.columns:
            return resource
        columns = header_columns(self.context.root / resource.name)
        return resource.model_copy(update={"columns": columns}) if columns else resource

    def sql(self, query: Value | None, node: cst.Call,
            parameters: Sequence[Value | None] = (), stdout: Resource | None = None,
            server: str | None = None) -> Data:
        """Parse embedded SQL; data bound as parameters of an INSERT flows into its table.
        `stdout` is where the call puts what `COPY ... TO STDOUT` prints (`copy_expert(sql,
        file)`): the statement's real destination; without one the rows come back (a query).
        `server` is the server outside the organisation the connection talks to: the tables
        it writes are that server's."""
        location = self.loc(node)
        if not isinstance(query, Text):
            reason = query.reason if isinstance(query, Dynamic) else "query text not known"
            placeholder = raw_placeholder(query)
            reason = placeholder.name.split(" (line")[0] if placeholder else reason
            return self.unresolved_query(f"SQL from {reason}", node)
        statements, problems = analyse_sql(query.value, self.context.dialect)
        for line, message in problems:
            self.errors.append(FileProblem(path=location.path, line=location.line + line - 1,
                                         message=message))
        if not statements and (problems or first_word(query.value) in PROCEDURE_CALLS):
            # SQL Lacuna cannot parse may still run in its database's dialect; a procedure
            # returns rows its text does not show
            shown = " ".join(query.value.split())[:120]
            return self.unresolved_query(f"SQL that cannot be read (`{shown}`)" if problems
                                         else f"the stored procedure run by `{shown}`", node)
        result: Data = Data(self.graph.value_node("query", location), ())
        bound = self.combine(parameters, "derive", node)
        for statement in statements:
            if statement.target is not None and statement.target.name.lower() == "stdout":
                # a driver hands what `COPY ... TO STDOUT` prints to the program: into the file
                # the call is given, else back to Python (psycopg 3's `with cur.copy(q)`)
                statement = replace(statement, target=stdout) if stdout is not None else \
                    replace(statement, target=None, action="query")
            if server is not None and statement.target is not None:
                statement = replace(statement, target=on_server(statement.target, server))
            code = self.code(self.statement)
            node_id = self.graph.add_sql_statement(statement, location, code)
            roots = (statement.target,) if statement.target else tuple(statement.sources)
            result = Data(node_id, roots, statement.columns)
            if bound is not None and statement.target is not None:
                self.graph.edge(bound.node, node_id, "derive", location)
                self.graph.operation(statement.action, location, code,
                                     [*statement.sources, *bound.roots],
                                     destination=statement.target, data_node=node_id)
        self.fresh.append(result.node)
        return result

    def unresolved_query(self, reason: str, node: cst.Call) -> Data:
        """A query whose rows cannot be told from its text: data of unknown origin (`reason`
        names it), never rows of nothing."""
        unknown = self.graph.value_node("query", self.loc(node))
        self.graph.operation("query", self.loc(node), self.code(self.statement), [],
                             data_node=unknown, dynamic_reason=reason)
        return Data(unknown, ())

    def sql_method(self, node: cst.Call, stdout: Resource | None = None,
                   server: str | None = None) -> Data | None:
        """`conn.execute(q, params)`, `spark.sql(q)`, `rel.query(name, q)`: a query when the
        text is SQL or built at run time; `session.query(User)` and the like are not. It runs
        on the server of the object called on, or `server` (of a cursor given as an argument:
        `execute_values(cur, q, rows)`)."""
        texts = [self.value(a.value) for a in node.args[:2] if a.keyword is None]
        if texts:  # `cur.execute(open("sql/export.sql").read())`: the file's SQL
            texts[0] = self.query_text(texts[0])
        query = next((v for v in texts if isinstance(v, Text) and looks_like_sql(v.value)),
                     None) or next((v for v in texts[:1] if isinstance(v, Dynamic)
                                    or raw_placeholder(v) is not None), None)
        parameters = [self.value(a.value) for a in node.args[1:] if a.keyword is None]
        first = node.args[0].value if node.args and node.args[0].keyword is None else None
        spliced = self.spliced_sql(first) if first is not None and texts \
            and isinstance(texts[0], Data) else None
        if query is None and spliced is not None:
            # `f"INSERT INTO leads VALUES ('{row['email']}')"`, `"... ('{}')".format(email)`,
            # `"... ('%s')" % email`: the statement as written, the data spliced into it as
            # its parameters
            query, parameters = spliced, [texts[0], *parameters]
        if query is None:
            return None
        return self.sql(query, node, parameters, stdout,
                        server if server is not None else self.receiver_place(node))

    def spliced_sql(self, written: cst.BaseExpression) -> Text | None:
        """SQL text built with data spliced in, each part computed at run time as a `%s`
        parameter: an f-string (a constant part, a table's name, as its text), a literal's
        `.format(...)` fields or its `%` conversions; None when it is none of these or not
        SQL."""
        if isinstance(written, cst.FormattedString):
            text = "".join(part.value if isinstance(part, cst.FormattedStringText) else
                           value.value if isinstance(part, cst.FormattedStringExpression)
                           and isinstance(value := self.value(part.expression), Text) else "%s"
                           for part in written.parts)
        elif isinstance(written, cst.Call) and isinstance(written.func, cst.Attribute) \
                and written.func.attr.value == "format" \
                and isinstance(template := self.value(written.func.value), Text):
            text = FORMAT_FIELD.sub("%s", template.value).replace("{{", "{").replace("}}", "}")
        elif isinstance(written, cst.BinaryOperation) \
                and isinstance(written.operator, cst.Modulo) \
                and isinstance(template := self.value(written.left), Text):
            text = PERCENT_CONVERSION.sub("%s", template.value)
        else:
            return None
        return Text(text) if looks_like_sql(text) else None

    def open_file(self, path: cst.BaseExpression | None, mode: cst.BaseExpression | None,
                  node: cst.Call, fixed: Text | None = None) -> Value:
        writable = mode is not None and writing_mode(self.value(mode))
        if not writable:
            data = self.read(path, node, fixed=fixed)
            self.opened.add(data.node)
            return data
        resource, reason = (self.location_resource(fixed.value), None) if fixed else \
            self.resource_of(path, node)
        return Handle(resource, True, reason)

    def write(self, payload: Sequence[Value | None], target: tuple[Resource, str | None],
              node: cst.CSTNode) -> None:
        """Record a write or export of `payload` into `target` (a resource and why it's dynamic)."""
        destination, reason = target
        flowing = self.combine([self.narrowed(v, node) if isinstance(v, Data) else v
                                for v in payload], "derive", node)
        dest_node = self.node_of(destination)
        if flowing is not None:
            self.graph.edge(flowing.node, dest_node, "write", self.loc(node))
        self.graph.operation(write_action(destination), self.loc(node),
                             self.code(self.statement), list(flowing.roots) if flowing else [],
                             destination=destination,
                             data_node=flowing.node if flowing else None, dynamic_reason=reason)

    def narrowed(self, value: Data, node: cst.CSTNode) -> Data:
        """A column of a frame (`df["region"]`, `row.email`) is what that column holds: the
        frame's node projected to it, when the frame's columns are known."""
        if not value.columns:
            return value
        known = self.graph.node(value.node)
        whole = known.columns if known is not None else None
        if not whole or not set(value.columns) < set(whole):
            return value
        return self.derive([Data(value.node, value.roots, whole)], "project", node,
                           self.code(node)[:60], columns=value.columns)

    def copy(self, src: cst.BaseExpression | None, dst: cst.BaseExpression | None,
             node: cst.Call) -> None:
        source, _ = self.resource_of(src, node)
        if is_placeholder(source):  # the caller's path names what is copied
            self.read_paths.add(source.name)
        data = self.read_silently(source)
        self.write([data], self.resource_of(dst, node), node)

    def read_silently(self, resource: Resource) -> Data:
        """The data of a resource used without a read call (the source of a file copy, a file
        uploaded or packed): a project data file or folder with the columns of its header, so
        `shutil.copy("data/export.csv", "/tmp")` is classified by what the file holds."""
        resource = self.with_header(resource)
        return Data(self.node_of(resource), (resource,), resource.columns or None)

    def node_of(self, resource: Resource) -> str:
        """The lineage node of a resource; a parameter's placeholder is the parameter's node."""
        if is_placeholder(resource):
            return self.param_nodes[resource.name]
        return self.graph.resource_node(resource)


def _config_file(value: Value | None) -> str | None:
    """The configuration file (YAML, TOML, INI, JSON) a value was read from, if it was: what such a
    file holds where a path is expected is a path, not data."""
    if not isinstance(value, Data):
        return None
    return next((root.name for root in value.roots if root.kind == "file"
                 and PurePosixPath(root.name).suffix.lower() in CONFIG_SUFFIXES), None)


def _is_item(expression: cst.BaseExpression) -> bool:
    """Whether `expression` picks one value out of a structure (`cfg["output"]["path"]`,
    `cfg.get("path")`, `cfg.paths.output`) rather than naming a handle or buffer."""
    if isinstance(expression, cst.Call):
        return isinstance(expression.func, cst.Attribute) and expression.func.attr.value == "get"
    return isinstance(expression, (cst.Subscript, cst.Attribute))


# A `str.format` field (`{}`, `{0}`, `{email}`, `{r[email]:>10}`), not an escaped `{{`.
FORMAT_FIELD = re.compile(r"(?<!\{)\{[^{}]*\}(?!\})")
# A `%` conversion other than `%s` and `%(name)s`, which SQL drivers take as they are.
PERCENT_CONVERSION = re.compile(r"%[-+ #0]*\d*(?:\.\d+)?[dif]")


def looks_like_sql(text: str) -> bool:
    """Whether a string argument of `execute`/`sql`/`query` is a SQL statement: its first
    word, after comments, is a statement's (`SELECT` then a new line counts)."""
    return first_word(text) in SQL_KEYWORDS


def first_word(text: str) -> str:
    """The first word of SQL text, upper-cased, past comments and opening parentheses."""
    words = text[LEADING.match(text).end():].split(None, 1)  # type: ignore[union-attr]
    return words[0].upper().rstrip(";") if words else ""


# What `open()` and the libraries modelled on it (gzip, fsspec, zipfile, paramiko...) accept
# as a mode: its letters, a few of them.
OPEN_MODE = re.compile(r"[rwxabt+U]{1,5}")


def open_mode(value: object) -> str | None:
    """`value` when it is a mode `open()` accepts, else None: text that is not a mode (a path,
    `self.open(__file__, "rb")`) says nothing of reading or writing — the letters of the
    folder a project was checked out to once decided it."""
    if isinstance(value, Text) and OPEN_MODE.fullmatch(value.value):
        return value.value
    return None


def writing_mode(value: object) -> bool:
    """Whether `value` is a mode that writes, appends or creates (`"w"`, `"ab"`, `"r+"`)."""
    return any(c in (open_mode(value) or "") for c in "wax+")
