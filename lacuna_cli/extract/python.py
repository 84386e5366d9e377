"""Python extraction with libcst: data operations and the dataflow between them.

The module is interpreted abstractly, in statement order, without importing or running it:
every name is bound to a value from `pyvalues` (data derived from resources, a path, a handle,
a symbol, something dynamic). Calls are looked up in the library catalog (`catalog.py`, rows
from `rules/apis/`); what they do to the data becomes lineage nodes, edges and Operations
through the shared `GraphBuilder`.
"""

from __future__ import annotations

import ast
import posixpath
import re
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import ParamSpec, TypeVar

import libcst as cst

from lacuna_cli.extract import pyapi
from lacuna_cli.extract.catalog import BUILTINS, Api, Row, load_catalog
from lacuna_cli.extract.declared_schemas import read_schemas
from lacuna_cli.extract.declared_tables import with_declarations
from lacuna_cli.extract.places import SERVER_WRITTEN, normalise_location, table_resource
from lacuna_cli.extract.pyflow import Capture, FlowGraph, is_placeholder
from lacuna_cli.extract.pygroups import agg_functions, keeps_values, named_aggregations
from lacuna_cli.extract.passed_arguments import CallersObjects, passed_expression
from lacuna_cli.extract.pyfunctions import (
    CallSite, Flow, Param, Summary, collected, derived_result, finalise, kept_as,
    RETURNS_DIFFER, raw_placeholder, summarise,
)
from lacuna_cli.extract.prefilter import IDENTIFIER, PATH_CALLS, may_hold_operations
from lacuna_cli.extract.pybranches import Branch, bound_names, dotted_name
from lacuna_cli.extract.pycallforms import (
    as_method, getattr_form, getattr_parts, setattr_form, spelled_methods)
from lacuna_cli.extract.pyclasses import Classes, method_binding
from lacuna_cli.extract.pyeffects import Effects
from lacuna_cli.extract.pyimports import (
    Constants, ProjectImports, Returned, ReturnedElement, ReturnedFlow, ReturnedMutation,
)
from lacuna_cli.extract.pyannotated import AnnotatedObjects
from lacuna_cli.extract.pypipelines import PipelineNodes
from lacuna_cli.extract.pyassets import Assets
from lacuna_cli.extract.pymodels import DeclaredModels
from lacuna_cli.extract.pyorm import ModelWrites
from lacuna_cli.extract.pyoperations import Operations, open_mode, writing_mode
from lacuna_cli.extract.pyproject import ProjectSinks, outward_templates
from lacuna_cli.extract.pycolumns import ColumnSelections
from lacuna_cli.extract.pyrenames import RENAMING, ColumnRenames
from lacuna_cli.extract.failures import failed, internal_error
from lacuna_cli.extract.free_names import bound_anywhere
from lacuna_cli.extract.pyparse import (
    Partial, PythonSyntaxProblem, check_syntax, literal_text, parse_cst, parse_partially,
)
from lacuna_cli.extract.pypositions import NodeStarts
from lacuna_cli.extract.pyshared import SharedParse, shared_parse
from lacuna_cli.extract.project_calls import data_helpers, may_tell_data
from lacuna_cli.extract.pyslice import relevant_source
from lacuna_cli.extract.schema_rules import load_schema_rules
from lacuna_cli.extract.pyvalues import (
    Data, Dynamic, Frames, Function, Grouped, Handle, Home, Instance, Mask, Method, Model,
    ProjectClass, Record, Strings, Symbol, Text, Value, Writer, names_of,
    project_object,
)
from lacuna_cli.models import (
    Action, ColumnFlow, Extraction, FileProblem, LineageEdge, Location, Operation, Resource,
    Transform,
)

Locator = Callable[[int, int], Location]
P = ParamSpec("P")
R = TypeVar("R")
OPERATION_TRANSFORMS: dict[str, Action] = {
    "join": "join", "union": "join", "aggregate": "aggregate", "filter": "filter",
    "anonymize": "anonymize",
}
# Parts of a path read as attributes: `Path(__file__).parent`, `.name`, `.stem`, `.suffix`.
PATH_PARTS: dict[str, Callable[[str], str]] = {
    "parent": lambda p: posixpath.dirname(p.rstrip("/")) or ".",
    "name": posixpath.basename,
    "stem": lambda p: posixpath.splitext(posixpath.basename(p))[0],
    "suffix": lambda p: posixpath.splitext(p)[1],
}
# Transforms of a frame's column that are of that column alone (an aggregate keeps its group
# keys, a join its join keys: those must not be projected away before them).
NARROWING = frozenset({"filter", "derive", "anonymize"})
# Attributes of a frame that describe it without holding any of its values.
FRAME_METADATA = {"shape", "size", "ndim", "dtypes", "empty", "columns", "schema"}
# Where the message of an exception raised with data ends up: the job's log.
EXCEPTION_LOG = Resource(kind="stream", name="log", service="exception", category="log")
# Passes over one loop body at most: literal lists of paths are unrolled (nested loops multiply)
# up to this, beyond it the loop variable is one dynamic value.
MAX_UNROLLED = 32
# A frame's indexers: `df.loc[rows, "email"] = ...` sets the frame's column.
INDEXERS = frozenset({"loc", "iloc", "at", "iat"})
# What a name no cell before assigns stands for (see `value`).
NOT_ASSIGNED = ", not assigned by the notebook's cells before this one"
# ... and a name no statement of a script binds (see `free_names`).
NOT_BOUND = ", which no statement of this file assigns"
# Names a notebook's kernel provides without an assignment (IPython, Databricks, Zeppelin).
NOTEBOOK_GLOBALS = frozenset({"display", "displayHTML", "get_ipython", "spark", "sc",
                              "sqlContext", "dbutils", "getArgument", "In", "Out", "exit",
                              "quit", "z", "table", "udf"})

@dataclass(frozen=True)
class PythonContext:
    """What the extractor needs from the run: the project root (for paths and data headers)
    and the SQL dialect for embedded queries."""

    root: Path
    dialect: str | None = None
    apis: tuple[Path, ...] = ()  # the project's own catalog files


def extract_python(
    source: str, relpath: str, context: PythonContext, locate: Locator | None = None
) -> Extraction:
    """Operations and lineage of one Python module (or a notebook's joined cells). Statements
    that do not parse are skipped and reported (one error line naming where); the rest is
    analysed, so one bad line never loses a file."""
    locate = locate or (lambda line, col: Location(path=relpath, line=line, column=col))
    catalog = load_catalog(context.apis)
    try:
        checked = parse_partially(source, check_syntax)
        declared = read_schemas(context.root, relpath, load_schema_rules(), checked.source,
                                checked.tree)
        helpers = data_helpers(checked.tree, relpath, context.root, catalog)
        if not (helpers and helpers.named_in(set(IDENTIFIER.findall(checked.source)))) \
                and not may_hold_operations(checked.source, catalog):
            return with_declarations(Extraction(
                path=relpath, language="python", imports=tuple(sorted(helpers.modules)),
                errors=_skipped_errors(relpath, locate, checked)), declared)
        parsed = parse_partially(
            relevant_source(checked.source, checked.tree, catalog, helpers), parse_cst)
    except PythonSyntaxProblem as problem:
        line = None if problem.line is None else locate(problem.line, 1).line
        return failed(relpath, "python", _where(locate, problem.line) + problem.message, line)
    try:
        interpreter = _Interpreter(
            parsed.tree, relpath, context, locate, source=parsed.source,
            tree=checked.tree if parsed.source == checked.source else None)
        interpreter.own_schemas = declared
        if not interpreter.notebook:
            interpreter.script = checked.tree
        interpreter.run()
    except RecursionError:
        return failed(relpath, "python", "expression nested too deeply to analyse")
    except Exception as exc:  # noqa: BLE001 - a bug on one odd file must not stop the run
        return failed(relpath, "python", internal_error(exc))
    extraction = interpreter.graph.build(
        "python", [*_skipped_errors(relpath, locate, checked, parsed), *interpreter.errors])
    return with_declarations(extraction.model_copy(
        update={"imports": tuple(sorted({*interpreter.imports.used, *helpers.modules}))}),
        declared)


def _skipped_errors(relpath: str, locate: Locator, *parses: Partial) -> tuple[FileProblem, ...]:
    """One error per parse stage that had to skip statements, at the line the parser blamed."""
    def place(line: int) -> tuple[int | None, int]:
        location = locate(line, 1)
        return location.cell, location.line

    return tuple(FileProblem(path=relpath, line=locate(p.problem.line or 1, 1).line,
                           message=_where(locate, p.problem.line) + p.describe(place))
                 for p in parses if p.problem is not None)


def _where(locate: Locator, line: int | None) -> str:
    """`cell 3: ` when the line is in a notebook cell (errors carry the line within it)."""
    cell = locate(line, 1).cell if line is not None else None
    return f"cell {cell}: " if cell is not None else ""


