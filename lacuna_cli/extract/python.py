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
from functools import cached_property
from pathlib import Path

import libcst as cst

from lacuna_cli.extract import pyapi
from lacuna_cli.extract.files import normalise_location, table_resource
from lacuna_cli.extract.pyflow import Capture, FlowGraph
from lacuna_cli.extract.pyfunctions import (
    CallSite, Param, Summary, finalise, raw_placeholder, summarise,
)
from lacuna_cli.extract.prefilter import may_hold_operations
from lacuna_cli.extract.pyoperations import Operations
from lacuna_cli.extract.failures import failed, internal_error
from lacuna_cli.extract.pyparse import (
    Partial, PythonSyntaxProblem, check_syntax, literal_text, parse_cst, parse_partially,
)
from lacuna_cli.extract.pypositions import NodeStarts
from lacuna_cli.extract.pyslice import relevant_source
from lacuna_cli.extract.pyvalues import (
    Data, Dynamic, Frames, Function, Grouped, Handle, Mask, Strings, Symbol, Text, Value, Writer,
)
from lacuna_cli.models import (
    Action, Extraction, FileError, Location, Operation, Resource, Transform,
)

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
# Passes over one loop body at most: literal lists of paths are unrolled (nested loops multiply)
# up to this, beyond it the loop variable is one dynamic value.
MAX_UNROLLED = 32
FRAME_CONSTRUCTORS = {"pandas.DataFrame", "pandas.Series", "polars.DataFrame", "polars.LazyFrame",
                      "polars.from_pandas", "polars.from_dicts", "pandas.DataFrame.from_records",
                      "pandas.DataFrame.from_dict", "pandas.json_normalize"}
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
    """Operations and lineage of one Python module (or a notebook's joined cells). Statements
    that do not parse are skipped and reported (one error line naming where); the rest is
    analysed, so one bad line never loses a file."""
    locate = locate or (lambda line, col: Location(path=relpath, line=line, column=col))
    try:
        checked = parse_partially(source, check_syntax)
        if not may_hold_operations(checked.source):
            return Extraction(path=relpath, language="python",
                              errors=_skipped_errors(relpath, locate, checked))
        parsed = parse_partially(relevant_source(checked.source, checked.tree), parse_cst)
    except PythonSyntaxProblem as problem:
        line = None if problem.line is None else locate(problem.line, 1).line
        return failed(relpath, "python", _where(locate, problem.line) + problem.message, line)
    try:
        interpreter = _Interpreter(parsed.tree, relpath, context, locate)
        interpreter.run()
    except RecursionError:
        return failed(relpath, "python", "expression nested too deeply to analyse")
    except Exception as exc:  # noqa: BLE001 - a bug on one odd file must not stop the run
        return failed(relpath, "python", internal_error(exc))
    return interpreter.graph.build(
        "python", [*_skipped_errors(relpath, locate, checked, parsed), *interpreter.errors])


def _skipped_errors(relpath: str, locate: Locator, *parses: Partial) -> tuple[FileError, ...]:
    """One error per parse stage that had to skip statements, at the line the parser blamed."""
    def place(line: int) -> tuple[int | None, int]:
        location = locate(line, 1)
        return location.cell, location.line

    return tuple(FileError(path=relpath, line=locate(p.problem.line or 1, 1).line,
                           message=_where(locate, p.problem.line) + p.describe(place))
                 for p in parses if p.problem is not None)


def _where(locate: Locator, line: int | None) -> str:
    """`cell 3: ` when the line is in a notebook cell (errors carry the line within it)."""
    cell = locate(line, 1).cell if line is not None else None
    return f"cell {cell}: " if cell is not None else ""


