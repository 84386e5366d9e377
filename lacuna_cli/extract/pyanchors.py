"""Where statements, definitions and parameters start, read off CPython's parser.

libcst can tell where a node starts only by generating the code of what holds it (see
`pypositions`), and the interpreter asks about nodes all over a module: the definition line and
every parameter of each function it summarises, and the calls and values of the statements it
interprets. CPython's tree of the same text carries a line and column on every statement,
definition and parameter, at the cost of a parse in C. Paired with libcst's tree statement by
statement (both list a module's statements in the same order), it gives:

- *starts*: nodes whose start is known without generating any code (a function definition, a
  parameter), and
- *anchors*: the smallest pieces the interpreter works in (a small statement, the expression
  heading an `if`, `for`, `while`, `with` or `match`, a decorator) with where they start, so
  `NodeStarts` generates the one piece that holds a node rather than the whole top-level
  statement (a class of fifty methods) around it.

Where the two trees disagree (a statement kind one of them lacks, a count that differs) the
pairing gives up on the module and every position comes from generated code, as before.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst

from lacuna_cli.extract.pytree import cpython_tree

# libcst's small statements and CPython's statement classes they stand for.
SMALL: dict[type[cst.CSTNode], tuple[type[ast.stmt], ...]] = {
    cst.Expr: (ast.Expr,), cst.Assign: (ast.Assign,), cst.AnnAssign: (ast.AnnAssign,),
    cst.AugAssign: (ast.AugAssign,), cst.Return: (ast.Return,), cst.Raise: (ast.Raise,),
    cst.Assert: (ast.Assert,), cst.Del: (ast.Delete,), cst.Pass: (ast.Pass,),
    cst.Break: (ast.Break,), cst.Continue: (ast.Continue,), cst.Global: (ast.Global,),
    cst.Nonlocal: (ast.Nonlocal,), cst.Import: (ast.Import,), cst.ImportFrom: (ast.ImportFrom,),
}


class _Disagree(Exception):
    """The two trees do not pair up: no anchors for this module."""


@dataclass
class Anchors:
    """Character offsets in the source, by libcst node (see the module docstring)."""

    starts: dict[cst.CSTNode, int] = field(default_factory=dict)
    # A piece -> where it starts and the indentation of the statement holding it (the lines a
    # piece continues on inside brackets are indented from there).
    anchors: dict[cst.CSTNode, tuple[int, str]] = field(default_factory=dict)


def read_anchors(module: cst.Module, source: str, line_starts: Sequence[int],
                 tree: ast.Module | None = None) -> Anchors:
    """The starts and anchors of `module`, parsed by libcst from `source`; empty when CPython
    cannot parse the text or its tree does not pair with libcst's. `line_starts`: the
    character offset of each line of `source`; `tree`: CPython's tree of it, if made already."""
    if tree is None:
        try:
            tree = cpython_tree(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return Anchors()
    pairing = _Pairing(source, line_starts)
    try:
        pairing.block(module.body, tree.body)
    except (_Disagree, ValueError, RecursionError):  # ValueError: a zip of unequal lengths
        return Anchors()
    return pairing.found


class _Pairing:
    """One walk down both trees, noting offsets as it pairs their nodes."""

    def __init__(self, source: str, line_starts: Sequence[int]) -> None:
        self.source = source
        self.ascii = source.isascii()
        self.line_starts = line_starts
        self.found = Anchors()

    def offset(self, node: ast.stmt | ast.expr | ast.arg) -> int:
        """The character offset of where CPython says `node` starts (it counts UTF-8 bytes
        within the line)."""
        start = self.line_starts[node.lineno - 1]
        if self.ascii:
            return start + node.col_offset
        line = self.source[start:start + node.col_offset * 4 + 4].encode()
        return start + len(line[:node.col_offset].decode("utf-8", "replace"))

    def anchor(self, node: cst.CSTNode | None, written: ast.stmt | ast.expr | None,
               statement: ast.stmt) -> None:
        if node is not None and written is not None:
            line = self.source[self.line_starts[statement.lineno - 1]:]
            indent = line[:len(line) - len(line.lstrip(" \t"))]
            self.found.anchors[node] = (self.offset(written), indent)

    def block(self, statements: Sequence[cst.CSTNode], written: Sequence[ast.stmt]) -> None:
        flat: list[cst.CSTNode] = []
        for statement in statements:
            if isinstance(statement, cst.SimpleStatementLine | cst.SimpleStatementSuite):
                flat.extend(statement.body)
            else:
                flat.append(statement)
        if len(flat) != len(written):
            raise _Disagree
        for node, twin in zip(flat, written, strict=True):
            small = SMALL.get(type(node))
            if small is not None:
                if not isinstance(twin, small):
                    raise _Disagree
                self.anchor(node, twin, twin)
            else:
                self.compound(node, twin)

    def suite(self, body: cst.BaseSuite, written: Sequence[ast.stmt]) -> None:
        self.block(body.body, written)

    def compound(self, node: cst.CSTNode, twin: ast.stmt) -> None:
        if isinstance(node, cst.FunctionDef) and isinstance(
                twin, ast.FunctionDef | ast.AsyncFunctionDef):
            self.function(node, twin)
        elif isinstance(node, cst.ClassDef) and isinstance(twin, ast.ClassDef):
            self.decorators(node.decorators, twin)
            self.suite(node.body, twin.body)
        elif (isinstance(node, cst.If) and isinstance(twin, ast.If)) or (
                isinstance(node, cst.While) and isinstance(twin, ast.While)):
            self.anchor(node.test, twin.test, twin)
            self.suite(node.body, twin.body)
            self.orelse(node.orelse, twin.orelse)
        elif isinstance(node, cst.For) and isinstance(twin, ast.For | ast.AsyncFor):
            self.anchor(node.target, twin.target, twin)
            self.anchor(node.iter, twin.iter, twin)
            self.suite(node.body, twin.body)
            self.orelse(node.orelse, twin.orelse)
        elif isinstance(node, cst.With) and isinstance(twin, ast.With | ast.AsyncWith):
            if len(node.items) != len(twin.items):
                raise _Disagree
            for item, twin_item in zip(node.items, twin.items, strict=True):
                self.anchor(item.item, twin_item.context_expr, twin)
                self.anchor(item.asname.name if item.asname else None, twin_item.optional_vars,
                            twin)
            self.suite(node.body, twin.body)
        elif isinstance(node, cst.Try | cst.TryStar) and isinstance(
                twin, ast.Try | ast.TryStar):
            self.suite(node.body, twin.body)
            if len(node.handlers) != len(twin.handlers):
                raise _Disagree
            handlers: Sequence[cst.ExceptHandler | cst.ExceptStarHandler] = node.handlers
            for handler, twin_handler in zip(handlers, twin.handlers, strict=True):
                self.anchor(handler.type, twin_handler.type, twin)
                self.suite(handler.body, twin_handler.body)
            self.orelse(node.orelse, twin.orelse)
            self.orelse(node.finalbody, twin.finalbody)
        elif isinstance(node, cst.Match) and isinstance(twin, ast.Match):
            self.anchor(node.subject, twin.subject, twin)
            if len(node.cases) != len(twin.cases):
                raise _Disagree
            for case, twin_case in zip(node.cases, twin.cases, strict=True):
                self.anchor(case.guard, twin_case.guard, twin)
                self.suite(case.body, twin_case.body)
        else:
            raise _Disagree

    def orelse(self, node: cst.CSTNode | None, written: Sequence[ast.stmt]) -> None:
        """An `else`, `elif` (an If of its own in both trees) or `finally`, or none."""
        if isinstance(node, cst.If):
            self.block([node], written)
        elif isinstance(node, cst.Else | cst.Finally):
            self.suite(node.body, written)
        elif node is not None or written:
            raise _Disagree

    def function(self, node: cst.FunctionDef,
                 twin: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.found.starts[node] = self.check(self.offset(twin), "async" if node.asynchronous
                                             else "def")
        self.decorators(node.decorators, twin)
        params = node.params
        written = twin.args
        pairs = [*zip((*params.posonly_params, *params.params),
                      (*written.posonlyargs, *written.args), strict=True),
                 *zip(params.kwonly_params, written.kwonlyargs, strict=True)]
        for param, arg in ((params.star_arg, written.vararg),
                           (params.star_kwarg, written.kwarg)):
            if isinstance(param, cst.Param) != (arg is not None):
                raise _Disagree
            if isinstance(param, cst.Param) and arg is not None:
                pairs.append((param, arg))
        for param, arg in pairs:
            # libcst's parameter starts at its star (`*args`), CPython's at the name.
            star = param.star if isinstance(param.star, str) else ""
            gap = getattr(param.whitespace_after_star, "value", None) if star else ""
            if not isinstance(gap, str):  # a line continuation between star and name
                raise _Disagree
            start = self.offset(arg) - len(star) - len(gap)
            self.found.starts[param] = self.check(start, star + gap + arg.arg)
        self.suite(node.body, twin.body)

    def decorators(self, decorators: Sequence[cst.Decorator],
                   twin: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        if len(decorators) != len(twin.decorator_list):
            raise _Disagree
        for decorator, expression in zip(decorators, twin.decorator_list, strict=True):
            self.anchor(decorator.decorator, expression, twin)

    def check(self, offset: int, text: str) -> int:
        """`offset`, once the source is seen to spell `text` there."""
        if not self.source.startswith(text, offset):
            raise _Disagree
        return offset