class _Interpreter(Operations, Effects, Classes, ProjectSinks, DeclaredModels, ModelWrites,
                   ColumnRenames, ColumnSelections, PipelineNodes, Assets,
                   AnnotatedObjects):
    """Walks statements in order, keeping an environment of name -> Value."""

    @cached_property
    def bound(self) -> frozenset[str]:
        """Every name the script binds, found on the first name read that nothing here has
        assigned yet (most scripts never need it)."""
        return bound_anywhere(self.script) if self.script is not None else frozenset()

    @cached_property
    def own_positions(self) -> NodeStarts:
        """Where every node of this file starts, computed on first use (a module with no
        functions and no data never needs it); another project file's are shared by its
        interpreters."""
        if self.shared is not None:
            return self.shared.positions
        return NodeStarts(self.module, self.source, self.tree)

    @property
    def positions(self) -> NodeStarts:
        """Where the nodes being interpreted start: this file's, or those of the file a method
        inherited from another file's class is written in, while its body runs."""
        home = self.homes[-1] if self.homes else None
        return home.positions if home is not None else self.own_positions

    def __init__(self, module: cst.Module, relpath: str, context: PythonContext,
                 locate: Locator, depth: int = 0, shared: SharedParse | None = None,
                 source: str | None = None, tree: ast.Module | None = None) -> None:
        self.module = module
        # The text `module` was parsed from and CPython's tree of it, if made: for `positions`.
        self.source, self.tree = source, tree
        self.shared = shared
        self.context = context
        self.catalog = load_catalog(context.apis)
        self.imports = ProjectImports(context.root, _weakly(self.module_values),
                                      _weakly(self.function_returns), depth, self.catalog.digest)
        self.options: dict[str, Value] = {}  # command-line options by name, with defaults
        self.inlined: set[Function] = set()  # methods interpreted where an instance calls them
        self.inline_results: dict[tuple[object, ...],
                                  tuple[Value | None, dict[str, Value | None]]] = {}
        self.method_depth = 0
        # The files of the functions being run, innermost last: None for this file, or where a
        # method inherited from another file's class is written (see `at_home`).
        self.homes: list[Home | None] = []
        self.method_classes: list[ProjectClass | None] = []  # the class of each method summarised
        self.notebook = relpath.endswith(".ipynb")  # print() there is shown to the analyst
        self.star_imported = False  # `from x import *`: names no statement here assigns
        # The whole script's tree (None: not asked, as for modules read for a helper's sake):
        # a name read that no statement of it binds is unknown (see `value`, `bound`).
        self.script: ast.Module | None = None
        # What another project file's callable made with data, by the data node it stands
        # for: a class's instance whose methods may write, send or change what they get.
        self.project_instances: dict[str, Symbol] = {}
        self.aliases: dict[str, set[str]] = {}  # names assigned one from the other
        self.unpacked: dict[str, tuple[Value | None, ...]] = {}  # see `Summary.elements`
        self.locate = locate
        self.graph = FlowGraph(relpath)
        self.errors: list[FileProblem] = []
        self.env: dict[str, Value] = {}
        self.globals = self.env
        self.statement: cst.CSTNode = module
        self.fresh: list[str] = []
        # User functions: summaries (None while one is being made), in definition order.
        self.summaries: dict[Function, Summary | None] = {}
        self.defined: list[Function] = []
        self.lambdas: dict[cst.Lambda, Function] = {}  # see `lambda_function`
        # Names bound to a literal list, tuple, set or dict: as written, and the value bound
        # (a function's own name of the same spelling is another value; see `literal_of`).
        self.literals: dict[str, tuple[cst.BaseExpression, Value]] = {}
        self.returns: list[list[Value | None]] = []  # one list per function being summarised
        # ... and per such function, the parameters still naming the caller's objects, and
        # what the body last made of those it changed in place (see `mutate`)
        self.callers_objects: list[CallersObjects] = []
        self.mutations: list[dict[str, Value | None]] = []
        self.param_nodes: dict[str, str] = {}  # placeholder name -> parameter node
        # Placeholders of the object a plain method is called on (`self`): a place made from
        # it is what the object holds, which no caller passes as an argument.
        self.receivers: set[str] = set()
        self.keyword_placeholders: set[str] = set()  # those of `**kwargs` parameters
        self.path_kinds: dict[str, str] = {}  # placeholder name -> kind, for path parameters
        self.read_paths: set[str] = set()  # placeholder names of parameters read from
        self.emitted: dict[tuple[str, str], Operation] = {}
        self.opened: set[str] = set()  # data nodes of files opened for reading
        self.unrolled = 1  # passes the enclosing loops make over the current statement
        self.codes: dict[cst.CSTNode, str] = {}  # see `code`
        self.star_modules: list[str] = []  # project modules imported with `*`, as qualified
        self.templated_paths: set[str] = set()  # placeholders paths are built from with text
        self.imported: set[str] = set()  # top-level names of the modules this file imports
        self.third_party: set[str] = set()  # those of them that are not project modules
        self.global_names: set[str] = set()  # names the body being run declares `global`

    def run(self) -> None:
        """The module top to bottom, then the functions it never calls (their parameters stay
        unknown: what they do is still reported)."""
        self.block(self.module.body)
        self.materialise_assets()
        for function in self.defined:
            if function not in self.summaries and function not in self.inlined:
                summary = self.summarise(function, self.command_defaults(function))
                if summary is not None:
                    finalise(summary, self)

    def command_defaults(self, function: Function) -> dict[str, Value] | None:
        """The parameters of a command-line command (`@app.command()`, `@click.command()`)
        as the command runs without options: their constant defaults (`dest: str =
        "/tmp/sales.csv"` is where it writes, as argparse's `default` is); None for any other
        function."""
        for decorator in function.node.decorators:
            made = decorator.decorator
            named = made.func if isinstance(made, cst.Call) else made
            called = self.value(named)
            api = self.catalog.function(called.qualname) if isinstance(called, Symbol) else None
            group = self.value(named.value) if isinstance(named, cst.Attribute) \
                and named.attr.value == "command" else None
            if (api is not None and api.row.does == "command") or (
                    isinstance(group, Function) and group is not function
                    and self.command_defaults(group) is not None):
                # (`@cli.command()` of a click group `cli`, itself a command)
                return self.called_with(function, Constants(passed=()))
        return None

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
            self.define_class(node)
            self.declare(node.name.value)
        elif isinstance(node, cst.If):
            self.expression_statement(node.test)
            orelse = node.orelse
            self.alternatives([node.body] if orelse is None else [
                node.body, orelse if isinstance(orelse, cst.If) else orelse.body],
                exhaustive=orelse is not None)
        elif isinstance(node, cst.For):
            # `for ride in read_records(path)`: each item is the data a helper returned
            iterable = self.resolved(self.expression_statement(node.iter), node.iter)
            passes = self.passes(node.target, node.iter, iterable)
            self.unrolled *= len(passes)
            for bindings in passes:
                for target, item in bindings:
                    self.bind(target, item)
                self.suite(node.body)
            self.unrolled //= len(passes)
            self.else_suite(node.orelse)
        elif isinstance(node, cst.While):
            self.expression_statement(node.test)
            self.suite(node.body)
            self.else_suite(node.orelse)
        elif isinstance(node, cst.With):
            for with_item in node.items:
                value = self.entered(self.expression_statement(with_item.item), with_item.item)
                if with_item.asname is not None:
                    self.bind(with_item.asname.name, value)
            self.suite(node.body)
        elif isinstance(node, cst.Try | cst.TryStar):
            for handler in node.handlers:  # `except ValueError as e`: the exception raised
                if handler.name is not None:
                    self.bind(handler.name.name, Dynamic("an exception caught"))
            self.alternatives([node.body, *(handler.body for handler in node.handlers),
                               *([node.orelse.body] if node.orelse is not None else [])],
                              exhaustive=False)  # the body may stop before any rebinding
            if node.finalbody is not None:
                self.suite(node.finalbody.body)
        elif isinstance(node, cst.Match):
            self.expression_statement(node.subject)
            self.alternatives([case.body for case in node.cases], exhaustive=False)

    def suite(self, body: Branch) -> None:
        self.block(body.body) if isinstance(body, cst.IndentedBlock) else self.compound(body)

    def alternatives(self, branches: Sequence[Branch], exhaustive: bool
                     ) -> None:
        """Branches of which one runs (if/elif/else, try/except/else, match cases), read in
        turn: a name one branch binds to something that may carry data keeps it when a later
        branch rebinds it to something that carries none, so `load = None` under `except
        ImportError` does not erase the loader the `try` imported (unknown is never nothing).
        When no branch may run at all (an `if` without `else`), what held before is one of
        the outcomes too: `if frame is None: frame = None` leaves the frame."""
        names = set().union(*(bound_names(branch) for branch in branches))
        carried: dict[str, Value] = {}
        objects = self.callers_objects[-1] if self.callers_objects else None
        before = dict(objects.given) if objects is not None else {}
        rebound: list[set[str]] = []  # per branch, the caller's objects it rebinds
        for branch in (None, *branches) if not exhaustive else branches:
            if objects is not None:
                objects.given.update(before)
            if branch is not None:
                self.suite(branch)
            if objects is not None:
                rebound.append(set(before) - set(objects.given))
            for name in names:
                value = self.env.get(name)
                if value is not None and _carries(value):
                    carried[name] = value
        for name, value in carried.items():
            if not _carries(self.env.get(name)):
                self.env[name] = value
        if objects is not None and rebound:
            every = set.intersection(*rebound)  # rebound whichever branch ran
            objects.given = {n: v for n, v in {**before, **objects.given}.items()
                             if n not in every}
            objects.maybe |= set().union(*rebound) - every

    def else_suite(self, orelse: cst.Else | None) -> None:
        if orelse is not None:
            self.suite(orelse.body)

    def passes(self, target: cst.BaseExpression, node: cst.BaseExpression,
               iterable: Value | None) -> list[list[tuple[cst.BaseExpression, Value | None]]]:
        """What each pass of a loop over `node` binds: one pass per row of a literal table
        unpacked into as many names (`for frame, path in [(totals, "reports/t.csv"), (cust,
        "/mnt/share/c.csv")]`, a literal dict's `.items()`, `zip` of literal lists), so each
        frame goes to its own path; else each of `items` bound to the whole target."""
        names = target.elements if isinstance(target, cst.Tuple | cst.List) else None
        rows = self.literal_rows(node) if names is not None else None
        if names is not None and rows and all(len(row) == len(names) for row in rows) and \
                not any(isinstance(n, cst.StarredElement) for n in names) and \
                len(rows) * self.unrolled <= MAX_UNROLLED:
            return [[(name.value, self.value(cell)) for name, cell in zip(names, row,
                                                                           strict=True)]
                    for row in rows]
        return [[(target, item)] for item in self.items(iterable, node)]

    def literal_rows(self, node: cst.BaseExpression) -> list[list[cst.BaseExpression]] | None:
        """The rows of a literal table a loop may unpack: the tuples of a literal list, tuple
        or set, the (key, value) pairs of a literal dict's `.items()`, `zip` of literal
        sequences; a name bound to such a literal stands for it. None unless every cell is a
        name, an attribute, an item or a constant (evaluated again for each pass)."""
        node = self.literal_of(node)
        rows: list[list[cst.BaseExpression]] | None = None
        if isinstance(node, cst.List | cst.Tuple | cst.Set):
            rows = []
            for element in node.elements:
                row = element.value
                if isinstance(element, cst.StarredElement) or not isinstance(
                        row, cst.Tuple | cst.List) or any(
                        isinstance(cell, cst.StarredElement) for cell in row.elements):
                    return None
                rows.append([cell.value for cell in row.elements])
        elif isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and \
                node.func.attr.value == "items" and not node.args:
            mapping = self.literal_of(node.func.value)
            if not isinstance(mapping, cst.Dict) or not all(
                    isinstance(e, cst.DictElement) for e in mapping.elements):
                return None
            rows = [[e.key, e.value] for e in mapping.elements if isinstance(e, cst.DictElement)]
        elif isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and \
                node.func.value == "zip" and node.args and all(
                    a.keyword is None and not a.star for a in node.args):
            columns = [self.literal_sequence(a.value) for a in node.args]
            if any(column is None for column in columns):
                return None
            rows = [list(row) for row in zip(*(c for c in columns if c is not None),
                                             strict=False)]  # as `zip` runs: the shortest
        if rows is None or not all(_plain(cell) for row in rows for cell in row):
            return None
        return rows

    def literal_of(self, node: cst.BaseExpression) -> cst.BaseExpression:
        """The literal a name is bound to in the scope being run, else the node itself."""
        if not isinstance(node, cst.Name) or node.value not in self.literals:
            return node
        literal, bound = self.literals[node.value]
        return literal if self.env.get(node.value) is bound else node

    def literal_sequence(self, node: cst.BaseExpression) -> list[cst.BaseExpression] | None:
        """The elements of a literal list or tuple (or of the name bound to one)."""
        node = self.literal_of(node)
        if not isinstance(node, cst.List | cst.Tuple) or any(
                isinstance(e, cst.StarredElement) for e in node.elements):
            return None
        return [e.value for e in node.elements]

    def items(self, iterable: Value | None, node: cst.BaseExpression) -> list[Value]:
        """What a loop variable is bound to, once per pass over the body: each path of a short
        literal list (so each is read or written), else one pass with the data or a dynamic."""
        if isinstance(iterable, Strings) and len(iterable.values) * self.unrolled <= MAX_UNROLLED:
            return [Text(v) for v in iterable.values]
        if isinstance(iterable, Frames) and iterable.data is not None:
            return [iterable.data]
        if isinstance(iterable, Data):
            return [iterable]
        if isinstance(iterable, Grouped):  # `for key, group in df.groupby(k)`: both the data
            return [iterable.data]
        if isinstance(iterable, Symbol) and iterable.project:  # an instance of a class of
            # another project file: what its `__iter__` yields, when its summary tells
            told = self.project_data(self.special_member(iterable, "__iter__"), node)
            if told is not None:
                return [told]
        if isinstance(iterable, Instance):  # `for row in source`: what its `__iter__` yields
            # (an iterator returning itself gives what its `__next__` returns)
            yielded = self.special_method(iterable, "__iter__", node)
            if isinstance(yielded, Instance):
                yielded = self.special_method(yielded, "__next__", node)
            if yielded is not None and not isinstance(yielded, Instance):
                return self.items(yielded, node)
        return [Dynamic(f"loop variable over `{self.code(node)}`")]

    def function(self, node: cst.FunctionDef) -> None:
        """Bind the name; the body is summarised when first called (globals defined later, such
        as helpers below `main()`, are then known) or at the end of the module."""
        closure = dict(self.env) if self.returns else None
        function = Function(node.name.value, node, closure)
        self.env[node.name.value] = function
        self.defined.append(function)
        self.decorate(node)

    def decorate(self, node: cst.FunctionDef) -> None:
        """`@with_customers def push(df)`: a decorator that is a function of this file is
        called with the function, innermost first, and the name is bound to what it returns —
        a wrapper calling it with the data the wrapper reads is then what `push()` runs."""
        for decorator in reversed(node.decorators):
            made = self.value(decorator.decorator) if isinstance(decorator.decorator,
                                                                  cst.Name) else None
            if not isinstance(made, Function):
                return
            call = cst.Call(func=decorator.decorator, args=[cst.Arg(node.name)])
            self.positions.alias(call, decorator, self.statement)
            wrapped = self.call_inline(made, call)
            if not isinstance(wrapped, Function):
                return
            self.env[node.name.value] = wrapped

    def lambda_function(self, node: cst.Lambda) -> Function:
        """`lambda r: requests.post(URL, json=r)` as the function returning its body, so that
        `df.apply`, `map` and a pool call it as they call a `def` (one per lambda written)."""
        made = self.lambdas.get(node)
        if made is None:
            body = cst.IndentedBlock([cst.SimpleStatementLine([cst.Return(node.body)])])
            definition = cst.FunctionDef(cst.Name("lambda"), node.params, body)
            self.positions.alias(definition, node, self.statement)
            made = self.lambdas[node] = Function("<lambda>", definition,
                                                 dict(self.env) if self.returns else None)
        return made

    def summarise(self, function: Function, bound: dict[str, Value] | None = None
                  ) -> Summary | None:
        """Interpret a body once with placeholder parameters; None if it is being summarised
        already (recursion), when the call is treated like an unknown function's. `bound`
        parameters have the values a caller in another file gives (see `bound_by_caller`):
        such a summary is that caller's, not kept."""
        with self.at_home(function.home):
            return self._summarised(function, bound)

    def _summarised(self, function: Function, bound: dict[str, Value] | None) -> Summary | None:
        if bound is None and function in self.summaries:
            return self.summaries[function]
        if bound is None:
            self.summaries[function] = None
        node = function.node
        saved = (self.env, self.statement, self.fresh, self.global_names)
        self.env, self.global_names = {**self.globals, **(function.closure or {})}, set()
        params = self.parameters(function, node)
        for param in params:
            self.env[param.name] = param.value()
        self.env.update(bound or {})
        for name, made in self.init_objects(function).items():  # `self.http`, see there
            self.env.setdefault(name, made)
        self.annotated_parameters(node)
        self.type_parameters(node)
        self.graph.captures.append(Capture())
        self.returns.append([])
        self.callers_objects.append(CallersObjects({p.name: self.env[p.name] for p in params
                                                    if p.name not in (bound or {})}))
        self.mutations.append({})
        self.method_classes.append(self.owner_class(function))
        try:
            self.suite(node.body)
        finally:
            self.method_classes.pop()
            returns = self.returns.pop()
            self.callers_objects.pop()
            mutations = self.mutations.pop()
            capture = self.graph.captures.pop()
            self.env, self.statement, self.fresh, self.global_names = saved
        summary = replace(summarise(function.name, params, returns, capture, self.graph,
                                    mutations),
                          templated=frozenset(p.name for p in params
                                              if p.placeholder.name in self.templated_paths))
        if bound is None:
            self.summaries[function] = summary
        return summary

    def parameters(self, function: Function, node: cst.FunctionDef) -> list[Param]:
        positional = (*node.params.posonly_params, *node.params.params)
        rest = node.params.star_kwarg
        params = [self.parameter(function, node, param, index if index < len(positional)
                                 else None, keywords=param is rest)
                  for index, param in enumerate((*positional, *node.params.kwonly_params,
                                                 *([rest] if isinstance(rest, cst.Param)
                                                   else [])))]
        spread = node.params.star_arg
        if isinstance(spread, cst.Param):  # `*args`: the positional arguments after the others
            params.append(self.parameter(function, node, spread, len(positional), spread=True))
        return params

    def parameter(self, function: Function, node: cst.FunctionDef, param: cst.Param,
                  index: int | None, keywords: bool = False, spread: bool = False) -> Param:
        """One parameter of `function`, its placeholder and lineage node made."""
        name = param.name.value
        placeholder = self.placeholder(function, name)
        param_node = self.graph.value_node(placeholder.name.split(" (")[0], self.loc(param))
        self.param_nodes[placeholder.name] = param_node
        if index == 0 and self.owner_class(function) is not None:
            self.receivers.add(placeholder.name)
        if keywords:  # `kw["frame"]` is an argument given by name, never a column
            self.keyword_placeholders.add(placeholder.name)
        default = self.value(param.default) if param.default is not None else None
        return Param(name, index, param_node, placeholder, default, keywords=keywords,
                     rest=spread)

    def placeholder(self, function: Function, name: str) -> Resource:
        """What the parameter `name` of `function` stands for in its summary."""
        return Resource(kind="unknown", name=f"parameter `{name}` of `{function.name}()` "
                        f"(line {self.loc(function.node).line})")

    def call_function(self, function: Function, node: cst.Call,
                      leading: Sequence[Value | None] = ()) -> Value | None:
        """A call of a user function: its summary applied to these arguments. `leading` are
        arguments that come before the call's own (`df.pipe(f, x)` calls `f(df, x)`, so there
        the call's first argument, `f`, is not passed)."""
        if not leading and any(isinstance(self.value(a.value), Function) for a in node.args):
            return self.call_inline(function, node)  # its body calls the function it is given
        summary = self.summarise(function)
        if summary is None:  # recursive: like an unknown function of its arguments
            return self.unknown_call(function.name, node)
        if not leading and (self.names_its_place(summary, node)
                            or self.hands_objects(summary, node)):
            return self.call_inline(function, node)
        given = [a.value for a in node.args if a.keyword is None and not a.star]
        given = given[1:] if leading else given
        positional = [*leading, *(self.resolved(self.value(v), node) for v in given)]
        shown = [*("" for _ in leading), *(self.code(v) for v in given)]
        keywords = {a.keyword.value: (self.resolved(self.value(a.value), node),
                                      self.code(a.value))
                    for a in node.args if a.keyword is not None}
        return self.apply_summary(summary, positional, shown, keywords, node, len(leading))

    def names_its_place(self, summary: Summary, node: cst.Call) -> bool:
        """Whether this call may name a place its function writes or sends to that the
        summary could not (`upload(df, "acme/audience.csv")` reaching `bucket.blob(name)`,
        `os.path.join(OUT, name)`): a constant argument, and a write or send in the body
        whose destination its parameters left unknown. Such a call is interpreted inline."""
        return (bool(summary.templated) or any(
            t.action in ("write", "export") and t.dynamic_reason is not None
            for t in summary.templates)) and any(
            isinstance(self.value(a.value), Text) for a in node.args)

    def hands_objects(self, summary: Summary, node: cst.Call) -> bool:
        """Whether a call hands its function a library's object (`send(requests.Session(),
        df)`: the body posts through it) or an object of a project class, of this file or
        another (`job(Repo())`, or a parameter's default `repo=Repo()`: the body reads
        through its methods), or the
        function makes one from what it is given (`client(timeout).post(...)`): its summary,
        made with placeholders, cannot tell what is called on them (a method of an object
        given as a parameter read nothing), so the call is interpreted inline."""
        return self.library_object(summary.returned) or any(
            self.library_object(value) or project_object(value)
            for value in (*(self.value(a.value) for a in node.args),
                          *(p.default for p in summary.params)))

    def library_object(self, value: Value | None) -> bool:
        """An object a library made whose methods the catalog knows (a session, a client)."""
        return isinstance(value, Symbol) and not value.project and (
            self.catalog.function(value.qualname) is not None
            or bool(self.catalog.members(value.qualname)))

    def apply_summary(self, summary: Summary, positional: Sequence[Value | None],
                      shown: Sequence[str], keywords: dict[str, tuple[Value | None, str]],
                      node: cst.CSTNode, leading: int | None = None) -> Value | None:
        """A function's summary applied to argument values, at the call `node` (or where a
        library runs it: an asset's decorator). `leading`: how many of `positional` come
        before the arguments `node` spells (None: its arguments do not spell them, so no
        expression of it names what the body changes)."""
        arguments: dict[str, Value | None] = {}
        names: dict[str, str] = {}
        for param in summary.params:
            if param.rest and param.index is not None and param.index < len(positional):
                arguments[param.name] = self.combine(list(positional[param.index:]), "derive",
                                                     node)  # `*args`: all the others
                names[param.name] = ", ".join(shown[param.index:])
            elif param.index is not None and param.index < len(positional):
                arguments[param.name] = positional[param.index]
                names[param.name] = shown[param.index]
        rest = next((p for p in summary.params if p.keywords), None)
        taken = {p.name for p in summary.params if not p.keywords}
        spread: list[Value | None] = []
        for name, (value, code) in keywords.items():
            if rest is not None and name not in taken:  # into `**kwargs`
                spread.append(value)
                names[rest.name] = code if rest.name not in names else f"{names[rest.name]}, {code}"
                continue
            arguments[name] = value
            names[name] = code
        if rest is not None and spread:
            arguments[rest.name] = self.combine(spread, "derive", node)
        site = CallSite(self, summary, arguments, names, self.loc(node))
        result = site.apply(self.emitted)
        if leading is None or not isinstance(node, cst.Call):
            return result
        own = node.args[1:] if leading else node.args  # `df.pipe(f, x)`: `f` is no argument
        for param, changed in site.mutations():
            expression = None if param.keywords or param.rest else passed_expression(
                own, param.index, param.name, leading)
            if isinstance(expression, cst.Name | cst.Attribute):
                self.mutate(expression, changed)
        return result

    def put_into_parameter(self, expression: cst.BaseExpression) -> None:
        """`out.append(frame)`, `out.extend([frame])` as a statement, in a function given
        `out`: a list (or frame) of the caller now holds what was put into it, whatever the
        discarded result is (the arguments, plain names and items, are looked up again)."""
        if not (isinstance(expression, cst.Call) and isinstance(expression.func, cst.Attribute)
                and isinstance(expression.func.value, cst.Name)
                and expression.func.attr.value in pyapi.COLLECT_METHODS
                and self.callers_objects
                and expression.func.value.value in self.callers_objects[-1].given):
            return
        given = [a.value for a in expression.args]
        if not all(_plain(g) for g in given):
            return
        holder = self.value(expression.func.value)
        added = [collected(self.value(g)) for g in given]
        kept = self.combine([collected(holder), *added], "derive", expression)
        if kept is not None and isinstance(holder, Data) and kept.node != holder.node:
            self.mutate(expression.func.value, kept)

    def mutate(self, target: cst.BaseExpression, value: Value | None) -> None:
        """Bind `target` to what an in-place change made of its object (`df[c] = ...`,
        `df.drop(..., inplace=True)`, `rows.append(...)`, a helper changing what it is
        given). A parameter of a function being summarised that still names the caller's
        object is recorded: a call then changes the caller's object the same way (or, when it
        may name another object by then, may: both outcomes are kept)."""
        objects = self.callers_objects[-1] if self.callers_objects else None
        name = target.value if isinstance(target, cst.Name) else None
        original = objects.given.get(name) if objects is not None and name is not None else None
        before = self.env.get(name) if name is not None else None
        self.bind(target, value)
        if isinstance(before, Data | Frames | Record) and value is not None and name:
            # `alias = frame; alias["email"] = ...`: each name of the object sees the change
            for other in self.aliases.get(name, ()):
                if self.env.get(other) is before:
                    self.env[other] = value
        if objects is None or name is None or original is None:
            return
        objects.given[name] = original
        if name in objects.maybe:
            merged = self.combine([collected(original), collected(value)], "derive", target)
            value = Frames(merged) if isinstance(value, Frames) else merged
        self.mutations[-1][name] = value

    def expression_statement(self, expression: cst.BaseExpression) -> Value | None:
        """Evaluate an expression that heads a compound statement (`with`, `for`, `if`)."""
        self.statement, self.fresh = expression, []
        return self.value(expression)

    def small(self, node: cst.BaseSmallStatement) -> None:
        if isinstance(node, cst.Assign):
            if self.unpack(node):
                return
            value = self.value(node.value)
            for target in node.targets:
                self.bind(target.target, value)
                if isinstance(target.target, cst.Name) and isinstance(node.value, cst.Name):
                    # `alias = frame`: one object, two names (see `mutate`)
                    self.aliases.setdefault(target.target.value, set()).add(node.value.value)
                    self.aliases.setdefault(node.value.value, set()).add(target.target.value)
                if isinstance(target.target, cst.Name):  # `customers = Table("customers", ...)`
                    self.declare(target.target.value)
                    if isinstance(node.value, cst.List | cst.Tuple | cst.Set | cst.Dict) \
                            and value is not None:
                        self.literals[target.target.value] = (node.value, value)
        elif isinstance(node, cst.AnnAssign) and node.value is not None:
            self.bind(node.target, self.value(node.value))
        elif isinstance(node, cst.AugAssign):
            self.bind(node.target, self.combine(
                [self.value(node.target), self.value(node.value)], "derive", node))
        elif isinstance(node, cst.Expr):
            self.value(node.value)
            self.put_into_parameter(node.value)
        elif isinstance(node, cst.Raise) and node.exc is not None:
            raised = self.value(node.exc)
            if isinstance(raised, Instance) and raised.made_with is not None:
                # an exception class of the project (`class BadRow(ValueError): pass`): its
                # message is what it was made with, shown wherever the exception is
                raised = raised.made_with
            elif isinstance(raised, Instance) and isinstance(node.exc, cst.Call):
                # one with an `__init__`: what it passes on to its base is not followed, so the
                # arguments it was given are taken for its message
                raised = self.combine([self.value(arg.value) for arg in node.exc.args],
                                      "derive", node)
            if isinstance(raised, Data):  # `raise ValueError(f"bad row {row}")`: logged
                self.write([raised], (EXCEPTION_LOG, None), node)
        elif isinstance(node, cst.Assert):  # `assert ok, f"bad phone in {row}"`: raised, logged
            self.value(node.test)
            message = self.value(node.msg) if node.msg is not None else None
            if isinstance(message, Data):
                self.write([message], (EXCEPTION_LOG, None), node)
        elif isinstance(node, cst.Return) and node.value is not None:
            returned = self.value(node.value)
            if isinstance(node.value, cst.Call):
                # `return load()` of a helper from another file: the data it tells, so a
                # caller of this function a file further away is told it too
                returned = self.resolved(returned, node.value)
            if self.returns:
                self.returns[-1].append(returned)
        elif isinstance(node, cst.Del):
            self.delete(node.target)
        elif isinstance(node, cst.Global):
            self.global_names.update(name.name.value for name in node.names)
        elif isinstance(node, cst.Import):
            self.import_modules(node)
        elif isinstance(node, cst.ImportFrom):
            self.import_names(node)
            self.import_models(node)

    def delete(self, target: cst.BaseExpression) -> None:
        """`del df["email"]`: the column is dropped from the frame (each of `del a, b`)."""
        if isinstance(target, cst.Tuple):
            for element in target.elements:
                self.delete(element.value)
            return
        if not isinstance(target, cst.Subscript):
            return
        frame, column = self.value(target.value), self.subscript_key(target)
        if isinstance(frame, Data) and isinstance(column, Text):
            kept = None if frame.columns is None else tuple(
                c for c in frame.columns if c != column.value)
            self.bind(target.value, self.derive([frame], "project", target, self.code(target),
                                                columns=kept, dropped=(column.value,)))

    def import_modules(self, node: cst.Import) -> None:
        """`import pandas as pd`; `import config` of a project module also makes its constants
        known as `config.NAME`."""
        for alias in node.names:
            dotted = self.code(alias.name)
            bound = alias.asname.name if alias.asname else None
            shown = bound.value if isinstance(bound, cst.Name) else dotted.split(".")[0]
            project = self.imports.is_project(dotted, 0, self.graph.relpath)
            self.imported.add(dotted.split(".")[0])
            if not project:
                self.third_party.add(dotted.split(".")[0])
            self.env[shown] = Symbol(dotted if isinstance(bound, cst.Name) else shown, project)
            constants = self.imports.constants(dotted, 0, self.graph.relpath)
            for name, value in (constants or {}).items():
                self.env[f"{shown if isinstance(bound, cst.Name) else dotted}.{name}"] = value

    def import_names(self, node: cst.ImportFrom) -> None:
        """`from pandas import read_csv`; from a project module its constants are the values
        (`from config import DATA_DIR`, `from sql_queries import *`)."""
        module = self.code(node.module) if node.module else ""
        constants = self.imports.constants(module, len(node.relative), self.graph.relpath) or {}
        qualified = "." * len(node.relative) + module
        project = self.imports.is_project(module, len(node.relative), self.graph.relpath)
        if not node.relative:
            self.imported.add(module.split(".")[0])
            if not project:
                self.third_party.add(module.split(".")[0])
        if isinstance(node.names, cst.ImportStar):
            self.star_imported = True
            self.env.update({k: v for k, v in constants.items() if not k.startswith("_")})
            if project:  # its functions too, asked for by name (see `function_returns`)
                self.star_modules.append(qualified)
            return
        for alias in node.names:
            name = self.code(alias.name)
            bound = alias.asname.name if alias.asname else alias.name
            if isinstance(bound, cst.Name):
                dotted = f"{module}.{name}" if module else name
                submodule = self.imports.is_project(dotted, len(node.relative),
                                                    self.graph.relpath)
                self.env[bound.value] = constants.get(name, Symbol(f"{qualified}.{name}",
                                                                   project or submodule))
                # `from . import queries`: a project module's constants are `queries.NAME`,
                # as with `import queries`
                inner = self.imports.constants(dotted, len(node.relative), self.graph.relpath) \
                    if submodule and name not in constants else None
                for constant, value in (inner or {}).items():
                    self.env[f"{bound.value}.{constant}"] = value

    def module_values(self, source: str, relpath: str) -> dict[str, Value]:
        """The module-level values of another project file, read by an interpreter of its own
        (for `pyimports`): only its top level runs, nothing it finds is reported here."""
        module = parse_cst(source)
        other = _Interpreter(module, relpath, self.context, self.locate, self.imports.depth + 1,
                             source=source)
        other.block(module.body)
        return other.env

    def interpreter_of(self, source: str, relpath: str) -> _Interpreter:
        """The interpreter of another project file, its top level run (one per module, depth
        and process: see `pyshared`)."""
        parse = shared_parse(source)
        key = (str(self.context.root), relpath, self.imports.depth, self.catalog.digest)
        other = parse.interpreters.get(key)
        if other is None:
            other = _Interpreter(parse.module, relpath, self.context,
                                 lambda line, col: Location(path=relpath, line=line, column=col),
                                 self.imports.depth + 1, parse)
            other.block(parse.module.body)
            parse.interpreters[key] = other
        return other

    def foreign_class(self, qualname: str) -> ProjectClass | None:
        """The class another project file defines under `qualname` (a base of a class here),
        its methods run here with that file's names and reported where they are written:
        `export()` of a base class calling `self.write(frame)`, which the class here
        overrides, runs with the override. None when it is not a class of a project file."""
        module, _, name = qualname.rpartition(".")
        found = self.imports.module_source(module, self.graph.relpath) if module else None
        if found is None:
            return None
        try:
            other = self.interpreter_of(*found)
        except PythonSyntaxProblem:
            return None
        cls = other.globals.get(name)
        if not isinstance(cls, ProjectClass):
            return None
        home = Home(other.own_positions, other.locate)
        return replace(cls, methods={
            key: replace(method, closure=method.closure or other.globals,
                         home=method.home or home)
            for key, method in cls.methods.items()})

    def function_returns(self, source: str, relpath: str, name: str,
                         constants: Constants | None = None) -> Returned | None:
        """For `pyimports`: where the data a top-level function of another project file returns
        comes from, from its summary made by an interpreter of its own (one per module and
        process, whichever of its functions is asked about). A method given `constants` is
        summarised with `self` an instance made with the caller's constructor arguments and
        the caller's constant arguments bound."""
        other = self.interpreter_of(source, relpath)
        owner, _, method = name.rpartition(".")  # `Class.method`: see ProjectImports.returned
        holder = other.env.get(owner) if owner else None
        function = holder.methods.get(method) if isinstance(holder, ProjectClass) else \
            other.env.get(name)
        if isinstance(function, Symbol) and function.project:
            # re-exported (`from .loaders import load_customers as customers` in a package's
            # `__init__`): what the file it comes from says
            return other.imports.returned(function.qualname, relpath, constants=constants)
        if function is None and not owner:  # `from .loaders import *` in a package's `__init__`
            for starred in other.star_modules:
                returned = other.imports.returned(f"{starred}.{name}", relpath,
                                                  constants=constants)
                if returned is not None:
                    return returned
        if function is None and isinstance(holder, ProjectClass):
            for base in holder.bases:  # a method its class inherits from another file's class
                returned = other.imports.returned(f"{base}.{method}", relpath, True, constants)
                if returned is not None:
                    return returned
        if not isinstance(function, Function):
            return None
        bound = None if constants is None else other.bound_by_caller(
            holder, function, constants) if isinstance(holder, ProjectClass) else \
            other.called_with(function, constants)
        summary = other.summarise(function, bound)
        if summary is None:
            return None
        def told(flows: Sequence[Flow]) -> tuple[ReturnedFlow, ...]:
            """The flows of the summary as a caller in another file is told them."""
            return tuple(ReturnedFlow(
                None if f.param is None else (f.param.index, f.param.name,
                                              f.param.placeholder.name in other.read_paths),
                () if f.param is not None else tuple(r for r in f.origin.roots
                                                     if not is_placeholder(r)), f.steps)
                for f in flows)

        return Returned(told(summary.flows), summary.columns,
                        *outward_templates(summary, other.path_kinds),
                        static=method_binding(function.node) == "staticmethod",
                        templated=summary.templated,
                        mutated=tuple(ReturnedMutation((m.param.index, m.param.name),
                                                       told(m.flows), m.columns)
                                      for m in summary.mutated),
                        elements=tuple(ReturnedElement(told(e.flows), e.columns)
                                       for e in summary.elements),
                        read=frozenset(p.placeholder.name for p in summary.params
                                       if p.placeholder.name in other.read_paths))

    def bind(self, target: cst.BaseExpression, value: Value | None) -> None:
        if isinstance(target, cst.Name):
            self.literals.pop(target.value, None)
            if self.callers_objects:  # rebound: no longer the object a caller passed
                self.callers_objects[-1].given.pop(target.value, None)
            if value is None:
                self.env.pop(target.value, None)
                return
            self.env[target.value] = value
            if target.value in self.global_names:  # `global CACHE; CACHE = df`
                self.globals[target.value] = value
            if isinstance(value, Data) and value.node in self.fresh:
                self.graph.relabel(value.node, target.value)
        elif isinstance(target, cst.Tuple | cst.List):
            value = self.resolved(value, target)  # `load_all()` of another file: its data
            parts = self.unpacked.get(value.node, ()) if isinstance(value, Data) else \
                value.positions if isinstance(value, Frames) else ()
            if len(parts) == len(target.elements) and not any(
                    isinstance(e, cst.StarredElement) for e in target.elements):
                for element, part in zip(target.elements, parts, strict=True):
                    self.bind(element.value, part)  # `customers, sales = load()`
                return
            for element in target.elements:  # `a, b = train_test_split(df)`: both are the data
                self.bind(element.value, value.data if isinstance(value, Frames) else value)
        elif isinstance(target, cst.Attribute):
            holder = self.value(target.value)
            if isinstance(holder, Data) and target.attr.value == "columns" and isinstance(
                    self.statement, cst.Assign):
                # `df.columns = ["cid", "contact", ...]`: renamed in order
                self.bind(target.value, self.assigned_names(holder, self.statement.value,
                                                            value, target))
                return
            if self.assign_into(holder, target.value, value, target):
                if value is not None:  # the library object keeps the data, and the
                    # attribute reads back as it (`ns.frame = df`, `setattr(ns, "frame", df)`)
                    self.env[dotted_name(target) or self.code(target)] = value
                return
            if isinstance(holder, Instance):  # `self.source = source` in a method
                if value is not None:
                    holder.attributes[target.attr.value] = value
                return
            dotted = dotted_name(target) or self.code(target)  # `self.df = ...`: see `attribute`
            if value is None:
                self.env.pop(dotted, None)
            else:
                if self.module_state(target):  # `Cache.customers = df` in a function
                    self.globals[dotted] = value
                self.env[dotted] = value
        elif isinstance(target, cst.Subscript):
            holder = self.value(target.value)
            if isinstance(holder, Symbol) and self.assign_into(holder, target.value, value,
                                                               target):
                return
            if isinstance(holder, Frames):  # `frames[name] = pd.read_csv(...)`
                self.collect(target.value, holder, [value])
            elif isinstance(holder, Record) and isinstance(target.value, cst.Name):
                if _data([value]):  # `payload["records"] = rows`: the dict now holds data
                    self.collect(target.value, Frames(), [value])
                else:  # `cfg["out"] = "exports/x.csv"`: still a dict of static values
                    self.bind(target.value, self.with_item(holder, target, value))
            else:
                self.assign_column(target, value)

    def called_now(self, function: cst.BaseExpression, node: cst.Call, bound: bool = False
                   ) -> cst.Call:
        """`f(args)` for `f.delay(args)`, at the same place; `f(None, args)` for a task bound
        to itself (its first parameter is the task)."""
        given = (cst.Arg(cst.Name("None")), *node.args) if bound else node.args
        call = cst.Call(func=function, args=given)
        self.positions.alias(call, node, self.statement)
        return call

    def with_item(self, record: Record, target: cst.Subscript, value: Value | None
                  ) -> Record | None:
        """`cfg["out"] = "exports/x.csv"`: the dict of static values with that item; with a
        key known only at run time, a dict whose values no one can tell."""
        key = self.value(target.slice[0].slice.value) if len(target.slice) == 1 and isinstance(
            target.slice[0].slice, cst.Index) else None
        if not isinstance(key, Text):
            return None
        kept = tuple((k, v) for k, v in record.items if k != key.value)
        return Record((*kept, (key.value, value))) if value is not None else Record(kept)

    def unpack(self, node: cst.Assign) -> bool:
        """`train, test = df[:n], df[n:]`: each name gets its own element."""
        target, value = node.targets[0].target, node.value
        if len(node.targets) != 1 or not isinstance(target, cst.Tuple | cst.List) or \
                not isinstance(value, cst.Tuple | cst.List) or \
                len(target.elements) != len(value.elements) or any(
                    isinstance(e, cst.StarredElement) for e in (*target.elements,
                                                                 *value.elements)):
            return False
        values = [self.value(e.value) for e in value.elements]
        for element, bound in zip(target.elements, values, strict=True):
            self.bind(element.value, bound)
        return True

    def assign_column(self, target: cst.Subscript, value: Value | None) -> None:
        """`df["col"] = expr`, `df[["a", "b"]] = ...`, `df.loc[rows, "col"] = ...` (also `at`,
        `iloc`, `iat`): anonymizes a column when expr hashes/masks it, else sets it. Columns
        that cannot be told (`df.loc[mask] = other`, `df.iloc[:, 3] = ...`, a list known only
        at run time) still take in the data assigned: the frame now holds it somewhere."""
        if not isinstance(self.statement, cst.Assign):
            return
        holder, key = _assigned_part(target)
        frame = self.value(holder)
        if not isinstance(frame, Data):
            return
        names = _names(self.value(key)) if key is not None else ()
        if not names:
            if isinstance(value, Data) and value.node != frame.node:
                self.mutate(holder, self.derive([frame, value], "derive", target,
                                                self.code(holder), columns=None))
            return
        for name in names:
            frame = self.column_set(frame, name, value, target, holder)
        self.mutate(holder, frame)

    def column_set(self, frame: Data, name: str, value: Value | None, target: cst.Subscript,
                   holder: cst.BaseExpression) -> Data:
        """The frame after the assignment statement being run sets its column `name`."""
        assert isinstance(self.statement, cst.Assign)
        columns = None if frame.columns is None else tuple(dict.fromkeys((*frame.columns, name)))
        if self.mentions_anonymizer(self.statement.value):
            return self.derive([frame], "anonymize", target, self.code(holder),
                               columns=columns, anonymized=(name,))
        inputs = [frame] + ([value] if isinstance(value, Data) and value.node != frame.node
                            else [])
        return self.derive(inputs, "derive", target, self.code(holder),
                           column_made(name, value, frame, _constant(self.statement.value)),
                           columns=columns)

    # ---- expressions ------------------------------------------------------------------------

    def value(self, node: cst.BaseExpression) -> Value | None:
        if isinstance(node, cst.SimpleString):
            text = literal_text(node)
            return None if text is None else Text(text)
        if isinstance(node, cst.ConcatenatedString):
            parts = [self.value(node.left), self.value(node.right)]
            if _data(parts):  # `(f"Dear {row['name']} " f"...")`: the text carries the row
                return self.combine(parts, "derive", node)
            return self.concatenate(parts)
        if isinstance(node, cst.FormattedString):
            return self.formatted(node)
        if isinstance(node, cst.Name):
            if node.value == "__file__" and "__file__" not in self.env:
                return Text((self.context.root / self.graph.relpath).as_posix())
            found = self.env.get(node.value)
            if found is not None or node.value in ("None", "True", "False"):
                return found
            if not self.star_imported and node.value not in BUILTINS \
                    and node.value not in NOTEBOOK_GLOBALS:
                # a name no cell run before this one assigns (a cell that failed to parse, a
                # `%run` not followed, a cell run out of order, `_`), or no statement of a
                # script binds (`exec`, `%run -i`): whatever the session holds under it,
                # which may be data — never nothing
                if self.notebook:
                    return Dynamic(f"`{node.value}`{NOT_ASSIGNED}", external=True)
                if self.script is not None and node.value not in self.bound:
                    return Dynamic(f"`{node.value}`{NOT_BOUND}", external=True)
            return Symbol(node.value)
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
            if isinstance(left, Mask) or isinstance(right, Mask):
                return left if isinstance(left, Mask) else right
            # `rows = cur.fetchall() or []`: whichever side may be the data
            return left if _carries(left) else right if _carries(right) else None
        if isinstance(node, cst.NamedExpr):  # `while chunk := copy.read():`
            named = self.value(node.value)
            self.bind(node.target, named)
            return named
        if isinstance(node, cst.UnaryOperation):
            if isinstance(node.operator, cst.BitInvert) and isinstance(node.expression, cst.Call):
                others = self.columns_call(node.expression, negated=True)
                if others is not None:  # `~df.columns.isin(PII)`: every other column
                    return others
            return self.value(node.expression)
        if isinstance(node, cst.List | cst.Tuple | cst.Set):
            return self.collection([e.value for e in node.elements], node)
        if isinstance(node, cst.Dict):
            return self.mapping(node)
        if isinstance(node, cst.IfExp):
            body, orelse = self.value(node.body), self.value(node.orelse)
            return body if isinstance(body, Data) or not isinstance(orelse, Data) else orelse
        if isinstance(node, cst.Await):
            return self.value(node.expression)
        if isinstance(node, cst.Lambda):
            return self.lambda_function(node)
        if isinstance(node, cst.ListComp | cst.GeneratorExp | cst.SetComp | cst.DictComp):
            return self.comprehension(node)
        if isinstance(node, cst.Yield) and node.value is not None:
            # `yield row`, and `yield from rows`: what a generator gives is what it returns
            yielded = self.value(node.value.item if isinstance(node.value, cst.From)
                                 else node.value)
            if self.returns:
                self.returns[-1].append(yielded)
            return None
        return None

    def comprehension(self, node: cst.ListComp | cst.GeneratorExp | cst.SetComp | cst.DictComp
                      ) -> Value | None:
        """`[pd.read_csv(p) for p in PATHS]`: the element once per literal path (each is read);
        the frames it makes are collected, not joined. The columns of a frame filtered by
        name (`[c for c in df.columns if c not in PII]`) are those names. A condition is run
        with each item too (a send in it sends: `[m for m in rows if post(m).ok]`)."""
        if isinstance(node, cst.ListComp | cst.GeneratorExp):
            listed = self.column_comprehension(node)
            if listed is not None:
                return listed
        # `[list(r) for r in salaries(dsn)]`: the rows a helper of another file returns
        iterable = self.resolved(self.value(node.for_in.iter), node.for_in.iter)
        target = node.for_in.target
        saved = self.env.get(target.value) if isinstance(target, cst.Name) else None
        element = node.value if isinstance(node, cst.DictComp) else node.elt
        found = []
        for bindings in self.passes(target, node.for_in.iter, iterable):
            for name, item in bindings:
                self.bind(name, item)
            for condition in node.for_in.ifs:  # `if client.upsert(m) >= 400`: a call there runs
                self.value(condition.test)
            found.append(self.value(element))
        self.bind(target, saved)
        data = [v for v in found if isinstance(v, Data)]
        if data:
            return Frames(self.combine(data, "derive", node))
        return found[0] if len(found) == 1 and found[0] is not None else iterable

    def formatted(self, node: cst.FormattedString) -> Value | None:
        """An f-string is a static path only if every interpolated part is static text; else
        it is known only at run time, and keeps what is written of it (`Dynamic.written`)."""
        parts: list[Value | None] = []
        written: list[str] = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                text = _text_of(part, node)
                parts.append(Text(text))
                written.append(text)
            elif isinstance(part, cst.FormattedStringExpression):
                parts.append(self.value(part.expression))
                written.append(self.written_part(parts[-1], part.expression))
        self.note_templated(parts)
        if any(isinstance(p, Data) for p in parts):  # f"rows: {df.to_csv()}" is the data
            return self.combine(parts, "derive", node)
        joined = self.concatenate(parts)
        if isinstance(joined, Text):
            return joined
        return Dynamic(f"f-string with run-time parts `{self.code(node)}`",
                       written="".join(written))

    def written_part(self, value: Value | None, expression: cst.BaseExpression) -> str:
        """A part of a text as written: a constant's text, what is written of a run-time
        value, else `{its code}`."""
        if isinstance(value, Text):
            return value.value
        if isinstance(value, Dynamic) and value.written is not None:
            return value.written
        return "{" + self.code(expression) + "}"

    def note_templated(self, parts: Sequence[Value | None]) -> None:
        """Parameters a path or text is built from together with constant text (see
        `Summary.templated`)."""
        if any(isinstance(p, Text) for p in parts):
            self.templated_paths.update(
                placeholder.name for p in parts if (placeholder := raw_placeholder(p)))

    def concatenate(self, parts: Iterable[Value | None]) -> Value | None:
        values = list(parts)
        texts = [p.value for p in values if isinstance(p, Text)]
        if len(texts) == len(values):
            return Text("".join(texts))
        return next((p for p in values if isinstance(p, Dynamic)),
                    Dynamic("string built at run time"))

    def binary(self, node: cst.BinaryOperation) -> Value | None:
        left, right = self.value(node.left), self.value(node.right)
        if isinstance(node.operator, cst.Add | cst.Divide):  # `BASE + name`, `DATA / name`
            self.note_templated([left, right])
        if isinstance(node.operator, cst.Divide) and isinstance(left, Text | Dynamic):
            if isinstance(left, Text) and isinstance(right, Text):
                return Text(posixpath.join(left.value, right.value))
            return left if isinstance(left, Dynamic) else right if isinstance(
                right, Dynamic) else Dynamic(f"path built at run time `{self.code(node)}`")
        if isinstance(node.operator, cst.Add) and isinstance(left, Text | Dynamic) and isinstance(
                right, Text | Dynamic):
            joined = self.concatenate([left, right])
            if isinstance(joined, Dynamic):  # `BASE_URL + "/customers"`
                return replace(joined, written=self.written_part(left, node.left)
                               + self.written_part(right, node.right))
            return joined
        if isinstance(node.operator, cst.Add) and isinstance(left, Strings) and isinstance(
                right, Strings):  # `SHARE_COLUMNS + ["region"]`
            return Strings((*left.values, *right.values))
        if isinstance(node.operator, cst.Modulo) and isinstance(left, Text) \
                and not _data([right]):
            formatted = self.percent_formatted(left.value, node.right)
            if formatted is not None:  # `"curl --data-binary @%s https://…" % path`
                return formatted
        if isinstance(left, Mask) or isinstance(right, Mask):
            return left if isinstance(left, Mask) else right
        if isinstance(node.operator, cst.BitOr) and isinstance(left, Symbol) and isinstance(
                right, Symbol):
            # `prompt | llm | parser`: a pipeline named by where it starts, or by the library
            # part when the start is another project file's (`PROMPT | ChatOpenAI()`)
            return right if left.project and not right.project else left
        # `df.a * df.b`, `a + b`: arithmetic mixes values; it is not a join of data sets
        return self.combine([left, right], "derive", node)

    def percent_formatted(self, template: str, given: cst.BaseExpression) -> Value | None:
        """`template % given` with `%s`-style fields filled in order: the text, or with parts
        known only at run time a Dynamic written with them in braces; None for a template of
        other fields (`%(name)s`)."""
        items = [e.value for e in given.elements] if isinstance(given, cst.Tuple) else [given]
        values = [self.value(item) for item in items]
        filled = percent_filled(template, [self.written_part(value, item)
                                           for value, item in zip(values, items, strict=True)])
        if filled is None:
            return None
        if all(isinstance(v, Text) for v in values):
            return Text(filled)
        return Dynamic(f"text built at run time `{self.code(given)}`", written=filled)

    def mapping(self, node: cst.Dict) -> Value | None:
        """A dict literal: a Record of its static values by key (a config dict), or, when data
        is in it (`{"rows": df.to_dict()}`), the data it collects."""
        elements = [e for e in node.elements if isinstance(e, cst.DictElement)]
        keys = [self.value(e.key) for e in elements]
        # `{"members": query("customers")}`: what a helper of another file returns, as data
        values = [self.resolved(self.value(e.value), e.value) for e in elements]
        names = [k.value for k in keys if isinstance(k, Text)]
        if len(elements) == len(node.elements) == len(names) and not _data(values):
            return Record(tuple((k, v) for k, v in zip(names, values, strict=True)
                                if v is not None))
        data = _data(values)
        if data:
            keyed = tuple(zip(names, values, strict=True)) \
                if len(names) == len(elements) == len(node.elements) else ()
            return Frames(self.combine(data, "derive", node), keyed)
        return Frames() if not elements else None

    def collection(self, items: Sequence[cst.BaseExpression], node: cst.CSTNode) -> Value | None:
        values = [self.resolved(self.value(item), item) for item in items]
        if not values:
            return Frames()  # an empty list or dict: frames may be collected into it
        texts = [v.value for v in values if isinstance(v, Text)]
        if len(texts) == len(values):
            return Strings(tuple(texts))
        data = _data(values)
        if data:  # a tuple written out keeps its positions (`return customers, sales`)
            return Frames(self.combine(data, "derive", node),
                          positions=tuple(values) if isinstance(node, cst.Tuple) else ())
        # `[{"content": f"...{args.question}"}]`: maybe data; a list of constants (records,
        # numbers) may have data collected into it later (`messages.append({...})`)
        return _unknown(values) or Frames()

    def attribute(self, node: cst.Attribute) -> Value | None:
        dotted = dotted_name(node) or self.code(node)  # as `bind` keeps `self.df = ...`
        if dotted in self.env:
            return self.env[dotted]
        base = self.value(node.value)
        name = node.attr.value
        if isinstance(base, Model):
            return self.model_attribute(base, name, node)
        if isinstance(base, Symbol):
            parsed = self.catalog.function(base.qualname)
            if parsed is not None and parsed.row.does == "options":  # `args.data`
                return self.options.get(name, Dynamic(f"command-line option `--{name}`",
                                                      external=True))
            qualname = f"{base.qualname}.{name}"
            reason = self.dynamic_reason(qualname)
            if reason:
                return Dynamic(reason, external=True)
            api = self.catalog.function(qualname)  # `wb.active`: a part of the object itself
            # `client.crm.customers`: a part of a client made for a server is on that server
            return base if api is not None and api.row.does == "part" else Symbol(
                qualname, base.project, place=base.place, held=base.held)
        if isinstance(base, Data):
            part = self.generalised(base, node, node)
            if part is not None:  # `df["date_of_birth"].dt.year`
                return part
            if name in ("write", "writeStream"):
                return Writer(base)
            if name in FRAME_METADATA:
                return None  # `df.shape`, `df.columns`: about the data, none of its values
            named = self.data_write(base, name) or self.typed_member(base, name)
            if named is not None:  # `w = df.to_csv`, `tasks = bg.add_task`: called below
                return named
            # `df.email` is that column; `df.values`, `df.T`, `df.loc` (no column of a frame
            # whose columns are known) are the whole frame
            column = name not in ("loc", "iloc", "str", "dt") and (
                base.columns is None or name in base.columns)
            return Data(base.node, base.roots, (name,) if column else base.columns)
        if isinstance(base, Handle) and base.writable and self.catalog.method(
                name, "handle") is not None:
            return Method(base, name)  # `write = open(p, "w").write`: called below
        if isinstance(base, Grouped | Dynamic | Handle):
            return base
        if isinstance(base, Instance):
            return self.instance_member(base, name, node)
        if isinstance(base, Text) and name in PATH_PARTS:  # Path(__file__).parent
            return Text(PATH_PARTS[name](base.value))
        if isinstance(base, Text) and name == "parents":  # Path(__file__).parents[1]
            return Strings(tuple(_ancestors(base.value)))
        return None

    def subscript(self, node: cst.Subscript) -> Value | None:
        base = self.resolved(self.value(node.value), node)  # `load(path)[:3]`: its data
        if isinstance(base, Symbol) and base.project:  # `table[i]` of another file's class
            item = self.project_data(self.special_member(base, "__getitem__"), node)
            if item is not None:
                return item
        if isinstance(base, Symbol):
            root = base.qualname.split(".")[0]
            key = self.subscript_key(node) if root in self.catalog.item_members else None
            if isinstance(key, Text) and key.value.isidentifier():
                # `client["crm"]["customers"]` of pymongo: `client.crm.customers`
                return replace(base, qualname=f"{base.qualname}.{key.value}")
            if root in self.catalog.modules:  # run["data"] of a client
                return base
            if self.foreign_library(base) is not None:
                # `ddf[ddf.email.notnull()]` of a library the catalog does not know: still
                # what that library made, of unknown origin when written or sent
                return base
            reason = self.dynamic_reason(base.qualname)
            return Dynamic(reason, external=True) if reason else Dynamic(
                f"item of `{base.qualname}`")
        if isinstance(base, Dynamic):
            return base
        if isinstance(base, Frames) and base.data is not None:  # `rows[1:]`, `frames[0]`,
            # `frames["sales"]`
            first = node.slice[0].slice if len(node.slice) == 1 else None
            return base.item(self.value(first.value)) if isinstance(first, cst.Index) \
                else base.data
        if isinstance(base, Instance):  # `table[i]` of a class of the project: `__getitem__`
            return self.special_method(base, "__getitem__", node, [
                e.slice.value for e in node.slice if isinstance(e.slice, cst.Index)][:1])
        keys = [self.value(e.slice.value) for e in node.slice if isinstance(e.slice, cst.Index)]
        if isinstance(base, Record):
            return base.get(keys[0].value) if len(keys) == 1 and isinstance(keys[0], Text) \
                else Dynamic(f"item of a dict `{self.code(node)}`")
        if isinstance(base, Strings) and len(node.slice) == 1 and isinstance(
                node.slice[0].slice, cst.Index) and isinstance(node.slice[0].slice.value,
                                                               cst.Integer):
            index = int(node.slice[0].slice.value.value)
            return Text(base.values[index]) if index < len(base.values) else None
        if isinstance(base, Grouped):
            picked = next((k for k in keys if isinstance(k, Text | Strings)), None)
            return Grouped(Data(base.data.node, base.data.roots, _names(picked) or None),
                           base.keys) if picked else base
        if not isinstance(base, Data):
            return None
        kept = raw_placeholder(base)
        if kept is not None and kept.name in self.keyword_placeholders:
            return base  # `kw["frame"]`: one of the arguments a caller gave by name
        if isinstance(node.value, cst.Attribute) and node.value.attr.value == "iloc" \
                and base.columns is not None and len(node.slice) == 2:
            positions = _positions(node.slice[1].slice, len(base.columns))
            if positions is not None:  # `df.iloc[:, 9:12]`: the columns at those places
                return self.derive([base], "project", node, self.code(node.value),
                                   columns=tuple(base.columns[i] for i in positions))
        result = base
        for key in keys:
            if isinstance(key, Mask) or (isinstance(key, Data) and key.node == result.node
                                         and key.columns and key.columns != result.columns):
                # `df[df.x > 1]`, or `df[df["active"]]` / `df[df.x.notna()]`: rows kept
                result = self.derive([result], "filter", node, self.code(node.value))
            elif isinstance(key, Strings):
                result = self.derive([result], "project", node, self.code(node.value),
                                     columns=selected(result, key.values))
            elif isinstance(key, Text):
                result = Data(result.node, result.roots, (key.value,))
        return result

    def subscript_key(self, node: cst.Subscript) -> Value | None:
        first = node.slice[0].slice if node.slice else None
        return self.value(first.value) if isinstance(first, cst.Index) else None

    # ---- calls ------------------------------------------------------------------------------

    def call(self, node: cst.Call) -> Value | None:
        listed = self.columns_call(node)
        if listed is not None:  # `df.columns.difference(PII)`
            return listed
        assigned = setattr_form(node) if "setattr" not in self.env else None
        if assigned is not None:  # `setattr(ctx, "df", frame)`: `ctx.df = frame`
            self.bind(assigned[0], self.value(assigned[1]))
            return None
        written = getattr_form(node)  # `getattr(df, "to_csv")(p)`: read as `df.to_csv(p)`
        if written is not None:
            self.positions.alias(written.call, node, self.statement)
            self.positions.alias(written.method, written.written, self.statement)
            return self.call(written.call)
        picked = getattr_parts(node)
        methods = self.library_members(*picked) if picked is not None else ()
        if picked is not None and methods:
            return self.picked_member(picked[0], picked[1], methods, node)
        func = node.func
        named = self.named_method(node)
        if named is not None:
            return named
        model_read = self.manager_write(node) or self.model_arguments(node)
        if model_read is not None:
            return model_read
        own = self.own_method(func)
        if own is not None and (placeholder := self.env.get("self")) is not None:
            return self.call_inline(own, node, (placeholder,))  # `self.output()` in a method
            # no code of this file calls: interpreted there, `self` still unknown
        inherited = self.inherited_call(func, node)
        if inherited is not None:
            return inherited
        if isinstance(func, cst.Attribute):
            method = func.attr.value
            if self.executes_statement(method, node):  # `session.execute(insert(C), rows)`
                return None
            base = self.value(func.value)
            if method in PATH_CALLS and (isinstance(base, Dynamic)
                                         or raw_placeholder(base) is not None):
                return self.place_method(func.value, method, node)
            if isinstance(base, Model):  # `Lead.model_validate(row)`, `customers.insert()`
                statement = self.model_method(base.schema, method, node)
                return statement if statement is not None else self.model_call(base, node)
            if isinstance(base, Data):
                part = self.generalised(base, func, node)
                if part is not None:  # `df["signup"].dt.to_period("M")`
                    return part
                made = self.project_instances.get(base.node)
                if made is not None:  # `Exporter(customers).save(path)`: its method's
                    # writes and sends, and its changes to what it is given
                    self.project_sinks(f"{made.qualname}.{method}", node, made=made.arguments)
                    self.project_mutations(f"{made.qualname}.{method}", node,
                                           instance=made.arguments)
                typed = self.typed_member(base, method)  # `bg.add_task(...)`: see pyannotated
                return self.symbol_call(typed.qualname, node) if typed is not None \
                    else self.data_method(base, method, node)
            if isinstance(base, Grouped):
                return self.group_method(base, method, node)
            if isinstance(base, Writer):
                return self.writer_method(base, method, node)
            if isinstance(base, Handle):
                return self.handle_method(base, method, node)
            if isinstance(base, Text):
                return self.text_method(base, method, node)
            if isinstance(base, Frames):
                return self.frames_method(base, method, node)
            holder = _container(func.value)
            if method in pyapi.COLLECT_METHODS and isinstance(holder, cst.Name) and (
                    base is None or isinstance(base, Strings | Record)
                    or holder is not func.value):
                # `lines = ["Signups:"]; lines.append(row["email"])`, `body.update(rows=...)`,
                # `messages = [SYSTEM]; messages.append({...})`, `by_key.setdefault(k, [])
                # .append(row)`: data put into a list or dict of constants goes with it
                added = [self.value(a.value) for a in node.args]
                if _data(added):
                    self.collect(func.value, Frames(), added)
                return None
            if isinstance(base, Instance):
                method_value = self.instance_attribute(base, method)
                if isinstance(method_value, Function):
                    return self.call_method(base, method_value, node)
                library = self.library_method(base.cls, method)  # `api.post(...)`, see there
                return self.symbol_call(library, node) if library is not None \
                    else self.unknown_call(f"{base.cls.name}.{method}", node)
            if isinstance(base, ProjectClass):
                method_value = base.methods.get(method)
                if isinstance(method_value, Function):
                    return self.call_on_class(base, method_value, node)
                return self.unknown_call(f"{base.name}.{method}", node)
            if method in pyapi.DEFERRED_CALLS and (isinstance(base, Function) or (
                    isinstance(base, Symbol) and base.project)):
                # `push.delay(rows, url)`, `tasks.push.delay(...)`: the task runs with these
                # arguments (`apply_async` takes them as `args=`/`kwargs=`)
                bound = isinstance(base, Function) and _bound_task(base.node)
                return self.call(self.called_now(func.value, node, bound)) \
                    if method == "delay" else self.call_later(func.value, node)
            if isinstance(base, Record):  # `CONFIG.get("source")`
                key = self.value(node.args[0].value) if node.args else None
                return base.get(key.value) if method == "get" and isinstance(key, Text) else None
            if isinstance(base, Dynamic):
                return self.dynamic_method(base, method, node)
            if isinstance(base, Symbol) and base.project:
                if self.imports.names_module(base.qualname, self.graph.relpath):
                    # `loaders.load_customers()`: a function of the project module `loaders`
                    return self.call_symbol(Symbol(f"{base.qualname}.{method}", True), node)
                return self.project_method(base, method, node)
            qualname = f"{base.qualname}.{method}" if isinstance(base, Symbol) else f"?.{method}"
            api = self.catalog.method(method) if isinstance(base, Symbol) \
                and self.catalog.function(qualname) is None else None
            if isinstance(base, Symbol) and api is not None and api.row.does in ("write", "send"):
                # `vendor_sdk.load("customers").to_csv(p)`: a frame's write of what a
                # library the catalog does not know made, of unknown origin
                foreign = self.foreign_data(base)
                if foreign is not None:
                    return self.apply_method(api, foreign, node)
            return self.symbol_call(qualname, node)
        table = self.dispatch_table(func)
        if table:  # `SINKS[kind](df)`: whichever function the key picks is called with it
            results = [self.call_function(function, node) for function in table]
            return self.combine(results, "derive", node) if _data(results) else None
        callee = self.value(func)
        if isinstance(callee, Method):  # `w = df.to_csv` ... `w(path)`
            if isinstance(callee.holder, Handle):
                return self.handle_method(callee.holder, callee.name, node)
            return self.data_method(callee.holder, callee.name, node)
        if isinstance(callee, Symbol):
            return self.call_symbol(callee, node)
        if isinstance(callee, Function):
            return self.call_function(callee, node)
        if isinstance(callee, ProjectClass):
            return self.instantiate(callee, node)
        if isinstance(callee, Model):
            return self.model_call(callee, node)
        return None

    def library_members(self, obj: cst.BaseExpression, name: cst.BaseExpression
                        ) -> Sequence[str]:
        """What `getattr(obj, name)` picks on a library's object: the method its name holds,
        or with a name known only at run time (a parameter, an option) each method of that
        object that starts a data operation; none for any other object (a frame's writers
        named at run time are read where the call is: `named_method`)."""
        base = self.value(obj)
        if not isinstance(base, Symbol) or base.project:
            return ()
        chosen = self.value(name)
        if isinstance(chosen, Text) and chosen.value.isidentifier():
            return (chosen.value,)
        return self.catalog.members(base.qualname)

    def picked_member(self, obj: cst.BaseExpression, name: cst.BaseExpression,
                      methods: Sequence[str], node: cst.Call) -> Value | None:
        """`getattr(requests, method)(url, json=rows)`: each method it may pick called with
        the call's arguments, as a dict of sinks picked by a key is."""
        results = []
        for method in methods:
            rewritten = as_method(obj, method, node)
            self.positions.alias(rewritten.call, node, self.statement)
            self.positions.alias(rewritten.method, name, self.statement)
            results.append(self.call(rewritten.call))
        return self.combine(results, "derive", node) if _data(results) else results[0]

    def named_method(self, node: cst.Call) -> Method | None:
        """`getattr(df, "to_json")`: a write or send of the data named by text, to be called
        under another name. A name known only at run time (`f"to_{args.fmt}"`) is a write all
        the same when the text around it fits one of the catalog's writes of data: which one
        does not change what leaves or where, and reading it as no write let the frame go
        unseen. Only a frame named plainly is looked at, so nothing is evaluated twice."""
        if not (isinstance(node.func, cst.Name) and node.func.value == "getattr"
                and "getattr" not in self.env and len(node.args) in (2, 3)):
            return None
        holder, name = node.args[0], node.args[1]
        if holder.keyword or holder.star or not dotted_name(holder.value):
            return None
        base = self.value(holder.value)
        if not isinstance(base, Data):
            return None
        method = self.value(name.value)
        if isinstance(method, Text):
            return self.data_write(base, method.value)
        fitting = spelled_methods(name.value, self.catalog.data_write_methods)
        # one whose place an argument names first: `writer(path)` says where the data goes
        with_place = sorted(m for m in fitting if (api := self.catalog.method(m)) is not None
                            and api.row.target)
        chosen = with_place or sorted(fitting)
        return Method(base, chosen[0]) if chosen else None

    def data_write(self, data: Data, name: str) -> Method | None:
        """The catalog's write or send `name` of `data`, as a value to call later."""
        api = self.catalog.method(name)
        return Method(data, name) if api is not None and api.row.does in ("write", "send") \
            else None

    def dispatch_table(self, func: cst.BaseExpression) -> list[Function]:
        """The functions of a literal dict called through a key only known at run time
        (`SINKS[args.sink]`, `SINKS.get(kind)`): any of them may be the one called."""
        if isinstance(func, cst.Subscript) and isinstance(func.value, cst.Name):
            table, key = func.value, self.subscript_key(func)
        elif isinstance(func, cst.Call) and isinstance(func.func, cst.Attribute) \
                and isinstance(func.func.value, cst.Name) and func.func.attr.value == "get" \
                and func.args:
            table, key = func.func.value, self.value(func.args[0].value)
        else:
            return []
        record = self.value(table)
        if not isinstance(record, Record) or isinstance(key, Text):
            return []
        return [value for _, value in record.items if isinstance(value, Function)]

    def frames_method(self, frames: Frames, method: str, node: cst.Call) -> Value | None:
        """`frames.append(df)` collects; `frames.values()` and the like are the frames."""
        if method in pyapi.COLLECT_METHODS and isinstance(node.func, cst.Attribute):
            added = [self.value(a.value) for a in node.args]
            texts = [v.value for v in added if isinstance(v, Text)]
            if frames.data is None and added and len(texts) == len(added):
                self.bind(node.func.value, Strings(tuple(texts)))
                return None  # `paths.append(os.path.join(root, f))`: a list of paths
            self.collect(node.func.value, frames, added)
            return None
        if method == "get" and node.args and frames.data is not None:  # `frames.get("sales")`
            return frames.item(self.value(node.args[0].value))
        return frames

    def collect(self, target: cst.BaseExpression, frames: Frames,
                added: Sequence[Value | None]) -> None:
        """Bind `target` to `frames` with `added` data collected into it (no operation: putting
        frames in a list joins nothing)."""
        parts = [frames.data, *(v.data if isinstance(v, Frames) else v for v in added)]
        container = _container(target)
        shared = self.module_state(container)
        self.mutate(container, Frames(self.combine(parts, "derive", target)))
        if shared and isinstance(container, cst.Name):  # `BUFFER.extend(rows)` in a function
            self.globals[container.value] = self.env[container.value]

    def module_state(self, target: cst.BaseExpression) -> bool:
        """Whether `target`, filled or set in the function being run, is (part of) a name of the
        module that the function has not rebound: a module-level list, dict or class that one
        function fills (`BUFFER.extend(rows)`, `state["customers"] = df`, `Cache.customers =
        df`) and another reads holds that data for the other too."""
        dotted = dotted_name(target)
        if self.env is self.globals or dotted is None:
            return False
        root = dotted.split(".")[0]
        return root != "self" and root in self.globals and self.env.get(root) is self.globals[root]

    def call_symbol(self, callee: Symbol, node: cst.Call) -> Value | None:
        """A call of a name: the catalog's function, or a function of another project file,
        whose writes and sends of these arguments are reported here and whose result is kept
        with the arguments, to tell its data where it goes (see `project_data`)."""
        if callee.project:  # pyproject: what its body writes or sends of these arguments
            self.project_sinks(callee.qualname, node)
        called = self.object_called(callee, node)
        if called is not None:
            return self.apply_function(called, f"{callee.qualname}.__call__", node)
        result = _still_project(callee, self.symbol_call(callee.qualname, node))
        if callee.project and isinstance(result, Symbol) and not callee.arguments:
            result = replace(result, arguments=self.kept_arguments(node))
        elif callee.project and isinstance(result, Data):  # given data (a session, a
            # frame passed in): what its summary tells it returns, when it can tell
            made = Symbol(callee.qualname, True, arguments=self.kept_arguments(node))
            known = self.project_data(made, node)
            if known is None:  # perhaps an instance of a class made with it (see `call`)
                self.project_instances[result.node] = made
            result = known or result
        if callee.project:
            self.project_mutations(callee.qualname, node)
        return result

    def object_called(self, callee: Symbol, node: cst.Call) -> Api | None:
        """`llm = OpenAI(); llm(prompt)`: the catalog's `__call__` row of a library object
        called like a function with data (making one is configured with values, never the
        data, so a call without data is the object being made)."""
        api = self.catalog.function(callee.qualname)
        if callee.project or (api is not None and api.row.does != "client"):
            return None
        called = self.catalog.function(f"{callee.qualname}.__call__")
        return called if called is not None and _data(
            self.value(a.value) for a in node.args) else None

    def kept_arguments(self, node: cst.Call) -> tuple[tuple[int | str, Value | None], ...]:
        """A call's arguments by position and keyword, kept on what a project function
        returns so its data can be told later (see `project_data`)."""
        positional = [a for a in node.args if a.keyword is None and not a.star]
        kept: list[tuple[int | str, Value | None]] = [
            (index, self.value(a.value)) for index, a in enumerate(positional)]
        kept += [(a.keyword.value, self.value(a.value)) for a in node.args
                 if a.keyword is not None]
        return tuple(kept)

    def project_method(self, base: Symbol, method: str, node: cst.Call) -> Value | None:
        """A method of something another project file made (`load_customers().to_csv(p)`,
        `Loader(base).load(name)`): the catalog still decides what a library method does, and
        a write or send of it is a write or send of data of unknown origin."""
        qualname = f"{base.qualname}.{method}"
        self.project_sinks(qualname, node, made=base.arguments)  # pyproject
        self.project_mutations(qualname, node, instance=base.arguments)
        known = self.project_data(base, node)
        if known is not None:  # `load(path).to_dict()`, `extract(spark, p).join(orders, "id")`
            return self.data_method(known, method, node)
        if self.catalog.function(qualname) is None:
            api = self.catalog.method(method)
            if api is not None and api.row.does in ("write", "send"):
                return self.apply_method(api, self.unknown_origin(base, node), node)
        result = _still_project(base, self.symbol_call(qualname, node))
        if isinstance(result, Symbol) and result.project and not result.arguments:
            # `Loader.read_records(path)`, `Loader().load(path)`: kept to tell its data later
            result = replace(result, arguments=self.kept_arguments(node))
        return result

    def foreign_data(self, made: Symbol) -> Data | None:
        """What an object of a third-party library the catalog does not know holds, when it is
        written or sent: data of unknown origin (`vendor_sdk.fetch_customers()` may return the
        customers); None for every other name (a module this file imports, not one a local
        name merely spells), and for an object that stands for a place or keeps data put into
        it (those say what they hold)."""
        library = self.foreign_library(made)
        if library is None:
            return None
        shown = f"{made.qualname} (from `{library}`, a library Lacuna's catalog does not know)"
        return self.read_silently(Resource(kind="unknown", name=shown[:200]))

    def foreign_library(self, made: Symbol) -> str | None:
        """The imported library the catalog does not know that made `made` (see
        `foreign_data`), or None."""
        library = self.catalog.unknown_library(made.qualname)
        if library not in self.imported or made.project or made.place is not None \
                or made.held is not None:
            return None
        return library

    def unknown_origin(self, made: Symbol, node: cst.CSTNode) -> Data:
        """The data of a value another project file made (see `project_data`), else a read of
        an unresolved source named after the call that made it."""
        known = self.project_data(made, node)
        if known is not None:
            return known
        shown = f"{made.qualname}() (defined in another project file)"
        return self.read_silently(Resource(kind="unknown", name=shown))

    def project_data(self, made: Symbol, node: cst.CSTNode, depth: int = 0) -> Data | None:
        """What a call of a function of another project file returned, when that can be told:
        what it reads itself (`load_customers()`: `data/customers.csv`), the path it is given
        and reads (`load(DATA / "customers.csv")`), the data it is given and returns
        (`add_ratios(df)`), each through the arguments the call kept; None otherwise."""
        found = self.project_returned(made)
        if found is None or depth > MAX_PROJECT_NESTING:
            return None
        returned, shift = found
        result = self.taken_along(returned.flows, returned.columns, made, shift, node, depth)
        if result is not None and returned.elements:  # `customers, sales = load_all()`
            self.unpacked[result.node] = tuple(
                self.taken_along(e.flows, e.columns, made, shift, node, depth)
                for e in returned.elements)
        return result

    def project_returned(self, made: Symbol) -> tuple[Returned, int] | None:
        """What a function or method of another project file tells for this call, and how
        many of its parameters come before the call's arguments (a method's `self`)."""
        if not self.may_tell_data(made.qualname, made.arguments):
            return None
        returned = self.function_returned(made.qualname, made.arguments)
        shift = 0
        if returned is None:  # `repo.fetch_active()`: a method of a project class, after self
            returned = self.imports.returned(made.qualname, self.graph.relpath, True)
            shift = 0 if returned is not None and returned.static else 1
            if returned is not None and not returned.params and not returned.mutated and all(
                    r.kind == "unknown" for r in returned.own):
                return None  # it reads a place its instance keeps: of unknown origin here
        return None if returned is None else (returned, shift)

    def taken_along(self, flows: Sequence[ReturnedFlow], columns: tuple[str, ...] | None,
                    made: Symbol, shift: int, node: cst.CSTNode, depth: int = 0,
                    instance: Sequence[tuple[int | str, Value | None]] = ()) -> Data | None:
        """The call's data (or what the function reads itself) taken along `flows`. A
        method's `self` holds what its instance was made with (`instance`)."""
        given = dict(made.arguments)
        starts: list[tuple[Value | None, tuple[LineageEdge, ...]]] = []
        for flow in flows:
            if flow.param is None:
                starts.extend((self.read_silently(r), flow.steps) for r in flow.own)
                continue
            index, name, reads_path = flow.param
            if shift and index == 0:  # `self.people["email"]`: what the instance was given
                starts.append((self.combine([v for _, v in instance], "derive", node),
                               flow.steps))
                continue
            value = given.get(name, given.get(index - shift) if index is not None else None)
            if isinstance(value, Text) and reads_path:
                value = self.read_silently(self.with_header(self.location_resource(value.value)))
            elif isinstance(value, Symbol) and value.project:
                value = self.project_data(value, node, depth + 1)
            starts.append((value, flow.steps))
        stepped = [(data, steps) for value, steps in starts
                   if isinstance(data := collected(value), Data)]
        if not any(steps for _, steps in stepped):
            return self.combine([value for value, _ in starts], "derive", node)
        return derived_result(self.graph, f"{made.qualname.rpartition('.')[2]}()",
                              self.loc(node), stepped, columns)

    def project_mutations(self, qualname: str, node: cst.Call,
                          instance: Sequence[tuple[int | str, Value | None]] = ()) -> None:
        """`add_contacts(orders, people)` of another project file, whose body changes the
        object it is given in place: `orders` now holds what reaches it there (`instance`:
        what the instance of a method called was made with). Only a call passing a name or
        attribute holding data can change one, and only such a call asks for the summary."""
        if not any(isinstance(a.value, cst.Name | cst.Attribute)
                   and isinstance(self.value(a.value), Data | Frames) for a in node.args):
            return
        made = Symbol(qualname, True, arguments=self.kept_arguments(node))
        found = self.project_returned(made)
        if found is None or not found[0].mutated:
            return
        returned, shift = found
        for mutation in returned.mutated:
            index, name = mutation.param
            expression = passed_expression(node.args, index, name, shift)
            changed = self.taken_along(mutation.flows, mutation.columns, made, shift, node,
                                       instance=instance)
            if isinstance(expression, cst.Name | cst.Attribute) and changed is not None:
                self.mutate(expression, kept_as(self.value(expression), changed))

    def special_member(self, made: Symbol, name: str) -> Symbol:
        """The method `name` of what another project file made, called with no arguments of
        its own (its instance's are kept): `__iter__` for a loop over it, `__getitem__` for
        an item of it."""
        return Symbol(f"{made.qualname}.{name}", True, arguments=made.arguments)

    def may_tell_data(self, qualname: str, arguments: Sequence[tuple[int | str, Value | None]]
                      ) -> bool:
        """Whether the summary of a function or method of another project file can tell
        anything here: data is handed to it (it may return it), or it touches data itself.
        Summaries cost a parse and an interpretation of its whole module."""
        return may_tell_data(qualname, self.graph.relpath, self.context.root, self.catalog,
                             any(isinstance(v, Data) or (isinstance(v, Symbol) and v.project)
                                 for _, v in arguments))

    def resolved(self, value: Value | None, node: cst.CSTNode) -> Value | None:
        """A value another project file made, as the data it is when that can be told (a
        frame handed to a function of this file); anything else as it is."""
        if isinstance(value, Symbol) and value.project:
            return self.project_data(value, node) or value
        return value

    def symbol_call(self, qualname: str, node: cst.Call) -> Value | None:
        """A call of a library function or of a method of an object a library made: what its
        catalog row says it does, else an unknown function of its arguments."""
        api = self.catalog.function(qualname)
        if api is None or (self.notebook and not api.row.notebooks):
            return self.unknown_call(qualname, node)
        return self.apply_function(api, qualname, node)

    def dynamic_reason(self, qualname: str) -> str | None:
        """What a value known only at run time is (`sys.argv`, `os.environ`), per the catalog."""
        api = self.catalog.exact.get(qualname)
        return api.row.reason if api is not None and api.row.does == "dynamic" else None

    def unknown_call(self, qualname: str, node: cst.Call) -> Value | None:
        """A call we know nothing about: its result derives from any data passed to it."""
        data = _data(self.value(a.value) for a in node.args)
        if not data:  # an object made from one that keeps data keeps it too (`index.as_...`)
            return Symbol(qualname, held=self.receiver_held(node))
        result = self.combine(data, "derive", node, label=f"{qualname.rsplit('.', 1)[-1]}()")
        if self.unmodelled_send(qualname, data, node):
            return result  # the client stays a client: its next call sends too
        receiver = node.func.value if isinstance(node.func, cst.Attribute) else None
        bound = self.env.get(receiver.value) if isinstance(receiver, cst.Name) else None
        if isinstance(receiver, cst.Name) and isinstance(bound, Symbol) \
                and receiver.value not in bound.qualname.split(".") \
                and qualname.split(".")[0] not in self.catalog.modules:
            # `msg.set_content(df.to_csv())`, `buf.write(text)`: the object now holds the data
            self.bind(receiver, result)
        return result

    def mentions_anonymizer(self, expression: cst.CSTNode) -> bool:
        """Whether an expression hashes, masks or tokenises what it is given, itself or through
        a function of this file whose body does (`.map(pseudo)` with `def pseudo(v): return
        hashlib.sha256(...)`)."""
        stack = [expression]
        while stack:
            current = stack.pop()
            bound = self.env.get(current.value) if isinstance(current, cst.Name) else None
            if isinstance(bound, Function):  # its body says, not its name: `def
                # mask_email(e): return e` (a stub) masks nothing
                if _mentions_anonymizer(bound.node.body):
                    return True
                continue
            if _names_anonymizer(current):
                return True
            stack.extend(current.children)
        return False

    def in_place(self, result: Value | None, node: cst.Call, always: bool = False
                 ) -> Value | None:
        """`df.drop(columns=PII, inplace=True)`, or a method that `always` works in place
        (`df.update(other)`): the frame the method is called on becomes the result (the
        call itself returns None)."""
        if isinstance(result, Data) and isinstance(node.func, cst.Attribute) and (always or any(
                a.keyword is not None and a.keyword.value == "inplace"
                and isinstance(a.value, cst.Name) and a.value.value == "True"
                for a in node.args)):
            self.mutate(node.func.value, result)
            return None
        return result

    def unmodelled_send(self, qualname: str, data: Sequence[Value], node: cst.Call) -> bool:
        """Data handed to a third-party library the catalog does not describe (and does not list
        as keeping data in the process) goes where that library takes it, which Lacuna cannot
        tell: a write to a destination known only at run time, so personal or unclassified
        data handed to `supabase`, `paho.mqtt` or a vendor's SDK is never passed as clean. So
        is data handed to a call no row describes of a library marked `remote` (boto3, an
        LLM vendor's SDK). Whether it was such a call."""
        library = self.catalog.unknown_library(qualname)
        remote = self.catalog.remote_module(qualname) if library is None else None
        origin = library or remote
        if origin is None or origin.split(".")[0] not in self.third_party:
            return False
        shown = f"{qualname}()"[:200]
        reason = (f"`{shown}` of `{library}`, a library Lacuna's catalog does not describe: "
                  "where it takes what it is given is unknown (describe it in a catalog "
                  "row, or list it under `in_process` if it keeps data in the process)"
                  if library is not None else
                  f"`{shown}` of `{remote}`, whose calls reach its service, and no row of "
                  "Lacuna's catalog describes this one: where it takes what it is given is "
                  "unknown (describe it in a catalog row)")
        self.write(data, (Resource(kind="unknown", name=shown), reason), node)
        return True

    def data_method(self, data: Data, method: str, node: cst.Call) -> Value | None:
        """A method called on data: a catalog method row (write, send, transform, SQL), else a
        call on an object passed in that a function row knows by its attribute chain
        (`client.chat.completions.create(...)` with `client` a parameter), else the data."""
        if self.expectation(data, method, node):  # `validator.expect_column_...("email")`
            return None
        if self.record_method(data, method, node):  # `customer.save()`, `db.add(Lead(...))`
            return None
        renamed = self.renamed(data, method, node) if method in RENAMING else None
        if renamed is not None:  # `rename(columns={"email": "contact"})`
            return self.in_place(renamed, node)
        api = self.catalog.method(method)
        if api is not None and api.row.does in ("write", "send"):
            return self.apply_method(api, data, node)
        if api is not None and api.row.does == "hold" and api.row.into is not None:
            holder = self.argument(node, api.row.into)  # `folium.Marker(...).add_to(m)`
            parent = self.hold([data], node, holder) if holder is not None else None
            # `cluster = MarkerCluster().add_to(m)`: what is put into the part is in `m` too
            return parent if isinstance(parent, Symbol) else data
        if api is not None and api.row.transform is not None:
            result = self.transform(api.row, data, node)
            return self.in_place(result, node, api.row.in_place)
        if api is not None and api.row.does == "execute":
            result = self.sql_method(node)
            if result is not None:
                if method.startswith("execute") and len(data.roots) == 1 and \
                        is_placeholder(data.roots[0]) and isinstance(node.func, cst.Attribute):
                    self.bind(node.func.value, result)  # `def export(cur): cur.execute(q)`
                return result
        if len(data.roots) == 1 and is_placeholder(data.roots[0]):  # a parameter: maybe a
            # client, not a frame
            chain = self.code(node.func)
            api = self.catalog.function(chain)
            if api is not None and api.row.does not in ("construct", "path", "dynamic",
                                                         "identity"):
                return self.apply_function(api, chain, node)
        for arg in node.args:  # e.g. df.pipe(other_df) or a UDF over another frame
            self.value(arg.value)
        return data

    def transform(self, row: Row, data: Data, node: cst.Call) -> Value | None:
        """A frame method that joins, filters, projects, drops, groups, aggregates, adds
        columns to or pipes the frame it is called on (`row.transform` says which)."""
        kind = row.transform
        method = node.func.attr.value if isinstance(node.func, cst.Attribute) else ""
        if kind == "join":
            other = [self.resolved(self.value(a.value), node) for a in node.args
                     if a.keyword is None or a.keyword.value in ("right", "other", "df")]
            keys = self.column_list(node, "on", "left_on") or ()
            frames = self.join_suffixed([data, *other], node, keys, row)
            return self.combine(frames, "join", node, keys=keys)
        kept = self.filtered_columns(data, node) if method == "filter" else None
        if kind == "filter" and kept is not None:  # `df.filter(items=[...])`: columns
            return self.derive([data], "project", node, self.code(node.func),
                               columns=selected(data, kept))
        if kind == "filter":
            filtered = self.derive([data], "filter", node, self.code(node.func))
            self.keep_model(data, filtered)  # `query(Customer).filter(...)`: its rows still
            return filtered
        if kind == "drop":
            return self.drop(data, node)
        if kind == "pop":
            return self.pop(data, node)
        if kind == "project" and (kept := self.excluded(data, node)) is not None:
            return self.derive([data], "project", node, self.code(node.func), columns=kept)
        if kind == "project":
            names = [n for a in node.args for n in _names(self.value(a.value))]
            if names:
                return self.derive([data], "project", node, self.code(node.func),
                                   columns=selected(data, tuple(names)))
            return data
        if kind == "group":
            keys = self.column_list(node, "by", "keys") or ()
            if not keys and node.args:
                keys = tuple(n for a in node.args for n in _names(self.value(a.value)))
            if not keys and self.arg(node, 99, "level") is not None:
                keys = self.index_keys(data, node)
            return Grouped(data, keys)
        if kind == "aggregate" and row.keyed:  # `df["country"].value_counts()`
            return self.group_method(Grouped(data, ()), method, node)
        if kind == "aggregate" and method == "pivot_table":
            return self.pivot(data, node)
        if kind == "aggregate" and keeps_values(method, data, node):
            # `df.agg(" - ".join, axis=1)`: one value per row; `df.describe(include="all")`
            return self.derive([data], "derive", node, self.code(node.func))
        if kind == "aggregate":
            return self.aggregate(Grouped(data, ()), node)
        if kind == "assign":
            return self.add_columns(data, method, node)
        if kind == "test":  # `df.email.notna()`: a condition over the rows, not their values
            return Mask(data)
        if kind == "pipe" and node.args:
            function = self.value(node.args[0].value)
            if isinstance(function, Function):
                return self.call_function(function, node, leading=(data,))
            looked_up = collected(function)
            if isinstance(looked_up, Data) and looked_up.node != data.node:
                # `ids.map(people.set_index("id")["email"])`: each value replaced by what
                # the mapping holds for it
                return self.derive([data, looked_up], "derive", node, self.code(node.func))
        return data

    def pop(self, data: Data, node: cst.Call) -> Data:
        """`df.pop("email")`: the frame without the column from now on, the column returned
        (a list's or a dict's `pop` of a position or key that is no column: the data)."""
        rest = self.drop(data, node)
        if rest is data:
            return data
        if isinstance(node.func, cst.Attribute):
            self.mutate(node.func.value, rest)
        taken = tuple(n for a in node.args[:1] for n in _names(self.value(a.value)))
        return self.derive([data], "project", node, self.code(node.func),
                           columns=selected(data, taken))

    def drop(self, data: Data, node: cst.Call) -> Data:
        """`df.drop(columns=[...])` projects the columns away; `df.drop(index)` keeps them."""
        dropped = self.column_list(node, "columns", "labels") or tuple(
            name for arg in node.args if arg.keyword is None  # Spark: `drop("a", "b")`
            for name in _names(self.value(arg.value)))
        if dropped and (self.arg(node, 99, "axis") is not None or self.arg(
                node, 99, "columns") is not None or data.columns is None
                or set(dropped) <= set(data.columns)):
            kept = None if data.columns is None else tuple(
                c for c in data.columns if c not in dropped)
            return self.derive([data], "project", node, self.code(node.func),
                               columns=kept, dropped=dropped)
        return data

    def add_columns(self, data: Data, method: str, node: cst.Call) -> Data:
        """`assign(col=...)`, `withColumn("col", F.sha2(...))`, polars
        `with_columns(pl.col("email").hash())`: the columns whose new value hashes or masks
        something are anonymized."""
        position = {"withColumn": 0, "insert": 1}.get(method)
        if position is not None and len(node.args) > position + 1:
            name = self.value(node.args[position].value)
            named = [(name.value if isinstance(name, Text) else None, a.value)
                     for a in node.args[position + 1:position + 2]]
        else:
            named = [(a.keyword.value if a.keyword else _expression_column(a.value), a.value)
                     for a in node.args]
        names = tuple(n for n, _ in named if n)
        columns = None if data.columns is None else tuple(dict.fromkeys((*data.columns, *names)))
        anonymized = tuple(n for n, e in named if n and self.mentions_anonymizer(e))
        if anonymized:
            return self.derive([data], "anonymize", node, self.code(node.func), columns=columns,
                               anonymized=anonymized)
        # `sales.assign(email=people["email"])`: another frame's values come in with them
        others = [v for _, e in named if isinstance(v := collected(self.value(e)), Data)
                  and v.node != data.node]
        if others:
            return self.derive([data, *others], "derive", node, self.code(node.func),
                               columns=columns)
        return Data(data.node, data.roots, columns)

    def group_method(self, grouped: Grouped, method: str, node: cst.Call) -> Data:
        """A method of grouped rows: an aggregate that summarises each group (`sum()`,
        `agg("mean")`, `agg(n=("id", "count"))`) is about the group; any other (`head(5)`,
        `first()`, `max()`, `agg(list)`, `apply(f)`) returns members' own rows or values, and
        their sensitivity with them."""
        api = self.catalog.method(method)
        if api is not None and api.row.keyed:  # a count per value of the columns counted
            if not grouped.data.columns:  # which may be any: their values, listed
                return self.derive([grouped.data], "filter", node, self.code(node.func))
            grouped = Grouped(grouped.data, tuple(dict.fromkeys(
                (*grouped.keys, *grouped.data.columns))))
        specs = named_aggregations(node) if method in ("agg", "aggregate") else None
        if specs is not None and not keeps_values(method, grouped.data, node):
            # each output its own column's: `latest=("signup_date", "max")` keeps dates, not
            # people; `emails=("email", "max")` keeps an e-mail per group (see `inherit`)
            flows = (*(ColumnFlow(column=k, sources=(k,)) for k in grouped.keys),
                     *(ColumnFlow(column=out, sources=(column,),
                                  aggregate=self.summarises(function, node))
                       for out, column, function in specs))
            return self.derive([grouped.data], "aggregate", node, self.code(node.func), flows,
                               keys=grouped.keys,
                               columns=tuple(dict.fromkeys(f.column for f in flows)))
        if (self.summarises(method, node) or self.applies_summary(method, node)) and \
                not keeps_values(method, grouped.data, node):
            return self.aggregate(grouped, node)
        return self.derive([grouped.data], "filter", node, self.code(node.func))

    def applies_summary(self, method: str, node: cst.Call) -> bool:
        """`grouped.apply(len)`, `apply(np.mean)`: a pipe row's method given, as its function,
        one the catalog names an aggregate (a lambda or a function of the project may return
        the members themselves)."""
        api = self.catalog.method(method)
        if api is None or api.row.transform != "pipe" or not node.args \
                or node.args[0].keyword is not None:
            return False
        if isinstance(self.value(node.args[0].value), Function):  # the project's own `count`
            return False
        named = agg_functions(cst.Call(func=node.func, args=[node.args[0]]))
        return bool(named) and all(name not in ("agg", "aggregate")
                                   and self.summarises(name, node) for name in named)

    def summarises(self, method: str, node: cst.Call) -> bool:
        """Whether `method` (with the functions an `agg` is given) is an aggregate the catalog
        names (a `transform: aggregate` method row)."""
        api = self.catalog.method(method)
        if api is None or api.row.transform != "aggregate":
            return False
        if method not in ("agg", "aggregate"):
            return True
        named = agg_functions(node)
        return bool(named) and all(
            name not in ("agg", "aggregate") and self.summarises(name, node) for name in named)

    def pivot(self, data: Data, node: cst.Call) -> Data:
        """`pivot_table(index=..., columns=..., aggfunc=...)`: grouped by its index and column
        keys; an `aggfunc` that is not a summary (`"first"`, a lambda) keeps members' values."""
        keys = (*(self.column_list(node, "index") or ()), *(self.column_list(node, "columns")
                                                            or ()))
        aggfunc = self.arg(node, 99, "aggfunc")
        named = agg_functions(cst.Call(func=cst.Name("agg"), args=[cst.Arg(aggfunc)])) \
            if aggfunc is not None else ["mean"]
        if not all(self.summarises(name, node) for name in named):
            return self.derive([data], "derive", node, self.code(node.func))
        return self.derive([data], "aggregate", node, self.code(node.func), keys=tuple(keys),
                           columns=None)

    def index_keys(self, data: Data, node: cst.Call) -> tuple[str, ...]:
        """What `groupby(level=...)` groups by: the levels named, the columns the chain's
        `set_index(...)` made the index (`set_index("email").groupby(level=0)` lists every
        e-mail), else any column of the frame (its index may be any of them)."""
        named = _names(self.value(self.arg(node, 99, "level") or cst.Name("None")))
        if named:
            return named
        made = node.func.value if isinstance(node.func, cst.Attribute) else None
        if isinstance(made, cst.Call) and isinstance(made.func, cst.Attribute) and \
                made.func.attr.value == "set_index":
            indexed = self.arg(made, 0, "keys")
            listed = _names(self.value(indexed)) if indexed is not None else ()
            if listed:
                return listed
        return data.columns or ()

    def generalised(self, data: Data, member: cst.Attribute, node: cst.CSTNode) -> Data | None:
        """`df["date_of_birth"].dt.year`: a part of each value the catalog says singles no
        one out (its `generalising` members), keeping the columns' tags; None for any other
        member."""
        accessor = member.value
        if not (isinstance(accessor, cst.Attribute) and f"{accessor.attr.value}."
                f"{member.attr.value}" in self.catalog.generalising and data.columns):
            return None
        return self.derive([data], "derive", node, self.code(member),
                           tuple(ColumnFlow(column=c, sources=(c,), generalised=True)
                                 for c in data.columns), columns=data.columns)

    def aggregate(self, grouped: Grouped, node: cst.Call) -> Data:
        named = tuple(a.keyword.value for a in node.args if a.keyword is not None)
        measured = named if named else grouped.data.columns
        columns = tuple(dict.fromkeys((*grouped.keys, *(measured or ())))) or None
        return self.derive([grouped.data], "aggregate", node, self.code(node.func),
                           keys=grouped.keys, columns=columns)

    def writer_method(self, writer: Writer, method: str, node: cst.Call) -> Value | None:
        """`df.write.mode(...).parquet(p)`: the terminal the catalog names writes the data."""
        api = self.catalog.method(method, "writer")
        if api is None:
            return self.writer_option(writer, method, node)
        if writer.options:
            self.chained_keywords[node] = dict(writer.options)
        return self.apply_method(api, writer.data, node)

    def writer_option(self, writer: Writer, method: str, node: cst.Call) -> Writer:
        """`.option("path", p)`, `.options(path=p)`: kept for the terminal as a keyword."""
        given: list[tuple[str, cst.BaseExpression]] = []
        if method == "option" and len(node.args) == 2:
            key = self.value(node.args[0].value)
            if isinstance(key, Text):
                given.append((key.value, node.args[1].value))
        elif method == "options":
            given = [(a.keyword.value, a.value) for a in node.args if a.keyword is not None]
        return replace(writer, options=writer.options + tuple(given)) if given else writer

    def handle_method(self, handle: Handle, method: str, node: cst.Call) -> Value | None:
        api = self.catalog.method(method, "handle")
        if handle.writable and api is not None:
            payload = [self.value(a.value) for a in node.args]
            self.write(payload, (handle.target, handle.dynamic_reason), node)
            return None
        return handle

    def text_method(self, text: Text, method: str, node: cst.Call) -> Value | None:
        """Methods on a static path (`Path("x").read_text()`) or string (`"a".format(b)`)."""
        if method in ("read_text", "read_bytes"):
            return self.read(None, node, fixed=text)
        if method in ("write_text", "write_bytes"):
            payload = [self.value(a.value) for a in node.args]
            self.write(payload, (self.location_resource(text.value), None), node)
            return None
        if method == "open":
            return self.open_file(None, self.arg(node, 0, "mode"), node, fixed=text)
        if method in ("format", "format_map", "join", "replace", "strip", "lower", "upper"):
            values = [self.value(a.value) for a in node.args]
            if _data(values):  # `"\n".join(lines)`: text made of the data
                return self.combine(values, "derive", node)
            if method == "join" and len(values) == 1 and isinstance(values[0], Strings):
                return Text(text.value.join(values[0].values))
            known = [v.value for v in values if isinstance(v, Text)]
            if len(known) == len(values):
                built = _string_method(text.value, method, known, self.keywords(node))
                if built is not None:
                    return Text(built)
            return Dynamic(f"string built at run time `{self.code(node)}`")
        if method in ("with_suffix", "with_name", "with_stem", "joinpath", "resolve", "absolute",
                      "expanduser"):
            parts = [self.value(a.value) for a in node.args]
            texts = [p.value for p in parts if isinstance(p, Text)]
            if len(texts) == len(parts):
                return Text(_path_method(text.value, method, texts))
            return Dynamic(f"path built at run time `{self.code(node)}`")
        return None

    def keywords(self, node: cst.Call) -> dict[str, str] | None:
        """The keyword arguments of a call when every one is static text, else None."""
        found: dict[str, str] = {}
        for arg in node.args:
            if arg.keyword is not None:
                value = self.value(arg.value)
                if not isinstance(value, Text):
                    return None
                found[arg.keyword.value] = value.value
        return found

    def place_method(self, place: cst.BaseExpression, method: str, node: cst.Call
                     ) -> Value | None:
        """`Path(sys.argv[1]).read_text()`, `Path(dst).write_bytes(b)`, `Path(p).open("w")`: the
        path methods on a place known only at run time, or given by the caller. An `open`
        given a path and then a mode opens that path (`fs.open(path, "wb")`,
        `self.open(__file__, "rb")`): the object it is called on is no place then. A path
        known only at run time is taken so only when the mode writes: `archive.open(name)`
        reads a member of the archive, its data the archive's."""
        if method == "open":
            first = self.arg(node, 0)
            if first is not None and self.opens_its_argument(first, node):
                return self.open_file(first, self.arg(node, 1, "mode"), node)
            return self.open_file(place, self.arg(node, 0, "mode"), node)
        if method.startswith("read_"):
            return self.read(place, node)
        self.write([self.value(a.value) for a in node.args], self.resource_of(place, node), node)
        return None

    def opens_its_argument(self, first: cst.BaseExpression, node: cst.Call) -> bool:
        """Whether `X.open(first, ...)` opens `first`: it is no mode, and it is a path written
        in the code or the call's mode writes. (A call is never a mode: it is not evaluated
        here, only where the file is opened.)"""
        known = None if isinstance(first, cst.Call) else self.value(first)
        if open_mode(known) is not None:
            return False
        mode = self.arg(node, 1, "mode")
        return isinstance(known, Text) or (mode is not None and writing_mode(self.value(mode)))

    def dynamic_method(self, dynamic: Dynamic, method: str, node: cst.Call) -> Value | None:
        api = self.catalog.method(method)
        if api is not None and api.row.does == "write" and api.row.target:
            target = self.resource_of(self.argument(node, api.row.target[0]), node, api.row.kind)
            # a frame we could not follow is still written; one from outside the program
            # (a name the notebook's session holds) is data of unknown origin
            self.write(self.with_inputs([dynamic]) if dynamic.external else [], target, node)
        elif dynamic.reason.endswith(NOT_BOUND) \
                and self.catalog.function(self.code(node.func)) is not None:
            # `conn.execute(text("INSERT ..."))` with `conn` made where Lacuna cannot see:
            # what the catalog says the call does, as for a library's object
            return self.symbol_call(self.code(node.func), node)
        elif (dynamic.external and dynamic.reason.endswith((NOT_ASSIGNED, NOT_BOUND))) or (
                dynamic.reason.startswith(RETURNS_DIFFER)
                and method not in pyapi.COLLECT_METHODS):
            # `requests.post(url, json=rows)` with `requests` imported by a cell that failed
            # to parse, `make_client().upload(rows)` of a helper whose returns differ: data
            # handed to what that object is goes where it takes it
            given = self.with_inputs([self.value(a.value) for a in node.args])
            if _data(given):
                shown = f"{self.code(node.func)}()"[:200]
                self.write(given, (Resource(kind="unknown", name=shown),
                                   f"`{shown}`: {dynamic.reason}"), node)
        if method == "get" and dynamic.default is None:
            # `os.environ.get("DB_URL", "postgresql://...")`: what the code falls back to
            fallback = self.fallback_text(node)
            if fallback is not None:
                return replace(dynamic, default=fallback)
        return dynamic

    # ---- helpers ----------------------------------------------------------------------------

    def derive(self, inputs: Sequence[Data], transform: Transform, node: cst.CSTNode, label: str,
               flows: tuple[ColumnFlow, ...] = (), /, **details: tuple[str, ...] | None) -> Data:
        """A new value node fed by `inputs` through `transform` (each output column from the
        input columns `flows` name, when given); records an Operation for the transforms users
        care about (join, aggregate, filter, anonymize)."""
        if transform in NARROWING:  # `df["region"].value_counts()`: of that column only
            inputs = [self.narrowed(item, node) for item in inputs]
        location = self.loc(node)
        columns = details.get("columns")
        if columns is None and transform not in ("aggregate",) and len(inputs) == 1:
            columns = inputs[0].columns
            details["columns"] = columns
        node_id = self.graph.value_node(label[:80], location, columns)
        self.fresh.append(node_id)
        roots: tuple[Resource, ...] = ()
        for item in inputs:
            self.graph.edge(item.node, node_id, transform, location, column_flows=flows,
                            **details)
            roots = (*roots, *(r for r in item.roots if r not in roots))
        action = OPERATION_TRANSFORMS.get(transform)
        if action is not None:
            self.graph.operation(action, location, self.code(self.statement), list(roots),
                                 data_node=node_id)
        return Data(node_id, roots, columns)

    def combine(self, values: Sequence[Value | None], transform: Transform, node: cst.CSTNode,
                label: str | None = None, keys: tuple[str, ...] = ()) -> Data | None:
        data = _by_node(_data(values))
        if not data:
            return None
        if len(data) == 1 and transform in ("union", "derive"):
            return data[0]
        known = [d.columns for d in data]
        columns = None if any(c is None for c in known) else tuple(
            dict.fromkeys(c for cols in known if cols is not None for c in cols))
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
        resource, reason = self.path_resource(value, kind, shown, isinstance(target, cst.Name))
        if resource.kind == "unknown" and (isinstance(target, cst.FormattedString
                                                      | cst.BinaryOperation)
                                           or (isinstance(value, Dynamic) and value.written)):
            return self.url_template(target) or resource, reason
        return resource, reason

    def url_template(self, target: cst.BaseExpression) -> Resource | None:
        """`f"https://api.example.com/people/{email}"`: a URL whose server is written out and
        only the rest is computed at run time is that server's (shown with its computed parts
        in braces), so it is judged as the place it is."""
        url = self.written_text(target)
        return Resource(kind="url", name=url[:200]) if SERVER_WRITTEN.match(url) else None

    def written_text(self, expression: cst.BaseExpression) -> str:
        """An expression as text, what is computed at run time in braces: a constant's text,
        an f-string's literal parts and known values (`f"exports/{day}.csv"` is
        `exports/{day}.csv`), else `{its code}`."""
        value = self.value(expression)
        if isinstance(value, Text) or (isinstance(value, Dynamic) and value.written is not None):
            return self.written_part(value, expression)
        if isinstance(expression, cst.FormattedString):
            return "".join(
                _text_of(part, expression) if isinstance(part, cst.FormattedStringText)
                else self.written_text(part.expression)
                if isinstance(part, cst.FormattedStringExpression) else "{?}"
                for part in expression.parts)
        if isinstance(expression, cst.BinaryOperation) and isinstance(expression.operator,
                                                                       cst.Add):
            return self.written_text(expression.left) + self.written_text(expression.right)
        return "{" + self.code(expression) + "}"

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
        if kind in ("file", "url") and isinstance(value, Symbol) and value.place is not None:
            # `urlopen(request)`: the request's URL; `read_csv(target.path)`: a Luigi target's
            return self.location_resource(value.place), None
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
        """A path as the code runs it. A script's is relative to the project root (where jobs
        are started) unless only the script's own folder holds it (`data/x.csv` beside
        `etl/job.py` is `etl/data/x.csv`); a notebook's is relative to its own folder, where
        Jupyter starts it (`../exports/x.csv` in `notebooks/` is `exports/x.csv`), unless only
        the project root holds it."""
        resource = normalise_location(text, self.context.root)
        folder = posixpath.dirname(self.graph.relpath)
        if resource.kind != "file" or not folder or resource.name.startswith(("~", "/")):
            return resource
        beside = posixpath.normpath(posixpath.join(folder, resource.name))
        root = self.context.root
        at_root, in_folder = _holds(root, resource.name), _holds(root, beside, folder)
        if self.notebook:
            keep = (at_root and not in_folder) or beside.startswith("../")
        else:
            keep = at_root or not in_folder
        return resource if keep else resource.model_copy(update={"name": beside})

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
        line, column = self.positions.at(node, self.statement)
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
            method_line, method_column = self.positions.at(node.func.attr, self.statement)
            if method_line != line:
                line, column = method_line, method_column
        home = self.homes[-1] if self.homes else None
        return (home.locate if home is not None else self.locate)(line, column + 1)

    def code(self, node: cst.CSTNode) -> str:
        """A node's source on one line (at most 240 characters). Remembered per node: every
        operation of a statement shows the statement, and generating code is libcst's slowest
        step after parsing."""
        text = self.codes.get(node)
        if text is None:
            text = self.codes[node] = " ".join(self.module.code_for_node(node).split())[:240]
        return text