class _Interpreter(Operations):
    """Walks statements in order, keeping an environment of name -> Value."""

    @cached_property
    def positions(self) -> NodeStarts:
        """Where every node starts, computed on first use (a module with no functions and no
        data never needs it)."""
        return NodeStarts(self.module)

    def __init__(self, module: cst.Module, relpath: str, context: PythonContext,
                 locate: Locator) -> None:
        self.module = module
        self.context = context
        self.locate = locate
        self.graph = FlowGraph(relpath)
        self.errors: list[FileError] = []
        self.env: dict[str, Value] = {}
        self.globals = self.env
        self.statement: cst.CSTNode = module
        self.fresh: list[str] = []
        # User functions: summaries (None while one is being made), in definition order.
        self.summaries: dict[Function, Summary | None] = {}
        self.defined: list[Function] = []
        self.returns: list[list[Value | None]] = []  # one list per function being summarised
        self.param_nodes: dict[str, str] = {}  # placeholder name -> parameter node
        self.path_kinds: dict[str, str] = {}  # placeholder name -> kind, for path parameters
        self.read_paths: set[str] = set()  # placeholder names of parameters read from
        self.emitted: dict[tuple[str, str], Operation] = {}
        self.opened: set[str] = set()  # data nodes of files opened for reading
        self.unrolled = 1  # passes the enclosing loops make over the current statement

    def run(self) -> None:
        """The module top to bottom, then the functions it never calls (their parameters stay
        unknown: what they do is still reported)."""
        self.block(self.module.body)
        for function in self.defined:
            if function not in self.summaries:
                summary = self.summarise(function)
                if summary is not None:
                    finalise(summary, self)

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
            for statement in node.body.body if isinstance(node.body, cst.IndentedBlock) else ():
                if isinstance(statement, cst.FunctionDef):  # methods: summarised at the end
                    self.defined.append(Function(f"{node.name.value}.{statement.name.value}",
                                                 statement))
                else:
                    self.compound(statement)
        elif isinstance(node, cst.If):
            self.expression_statement(node.test)
            self.suite(node.body)
            if node.orelse is not None:
                self.compound(node.orelse) if isinstance(node.orelse, cst.If) else self.suite(
                    node.orelse.body)
        elif isinstance(node, cst.For):
            iterable = self.expression_statement(node.iter)
            items = self.items(iterable, node.iter)
            self.unrolled *= len(items)
            for item in items:
                self.bind(node.target, item)
                self.suite(node.body)
            self.unrolled //= len(items)
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

    def items(self, iterable: Value | None, node: cst.BaseExpression) -> list[Value]:
        """What a loop variable is bound to, once per pass over the body: each path of a short
        literal list (so each is read or written), else one pass with the data or a dynamic."""
        if isinstance(iterable, Strings) and len(iterable.values) * self.unrolled <= MAX_UNROLLED:
            return [Text(v) for v in iterable.values]
        if isinstance(iterable, Frames) and iterable.data is not None:
            return [iterable.data]
        if isinstance(iterable, Data):
            return [iterable]
        return [Dynamic(f"loop variable over `{self.code(node)}`")]

    def function(self, node: cst.FunctionDef) -> None:
        """Bind the name; the body is summarised when first called (globals defined later, such
        as helpers below `main()`, are then known) or at the end of the module."""
        closure = dict(self.env) if self.returns else None
        function = Function(node.name.value, node, closure)
        self.env[node.name.value] = function
        self.defined.append(function)

    def summarise(self, function: Function) -> Summary | None:
        """Interpret a body once with placeholder parameters; None if it is being summarised
        already (recursion), when the call is treated like an unknown function's."""
        if function in self.summaries:
            return self.summaries[function]
        self.summaries[function] = None
        node: cst.FunctionDef = function.node  # type: ignore[assignment]
        saved = (self.env, self.statement, self.fresh)
        self.env = {**self.globals, **(function.closure or {})}
        params = self.parameters(function, node)
        for param in params:
            self.env[param.name] = param.value()
        self.graph.captures.append(Capture())
        self.returns.append([])
        try:
            self.suite(node.body)
        finally:
            returns = self.returns.pop()
            capture = self.graph.captures.pop()
            self.env, self.statement, self.fresh = saved
        summary = summarise(function.name, params, returns, capture, self.graph)
        self.summaries[function] = summary
        return summary

    def parameters(self, function: Function, node: cst.FunctionDef) -> list[Param]:
        params = []
        positional = (*node.params.posonly_params, *node.params.params)
        for index, param in enumerate((*positional, *node.params.kwonly_params)):
            name = param.name.value
            placeholder = Resource(kind="unknown", name=f"parameter `{name}` of "
                                   f"`{function.name}()` (line {self.loc(node).line})")
            location = self.loc(param)
            param_node = self.graph.value_node(placeholder.name.split(" (")[0], location)
            self.param_nodes[placeholder.name] = param_node
            default = self.value(param.default) if param.default is not None else None
            params.append(Param(name, index if index < len(positional) else None, param_node,
                                placeholder, default))
        return params

    def call_function(self, function: Function, node: cst.Call,
                      leading: Sequence[Value | None] = ()) -> Value | None:
        """A call of a user function: its summary applied to these arguments. `leading` are
        arguments that come before the call's own (`df.pipe(f, x)` calls `f(df, x)`, so there
        the call's first argument, `f`, is not passed)."""
        summary = self.summarise(function)
        if summary is None:  # recursive: like an unknown function of its arguments
            return self.unknown_call(function.name, node)
        given = [a.value for a in node.args if a.keyword is None and not a.star]
        given = given[1:] if leading else given
        positional = [*leading, *(self.value(v) for v in given)]
        shown = [*("" for _ in leading), *(self.code(v) for v in given)]
        arguments: dict[str, Value | None] = {}
        names: dict[str, str] = {}
        for param in summary.params:
            if param.index is not None and param.index < len(positional):
                arguments[param.name] = positional[param.index]
                names[param.name] = shown[param.index]
        for arg in node.args:
            if arg.keyword is not None:
                arguments[arg.keyword.value] = self.value(arg.value)
                names[arg.keyword.value] = self.code(arg.value)
        site = CallSite(self, summary, arguments, names, self.loc(node))
        return site.apply(self.emitted)

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
                [self.value(node.target), self.value(node.value)], "derive", node))
        elif isinstance(node, cst.Expr):
            self.value(node.value)
        elif isinstance(node, cst.Return) and node.value is not None:
            returned = self.value(node.value)
            if self.returns:
                self.returns[-1].append(returned)
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
            holder = self.value(target.value)
            if isinstance(holder, Frames):  # `frames[name] = pd.read_csv(...)`
                self.collect(target.value, holder, [value])
            else:
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
            text = literal_text(node)
            return None if text is None else Text(text)
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
        if isinstance(node, cst.ListComp | cst.GeneratorExp | cst.SetComp | cst.DictComp):
            return self.comprehension(node)
        if isinstance(node, cst.Yield) and isinstance(node.value, cst.BaseExpression):
            yielded = self.value(node.value)
            if self.returns:
                self.returns[-1].append(yielded)
            return None
        return None

    def comprehension(self, node: cst.ListComp | cst.GeneratorExp | cst.SetComp | cst.DictComp
                      ) -> Value | None:
        """`[pd.read_csv(p) for p in PATHS]`: the element once per literal path (each is read);
        the frames it makes are collected, not joined."""
        iterable = self.value(node.for_in.iter)
        target = node.for_in.target
        saved = self.env.get(target.value) if isinstance(target, cst.Name) else None
        element = node.value if isinstance(node, cst.DictComp) else node.elt
        found = []
        for item in self.items(iterable, node.for_in.iter):
            self.bind(target, item)
            found.append(self.value(element))
        self.bind(target, saved)
        data = [v for v in found if isinstance(v, Data)]
        if data:
            return Frames(self.combine(data, "derive", node))
        return found[0] if len(found) == 1 and found[0] is not None else iterable

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
        # `df.a * df.b`, `a + b`: arithmetic mixes values; it is not a join of data sets
        return self.combine([left, right], "derive", node)

    def collection(self, items: Sequence[cst.BaseExpression], node: cst.CSTNode) -> Value | None:
        values = [self.value(item) for item in items]
        if not values:
            return Frames()  # an empty list or dict: frames may be collected into it
        if all(isinstance(v, Text) for v in values):
            return Strings(tuple(v.value for v in values))  # type: ignore[union-attr]
        data = _data(values)
        return Frames(self.combine(data, "derive", node)) if data else None

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
            if isinstance(key, Mask) or (isinstance(key, Data) and key.node == result.node
                                         and key.columns and key.columns != result.columns):
                # `df[df.x > 1]`, or `df[df["active"]]` / `df[df.x.notna()]`: rows kept
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
            if isinstance(base, Frames):
                return self.frames_method(base, method, node)
            if isinstance(base, Dynamic):
                return self.dynamic_method(base, method, node)
            qualname = f"{base.qualname}.{method}" if isinstance(base, Symbol) else f"?.{method}"
            return self.symbol_call(qualname, node)
        callee = self.value(func)
        if isinstance(callee, Symbol):
            return self.symbol_call(callee.qualname, node)
        if isinstance(callee, Function):
            return self.call_function(callee, node)
        return None

    def frames_method(self, frames: Frames, method: str, node: cst.Call) -> Value | None:
        """`frames.append(df)` collects; `frames.values()` and the like are the frames."""
        if method in pyapi.COLLECT_METHODS and isinstance(node.func, cst.Attribute):
            added = [self.value(a.value) for a in node.args]
            self.collect(node.func.value, frames, added)
            return None
        return frames

    def collect(self, target: cst.BaseExpression, frames: Frames,
                added: Sequence[Value | None]) -> None:
        """Bind `target` to `frames` with `added` data collected into it (no operation: putting
        frames in a list joins nothing)."""
        parts = [frames.data, *(v.data if isinstance(v, Frames) else v for v in added)]
        self.bind(target, Frames(self.combine(parts, "derive", target)))

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
        if qualname in pyapi.HANDLE_FUNCTIONS:
            target = self.resource_of(self.arg(node, pyapi.HANDLE_FUNCTIONS[qualname], "path"),
                                      node)
            return Handle(target[0], True, target[1])
        if qualname in pyapi.TABLE_READ_FUNCTIONS:
            return self.read(self.arg(node, pyapi.TABLE_READ_FUNCTIONS[qualname], "table_name"),
                             node, kind="table", columns=self.column_list(node, "columns"))
        if qualname == "sqlalchemy.text":
            return self.value(node.args[0].value) if node.args else None
        if qualname in pyapi.SQL_FUNCTIONS:
            query = self.arg(node, 0, "sql")
            if query is not None:
                return self.sql(self.value(query), node)
        if last in pyapi.SQL_METHODS and qualname not in pyapi.CONNECT_FUNCTIONS:
            result = self.sql_method(node)
            if result is not None:
                if last.startswith("execute") and isinstance(node.func, cst.Attribute) and \
                        qualname.rsplit(".", 2)[-2] == "cursor":
                    self.bind(node.func.value, result)  # `cur.execute(q)` then `cur.fetchall()`
                return result
        if qualname in pyapi.COMBINE_FUNCTIONS:
            transform = pyapi.COMBINE_FUNCTIONS[qualname]
            frames = [self.value(a.value) for a in node.args if not a.keyword]
            collected = [v.data for v in frames if isinstance(v, Frames) and v.data is not None]
            if collected and len(frames) == 1:  # pd.concat(frames): the collected ones unite
                return self.derive(collected, transform, node, self.code(node.func))  # type: ignore
            return self.combine(frames, transform, node)  # type: ignore
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
        if last == "table" and _is_spark(qualname):
            return self.read(self.arg(node, 0, "tableName"), node, kind="table")
        if qualname in FRAME_CONSTRUCTORS or (last == "createDataFrame" and _is_spark(qualname)):
            built = self.unknown_call(last, node)
            return built if isinstance(built, Data) else Data(
                self.graph.value_node(f"{last}()", self.loc(node)), ())
        return self.unknown_call(qualname, node)

    def unknown_call(self, qualname: str, node: cst.Call) -> Value | None:
        """A call we know nothing about: its result derives from any data passed to it."""
        data = _data(self.value(a.value) for a in node.args)
        if data:
            return self.combine(data, "derive", node, label=f"{qualname.rsplit('.', 1)[-1]}()")
        return Symbol(qualname)

    def data_method(self, data: Data, method: str, node: cst.Call) -> Value | None:
        if method in pyapi.WRITE_METHODS or method in pyapi.CLIPBOARD_WRITES:
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
        if method in pyapi.SQL_METHODS:
            result = self.sql_method(node)
            if result is not None:
                return result
        if method == "pipe" and node.args:
            function = self.value(node.args[0].value)
            if isinstance(function, Function):
                return self.call_function(function, node, leading=(data,))
        if method in pyapi.UPLOAD_METHODS | pyapi.MAIL_METHODS:  # a client passed in as argument
            return self.symbol_call(f"?.{method}", node)
        for arg in node.args:  # e.g. df.pipe(other_df) or a UDF over another frame
            self.value(arg.value)
        return data

    def add_columns(self, data: Data, method: str, node: cst.Call) -> Data:
        """`assign(col=...)`, `withColumn("col", F.sha2(...))`, polars
        `with_columns(pl.col("email").hash())`: the columns whose new value hashes or masks
        something are anonymized."""
        if method == "withColumn" and node.args:
            name = self.value(node.args[0].value)
            named = [(name.value if isinstance(name, Text) else None, a.value)
                     for a in node.args[1:2]]
        else:
            named = [(a.keyword.value if a.keyword else _expression_column(a.value), a.value)
                     for a in node.args]
        names = tuple(n for n, _ in named if n)
        columns = None if data.columns is None else tuple(dict.fromkeys((*data.columns, *names)))
        anonymized = tuple(n for n, e in named if n and _mentions_anonymizer(e))
        if anonymized:
            return self.derive([data], "anonymize", node, self.code(node.func), columns=columns,
                               anonymized=anonymized)
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
            values = [self.value(a.value) for a in node.args]
            if _data(values):  # `"\n".join(lines)`: text made of the data
                return self.combine(values, "derive", node)
            if all(isinstance(v, Text) for v in values):
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
        data = list({v.node: v for v in _data(values)}.values())
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
        shown = self.code(target) if target is not None else self.code(node)
        if target is None:
            return Resource(kind="unknown", name=shown[:200]), "target not given in the call"
        return self.path_resource(value, kind, shown, isinstance(target, cst.Name))

    def path_resource(self, value: Value | None, kind: str, shown: str, named: bool = False
                      ) -> tuple[Resource, str | None]:
        """The resource a value names as a place to read or write (a path, a table, a URL);
        a parameter of the function being summarised stays its placeholder."""
        if isinstance(value, Text):
            if kind == "table":
                return table_resource(value.value), None
            return self.location_resource(value.value), None
        if isinstance(value, Handle):
            return value.target, value.dynamic_reason
        placeholder = raw_placeholder(value)
        if placeholder is not None:
            self.path_kinds.setdefault(placeholder.name, kind)
            return placeholder, placeholder.name.split(" (line")[0]
        if isinstance(value, Dynamic):
            reason = value.reason
        elif isinstance(value, Symbol) and "." not in value.qualname and named:
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
        """Where a node starts; a method call continued on a later line of a chain
        (`(pd.read_csv(p)\n  .query(...))`) is where its method name is, as users read it."""
        line, column = self.positions[node]
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
            method_line, method_column = self.positions[node.func.attr]
            if method_line != line:
                line, column = method_line, method_column
        return self.locate(line, column + 1)

    def code(self, node: cst.CSTNode) -> str:
        return " ".join(self.module.code_for_node(node).split())[:240]


