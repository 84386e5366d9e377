"""What the Python interpreter's mixins share: its state and the methods they call on each other.

`python._Interpreter` is assembled from mixins (`pyoperations.Operations`, `pyeffects.Effects`,
`pyclasses.Classes`) that each handle one kind of statement or call but read the interpreter's
environment, graph and helpers through `self`. Declaring those names once here, as the mixins'
common base, lets the type checker verify every such use instead of trusting it. The
annotations cost nothing at run time and the method declarations exist only for the checker;
`_Interpreter.__init__` assigns the attributes and `python.py` or a mixin defines each method.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import libcst as cst

from lacuna_cli.extract.catalog import Api
from lacuna_cli.extract.pyflow import FlowGraph
from lacuna_cli.extract.pyfunctions import Summary
from lacuna_cli.extract.pyvalues import Data, Function, Symbol, Text, Value
from lacuna_cli.models import FileProblem, Location, Resource, Transform

if TYPE_CHECKING:
    from lacuna_cli.extract.declarations import DeclaredSchema
    from lacuna_cli.extract.python import PythonContext


class InterpreterState:
    """The names every mixin of the interpreter may use on `self`."""

    module: cst.Module
    context: PythonContext
    graph: FlowGraph
    errors: list[FileProblem]
    env: dict[str, Value]  # the current scope: name -> value
    globals: dict[str, Value]  # the module's scope
    statement: cst.CSTNode  # the statement being interpreted
    fresh: list[str]  # lineage nodes the current statement created
    options: dict[str, Value]  # command-line options by name, with defaults
    inlined: set[Function]  # methods interpreted where an instance calls them
    inline_results: dict[tuple[object, ...], Value | None]
    method_depth: int
    summaries: dict[Function, Summary | None]
    defined: list[Function]
    returns: list[list[Value | None]]  # one list per function being summarised
    param_nodes: dict[str, str]  # placeholder name -> parameter node
    path_kinds: dict[str, str]  # placeholder name -> kind, for path parameters
    read_paths: set[str]  # placeholder names of parameters read from
    opened: set[str]  # data nodes of files opened for reading

    if TYPE_CHECKING:
        # Defined in python.py (evaluation and statements) ...
        def value(self, node: cst.BaseExpression) -> Value | None: ...
        def bind(self, target: cst.BaseExpression, value: Value | None) -> None: ...
        def compound(self, node: cst.CSTNode) -> None: ...
        def suite(self, body: cst.BaseSuite) -> None: ...
        def summarise(self, function: Function) -> Summary | None: ...
        def apply_summary(self, summary: Summary, positional: Sequence[Value | None],
                          shown: Sequence[str], keywords: dict[str, tuple[Value | None, str]],
                          node: cst.Call) -> Value | None: ...
        def unknown_call(self, qualname: str, node: cst.Call) -> Value | None: ...
        def derive(self, inputs: Sequence[Data], transform: Transform, node: cst.CSTNode,
                   label: str, **details: tuple[str, ...] | None) -> Data: ...
        def combine(self, values: Sequence[Value | None], transform: Transform,
                    node: cst.CSTNode, label: str | None = None, keys: tuple[str, ...] = ()
                    ) -> Data | None: ...
        def resource_of(self, target: cst.BaseExpression | None, node: cst.CSTNode,
                        kind: str = "file") -> tuple[Resource, str | None]: ...
        def location_resource(self, text: str) -> Resource: ...
        def column_list(self, node: cst.Call, *keywords: str) -> tuple[str, ...] | None: ...
        def arg(self, node: cst.Call, index: int, *keywords: str
                ) -> cst.BaseExpression | None: ...
        def loc(self, node: cst.CSTNode) -> Location: ...
        def code(self, node: cst.CSTNode) -> str: ...

        # ... and in pyoperations.Operations (the data operations the catalog rows end in).
        def read(self, target: cst.BaseExpression | None, node: cst.Call, kind: str = "file",
                 columns: tuple[str, ...] | None = None, fixed: Text | None = None,
                 named: tuple[Resource, str | None] | None = None) -> Data: ...
        def read_silently(self, resource: Resource) -> Data: ...
        def sql(self, query: Value | None, node: cst.Call,
                parameters: Sequence[Value | None] = (), stdout: Resource | None = None
                ) -> Data: ...
        def sql_method(self, node: cst.Call, stdout: Resource | None = None
                       ) -> Data | None: ...
        def unknown_origin(self, made: Symbol, node: cst.CSTNode) -> Data: ...
        def resolved(self, value: Value | None, node: cst.CSTNode) -> Value | None: ...
        def open_file(self, path: cst.BaseExpression | None, mode: cst.BaseExpression | None,
                      node: cst.Call, fixed: Text | None = None) -> Value: ...
        def write(self, payload: Sequence[Value | None], target: tuple[Resource, str | None],
                  node: cst.CSTNode) -> None: ...

        # ... and in pyorm.ModelWrites (records of declared table models stored by an ORM).
        def persist(self, api: Api, node: cst.Call, qualname: str) -> Value | None: ...
        def model_of(self, value: Value | None) -> DeclaredSchema | None: ...
        def remember_rows(self, data: Data | None, schema: DeclaredSchema) -> None: ...