def _weakly(method: Callable[P, R]) -> Callable[P, R]:
    """An interpreter's method for its helpers to call, without a reference back to it: with
    one, an interpreter and its libcst tree were cyclic garbage, freed only when a collection
    of the oldest generation ran, and pool workers piled up several files' trees (500 MB on
    the stdlib); without, each is freed as soon as its file is done."""
    reference = weakref.WeakMethod(method)

    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        bound = reference()
        assert bound is not None, "called after its interpreter was freed"
        return bound(*args, **kwargs)

    return call


def _data(values: Iterable[Value | None]) -> list[Data]:
    """The data among `values`, frames collected in lists included."""
    found = (v.data if isinstance(v, Frames) else v for v in values)
    return [v for v in found if isinstance(v, Data)]


def _by_node(data: list[Data]) -> list[Data]:
    """One value per lineage node, with every column any of them names: `{"email": u.email,
    "name": u.name}` carries both columns of `u`, not the last one."""
    merged: dict[str, Data] = {}
    for item in data:
        known = merged.get(item.node)
        if known is None:
            merged[item.node] = item
        elif known.columns is not None and item.columns is not None:
            merged[item.node] = Data(item.node, known.roots, tuple(dict.fromkeys(
                (*known.columns, *item.columns))))
        else:
            merged[item.node] = Data(item.node, known.roots, None)
    return list(merged.values())