def _data(values: Iterable[Value | None]) -> list[Data]:
    """The data among `values`, frames collected in lists included."""
    found = (v.data if isinstance(v, Frames) else v for v in values)
    return [v for v in found if isinstance(v, Data)]


def _names(value: Value | None) -> tuple[str, ...]:
    if isinstance(value, Text):
        return (value.value,)
    if isinstance(value, Strings):
        return value.values
    return ()


def _expression_column(node: cst.BaseExpression) -> str | None:
    """The column a polars/Spark expression produces: its `.alias("x")`, else the first
    `col("x")` it is built on."""
    current: cst.BaseExpression = node
    while isinstance(current, cst.Call):
        func = current.func
        name = func.attr.value if isinstance(func, cst.Attribute) else (
            func.value if isinstance(func, cst.Name) else "")
        first = current.args[0].value if current.args else None
        if name in ("alias", "col", "name") and isinstance(first, cst.SimpleString):
            return literal_text(first)
        if not isinstance(func, cst.Attribute):
            inner = [a.value for a in current.args if isinstance(a.value, cst.Call)]
            current = inner[0] if inner else current.func
        else:
            current = func.value
    return None


def _is_spark(qualname: str) -> bool:
    """A Spark session: `spark` as notebooks and Databricks name it, or one built here."""
    return qualname.split(".", 1)[0] == "spark" or "SparkSession" in qualname


def _mentions_anonymizer(node: cst.CSTNode) -> bool:
    """Whether an expression calls something that hashes, masks or tokenises its input, or
    replaces it with a mask literal (`regexp_replace(col, pattern, "*")`)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Name) and pyapi.ANONYMIZER.search(current.value):
            return True
        if isinstance(current, cst.SimpleString) and pyapi.MASK_LITERAL.fullmatch(
                literal_text(current) or ""):
            return True
        stack.extend(current.children)
    return False
