"""Applying a catalog row to one call: which arguments hold the data and which name the place.

Mixed into the interpreter in `python.py` (like `pyoperations.Operations`, whose `read`,
`write`, `sql` and `open_file` it ends in). The rows come from `catalog.py`; nothing here knows
a library by name.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import replace
from collections.abc import Sequence
from functools import cached_property
from itertools import islice, product
from typing import TYPE_CHECKING

import libcst as cst

from lacuna_cli.extract.catalog import Api, ArgRef, Row
from lacuna_cli.extract.db_servers import on_server, outside_server
from lacuna_cli.extract.places import SERVER_WRITTEN, table_resource, template_under
from lacuna_cli.extract.project_files import digest_of
from lacuna_cli.extract.pycallforms import bound_form
from lacuna_cli.extract.pyimports import ProjectModule
from lacuna_cli.extract.pyflow import is_placeholder
from lacuna_cli.extract.pyfunctions import Summary, raw_placeholder
from lacuna_cli.extract.pyoperations import looks_like_sql
from lacuna_cli.extract.pystate import InterpreterState
from lacuna_cli.extract.shell_queries import DatabaseExport, database_export_of
from lacuna_cli.extract.shell_uploads import EMAIL_WORD, remote_place, upload_of
from lacuna_cli.extract.shell_words import command_words, is_literal
from lacuna_cli.extract.pyvalues import (
    Data, Dynamic, Frames, Function, Handle, Instance, Record, Strings, Symbol, Text, Value,
)
from lacuna_cli.models import Resource

# Calls of a function a library maps over literal lists at most (`map(load, PATHS)`).
MAX_ITEM_CALLS = 32

if TYPE_CHECKING:
    from lacuna_cli.extract.pyimports import ProjectImports

Target = tuple[Resource, str | None]
TEMP_DIR = "/tmp"  # where tempfile puts things: outside the project, like any absolute path
# Resource kinds whose unresolved name makes the destination dynamic; a service stays known.
NAMED_KINDS = {"file", "table", "url", "stream"}


class Effects(InterpreterState):
    """Row handlers; `self` is the interpreter."""

    if TYPE_CHECKING:
        imports: ProjectImports

        def note_templated(self, parts: Sequence[Value | None]) -> None: ...
        def call(self, node: cst.Call) -> Value | None: ...

    def apply_function(self, api: Api, qualname: str, node: cst.Call) -> Value | None:
        """A call of a module function, a class, or a method of an object some function made."""
        row = api.row
        effect = row.does
        if effect == "read":
            return self.read_row(api, node)
        if effect == "open":
            mode = self.argument(node, row.mode) if row.mode is not None else None
            if not row.target:  # `target.open("w")` of an object standing for its file
                place = self.receiver_place(node)
                return self.open_file(None, mode, node,
                                      fixed=Text(place) if place is not None else None)
            path = self.argument(node, row.target[0])
            return self.open_file(path, mode, node, fixed=self.remote_path(path, node))
        if effect == "handle":
            return self.handle_of(self.argument(node, row.target[0]), node)
        if effect == "query":
            query = self.argument(node, row.sql[0] if row.sql else 0)
            given = self.value(query) if query is not None else None
            text = self.query_text(given)
            if isinstance(text, Text) and text is given and not looks_like_sql(text.value) \
                    and len(text.value.split()) < 2:
                return self.unknown_call(qualname, node)  # a name, not SQL nor a .sql file
            return self.sql(text, node) if query is not None else None  # (a typo is reported)
        if effect == "execute":
            return self.execute(api, qualname, node)
        if effect == "identity":  # `sqlalchemy.text(q)`, `enumerate(paths)`: the argument;
            # `set()`, `deque()`: an empty container, which data may be collected into
            return self.value(node.args[0].value) if node.args else Frames()
        if effect == "combine":
            return self.combine_frames(row, node)
        if effect == "copy":
            return self.copy_row(api, node)
        if effect in ("send", "write"):
            payload = self.with_inputs(self.payload(api, node), log=api.category == "log")
            if row.sql:  # `SqlToS3Operator(query=...)`: what the SQL returns is what is sent
                payload.append(self.sent_query(api, node))
            payload.append(self.receiver_held(node))
            payload.extend(self.addressed_data(api, node))
            carries = carries_data(payload, strict=api.category == "log")
            if not (carries or row.keeps):
                return None
            resource, reason = self.destination(api, node)
            if carries:
                self.write(payload, (resource, reason), node)
            if row.keeps:
                # `VectorStoreIndex.from_documents(docs)`: the index keeps them; a mail
                # message keeps its recipients too, for what is attached to it later
                addressed = reason is None and resource.kind == "url"
                return Symbol(qualname, held=self.combine(payload, "derive", node),
                              place=resource.name if addressed else None)
            return None
        if effect == "hold" and row.into is not None:
            return self.put_into(api, node)
        if effect == "hold":
            return self.hold(self.payload(api, node), node)
        if effect == "part":  # `wb.active`, `wb.create_sheet()`: written into, the whole holds
            return self.value(node.func.value) if isinstance(node.func, cst.Attribute) else None
        if effect == "dump":
            self.dump(api, node)
            return None
        if effect == "shell":  # `subprocess.run(["aws", "s3", "cp", path, url])`
            return self.shell_command(api, qualname, node)
        if effect == "persist":  # `session.add(Customer(...))`: into the model's table
            return self.persist(api, node, qualname)
        if effect == "erase":  # `delete(Customer)`, `session.delete(c)`: rows of its table
            return self.erase(api, node, qualname)
        if effect == "construct":
            return self.construct(qualname, node)
        if effect == "transform" and row.transform == "aggregate":
            return self.tabulated(self.payload(api, node), node)  # `pd.crosstab(a.x, a.y)`
        if effect == "aggregate":  # `len(df)`, `np.mean(x)`: a number about the data, no row
            for arg in node.args:
                self.value(arg.value)
            return None
        if effect == "path":
            return self.build_path(row.path, node, row.name)
        if effect == "home":
            return Text("~")
        if effect == "invoke":
            return self.invoke(api, qualname, node)
        if effect == "pipeline_node":  # Kedro's `node(func, inputs, outputs)`
            return self.pipeline_node(api, node)
        if effect == "option":
            self.record_option(node)
            return None
        if effect == "options":
            return Symbol(qualname)
        if effect == "bound":  # `pd.DataFrame.to_csv(df, p)`: read as `df.to_csv(p)`
            bound = bound_form(node)
            if bound is None:
                return self.unknown_call(qualname, node)
            self.positions.alias(bound, node)
            return self.call(bound)
        if effect == "locate":  # `client.bucket("b").blob("k")`: an object standing for a place
            resource, reason = self.named(api, node, row.target, row.name, "url")
            located = Symbol(qualname, place=None if reason else resource.name)
            self.locate_receiver(located, node)
            return located
        if effect == "client":  # a connection, session or client: never the data it is given,
            # unless its row names arguments it keeps to send later (`DiscordWebhook(url,
            # content=...)` sends its content on `execute()`)
            for arg in node.args:
                self.value(arg.value)
            held = self.combine(self.payload(api, node), "derive", node) if row.data else None
            return Symbol(qualname, place=self.server(api, node), held=held)
        if effect == "dynamic":
            return Dynamic(row.reason or f"value of `{qualname}` known only at run time",
                           external=True, default=self.fallback_text(node))
        return self.unknown_call(qualname, node)

    def fallback_text(self, node: cst.Call) -> str | None:
        """The text a lookup falls back to, given second or as `default=`
        (`os.getenv("DB_URL", "postgresql://…")`, `os.environ.get(...)`), if it is text."""
        expression = self.arg(node, 1, "default")
        fallback = self.value(expression) if expression is not None else None
        return fallback.value if isinstance(fallback, Text) else None

    def apply_method(self, api: Api, data: Data, node: cst.Call) -> Value | None:
        """A method that writes or sends the data it is called on (`df.to_csv(p)`,
        `dataset.push_to_hub(repo)`); a write with no target returns the data as text."""
        row = api.row
        target = self.argument(node, row.target[0]) if row.target else None
        if row.target and target is None and not row.name and row.receiver == "data":
            return data  # `df.to_csv()` with no path returns the text; a Spark `save()`
            # with its path in `.option(...)` still writes, somewhere unknown
        buffer = self.value(target) if target is not None else None
        if isinstance(buffer, Data) and isinstance(target, cst.Name) and row.kind == "file" \
                and not any(is_placeholder(r) for r in buffer.roots) and buffer.node != data.node:
            # `df.to_csv(buf)` into an io.StringIO (a path built from parameters is a path; a
            # frame is never written into itself: `for frame, path in pairs` bound both names
            # to what `pairs` holds, and `path` is then a place computed at run time)
            self.bind(target, self.combine([buffer, data], "derive", node))
            return None
        payload: list[Value | None] = [data, *self.payload(api, node)]
        self.write(payload, self.destination(api, node), node)
        return None

    def invoke(self, api: Api, qualname: str, node: cst.Call) -> Value | None:
        """`PythonOperator(python_callable=f, op_kwargs={...})`, `executor.submit(f, x)`: the
        library calls a function of this file with these arguments."""
        row = api.row
        target = self.argument(node, row.function) if row.function is not None else None
        if isinstance(target, cst.Call) and target.args and self.is_partial(target):
            # `run_in_executor(None, partial(requests.post, URL, json=rows))`: the function
            # runs with the arguments the partial binds, then those given here
            return self.call_later(target.args[0].value, node, bound=target.args[1:],
                                   given=target)
        function = self.value(target) if target is not None else None
        if target is not None and ((isinstance(function, Symbol) and not function.project) or (
                isinstance(function, Function) and isinstance(target, cst.Attribute)
                and isinstance(self.value(target.value), Instance))):
            # a library function, or a method bound to an instance (`ex.map(p.push, recs)`):
            # called with the arguments where it is handed over (`self` is the instance)
            return self.call_later(target, node)
        if not isinstance(function, Function):
            return self.unknown_call(qualname, node)
        summary = self.summarise(function)
        if summary is None:
            return None
        if row.items is not None:
            return self.invoke_over_items(row, function, summary, node)
        positional: list[Value | None] = []
        shown: list[str] = []
        for ref in row.data:  # the arguments the function is given, in order
            expression = self.argument(node, ref)
            if expression is None:
                continue
            if isinstance(expression, cst.Tuple | cst.List):  # `args=(url, rows)`: each one
                positional.extend(self.value(e.value) for e in expression.elements)
                shown.extend(self.code(e.value) for e in expression.elements)
                continue
            value = self.value(expression)
            items = [Text(v) for v in value.values] if isinstance(value, Strings) else [value]
            positional.extend(items)
            shown.extend(self.code(expression) for _ in items)
        keywords: dict[str, tuple[Value | None, str]] = {}
        for ref in row.target:  # a dict of keyword arguments
            expression = self.argument(node, ref)
            mapping = self.value(expression) if expression is not None else None
            if isinstance(mapping, Record):
                keywords.update({k: (v, k) for k, v in mapping.items})
        self.summaries.setdefault(function, summary)
        return self.apply_summary(summary, positional, shown, keywords, node)

    def invoke_over_items(self, row: Row, function: Function, summary: Summary,
                          node: cst.Call) -> Value | None:
        """`map(f, urls, rows)`: `f` called with an item of each iterable in turn (each path
        of a list of paths once); `starmap(f, pairs)`: with an item as its argument list,
        each parameter given what the items hold."""
        choices: list[list[Value | None]] = []
        shown: list[str] = []
        for ref in row.data:
            expression = self.argument(node, ref)
            if expression is None:
                continue
            items = _items(self.value(expression))
            if row.items == "spread":
                count = len(function.node.params.params)
                choices.extend([[self.combine(items, "derive", node) or items[0]]] * count)
                shown.extend([self.code(expression)] * count)
            else:
                choices.append(items)
                shown.append(self.code(expression))
        self.summaries.setdefault(function, summary)
        results = [self.apply_summary(summary, list(chosen), shown, {}, node)
                   for chosen in islice(product(*choices), MAX_ITEM_CALLS)]
        return self.combine(results, "derive", node) or next(iter(results), None)

    def is_partial(self, call: cst.Call) -> bool:
        """Whether `call` is `functools.partial(f, ...)`."""
        made = self.value(call.func)
        return isinstance(made, Symbol) and made.qualname == "functools.partial"

    def call_later(self, function: cst.BaseExpression, node: cst.Call,
                   bound: Sequence[cst.Arg] = (), given: cst.BaseExpression | None = None
                   ) -> Value | None:
        """`executor.submit(requests.post, URL, json=rows)`, `Thread(target=requests.post,
        args=(URL,), kwargs={"json": rows})`: a library function called later with the other
        arguments, read as that call where it is written (the catalog decides what it does).
        `bound`: arguments a `functools.partial` (`given`, in place of the function) fixed
        before those."""
        positional: list[cst.Arg] = [cst.Arg(a.value) for a in bound
                                     if a.keyword is None and a.star == ""]
        keywords: list[cst.Arg] = [cst.Arg(a.value, keyword=a.keyword) for a in bound
                                   if a.keyword is not None]
        handed = next((i for i, arg in enumerate(node.args)
                       if arg.value is function or arg.value is given), -1)
        for index, arg in enumerate(node.args):
            keyword = arg.keyword.value if arg.keyword is not None else None
            if index == handed or (keyword is None and index < handed):
                continue  # the function itself, and what comes before it (an executor)
            if keyword == "args" and isinstance(arg.value, cst.Tuple | cst.List):
                positional += [cst.Arg(element.value) for element in arg.value.elements]
            elif keyword in ("kwargs", "kwds") and isinstance(arg.value, cst.Dict):
                for element in arg.value.elements:
                    name = self.value(element.key) if isinstance(element, cst.DictElement) \
                        else None
                    if isinstance(name, Text) and name.value.isidentifier():
                        keywords.append(cst.Arg(element.value, keyword=cst.Name(name.value)))
            elif keyword is None and arg.star == "":
                positional.append(cst.Arg(arg.value))
            elif keyword is not None:
                keywords.append(cst.Arg(arg.value, keyword=cst.Name(keyword)))
        later = cst.Call(func=function, args=[*positional, *keywords])
        self.positions.alias(later, node)
        return self.call(later)

    def query_text(self, given: Value | None) -> Value | None:
        """The SQL of a call given `given`: the text itself, the text of the project's `.sql`
        file it read (`open("sql/load.sql").read()`), or of the one it names (Airflow operators
        take `sql="sql/export.sql"` and read the template themselves); else `given`."""
        if isinstance(given, Text) and given.value.endswith(".sql") \
                and not looks_like_sql(given.value):
            return self.named_sql_file(given.value) or given
        if isinstance(given, Data) and len(given.roots) == 1:
            return self.sql_file_text(given.roots[0]) or given
        return given

    def addressed_data(self, api: Api, node: cst.Call) -> list[Value | None]:
        """Data a URL is built from (`f"https://api.example/people/{email}"`): the server
        learns it from the address."""
        if api.row.kind != "url":
            return []
        found = (self.argument(node, ref) for ref in api.row.target)
        values = [self.value(expression) for expression in found if expression is not None]
        return [value for value in values if isinstance(value, Data)]

    def named_sql_file(self, name: str) -> Text | None:
        """The text of the project's `.sql` file an operator names: where a path in the file
        runs from, else the one file of that name below the DAG's folder (Airflow looks in the
        DAG's `template_searchpath` folders, which usually lie there)."""
        text = self.sql_file_text(self.location_resource(name))
        if text is None:
            found = template_under(self.context.root, posixpath.dirname(self.graph.relpath),
                                   name)
            text = self.sql_file_text(self.location_resource(found)) if found else None
        return text

    def sent_query(self, api: Api, node: cst.Call) -> Data:
        """The rows a call runs a query for and sends on (a transfer operator): the query's
        result, or without one the table its `source` arguments name (`RedshiftToS3Operator(
        schema=..., table=...)`); SQL that cannot be read (a `.sql` file not in the project,
        text known only at run time) is data of unknown origin, never nothing."""
        row = api.row
        query = self.argument(node, row.sql[0])
        if query is None and row.source:
            return self.read_silently(self.named(api, node, row.source, row.source_name,
                                                 row.source_kind)[0])
        given = self.value(query) if query is not None else None
        text = self.query_text(given)
        if isinstance(text, Text) and text is given and not looks_like_sql(text.value):
            text = Dynamic(f"the SQL file `{text.value}`, not found in the project")
        return self.sql(text, node)

    def sql_file_text(self, root: Resource) -> Text | None:
        """The SQL in a `.sql` file of the project: a query run with it reads its tables. A
        change of the file re-analyses this one."""
        path = self.context.root / root.name
        if root.kind != "file" or not root.name.endswith(".sql") or root.name.startswith(
                ("/", "~", "..")):
            return None
        digest = digest_of(path)
        try:
            text = path.read_text(encoding="utf-8") if digest is not None else None
        except (OSError, UnicodeDecodeError):
            text = None
        if text is None:
            return None
        self.imports.used[root.name] = ProjectModule(root.name, digest or "")
        return Text(text)

    def receiver_held(self, node: cst.Call) -> Data | None:
        """The data the object a method is called on keeps (see `hold`), if any."""
        if not isinstance(node.func, cst.Attribute):
            return None
        receiver = self.value(node.func.value)
        return receiver.held if isinstance(receiver, Symbol) else None

    def hold(self, payload: Sequence[Value | None], node: cst.CSTNode,
             receiver: cst.BaseExpression | None = None) -> Value | None:
        """Data put into the library object a method is called on (`ws.append(row)`,
        `msg.attach(part)`, `ws["A1"] = x`): the object, and every name bound to it (a sheet
        and its workbook; the module's own name for it when a function or a lambda fills it,
        `df.apply(lambda r: folium.Marker(..., popup=r.email).add_to(m), axis=1)`), keeps it
        until it is saved or sent. Returns the object."""
        if receiver is None:
            receiver = node.func.value if isinstance(node, cst.Call) and isinstance(
                node.func, cst.Attribute) else None
        holder = self.value(receiver) if receiver is not None else None
        if not isinstance(holder, Symbol):
            return holder
        given = [holder.held, *payload]
        if not _any_data(given):
            return holder
        kept = replace(holder, held=self.combine(given, "derive", node))
        for scope in (self.env, self.globals):  # a module's map filled in a function or lambda
            for name, value in list(scope.items()):
                if value is holder:
                    scope[name] = kept
        return kept

    def put_into(self, api: Api, node: cst.Call) -> Value | None:
        """`cluster = MarkerCluster().add_to(m)`: a library object put into another (the
        row's `into`) is part of it from then on, so what is later put into `cluster` is in
        `m` too: the call gives the object it was put into, with what the part held."""
        receiver = self.value(node.func.value) if isinstance(node.func, cst.Attribute) else None
        target = self.argument(node, api.row.into) if api.row.into is not None else None
        if target is None:
            return receiver
        held = receiver.held if isinstance(receiver, Symbol) else None
        parent = self.hold([held], node, target) if held is not None else self.value(target)
        return parent if isinstance(parent, Symbol) else receiver

    def assign_into(self, holder: Value | None, receiver: cst.BaseExpression,
                    value: Value | None, node: cst.CSTNode) -> bool:
        """`ws["A1"] = row.email`, `ws.cell(r, c).value = x`, `message.attachment = part`:
        data assigned to an item or attribute of a library object is kept by the object (see
        `hold`); assigned to an attribute of data (a message a constructor row built), it
        becomes part of that data. True when the assignment is fully handled here."""
        if not _any_data([value]):
            return False
        if isinstance(holder, Symbol) and not holder.project:
            self.hold([value], node, receiver)
            return True
        if isinstance(holder, Data) and isinstance(receiver, cst.Name) and \
                raw_placeholder(holder) is None:
            combined = self.combine([holder, value], "derive", node)
            self.bind(receiver, combined)
            model = self.model_of(holder)  # `customer.phone = x`: still a Customer record
            if model is not None:
                self.remember_rows(combined, model)
        return False

    def record_option(self, node: cst.Call) -> None:
        """`parser.add_argument("--data", default="data/x.csv")`: `args.data` is that path
        unless the job is started with another (the default is what a scheduler runs)."""
        flags = [self.value(a.value) for a in node.args if a.keyword is None]
        names = [f.value for f in flags if isinstance(f, Text)]
        dest = self.value(self.arg(node, 99, "dest") or cst.Name("None"))
        long = next((n for n in names if n.startswith("--")), names[0] if names else None)
        name = dest.value if isinstance(dest, Text) else (
            long.lstrip("-").replace("-", "_") if long else None)
        if name is None:
            return
        default = self.value(self.arg(node, 99, "default") or cst.Name("None"))
        self.options[name] = default if isinstance(default, Text) else Dynamic(
            f"command-line option `{long or name}`", external=True)

    # ---- arguments --------------------------------------------------------------------------

    @cached_property
    def chained_keywords(self) -> dict[cst.Call, dict[str, cst.BaseExpression]]:
        """Keyword arguments a call takes from earlier in its chain: a Spark writer's
        `.option(key, value)`s, for its terminal (`.option("path", p).start()`)."""
        return {}

    def argument(self, node: cst.Call, ref: ArgRef) -> cst.BaseExpression | None:
        """The expression passed as `ref`: a keyword, else a position, else a keyword the
        call's chain gave (`chained_keywords`)."""
        refs = ref if isinstance(ref, list) else [ref]
        keywords = [r for r in refs if isinstance(r, str)]
        index = next((r for r in refs if isinstance(r, int)), 99)
        found = self.arg(node, index, *keywords)
        chained = self.chained_keywords.get(node) if found is None else None
        return next((chained[k] for k in keywords if k in chained), None) if chained \
            else found

    def tabulated(self, values: Sequence[Value | None], node: cst.Call) -> Data | None:
        """A function that counts the data it is given by that data's own values
        (`pd.crosstab(df.region, df.plan)`): an aggregate keyed by the columns it is given, so
        its rows are as identifying as those columns. Given data whose columns are unknown (a
        whole frame read from nowhere known), what its result shows cannot be told: it keeps
        everything."""
        if any(isinstance(v, Frames) and v.data is not None for v in values):
            # `pd.crosstab([df.email, df.region], df.plan)`: series it cannot tell apart
            return self.combine([v.data if isinstance(v, Frames) else v for v in values],
                                "derive", node)
        data = [v for v in values if isinstance(v, Data)]
        if not data:
            return None
        if any(d.columns is None for d in data):
            return self.combine(data, "derive", node)
        keys = tuple(dict.fromkeys(c for d in data for c in d.columns or ()))
        return self.derive(data, "aggregate", node, self.code(node.func), keys=keys,
                           columns=keys)

    def payload(self, api: Api, node: cst.Call) -> list[Value | None]:
        """The values a call sends or writes: its data arguments (`"*"`: all of them), and the
        content of the local files it uploads."""
        values: list[Value | None] = []
        if "*" in api.row.data:
            values = [self.value(a.value) for a in node.args]
        else:
            for ref in api.row.data:
                expression = self.argument(node, ref)
                if expression is not None:
                    values.append(self.value(expression))
            if api.row.data and not values:
                values = self.spread_payload(api, node)
        for ref in api.row.files:
            expression = self.argument(node, ref)
            listed = [e.value for e in expression.elements] if isinstance(
                expression, cst.List | cst.Tuple) else [expression]
            for element in listed:  # `files=[path, other]`: each a file sent
                values.extend(self.file_content(element, node))
        # an object that keeps data (a message with its attachment, a workbook) sends it
        return [v.held if isinstance(v, Symbol) and v.held is not None else v for v in values]

    def file_content(self, expression: cst.BaseExpression | None, node: cst.Call
                     ) -> list[Value | None]:
        """What a local file an argument names holds, as sent by the call."""
        value = self.value(expression) if expression is not None else None
        if isinstance(value, Text):
            return [self.read_taken(self.location_resource(value.value), node)]
        if isinstance(value, Strings):  # `files=FILES` with `FILES = ["a.csv", "b.csv"]`
            return [self.read_taken(self.location_resource(v), node) for v in value.values]
        placeholder = raw_placeholder(value)
        if placeholder is not None:  # `def ship(path): blob.upload_from_filename(path)`:
            self.read_paths.add(placeholder.name)  # a caller's path names what is sent
        elif expression is not None and (isinstance(value, Dynamic) or (
                isinstance(value, Symbol) and value.held is None)):
            # A file named only at run time (`str(local)`, a temporary file's `tmp.name`)
            # holds what it was written with (the same expression is the same node), else
            # data no one knows: never nothing.
            value = self.read_silently(self.resource_of(expression, node)[0])
        return [value]

    def spread_payload(self, api: Api, node: cst.Call) -> list[Value | None]:
        """What a call given its arguments as `**options` sends, when no data argument is
        written out: the dict's values under the data keywords when it is a literal, its data
        when it is data, else data of unknown origin — `def send(**kw): requests.post(
        timeout=30, **kw)` may send anything, so it is never taken to send nothing."""
        wanted = {r for ref in api.row.data for r in (ref if isinstance(ref, list) else [ref])
                  if isinstance(r, str)}
        values: list[Value | None] = []
        for arg in node.args:
            if arg.star != "**":
                continue
            spread = self.value(arg.value)
            if isinstance(spread, Record):
                values += [value for key, value in spread.items if key in wanted]
                continue
            if isinstance(spread, Data):
                values.append(spread)
                if not any(is_placeholder(root) for root in spread.roots):
                    continue
            # anything else, or a parameter (`**kw`: what its callers pass, told where they
            # call it, and for the function alone data of unknown origin)
            shown = f"**{self.code(arg.value)}"[:200]
            values.append(self.read_silently(Resource(kind="unknown", name=shown)))
        return values

    def with_inputs(self, payload: list[Value | None], log: bool = False
                    ) -> list[Value | None]:
        """A value from outside the program (stdin, arguments, environment) sent on is data of
        unknown classification: it becomes a read of an unresolved source. So is a value
        another project file made that cannot be told (see `unknown_origin`), or a library the
        catalog does not know (`foreign_data`), except in a log line, where such values are
        mostly messages and counts: there only what can be told is data."""
        values: list[Value | None] = []
        for value in payload:
            if isinstance(value, Dynamic) and value.external:
                value = self.read_silently(Resource(kind="unknown", name=value.reason))
            elif isinstance(value, Symbol) and value.project:
                value = self.resolved(value, self.statement) if log else \
                    self.unknown_origin(value, self.statement)
            elif isinstance(value, Symbol) and not log:
                value = self.foreign_data(value) or value
            elif isinstance(value, Text) and XCOM_PULL.search(value.value):
                # `data="{{ ti.xcom_pull(task_ids='extract') }}"`: what another task returned,
                # filled in by Airflow when the task runs
                value = self.read_silently(Resource(
                    kind="unknown", name=f"XCom `{value.value.strip()[:120]}`"))
            values.append(value)
        return values

    def destination(self, api: Api, node: cst.Call) -> Target:
        """Where a row's call puts the data, with its service and category."""
        row = api.row
        kept = next((e for ref in row.stored_at if (e := self.argument(node, ref))), None)
        # an external table (`.option("path", "s3://…").saveAsTable(t)`): its files' place
        resource, reason = self.resource_of(kept, node) if kept is not None else \
            self.named(api, node, row.target, row.name, row.kind)
        category = api.category
        if reason is None and "{receiver}" not in (row.name or "") \
                and not row.qualified_by_receiver:
            # `to_sql(name, engine)`: a table of the engine's server; `es.index(index=i)`: of
            # the server the client it is called on was made for (a name spelling the object's
            # place, or qualified by it, has it already). One outside the organisation is
            # judged as the place it is, not as the organisation's database.
            place = self.via_place(row.via[0], node) if row.via else self.receiver_place(node)
            on = on_server(resource, place)
            category = None if on is not resource and category in ("database", "stream") \
                else category
            if on is resource and (row.via or row.kind == "url"):
                # `client.post("/contacts")` of a client with a base URL; `write_table(t,
                # "bucket/key", filesystem=s3)` through a filesystem standing for s3://
                on = self.under_base(resource, place) or resource
            resource = on
        if api.service or category:
            resource = resource.model_copy(update={"service": api.service, "category": category})
        return resource, reason

    def remote_path(self, path: cst.BaseExpression | None, node: cst.Call) -> Text | None:
        """The URL a path opened through a remote filesystem names (`s3fs.S3FileSystem()
        .open("bucket/key")`), or None for any other open."""
        place = self.receiver_place(node)
        if path is None or place is None or "://" not in place:
            return None
        given = self.value(path)
        remote = self.under_base(Resource(kind="file", name=given.value), place) \
            if isinstance(given, Text) else None
        return Text(remote.name) if remote is not None else None

    def under_base(self, resource: Resource, base: str | None) -> Resource | None:
        """A path sent to or read through a client made with a `base_url` (`httpx.Client(
        base_url=API).post("/contacts")`) is that URL's, and one opened or put through a
        remote filesystem (`s3fs.S3FileSystem()`, which stands for `s3://`) that store's;
        None when `base`, the place the client stands for, is no such URL."""
        if "://" in resource.name or base is None or "://" not in base:
            return None
        path = resource.name.lstrip("/")
        return self.location_resource(base + path if base.endswith("://")
                                      else f"{base.rstrip('/')}/{path}")

    def receiver_member(self, node: cst.Call) -> str | None:
        """The member of a library's object a method is called on, as the code reaches it
        (`db.customers.find()`: `customers`), or None (the object itself, a class)."""
        receiver = self.value(node.func.value) if isinstance(node.func, cst.Attribute) else None
        if not isinstance(receiver, Symbol) or "." not in receiver.qualname:
            return None
        member = receiver.qualname.rsplit(".", 1)[1]
        return member if member.isidentifier() and member.islower() else None

    def via_place(self, ref: ArgRef, node: cst.Call) -> str | None:
        """The server outside the organisation of the connection or engine a call is given as
        `ref`, or of the URL it is given instead (`write.jdbc("jdbc:mysql://host/db", t)`)."""
        connection = self.argument(node, ref)
        made = self.value(connection) if connection is not None else None
        if isinstance(made, Text):
            return outside_server(made.value.removeprefix("jdbc:"), "jdbc")
        return made.place if isinstance(made, Symbol) else None

    def named(self, api: Api, node: cst.Call, refs: Sequence[ArgRef], template: str | None,
              kind: str) -> Target:
        """The resource that `refs` name through `template` (`"s3://{0}/{1}"`); one argument
        and no template is a path, table or URL resolved like any other (parameters included)."""
        label = api.service or api.library
        if template is None and len(refs) == 1 and kind in NAMED_KINDS:
            expression = self.argument(node, refs[0])
            resource, reason = self.resource_of(expression, node, kind)
            if expression is not None and kind == "table" and reason is None:
                resource = self.in_schema(resource, node, api.row)
            return resource, reason
        parts = [_address_host(self.argument(node, ref)) for ref in refs]
        texts = [self.value(p) if p is not None else None for p in parts]
        texts = [Text(",".join(t.values)) if isinstance(t, Strings) else Text(t.place)
                 if isinstance(t, Symbol) and t.place else t for t in texts]
        place = self.receiver_place(node) if template and "{receiver}" in template else ""
        if place is not None and all(isinstance(t, Text) for t in texts):
            words = [t.value for t in texts if isinstance(t, Text)]
            # (a place kept with its trailing slash, `s3root="s3://b/flows/"`, takes no other
            # where the template puts one after it)
            joined = place.rstrip("/") if template and "{receiver}/" in template else place
            member = (self.receiver_member(node) or label) if template and "{member}" in \
                template else ""
            name = (template.format(*api.row.spell(words), receiver=joined, member=member)
                    if template else ":".join([label, *words]))
            return self._resource(kind, name), None
        if kind == "service":
            return self._resource(kind, label if place is None or not template
                                  else template.split(":")[0]), None
        missing = next((self.code(p) if p is not None else "not given"
                        for p, t in zip(parts, texts, strict=True) if not isinstance(t, Text)),
                       "the object it is called on")
        shown = f"{label} `{self.code(node)}`"[:200]
        reason = f"{label} target `{missing}` computed at run time"
        if template and place is not None and None not in parts:
            # `upload_file(p, "partner-drop", f"exports/{day}.csv")`: the bucket is known;
            # `send_message(QueueUrl=f"https://sqs.{region}.amazonaws.com/4444.../q")`: the
            # queue's account is
            words = [self.written_text(p) for p in parts if p is not None]
            name = template.format(*words, receiver=place)
            if SERVER_WRITTEN.match(name) if kind == "url" else any(
                    isinstance(t, Dynamic) and t.written for t in texts):
                return self._resource(kind, name), reason
        return Resource(kind="unknown", name=shown), reason

    def in_schema(self, table: Resource, node: cst.Call, row: Row) -> Resource:
        """`to_sql(name, con, schema="analytics")`, `read_sql_table(name, con, schema=...)`:
        the table of that schema; `to_gbq("d.t", project_id="p")`: of that project (the row's
        `qualified_by`); `client.load_table_from_dataframe(df, "d.t")`: of the client's project
        (`qualified_by_receiver`)."""
        for ref in row.qualified_by:
            given = self.argument(node, ref)
            qualifier = self.value(given) if given is not None else None
            if isinstance(qualifier, Text):
                return table_resource(f"{qualifier.value}.{table.name}")
        project = self.receiver_place(node) if row.qualified_by_receiver else None
        if project is not None and table.name.count(".") == 1:
            return table_resource(f"{project}.{table.name}")
        return table

    def locate_receiver(self, located: Symbol, node: cst.Call) -> None:
        """`ssh.connect(host)`: a method that points the object it is called on at a place
        (a `locate` row named after a method of that object) makes the object stand for it,
        so what is later made from it (`ssh.open_sftp()`) and put through that goes there."""
        receiver = node.func.value if isinstance(node.func, cst.Attribute) else None
        bound = self.env.get(receiver.value) if isinstance(receiver, cst.Name) else None
        if isinstance(receiver, cst.Name) and isinstance(bound, Symbol) and located.place \
                and bound.place is None and located.qualname.startswith(bound.qualname + "."):
            self.bind(receiver, replace(bound, place=located.place))

    def server(self, api: Api, node: cst.Call) -> str | None:
        """The server outside the organisation a connection is made for (its row's `target`
        names it, `name` is the driver), or the one of the connection or engine it is made
        from (`engine.connect()`, `conn.cursor()`); None for the project's own or unknown."""
        if not api.row.target and not api.row.hosted:
            return self.receiver_place(node)
        expression = self.argument(node, api.row.target[0]) if api.row.target else None
        given = self.value(expression) if expression is not None else None
        if isinstance(given, Record) and api.row.setting is not None:
            given = given.get(api.row.setting)  # `Producer({"bootstrap.servers": host})`
        if isinstance(given, Symbol) and given.place is not None:
            given = Text(given.place)  # `create_engine(URL.create("postgresql", host=h))`
        # a URL from the environment is the deployment's own database, unless the code's
        # fallback names a server outside (then that is where it goes by default)
        written = given.value if isinstance(given, Text) else \
            given.default if isinstance(given, Dynamic) else None
        # brokers listed (`bootstrap_servers=["b1:9092", "b2:9092"]`, "b1:9092,b2:9092"):
        # the first one outside
        hosts = given.values if isinstance(given, Strings) else \
            written.split(",") if written is not None and "://" not in written else \
            [written] if written is not None else []
        scheme = (api.row.name or "db").split(":", 1)[0]
        return next((server for host in [*hosts, *self.hosted_hosts(api.row, node)]
                     if (server := outside_server(host, scheme))), None)

    def hosted_hosts(self, row: Row, node: cst.Call) -> list[str]:
        """The vendor-hosted servers a client's keywords name (see `Row.hosted`): one whose
        host is made from the value given needs that value written in the code."""
        hosts = []
        for arg in node.args:
            template = row.hosted.get(arg.keyword.value) if arg.keyword is not None else None
            if template is None:
                continue
            given = self.value(arg.value)
            if "{0}" not in template:
                hosts.append(template)
            elif isinstance(given, Text):
                hosts.append(template.format(given.value))
        return hosts

    def receiver_place(self, node: cst.Call) -> str | None:
        """The place the object a method is called on stands for (`bucket.blob(k)`: the
        bucket's `gs://b`), or None when it is not one `locate` made."""
        if not isinstance(node.func, cst.Attribute):
            return None
        receiver = self.value(node.func.value)
        if isinstance(receiver, Data):  # a cursor bound to its last result (see `execute`)
            return self.cursor_places.get(receiver.node)
        return receiver.place if isinstance(receiver, Symbol) else None

    @cached_property
    def cursor_places(self) -> dict[str, str]:
        """The node of a cursor's last result -> the server outside it is connected to."""
        return {}

    def _resource(self, kind: str, name: str) -> Resource:
        if kind in ("file", "url"):
            return self.location_resource(name)
        if kind == "table":
            return table_resource(name)
        return Resource(kind=kind, name=name)  # type: ignore[arg-type]  # a catalog kind: the model validates it

    # ---- effects ----------------------------------------------------------------------------

    def read_row(self, api: Api, node: cst.Call) -> Data:
        row = api.row
        if row.data:  # `requests.get(url, params={"email": e})`: the query string is sent
            sent = [*self.with_inputs(self.payload(api, node)),
                    *self.addressed_data(api, node)]
            if _any_data(sent):
                self.write(sent, self.destination(api, node), node)
        columns = self.column_list(node, *row.columns) if row.columns else None
        if row.name is None and len(row.target) <= 1:
            target = self.argument(node, row.target[0]) if row.target else None
            if row.kind == "table" and target is not None:
                table, reason = self.resource_of(target, node, "table")
                if reason is None:  # `read_sql_table("feed", eng, schema="analytics")`
                    return self.read(None, node, named=(self.in_schema(table, node, row), None),
                                     columns=columns)
            base = self.receiver_place(node) if row.kind == "url" else None
            if target is not None and base is not None and "://" in base:
                # `client.get("/people")` of a client made with a base URL
                address, reason = self.resource_of(target, node, "url")
                based = self.under_base(address, base) if reason is None else None
                return self.read(None, node, named=(based or address, reason),
                                 columns=columns)
            return self.read(target, node, kind=row.kind, columns=columns)
        named = self.named(api, node, row.target, row.name, row.kind)
        return self.read(None, node, named=named, columns=columns)

    def handle_of(self, target: cst.BaseExpression | None, node: cst.Call) -> Handle:
        """A writable handle on what `target` is: an open handle, or a path."""
        value = self.value(target) if target is not None else None
        if isinstance(value, Handle):
            return value
        resource, reason = self.resource_of(target, node)
        return Handle(resource, True, reason)

    def execute(self, api: Api, qualname: str, node: cst.Call) -> Value | None:
        """SQL through a connection, cursor or session; `cur.execute(q)` then `cur.fetchall()`
        gives the rows, so the cursor is bound to the result. A row's `target` is the file or
        handle the call puts `COPY ... TO STDOUT` output in (`copy_expert(sql, file)`)."""
        stdout = None
        if api.row.target:
            expression = self.argument(node, api.row.target[0])
            if expression is not None:
                handle = self.value(expression)
                stdout = handle.target if isinstance(handle, Handle) else \
                    self.resource_of(expression, node)[0]
        result = self.sql_method(node, stdout, self.via_place(api.row.via[0], node)
                                 if api.row.via else None)
        if result is None and api.row.reason and node.args:
            # `cur.callproc("crm.export_contacts", args)`: rows of code the database keeps
            result = self.unresolved_query(f"{api.row.reason} `{self.code(node.args[0].value)}`",
                                           node)
        if result is None:
            return self.unknown_call(qualname, node)
        if qualname.rsplit(".", 1)[-1].startswith(("execute", "callproc")) and isinstance(
                node.func, cst.Attribute) and qualname.rsplit(".", 2)[-2] == "cursor":
            place = self.receiver_place(node)
            self.bind(node.func.value, result)
            if place is not None and isinstance(result, Data):  # still that server's cursor
                self.cursor_places[result.node] = place
        return result

    def copy_row(self, api: Api, node: cst.Call) -> Text | None:
        """A copy from the source argument (a path, a URL, a table, or data already read
        through a handle) to the target. A folder copied or packed takes along the files this
        code wrote below it. Returns the path a row names its target with (`make_archive`
        returns the archive's `base_name.format`)."""
        row = api.row
        expression = self.argument(node, row.source[0]) if row.source else None
        value = self.value(expression) if expression is not None else None
        if isinstance(value, Data):
            data = value
            # `shutil.copy(src, ...)` in a helper: the caller's path names what is copied
            self.read_paths.update(r.name for r in value.roots if is_placeholder(r))
        else:
            source, _ = self.named(api, node, row.source, row.source_name, row.source_kind)
            data = self.read_taken(source, node)
        resource, reason = self.destination(api, node)
        self.write([data], (resource, reason), node)
        # the name the row formatted, not its arguments evaluated a second time
        return Text(resource.name) if row.name is not None and reason is None else None

    def shell_command(self, api: Api, qualname: str, node: cst.Call) -> Value | None:
        """A command a script runs (`subprocess.run([...])`, `os.system("...")`): when its
        words upload a local file (`aws s3 cp`, `curl -F f=@x`, `scp`), that file is sent
        where the command says; a database client writing a query's rows to a file
        (`shell_queries`) reads the tables and writes the file; any other command is an
        unknown call."""
        expression = self.argument(node, api.row.target[0]) if api.row.target else None
        words = self.command_words(expression) if expression is not None else []
        sent = upload_of(words)
        exported = database_export_of(words)
        if exported is not None:  # `psql -c "\copy (SELECT ...) TO 'x.csv'"`
            self.database_export(exported, node)
            if sent is None:
                return None
        if sent is None:
            carried = self.command_data(expression, node)
            if carried:  # `os.system(f"curl -d '{df.to_json()}' URL")`, `input=df.to_csv()`
                self.write(carried, self.command_target(words, node), node)
                return None
            return self.unknown_call(qualname, node)
        path, destination = (self.command_place(word, node) for word in sent)
        self.write([self.read_taken(path[0], node)], destination, node)
        return None

    def database_export(self, exported: DatabaseExport, node: cst.Call) -> None:
        """A database client's query run and its rows written where the command says
        (`shell_queries`): SQL filled in at run time is a query of unknown tables, a file of
        SQL is read from the project, a `PROGRAM` is a destination known only at run time."""
        if exported.program:
            target: Target = (Resource(kind="unknown", name=exported.path[:200]),
                              "a command the rows are piped into")
        else:
            target = self.command_place(exported.path, node)
        query: Value
        if exported.sql_file is not None:
            query = self.sql_file_text(self.location_resource(exported.sql_file)) or Dynamic(
                f"the SQL file `{exported.sql_file}`, not readable in the project")
        elif is_literal(exported.query):
            query = Text(exported.query)
        else:
            query = Dynamic(f"a query filled in at run time (`{exported.query[:80]}`)")
        if exported.copies:  # `psql -c "COPY ... TO STDOUT" > x.csv`
            self.sql(query, node, stdout=target[0])
        else:
            self.write([self.sql(query, node)], target, node)

    def read_taken(self, resource: Resource, node: cst.Call) -> Data:
        """A file or folder a call copies, packs or uploads (`read_silently`): a folder
        takes along the files this code wrote below it (`aws s3 sync out/ s3://…`)."""
        data = self.read_silently(resource)
        if resource.kind == "file":
            for inside in self.graph.files_under(resource.name):
                self.graph.edge(inside, data.node, "derive", self.loc(node))
        return data

    def command_data(self, expression: cst.BaseExpression | None, node: cst.Call
                     ) -> list[Value | None]:
        """Data a command carries in its own words (built from data) or is given on its
        standard input (`input=`)."""
        parts = [element.value for element in expression.elements] \
            if isinstance(expression, cst.List | cst.Tuple) else [expression]
        given = self.arg(node, 99, "input")
        values = [self.value(p) for p in (*parts, given) if p is not None]
        # (a parameter in a command is a path or an option far more often than rows)
        return [v for v in values if isinstance(v, Data) and raw_placeholder(v) is None]

    def command_target(self, words: list[str], node: cst.Call) -> Target:
        """Where a command that carries data sends it: the first URL, remote path or e-mail
        address among its words, else the host the object it is run on stands for (an SSH
        session), else a place known only at run time."""
        for word in words:
            place = remote_place(word) or (
                f"mailto:{word}" if EMAIL_WORD.fullmatch(word) else None)
            if place is not None:
                return self.location_resource(place), None
        host = self.receiver_place(node)
        if host is not None:
            return self.location_resource(host), None
        shown = " ".join(words)[:120] or self.code(node)[:120]
        return Resource(kind="unknown", name=f"command `{shown}`"), \
            "the command's destination is not in its words"

    def command_words(self, expression: cst.BaseExpression) -> list[str]:
        """The words of a command given as a list (`["aws", "s3", "cp", SRC, DST]`) or as
        one string for the shell; a word known only at run time is `{its code}`."""
        if isinstance(expression, cst.List | cst.Tuple):
            return [self.written_text(element.value) for element in expression.elements]
        if isinstance(expression, cst.FormattedString):  # `f"scp {path} host:/in/"`
            return command_words(self.written_text(expression))
        value = self.value(expression)
        if isinstance(value, Strings):  # `cmd = ["rsync", "-az", OUT, REMOTE]; run(cmd)`
            return list(value.values)
        if isinstance(value, Dynamic) and value.written is not None:  # `"scp %s h:/in" % p`
            return command_words(value.written)
        return command_words(value.value) if isinstance(value, Text) else []

    def command_place(self, word: str, node: cst.Call) -> tuple[Resource, str | None]:
        """The place a command word names; one known only at run time is unknown."""
        if is_literal(word):
            return self.location_resource(word), None
        shown = word[1:-1] if word.startswith("{") and word.endswith("}") else self.code(node)
        return Resource(kind="unknown", name=shown[:200]), \
            "a command argument known only at run time"

    def dump(self, api: Api, node: cst.Call) -> None:
        """Serialise the data arguments into the handle or path the target argument names."""
        handle = self.handle_of(self.argument(node, api.row.target[0]), node)
        self.write(self.payload(api, node), (handle.target, handle.dynamic_reason), node)

    def construct(self, qualname: str, node: cst.Call) -> Data:
        """A frame built in code: from the data passed to it, else new data of its own."""
        built = self.unknown_call(qualname, node)
        if not isinstance(built, Data):  # `pd.DataFrame(json.load(sys.stdin))`
            given = self.with_inputs([self.value(a.value) for a in node.args])
            built = self.combine(given, "derive", node) or built
        last = qualname.rsplit(".", 1)[-1]
        return built if isinstance(built, Data) else Data(
            self.graph.value_node(f"{last}()", self.loc(node)), ())

    def build_path(self, operation: str, node: cst.Call, template: str | None = None
                   ) -> Value | None:
        """`Path(a, b)`, `os.path.join`, `dirname(__file__)`, `os.getcwd()`, `gettempdir()`;
        `str(row)` of data is still the data. With a `template` the parts are put into it
        instead of joined (`topic_path(p, t)` is `projects/{0}/topics/{1}`)."""
        if operation == "cwd":
            return Text(".")
        if operation == "temp":
            return Text(TEMP_DIR)
        if operation == "each":  # `glob.glob(p)`, `os.walk(p)`: the files under p, as p says
            first = self.value(node.args[0].value) if node.args else None
            return Strings((first.value,)) if isinstance(first, Text) else first
        parts = [self.value(a.value) for a in node.args if not a.keyword]
        if len(parts) == 1 and operation == "join" and raw_placeholder(parts[0]) is not None:
            return parts[0]  # `Path(path)` of a parameter: still the caller's place
        self.note_templated(parts)  # `os.path.join(BASE, name)` of a parameter `name`
        if _any_data([p for p in parts if raw_placeholder(p) is None]):
            return self.combine(parts, "derive", node)  # `str(row)`: the row as text
        if all(isinstance(p, Text) for p in parts):
            texts = [p.value for p in parts if isinstance(p, Text)]
            if operation == "dirname":
                return Text(posixpath.dirname(texts[0]) or ".") if texts else None
            if operation == "basename":
                return Text(posixpath.basename(texts[0])) if texts else None
            if template is not None and len(texts) == template.count("{"):
                return Text(template.format(*texts))
            return Text(posixpath.join(*texts) if texts else ".")
        return next((p for p in parts if isinstance(p, Dynamic)),
                    Dynamic(f"path built at run time `{self.code(node)}`"))

    def combine_frames(self, row: Row, node: cst.Call) -> Value | None:
        """`pd.merge(a, b)`, `pd.concat(frames)`: a list of collected frames unites them."""
        transform = row.combine or "union"
        frames = [self.value(a.value) for a in node.args  # `pd.merge(left=c, right=o)` too
                  if not a.keyword or a.keyword.value in ("left", "right", "objs")]
        collected = [v.data for v in frames if isinstance(v, Frames) and v.data is not None]
        if collected and len(frames) == 1:
            return self.derive(collected, transform, node, self.code(node.func))
        keys = self.column_list(node, "on", "left_on") or ()
        return self.combine(self.join_suffixed(frames, node, keys, row), transform, node,
                            keys=keys)