def _positions(chosen: cst.BaseSlice, count: int) -> list[int] | None:
    """The places among `count` columns a positional selection written out picks (`9:12`,
    `3`, `[0, 2]`, `-1`); None when it is computed at run time."""
    if isinstance(chosen, cst.Slice):
        bounds = [None if b is None else _integer(b) for b in (chosen.lower, chosen.upper,
                                                               chosen.step)]
        if any(b is None and given is not None for b, given in zip(
                bounds, (chosen.lower, chosen.upper, chosen.step), strict=True)):
            return None
        return list(range(count))[slice(*bounds)]
    if not isinstance(chosen, cst.Index):
        return None
    items = [e.value for e in chosen.value.elements] if isinstance(
        chosen.value, cst.List) else [chosen.value]
    places = [_integer(item) for item in items]
    if any(p is None or not -count <= p < count for p in places):
        return None
    return [p % count for p in places if p is not None]


def _integer(node: cst.BaseExpression) -> int | None:
    """An integer written out (`3`, `-1`)."""
    if isinstance(node, cst.Integer):
        return int(node.value)
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus) and \
            isinstance(node.expression, cst.Integer):
        return -int(node.expression.value)
    return None


# The escapes an f-string's literal parts may hold that a command or a path spells (`\'`,
# `\"`, `\\`, `\n`, `\t`); any other backslash stays, as Python keeps it.
ESCAPE = re.compile(r"\\(['\"\\nt])")


