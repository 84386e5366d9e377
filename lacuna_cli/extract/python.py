"""Python extraction with libcst: data operations and the dataflow between them.

The module is interpreted abstractly, in statement order, without importing or running it:
every name is bound to a value from `pyvalues` (data derived from resources, a path, a handle,
a symbol, something dynamic). Calls are looked up in `pyapi`; what they do to the data becomes
lineage nodes, edges and Operations through the shared `GraphBuilder`.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from lacuna_cli.extract import pyapi
from lacuna_cli.extract.files import normalise_location, table_resource
from lacuna_cli.extract.graph import GraphBuilder
from lacuna_cli.extract.pyvalues import (
    Data, Dynamic, Grouped, Handle, Mask, Strings, Symbol, Text, Value, Writer,
)
from lacuna_cli.extract.schema import header_columns
from lacuna_cli.extract.sql import analyse_sql
from lacuna_cli.models import Action, Extraction, FileError, Location, Resource, Transform

Locator = Callable[[int, int], Location]
OPERATION_TRANSFORMS: dict[str, Action] = {
    "join": "join", "union": "join", "aggregate": "aggregate", "filter": "filter",
    "anonymize": "anonymize",
}
DYNAMIC_SYMBOLS = {
    "sys.argv": "command-line arguments (sys.argv)",
    "os.environ": "an environment variable",
    "os.getenv": "an environment variable",
    "os.environ.get": "an environment variable",
    "input": "user input",
}
PATH_BUILDERS = {"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "os.path.join",
                 "os.path.expanduser", "os.path.abspath", "os.path.normpath", "os.fspath", "str",
                 "posixpath.join"}


@dataclass(frozen=True)
class PythonContext:
    """What the extractor needs from the run: the project root (for paths and data headers)
    and the SQL dialect for embedded queries."""

    root: Path
    dialect: str | None = None


def extract_python(
    source: str, relpath: str, context: PythonContext, locate: Locator | None = None
) -> Extraction:
    """Operations and lineage of one Python module (or a notebook's joined cells)."""
    locate = locate or (lambda line, col: Location(path=relpath, line=line, column=col))
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        where = locate(exc.raw_line, exc.raw_column + 1)
        message = f"cannot parse Python: {exc.message}"
        return Extraction(path=relpath, language="python",
                          errors=(FileError(path=relpath, line=where.line, message=message),))
    except RecursionError:
        return Extraction(path=relpath, language="python", errors=(
            FileError(path=relpath, line=None, message="expression nested too deeply to parse"),))
    interpreter = _Interpreter(module, relpath, context, locate)
    try:
        interpreter.block(module.body)
    except RecursionError:
        interpreter.errors.append(
            FileError(path=relpath, line=None, message="expression nested too deeply to analyse"))
    return interpreter.graph.build("python", interpreter.errors)


class _Interpreter:
    """Walks statements in order, keeping an environment of name -> Value."""

    def __init__(self, module: cst.Module, relpath: str, context: PythonContext,
                 locate: Locator) -> None:
        self.module = module
        self.context = context
        self.locate = locate
        self.positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        self.graph = GraphBuilder(relpath)
        self.errors: list[FileError] = []
        self.env: dict[str, Value] = {}
        self.statement: cst.CSTNode = module
        self.fresh: list[str] = []

    # ---- statements -------------------------------------------------------------------------

    def block(self, body: Sequence[cst.CSTNode]) -> None:
        for statement in body:
            self.compound(statement)

    def compound(self, node: cst.CSTNode) -> None:
        if isinstance(node, cst.SimpleStatementLine | cst.SimpleStatementSuite):
            for small in node.body:
                self.statement, self.fresh = small, []
                self.small(small)
        elif isinstance(node, cst.FunctionDef):
            self.function(node)
        elif isinstance(node, cst.ClassDef):
            self.suite(node.body)
        elif isinstance(node, cst.If):
            self.expression_statement(node.test)
            self.suite(node.body)
            if node.orelse is not None:
                self.compound(node.orelse) if isinstance(node.orelse, cst.If) else self.suite(
                    node.orelse.body)
        elif isinstance(node, cst.For):
            iterable = self.expression_statement(node.iter)
            self.bind(node.target, iterable if isinstance(iterable, Data) else Dynamic(
                f"loop variable over `{self.code(node.iter)}`"))
            self.suite(node.body)
            self.else_suite(node.orelse)
        elif isinstance(node, cst.While):
            self.expression_statement(node.test)
            self.suite(node.body)
            self.else_suite(node.orelse)
        elif isinstance(node, cst.With):
            for item in node.items:
                value = self.expression_statement(item.item)
                if item.asname is not None:
                    self.bind(item.asname.name, value)
            self.suite(node.body)
        elif isinstance(node, cst.Try | cst.TryStar):
            self.suite(node.body)
            for handler in node.handlers:
                self.suite(handler.body)
            self.else_suite(node.orelse)
            if node.finalbody is not None:
                self.suite(node.finalbody.body)
        elif isinstance(node, cst.Match):
            self.expression_statement(node.subject)
            for case in node.cases:
                self.suite(case.body)

    def suite(self, body: cst.BaseSuite) -> None:
        self.block(body.body) if isinstance(body, cst.IndentedBlock) else self.compound(body)

    def else_suite(self, orelse: cst.Else | None) -> None:
        if orelse is not None:
            self.suite(orelse.body)

    def function(self, node: cst.FunctionDef) -> None:
        """Analyse a function body with its parameters unknown; names it binds stay local."""
        saved = dict(self.env)
        for param in (*node.params.posonly_params, *node.params.params,
                      *node.params.kwonly_params):
            self.env[param.name.value] = Dynamic(f"parameter `{param.name.value}` of "
                                                 f"`{node.name.value}()`")
        self.suite(node.body)
        self.env = saved

    def expression_statement(self, expression: cst.BaseExpression) -> Value | None:
        """Evaluate an expression that heads a compound statement (`with`, `for`, `if`)."""
        self.statement, self.fresh = expression, []
        return self.value(expression)

    def small(self, node: cst.BaseSmallStatement) -> None:
        if isinstance(node, cst.Assign):
            value = self.value(node.value)
            for target in node.targets:
                self.bind(target.target, value)
        elif isinstance(node, cst.AnnAssign) and node.value is not None:
            self.bind(node.target, self.value(node.value))
        elif isinstance(node, cst.AugAssign):
            self.bind(node.target, self.combine(
                [self.value(node.target), self.value(node.value)], "union", node))
        elif isinstance(node, cst.Expr):
            self.value(node.value)
        elif isinstance(node, cst.Return) and node.value is not None:
            self.value(node.value)
        elif isinstance(node, cst.Import):
            for alias in node.names:
                dotted = self.code(alias.name)
                bound = alias.asname.name if alias.asname else None
                if isinstance(bound, cst.Name):
                    self.env[bound.value] = Symbol(dotted)
                else:
                    self.env[dotted.split(".")[0]] = Symbol(dotted.split(".")[0])
        elif isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar):
            module = "." * len(node.relative) + (self.code(node.module) if node.module else "")
            for alias in node.names:
                name = self.code(alias.name)
                bound = alias.asname.name if alias.asname else alias.name
                if isinstance(bound, cst.Name):
                    self.env[bound.value] = Symbol(f"{module}.{name}")

    def bind(self, target: cst.BaseExpression, value: Value | None) -> None:
        if isinstance(target, cst.Name):
            if value is None:
                self.env.pop(target.value, None)
                return
            self.env[target.value] = value
            if isinstance(value, Data) and value.node in self.fresh:
                self.graph.relabel(value.node, target.value)
        elif isinstance(target, cst.Tuple | cst.List):
            for element in target.elements:
                self.bind(element.value, value)
        elif isinstance(target, cst.Attribute):
            self.env[self.code(target)] = value  # `self.df = ...` is looked up by its dotted name
        elif isinstance(target, cst.Subscript):
            self.assign_column(target, value)

    def assign_column(self, target: cst.Subscript, value: Value | None) -> None:
        """`df["col"] = expr`: anonymizes `col` when expr hashes/masks it, else adds a column."""
        frame = self.value(target.value)
        column = self.subscript_key(target)
        if not isinstance(frame, Data) or not isinstance(column, Text) or not isinstance(
                self.statement, cst.Assign):
            return
        name = column.value
        columns = None if frame.columns is None else tuple(dict.fromkeys((*frame.columns, name)))
        if _mentions_anonymizer(self.statement.value):
            result = self.derive([frame], "anonymize", target, f"{self.code(target.value)}",
                                 columns=columns, anonymized=(name,))
        else:
            inputs = [frame] + ([value] if isinstance(value, Data) and value.node != frame.node
                                else [])
            result = self.derive(inputs, "derive", target, self.code(target.value),
                                 columns=columns)
        self.bind(target.value, result)

    # ---- expressions ------------------------------------------------------------------------

    def value(self, node: cst.BaseExpression) -> Value | None:
        if isinstance(node, cst.SimpleString):
            evaluated = node.evaluated_value
            return Text(evaluated) if isinstance(evaluated, str) else None
        if isinstance(node, cst.ConcatenatedString):
            return self.concatenate([self.value(node.left), self.value(node.right)])
        if isinstance(node, cst.FormattedString):
            return self.formatted(node)
        if isinstance(node, cst.Name):
            return self.env.get(node.value, None if node.value in ("None", "True", "False")
                                else Symbol(node.value))
        if isinstance(node, cst.Attribute):
            return self.attribute(node)
        if isinstance(node, cst.Call):
            return self.call(node)
        if isinstance(node, cst.Subscript):
            return self.subscript(node)
        if isinstance(node, cst.Comparison):
            operands = [self.value(node.left), *(self.value(t.comparator)
                                                 for t in node.comparisons)]
            data = next((v for v in operands if isinstance(v, Data | Mask)), None)
            return Mask(data.data if isinstance(data, Mask) else data) if data else None
        if isinstance(node, cst.BinaryOperation):
            return self.binary(node)
        if isinstance(node, cst.BooleanOperation):
            left, right = self.value(node.left), self.value(node.right)
            return left if isinstance(left, Mask) else right if isinstance(right, Mask) else None
        if isinstance(node, cst.UnaryOperation):
            return self.value(node.expression)
        if isinstance(node, cst.List | cst.Tuple | cst.Set):
            return self.collection([e.value for e in node.elements], node)
        if isinstance(node, cst.Dict):
            values = [e.value for e in node.elements if isinstance(e, cst.DictElement)]
            return self.collection(values, node)
        if isinstance(node, cst.IfExp):
            body, orelse = self.value(node.body), self.value(node.orelse)
            return body if isinstance(body, Data) or not isinstance(orelse, Data) else orelse
        if isinstance(node, cst.Await):
            return self.value(node.expression)
        if isinstance(node, cst.ListComp | cst.GeneratorExp | cst.SetComp):
            iterable = self.value(node.for_in.iter)
            element = self.value(node.elt)
            return element if isinstance(element, Data) else iterable
        return None

    def formatted(self, node: cst.FormattedString) -> Value:
        """An f-string is a static path only if every interpolated part is static text."""
        parts: list[Value | None] = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                parts.append(Text(part.value))
            else:
                parts.append(self.value(part.expression))
        joined = self.concatenate(parts)
        if isinstance(joined, Text):
            return joined
        return Dynamic(f"f-string with run-time parts `{self.code(node)}`")

    def concatenate(self, parts: Iterable[Value | None]) -> Value | None:
        texts = list(parts)
        if all(isinstance(p, Text) for p in texts):
            return Text("".join(p.value for p in texts))  # type: ignore[union-attr]
        return next((p for p in texts if isinstance(p, Dynamic)),
                    Dynamic("string built at run time"))

    def binary(self, node: cst.BinaryOperation) -> Value | None:
        left, right = self.value(node.left), self.value(node.right)
        if isinstance(node.operator, cst.Divide) and isinstance(left, Text | Dynamic):
            if isinstance(left, Text) and isinstance(right, Text):
                return Text(posixpath.join(left.value, right.value))
            return left if isinstance(left, Dynamic) else right if isinstance(
                right, Dynamic) else Dynamic(f"path built at run time `{self.code(node)}`")
        if isinstance(node.operator, cst.Add) and isinstance(left, Text | Dynamic) and isinstance(
                right, Text | Dynamic):
            return self.concatenate([left, right])
        if isinstance(left, Mask) or isinstance(right, Mask):
            return left if isinstance(left, Mask) else right
        data = [v for v in (left, right) if isinstance(v, Data)]
        if len(data) == 2 and data[0].node != data[1].node:
            return self.combine(data, "union", node)
        return data[0] if data else None

    def collection(self, items: Sequence[cst.BaseExpression], node: cst.CSTNode) -> Value | None:
        values = [self.value(item) for item in items]
        if values and all(isinstance(v, Text) for v in values):
            return Strings(tuple(v.value for v in values))  # type: ignore[union-attr]
        data = [v for v in values if isinstance(v, Data)]
        return self.combine(data, "union", node) if data else None

    def attribute(self, node: cst.Attribute) -> Value | None:
        dotted = self.code(node)
        if dotted in self.env:
            return self.env[dotted]
        base = self.value(node.value)
        name = node.attr.value
        if isinstance(base, Symbol):
            qualname = f"{base.qualname}.{name}"
            reason = DYNAMIC_SYMBOLS.get(qualname)
            return Dynamic(reason) if reason and qualname != "os.getenv" else Symbol(qualname)
        if isinstance(base, Data):
            if name == "write":
                return Writer(base)
            return Data(base.node, base.roots, (name,) if name not in ("loc", "iloc", "str",
                                                                         "dt") else base.columns)
        if isinstance(base, Grouped | Dynamic | Handle):
            return base
        return None

    def subscript(self, node: cst.Subscript) -> Value | None:
        base = self.value(node.value)
        if isinstance(base, Symbol):
            return Dynamic(DYNAMIC_SYMBOLS.get(base.qualname, f"item of `{base.qualname}`"))
        if isinstance(base, Dynamic):
            return base
        keys = [self.value(e.slice.value) for e in node.slice if isinstance(e.slice, cst.Index)]
        if isinstance(base, Grouped):
            picked = next((k for k in keys if isinstance(k, Text | Strings)), None)
            return Grouped(Data(base.data.node, base.data.roots, _names(picked) or None),
                           base.keys) if picked else base
        if not isinstance(base, Data):
            return None
        result = base
        for key in keys:
            if isinstance(key, Mask):
                result = self.derive([result], "filter", node, self.code(node.value))
            elif isinstance(key, Strings):
                result = self.derive([result], "project", node, self.code(node.value),
                                     columns=key.values)
            elif isinstance(key, Text):
                result = Data(result.node, result.roots, (key.value,))
        return result

    def subscript_key(self, node: cst.Subscript) -> Value | None:
        first = node.slice[0].slice if node.slice else None
        return self.value(first.value) if isinstance(first, cst.Index) else None

    # ---- calls ------------------------------------------------------------------------------

    def call(self, node: cst.Call) -> Value | None:
        func = node.func
        if isinstance(func, cst.Attribute):
            base = self.value(func.value)
            method = func.attr.value
            if isinstance(base, Data):
                return self.data_method(base, method, node)
            if isinstance(base, Grouped):
                return self.aggregate(base, node)
            if isinstance(base, Writer):
                return self.writer_method(base, method, node)
            if isinstance(base, Handle):
                return self.handle_method(base, method, node)
            if isinstance(base, Text):
                return self.text_method(base, method, node)
            if isinstance(base, Dynamic):
                return self.dynamic_method(base, method, node)
            qualname = f"{base.qualname}.{method}" if isinstance(base, Symbol) else f"?.{method}"
            return self.symbol_call(qualname, node)
        callee = self.value(func)
        if isinstance(callee, Symbol):
            return self.symbol_call(callee.qualname, node)
        return None

    def symbol_call(self, qualname: str, node: cst.Call) -> Value | None:
        last = qualname.rsplit(".", 1)[-1]
        head = qualname.split(".", 1)[0]
        if qualname in ("open", "io.open", "codecs.open"):
            return self.open_file(self.arg(node, 0, "file"), self.arg(node, 1, "mode"), node)
        if qualname in DYNAMIC_SYMBOLS:
            return Dynamic(DYNAMIC_SYMBOLS[qualname])
        if qualname in PATH_BUILDERS:
            parts = [self.value(a.value) for a in node.args if not a.keyword]
            if all(isinstance(p, Text) for p in parts):
                return Text(posixpath.join(*(p.value for p in parts)) if parts else ".")
            return next((p for p in parts if isinstance(p, Dynamic)),
                        Dynamic(f"path built at run time `{self.code(node)}`"))
        if qualname in ("pathlib.Path.home", "os.path.expanduser.home"):
            return Text("~")
        if qualname in pyapi.READ_FUNCTIONS:
            return self.read(self.arg(node, pyapi.READ_FUNCTIONS[qualname]), node,
                             columns=self.column_list(node, "usecols", "columns"))
        if qualname == "sqlalchemy.text":
            return self.value(node.args[0].value) if node.args else None
        if qualname in pyapi.SQL_FUNCTIONS or (last in pyapi.SQL_METHODS
                                               and qualname not in pyapi.CONNECT_FUNCTIONS):
            query = self.arg(node, 0, "sql")
            if query is not None:
                return self.sql(self.value(query), node)
        if qualname in pyapi.COMBINE_FUNCTIONS:
            frames = [self.value(a.value) for a in node.args if not a.keyword]
            return self.combine(frames, pyapi.COMBINE_FUNCTIONS[qualname], node)  # type: ignore
        if qualname in pyapi.COPY_FUNCTIONS:
            src, dst = pyapi.COPY_FUNCTIONS[qualname]
            return self.copy(self.arg(node, src), self.arg(node, dst), node)
        if head in pyapi.HTTP_MODULES and last in pyapi.HTTP_SEND_METHODS:
            return self.send(self.arg(node, 0, "url"), self.payload(node), node, "url")
        if last in pyapi.UPLOAD_METHODS:
            return self.upload(node)
        if last in pyapi.MAIL_METHODS:
            return self.mail(node)
        if qualname in pyapi.DUMP_FUNCTIONS:
            return self.dump(qualname, node)
        if "read" in qualname.split(".")[1:-1] and last in pyapi.SPARK_READ_TERMINALS:
            kind = "table" if last in ("table", "jdbc") else "file"
            return self.read(self.arg(node, 0, "path"), node, kind=kind)
        if head == "spark" and last == "table":
            return self.read(self.arg(node, 0, "tableName"), node, kind="table")
        frames = [v for v in (self.value(a.value) for a in node.args) if isinstance(v, Data)]
        if frames:
            return self.combine(frames, "derive", node, label=f"{last}()")
        return Symbol(qualname)

    def data_method(self, data: Data, method: str, node: cst.Call) -> Value | None:
        if method in pyapi.WRITE_METHODS or method == "to_clipboard":
            return self.write_frame(data, method, node)
        if method in pyapi.JOIN_METHODS:
            other = [self.value(a.value) for a in node.args if a.keyword is None
                     or a.keyword.value in ("right", "other", "df")]
            keys = self.column_list(node, "on", "left_on") or ()
            return self.combine([data, *other], "join", node, keys=keys)
        if method in pyapi.FILTER_METHODS:
            return self.derive([data], "filter", node, self.code(node.func))
        if method == "drop":
            dropped = self.column_list(node, "columns", "labels") or _names(
                self.value(node.args[0].value) if node.args else None)
            if dropped and (self.arg(node, 99, "axis") is not None or self.arg(
                    node, 99, "columns") is not None or data.columns is None
                    or set(dropped) <= set(data.columns)):
                kept = None if data.columns is None else tuple(
                    c for c in data.columns if c not in dropped)
                return self.derive([data], "project", node, self.code(node.func),
                                   columns=kept, dropped=dropped)
            return data
        if method in pyapi.PROJECT_METHODS:
            names = [n for a in node.args for n in _names(self.value(a.value))]
            if names:
                return self.derive([data], "project", node, self.code(node.func),
                                   columns=tuple(names))
            return data
        if method in pyapi.GROUP_METHODS:
            keys = self.column_list(node, "by", "keys") or ()
            if not keys and node.args:
                keys = tuple(n for a in node.args for n in _names(self.value(a.value)))
            return Grouped(data, keys)
        if method in pyapi.AGGREGATE_METHODS:
            return self.aggregate(Grouped(data, ()), node)
        if method in ("assign", "withColumn", "with_columns"):
            return self.add_columns(data, method, node)
        if method in pyapi.SQL_METHODS and node.args:
            query = self.value(node.args[-1].value)
            if isinstance(query, Text) and _looks_like_sql(query.value):
                return self.sql(query, node)
        for arg in node.args:  # e.g. df.pipe(other_df) or a UDF over another frame
            self.value(arg.value)
        return data

    def add_columns(self, data: Data, method: str, node: cst.Call) -> Data:
        """`assign(col=...)`, `withColumn("col", ...)`: anonymize when the value hashes/masks."""
        if method == "withColumn" and node.args:
            name = self.value(node.args[0].value)
            names = (name.value,) if isinstance(name, Text) else ()
            exprs = [a.value for a in node.args[1:]]
        else:
            names = tuple(a.keyword.value for a in node.args if a.keyword is not None)
            exprs = [a.value for a in node.args]
        columns = None if data.columns is None else tuple(dict.fromkeys((*data.columns, *names)))
        if names and any(_mentions_anonymizer(e) for e in exprs):
            return self.derive([data], "anonymize", node, self.code(node.func), columns=columns,
                               anonymized=names)
        return Data(data.node, data.roots, columns)

    def aggregate(self, grouped: Grouped, node: cst.Call) -> Data:
        named = tuple(a.keyword.value for a in node.args if a.keyword is not None)
        measured = grouped.data.columns if not named else named
        columns = tuple(dict.fromkeys((*grouped.keys, *(measured or ())))) or None
        return self.derive([grouped.data], "aggregate", node, self.code(node.func),
                           keys=grouped.keys, columns=columns)

    def writer_method(self, writer: Writer, method: str, node: cst.Call) -> Value | None:
        if method in pyapi.SPARK_WRITER_TERMINALS and writer.data is not None:
            kind = pyapi.SPARK_WRITER_TERMINALS[method]
            target = self.arg(node, 0, "path" if kind == "file" else "tableName")
            return self.write([writer.data], self.resource_of(target, node, kind), node)
        if method in pyapi.HANDLE_WRITE_METHODS and writer.target is not None:
            payload = [self.value(a.value) for a in node.args]
            return self.write(payload, (writer.target, None), node)
        return writer

    def handle_method(self, handle: Handle, method: str, node: cst.Call) -> Value | None:
        if handle.writable and method in pyapi.HANDLE_WRITE_METHODS:
            payload = [self.value(a.value) for a in node.args]
            return self.write(payload, (handle.target, handle.dynamic_reason), node)
        return handle

    def text_method(self, text: Text, method: str, node: cst.Call) -> Value | None:
        """Methods on a static path (`Path("x").read_text()`) or string (`"a".format(b)`)."""
        if method in ("read_text", "read_bytes"):
            return self.read(None, node, fixed=text)
        if method in ("write_text", "write_bytes"):
            payload = [self.value(a.value) for a in node.args]
            return self.write(payload, (self.location_resource(text.value), None), node)
        if method == "open":
            return self.open_file(None, self.arg(node, 0, "mode"), node, fixed=text)
        if method in ("format", "format_map", "join", "replace", "strip", "lower", "upper"):
            if all(isinstance(self.value(a.value), Text) for a in node.args):
                return Dynamic(f"string built at run time `{self.code(node)}`") if method in (
                    "format", "format_map", "join") else text
            return Dynamic(f"string built at run time `{self.code(node)}`")
        if method in ("with_suffix", "with_name", "joinpath", "resolve", "absolute", "expanduser"):
            parts = [self.value(a.value) for a in node.args]
            if method == "joinpath" and all(isinstance(p, Text) for p in parts):
                return Text(posixpath.join(text.value, *(p.value for p in parts)))  # type: ignore
            return text if not parts else Dynamic(f"path built at run time `{self.code(node)}`")
        return None

    def dynamic_method(self, dynamic: Dynamic, method: str, node: cst.Call) -> Value:
        if method in pyapi.WRITE_METHODS:  # a frame we could not follow is still written
            target = self.resource_of(self.arg(node, 0), node)
            self.write([], target, node)
        return dynamic

    # ---- the operations themselves ----------------------------------------------------------

    def read(self, target: cst.BaseExpression | None, node: cst.Call, kind: str = "file",
             columns: tuple[str, ...] | None = None, fixed: Text | None = None) -> Data:
        resource, reason = (self.location_resource(fixed.value), None) if fixed else \
            self.resource_of(target, node, kind)
        if resource.kind == "file" and not columns:
            columns = header_columns(self.context.root / resource.name) or None
        if columns:
            resource = resource.model_copy(update={"columns": columns})
        node_id = self.graph.resource_node(resource)
        self.graph.operation("read", self.loc(node), self.code(self.statement), [resource],
                             data_node=node_id, dynamic_reason=reason)
        return Data(node_id, (resource,), columns)

    def sql(self, query: Value | None, node: cst.Call) -> Data:
        location = self.loc(node)
        if not isinstance(query, Text):
            reason = query.reason if isinstance(query, Dynamic) else "query text not known"
            result = self.graph.value_node("query", location)
            self.graph.operation("query", location, self.code(self.statement), [],
                                 data_node=result, dynamic_reason=f"SQL from {reason}")
            return Data(result, ())
        statements, problems = analyse_sql(query.value, self.context.dialect)
        for line, message in problems:
            self.errors.append(FileError(path=location.path, line=location.line + line - 1,
                                         message=message))
        result: Data = Data(self.graph.value_node("query", location), ())
        for statement in statements:
            node_id = self.graph.add_sql_statement(statement, location, self.code(self.statement))
            roots = (statement.target,) if statement.target else tuple(statement.sources)
            result = Data(node_id, roots, statement.columns)
        self.fresh.append(result.node)
        return result

    def open_file(self, path: cst.BaseExpression | None, mode: cst.BaseExpression | None,
                  node: cst.Call, fixed: Text | None = None) -> Value:
        mode_value = self.value(mode) if mode is not None else None
        writable = isinstance(mode_value, Text) and any(c in mode_value.value for c in "wax+")
        if not writable:
            return self.read(path, node, fixed=fixed)
        resource, reason = (self.location_resource(fixed.value), None) if fixed else \
            self.resource_of(path, node)
        return Handle(resource, True, reason)

    def write_frame(self, data: Data, method: str, node: cst.Call) -> Value | None:
        if method == "to_clipboard":
            return self.write([data], (Resource(kind="stream", name="clipboard"), None), node)
        index = pyapi.WRITE_METHODS[method]
        keywords = ("name", "con") if method == "to_sql" else (
            "path", "path_or_buf", "file", "excel_writer", "target", "table_name")
        target = self.arg(node, index, *keywords)
        if target is None:
            return data  # `df.to_csv()` with no target returns text: the data keeps flowing
        kind = "table" if method in ("to_sql", "write_database") else "file"
        return self.write([data], self.resource_of(target, node, kind), node)

    def write(self, payload: Sequence[Value | None], target: tuple[Resource, str | None],
              node: cst.CSTNode) -> None:
        """Record a write or export of `payload` into `target` (a resource and why it's dynamic)."""
        destination, reason = target
        data = [v for v in payload if isinstance(v, Data)]
        flowing = self.combine(data, "union", node) if data else None
        dest_node = self.graph.resource_node(destination)
        if flowing is not None:
            self.graph.edge(flowing.node, dest_node, "write", self.loc(node))
        self.graph.operation(_write_action(destination), self.loc(node),
                             self.code(self.statement), list(flowing.roots) if flowing else [],
                             destination=destination,
                             data_node=flowing.node if flowing else None, dynamic_reason=reason)

    def copy(self, src: cst.BaseExpression | None, dst: cst.BaseExpression | None,
             node: cst.Call) -> None:
        source, _ = self.resource_of(src, node)
        data = self.read_silently(source)
        self.write([data], self.resource_of(dst, node), node)

    def read_silently(self, resource: Resource) -> Data:
        """The data of a resource used without a read call (the source of a file copy)."""
        return Data(self.graph.resource_node(resource), (resource,), resource.columns or None)

    def send(self, url: cst.BaseExpression | None, payload: list[Value | None], node: cst.Call,
             kind: str) -> None:
        self.write(payload, self.resource_of(url, node, kind), node)

    def payload(self, node: cst.Call) -> list[Value | None]:
        return [self.value(a.value) for a in node.args
                if a.keyword is not None and a.keyword.value in pyapi.HTTP_PAYLOAD_KEYWORDS]

    def upload(self, node: cst.Call) -> None:
        """boto3/GCS/Azure uploads: the local file or body goes to `scheme://bucket/key`."""
        local = self.arg(node, 0, "Filename", "Fileobj", "filename")
        body = self.arg(node, 99, "Body", "data")
        bucket = self.value(self.arg(node, 1, "Bucket") or cst.Name("None"))
        key = self.value(self.arg(node, 2, "Key") or cst.Name("None"))
        payload: list[Value | None] = [self.value(body)] if body is not None else []
        if local is not None:
            value = self.value(local)
            payload.append(self.read_silently(self.location_resource(value.value)) if isinstance(
                value, Text) else value)
        if isinstance(bucket, Text) and isinstance(key, Text):
            target = (Resource(kind="url", name=f"s3://{bucket.value}/{key.value}"), None)
        else:
            target = (Resource(kind="url", name=f"cloud upload `{self.code(node)}`"[:200]),
                      "bucket or key computed at run time")
        self.write(payload, target, node)

    def mail(self, node: cst.Call) -> None:
        recipients = self.value(self.arg(node, 1, "to_addrs") or cst.Name("None"))
        name = f"mailto:{recipients.value}" if isinstance(recipients, Text) else "mailto:"
        payload = [self.value(a.value) for a in node.args]
        reason = None if isinstance(recipients, Text) else "recipients computed at run time"
        self.write(payload, (Resource(kind="url", name=name), reason), node)

    def dump(self, qualname: str, node: cst.Call) -> Value | None:
        handle = self.value(self.arg(node, 0 if qualname.startswith("csv.") else 1, "fp", "f",
                                     "file", "stream", "fname") or cst.Name("None"))
        if isinstance(handle, Text):
            handle = Handle(self.location_resource(handle.value), True)
        if not isinstance(handle, Handle):
            return None
        if qualname.startswith("csv."):
            return Writer(None, handle.target)
        payload = [self.value(self.arg(node, 0, "obj", "data", "arr") or cst.Name("None"))]
        self.write(payload, (handle.target, handle.dynamic_reason), node)
        return None

    # ---- helpers ----------------------------------------------------------------------------

    def derive(self, inputs: Sequence[Data], transform: Transform, node: cst.CSTNode, label: str,
               **details: tuple[str, ...] | None) -> Data:
        """A new value node fed by `inputs` through `transform`; records an Operation for the
        transforms users care about (join, aggregate, filter, anonymize)."""
        location = self.loc(node)
        columns = details.get("columns")
        if columns is None and transform not in ("aggregate",) and len(inputs) == 1:
            columns = inputs[0].columns
            details["columns"] = columns
        node_id = self.graph.value_node(label[:80], location, columns)
        self.fresh.append(node_id)
        roots: tuple[Resource, ...] = ()
        for item in inputs:
            self.graph.edge(item.node, node_id, transform, location, **details)
            roots = (*roots, *(r for r in item.roots if r not in roots))
        action = OPERATION_TRANSFORMS.get(transform)
        if action is not None:
            self.graph.operation(action, location, self.code(self.statement), list(roots),
                                 data_node=node_id)
        return Data(node_id, roots, columns)

    def combine(self, values: Sequence[Value | None], transform: Transform, node: cst.CSTNode,
                label: str | None = None, keys: tuple[str, ...] = ()) -> Data | None:
        data = list({v.node: v for v in values if isinstance(v, Data)}.values())
        if not data:
            return None
        if len(data) == 1 and transform in ("union", "derive"):
            return data[0]
        known = [d.columns for d in data]
        columns = None if any(c is None for c in known) else tuple(
            dict.fromkeys(c for cols in known for c in cols))  # type: ignore[union-attr]
        details: dict[str, tuple[str, ...] | None] = {"columns": columns}
        if keys:
            details["keys"] = keys
        return self.derive(data, transform, node, label or self.code(node)[:60], **details)

    def resource_of(self, target: cst.BaseExpression | None, node: cst.CSTNode,
                    kind: str = "file") -> tuple[Resource, str | None]:
        """The resource an argument names, or an `unknown` one with the reason it is dynamic."""
        value = self.value(target) if target is not None else None
        if isinstance(value, Text):
            if kind == "table":
                return table_resource(value.value), None
            return self.location_resource(value.value), None
        if isinstance(value, Handle):
            return value.target, value.dynamic_reason
        shown = self.code(target) if target is not None else self.code(node)
        if isinstance(value, Dynamic):
            reason = value.reason
        elif target is None:
            reason = "target not given in the call"
        elif isinstance(value, Symbol) and "." not in value.qualname and isinstance(
                target, cst.Name):
            reason = f"variable `{value.qualname}` is not assigned in this file"
        else:
            reason = f"value of `{shown}` is computed at run time"
        return Resource(kind="unknown", name=shown[:200]), reason

    def location_resource(self, text: str) -> Resource:
        return normalise_location(text, self.context.root)

    def column_list(self, node: cst.Call, *keywords: str) -> tuple[str, ...] | None:
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value in keywords:
                names = _names(self.value(arg.value))
                if names:
                    return names
        return None

    def arg(self, node: cst.Call, index: int, *keywords: str) -> cst.BaseExpression | None:
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value in keywords:
                return arg.value
        positional = [a.value for a in node.args if a.keyword is None and not a.star]
        return positional[index] if 0 <= index < len(positional) else None

    def loc(self, node: cst.CSTNode) -> Location:
        start = self.positions[node].start
        return self.locate(start.line, start.column + 1)

    def code(self, node: cst.CSTNode) -> str:
        return " ".join(self.module.code_for_node(node).split())[:240]


def _names(value: Value | None) -> tuple[str, ...]:
    if isinstance(value, Text):
        return (value.value,)
    if isinstance(value, Strings):
        return value.values
    return ()


def _write_action(destination: Resource) -> Action:
    """`export` when the data leaves the project (URL, stream, home or absolute path)."""
    if destination.kind in ("url", "stream"):
        return "export"
    if destination.kind == "file" and destination.name.startswith(("~", "/", "..")):
        return "export"
    return "write"


def _looks_like_sql(text: str) -> bool:
    return text.lstrip().split(" ", 1)[0].upper() in {
        "SELECT", "WITH", "INSERT", "CREATE", "UPDATE", "DELETE", "MERGE", "COPY"}


def _mentions_anonymizer(node: cst.CSTNode) -> bool:
    """Whether an expression calls something that hashes, masks or tokenises its input."""
    for name in _identifiers(node):
        if pyapi.ANONYMIZER.search(name):
            return True
    return False


def _identifiers(node: cst.CSTNode) -> Iterable[str]:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Name):
            yield current.value
        stack.extend(current.children)