# An Airflow template that pulls what another task returned (`{{ ti.xcom_pull(...) }}`).
XCOM_PULL = re.compile(r"\{\{[^}]*\bxcom_pull\b")


def _any_data(values: Sequence[Value | None]) -> bool:
    return any(isinstance(v, Data) or (isinstance(v, Frames) and v.data is not None)
               for v in values)


def carries_data(payload: Sequence[Value | None], strict: bool = False) -> bool:
    """Whether a send is an operation worth reporting. Every call to a service is (one that
    sends only constants is reported as carrying no data, and allowed); a log line only when
    data is traced to it (`strict`), since every program logs values of its own."""
    return _any_data(payload) or not strict


def _address_host(expression: cst.BaseExpression | None) -> cst.BaseExpression | None:
    """An address given as `(host, port)` (`paramiko.Transport((HOST, 22))`) names its host."""
    if isinstance(expression, cst.Tuple) and expression.elements:
        return expression.elements[0].value
    return expression


def _items(iterable: Value | None) -> list[Value | None]:
    """The items of an iterable, as the function a library maps over it is given them: each
    path of a list of paths, the frames collected in a list, a row of the data."""
    if isinstance(iterable, Frames):
        return [iterable.data]
    if isinstance(iterable, Strings):
        return [Text(value) for value in dict.fromkeys(iterable.values)] or [None]
    return [iterable]