def _text_of(part: cst.FormattedStringText, string: cst.FormattedString) -> str:
    """A literal part of an f-string as the running program sees it (escapes read, unless
    the string is raw): `f'psql -c "TO \\'x.csv\\'"'` writes to `x.csv`."""
    if "r" in string.start.lower():
        return part.value
    return ESCAPE.sub(lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), part.value)


def _constant(node: cst.BaseExpression) -> bool:
    """A constant written out: a string, a number, None, True or False (`"REDACTED"`)."""
    return isinstance(node, cst.SimpleString | cst.Integer | cst.Float) or (
        isinstance(node, cst.Name) and node.value in ("None", "True", "False"))


def _plain(node: cst.BaseExpression) -> bool:
    """Whether evaluating `node` again does nothing but look values up: a name, an attribute,
    an item, a constant, an f-string, a path joined or a list written of such (never a
    call)."""
    if isinstance(node, cst.Name | cst.SimpleString | cst.Integer | cst.Float):
        return True
    if isinstance(node, cst.Attribute):
        return _plain(node.value)
    if isinstance(node, cst.Subscript):
        return _plain(node.value) and all(
            isinstance(s.slice, cst.Index) and _plain(s.slice.value) for s in node.slice)
    if isinstance(node, cst.BinaryOperation):
        return _plain(node.left) and _plain(node.right)
    if isinstance(node, cst.ConcatenatedString):
        return _plain(node.left) and _plain(node.right)
    if isinstance(node, cst.FormattedString):
        return all(_plain(p.expression) for p in node.parts
                   if isinstance(p, cst.FormattedStringExpression))
    if isinstance(node, cst.List | cst.Tuple):  # `frame[["email"]]`, `[frame, other]`
        return all(not isinstance(e, cst.StarredElement) and _plain(e.value)
                   for e in node.elements)
    return False


def _container(target: cst.BaseExpression) -> cst.BaseExpression:
    """What a collected item lands in: `groups.setdefault(k, []).append(v)` and
    `groups[k].append(v)` put it into `groups`."""
    while True:
        if isinstance(target, cst.Subscript):
            target = target.value
        elif isinstance(target, cst.Call) and isinstance(target.func, cst.Attribute) \
                and target.func.attr.value in ("setdefault", "get"):
            target = target.func.value
        else:
            return target


def _bound_task(definition: cst.FunctionDef) -> bool:
    """Whether a task's decorator binds it to itself (`@app.task(bind=True)`)."""
    return any(isinstance(d.decorator, cst.Call) and any(
        a.keyword is not None and a.keyword.value == pyapi.BOUND_TASK_KEYWORD
        and isinstance(a.value, cst.Name) and a.value.value == "True"
        for a in d.decorator.args) for d in definition.decorators)


def _unknown(values: Iterable[Value | None]) -> Dynamic | None:
    """The first value known only at run time among `values` or inside their records: a list
    or dict built from one may carry data, so it is not nothing."""
    for value in values:
        if isinstance(value, Dynamic):
            return value
        if isinstance(value, Record):
            found = _unknown(v for _, v in value.items)
            if found is not None:
                return found
    return None


PERCENT_FIELD = re.compile(r"%(?:%|[-+ #0]*\d*(?:\.\d+)?[sdrifgex])")


def percent_filled(template: str, parts: Sequence[str]) -> str | None:
    """`template % parts` for positional `%s`/`%d`/... fields (`%%` a percent sign); None when
    the fields and the parts do not pair up."""
    fields = [m for m in PERCENT_FIELD.finditer(template) if m.group() != "%%"]
    if len(fields) != len(parts) or "%(" in template:
        return None
    remaining = iter(parts)
    return PERCENT_FIELD.sub(lambda m: "%" if m.group() == "%%" else next(remaining), template)


def column_made(name: str, value: Value | None, frame: Data, constant: bool = False
                ) -> tuple[ColumnFlow, ...]:
    """Where a column set from an expression (`df["contact"] = df["email"]`) takes its values:
    the columns of the frame the expression reads (all of them when it cannot be told which),
    every other column keeping its own. A column set to a constant written out (`df["phone"]
    = "REDACTED"`) holds nothing of the frame; for another value that is not data nothing is
    said (what the column holds then stays as it was)."""
    if frame.columns is not None and constant:
        return (*(ColumnFlow(column=c, sources=(c,)) for c in frame.columns if c != name),
                ColumnFlow(column=name, sources=()))
    if not isinstance(value, Data) or frame.columns is None:
        return ()
    sources = value.columns if value.node == frame.node and value.columns else frame.columns
    kept = tuple(ColumnFlow(column=c, sources=(c,)) for c in frame.columns if c != name)
    return (*kept, ColumnFlow(column=name, sources=tuple(sources)))


def _assigned_part(target: cst.Subscript) -> tuple[cst.BaseExpression, cst.BaseExpression | None]:
    """The frame an item assignment sets and the expression naming its columns, if any:
    `df["email"]` and `df[["a", "b"]]` the key; `df.loc[rows, "email"]` (`at`, `iloc`, `iat`)
    the second part; `df.loc[mask]` none (every column)."""
    elements = [e.slice for e in target.slice]
    value = target.value
    if isinstance(value, cst.Attribute) and value.attr.value in INDEXERS:
        column = elements[1] if len(elements) > 1 else None
        return value.value, (column.value if isinstance(column, cst.Index)
                             and value.attr.value in ("loc", "at") else None)
    first = elements[0] if len(elements) == 1 else None
    return value, first.value if isinstance(first, cst.Index) else None


def selected(data: Data, names: tuple[str, ...]) -> tuple[str, ...] | None:
    """The columns a projection keeps: `names`, unless the frame's columns are known and a
    name is not one of them (a column renamed or made in a way not followed): what it holds
    cannot be told, so the projection is taken to keep everything (None)."""
    if data.columns is not None and not set(names) <= set(data.columns):
        return None
    return names


def _names(value: Value | None) -> tuple[str, ...]:
    return names_of(value) or ()


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


def _mentions_anonymizer(node: cst.CSTNode) -> bool:
    """Whether an expression calls something that hashes, masks or tokenises its input, or
    replaces it with a mask literal (`regexp_replace(col, pattern, "*")`)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if _names_anonymizer(current):
            return True
        stack.extend(current.children)
    return False


def _names_anonymizer(node: cst.CSTNode) -> bool:
    """Whether this one node is a name that hashes, masks or tokenises, or a mask literal."""
    if isinstance(node, cst.Name):
        return bool(pyapi.ANONYMIZER.search(node.value))
    return isinstance(node, cst.SimpleString) and bool(pyapi.MASK_LITERAL.fullmatch(
        literal_text(node) or ""))


def _ancestors(path: str) -> list[str]:
    """`Path(path).parents` as text: the folder holding it, then each one above."""
    found = []
    current = posixpath.dirname(path.rstrip("/"))
    while current and current not in found:
        found.append(current)
        parent = posixpath.dirname(current)
        if parent == current:
            break
        current = parent
    return found or ["."]


def _string_method(text: str, method: str, args: list[str], keywords: dict[str, str] | None
                   ) -> str | None:
    """`"{}/{}.csv".format(a, b)`, `"-".join(parts)`, `s.replace(a, b)` on static text; None
    when Python would raise or the call is not one of these."""
    try:
        if method == "format" and keywords is not None:
            return text.format(*args, **keywords)
        if method == "join":
            return None  # joins an iterable: its parts are not the positional arguments
        if method == "replace" and len(args) == 2:
            return text.replace(args[0], args[1])
        if method in ("strip", "lower", "upper") and not args:
            return str(getattr(text, method)())
    except (IndexError, KeyError, ValueError):
        return None
    return None


def _path_method(path: str, method: str, args: list[str]) -> str:
    """`Path` methods on static text: `with_name`, `with_suffix`, `with_stem`, `joinpath`;
    `resolve`, `absolute` and `expanduser` keep the text (relative stays project-relative)."""
    folder, name = posixpath.split(path)
    stem, suffix = posixpath.splitext(name)
    if method == "with_name" and args:
        return posixpath.join(folder, args[0])
    if method == "with_suffix" and args:
        return posixpath.join(folder, stem + args[0])
    if method == "with_stem" and args:
        return posixpath.join(folder, args[0] + suffix)
    if method == "joinpath":
        return posixpath.join(path, *args)
    return path


MAX_PROJECT_NESTING = 4  # `a(b(c(d(path))))` across project files, followed this deep


def _carries(value: Value | None) -> bool:
    """Whether a value may hold or make data: data itself, a handle or writer, a function or
    class, an object, or a name of a project module; constants and library names do not."""
    return isinstance(value, Data | Frames | Handle | Writer | Method | Function | ProjectClass
                      | Instance | Model) or (isinstance(value, Symbol) and value.project)


def _still_project(made_by: Symbol, result: Value | None) -> Value | None:
    """What a call of a project name returns stays a project value (see `Symbol.project`)."""
    if made_by.project and isinstance(result, Symbol) and not result.project:
        return Symbol(result.qualname, project=True)
    return result


def _holds(root: Path, name: str, base: str = "") -> bool:
    """Whether the project has the file `name`, or the folder it would be written into (one
    other than `base`, the folder the path is taken from): `reports/x.csv` belongs where a
    `reports/` folder is."""
    parent = posixpath.dirname(name)
    return (root / name).exists() or (parent not in ("", base) and (root / parent).is_dir())
