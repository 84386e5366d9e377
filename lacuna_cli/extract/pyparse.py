"""Parsing Python source safely: a libcst module, or one clear reason why not.

CPython's own parser runs first. It is ~10x faster than libcst, it reports syntax errors at the
line users expect (the line `python` itself names), and it refuses pathological nesting with a
clean error — where libcst's native parser would overflow the C stack and kill the process.

One bad line does not lose a file: `parse_partially` blanks the statement the parser blames
(the line alone first, then the whole top-level statement holding it) and parses again, so the
statements that do parse are still analysed and the caller reports which lines were skipped.
"""

from __future__ import annotations

import ast
import gc
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

import libcst as cst
from libcst import CSTNode

from lacuna_cli.extract.pytree import cpython_tree

Tree = TypeVar("Tree")
# Repairs tried on one file before the rest of it, from the last blamed statement, is dropped:
# many for small files (a Python 2 script has a `print` every few lines), fewer for big ones.
MAX_REPAIRS = 200
REPAIR_BUDGET_BYTES = 4_000_000  # bytes parsed again, in total, before giving up
# Lines at column 0 that continue the statement above them rather than start one.
CONTINUATION = re.compile(r"(else|elif|except|finally)\b|[)\]}]")
# Errors after which the parser reads the rest of the file as part of the bad token.
SWALLOWS_REST = ("unterminated triple-quoted string",)


class PythonSyntaxProblem(Exception):
    """The source cannot be analysed; `line` is 1-based (None when no line is to blame)."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def check_syntax(source: str) -> ast.Module:
    """CPython's tree of `source` (fast); PythonSyntaxProblem if it is not valid Python."""
    try:
        return cpython_tree(source)
    except SyntaxError as exc:
        raise PythonSyntaxProblem(f"cannot parse Python: {exc.msg}", exc.lineno) from None
    except (RecursionError, MemoryError):
        raise PythonSyntaxProblem("expression nested too deeply to parse", None) from None
    except ValueError as exc:  # e.g. a NUL byte in the source
        raise PythonSyntaxProblem(f"cannot parse Python: {exc}", None) from None


_VALIDATED = CSTNode.__post_init__


def _unvalidated(node: CSTNode) -> None:
    """`CSTNode.__post_init__` while the parser makes nodes: no validation."""


# Whitespace leaves by their text, shared by every tree this process parses (see `parse_cst`).
_WHITESPACE: dict[tuple[type, str | None], CSTNode] = {}
_SHARING = [False]  # True while `parse_cst` runs the parser


def _leaf(kind: type[CSTNode], *_fields: object, **given: object) -> CSTNode:
    """How whitespace leaves are made in this process: as ever (`object.__new__`, then the
    dataclass `__init__`), except that while the parser runs, one object per text is made and
    handed out again (its `__init__` then sets the same fields again). Installed once: CPython
    does not give a class its original `__new__` back once one was assigned."""
    if not _SHARING[0]:
        return object.__new__(kind)
    value = given.get("value", _fields[0] if _fields else None)
    key = (kind, value if isinstance(value, str) else None)
    found = _WHITESPACE.get(key)
    if found is None:
        found = _WHITESPACE[key] = object.__new__(kind)
    return found


for _kind in (cst.SimpleWhitespace, cst.Newline):
    _kind.__new__ = _leaf  # type: ignore[assignment,method-assign]  # see `_leaf`


def parse_cst(source: str) -> cst.Module:
    """The libcst module of source CPython already accepted. The cyclic garbage collector is
    paused meanwhile: the parser makes tens of thousands of nodes, none in a cycle, and each
    collection their number triggers would scan them all again (a sixth of the parse). Nodes
    are not validated either: every node checks its own fields as it is made, which guards
    trees built by hand, not the parser's (libcst's own note on `CSTNode.__post_init__`), and
    cost a fifth of the parse on the stdlib; the trees are the same.

    Whitespace leaves (`SimpleWhitespace`, `Newline`) with the same text are one shared object:
    they were the most numerous objects of a worker's kept trees (700,000 of them, a few dozen
    distinct, after half the standard library). Nothing asks where whitespace starts (see
    `NodeStarts`) or keys anything by it, and the trees are equal and print the same code."""
    paused = gc.isenabled()
    gc.disable()
    CSTNode.__post_init__ = _unvalidated  # type: ignore[method-assign,assignment]  # see the docstring
    _SHARING[0] = True
    try:
        return cst.parse_module(source)
    except cst.ParserSyntaxError as exc:  # grammar CPython accepts but libcst does not
        raise PythonSyntaxProblem(f"cannot parse Python: {exc.message}", exc.raw_line) from None
    except RecursionError:
        raise PythonSyntaxProblem("expression nested too deeply to parse", None) from None
    finally:
        CSTNode.__post_init__ = _VALIDATED  # type: ignore[method-assign]  # put back
        _SHARING[0] = False
        if paused:
            gc.enable()



@dataclass(frozen=True)
class Partial(Generic[Tree]):
    """A parse that may have skipped statements: the tree, the source it was parsed from (the
    skipped lines blanked, every other line where it was) and the first problem met."""

    tree: Tree
    source: str
    skipped: tuple[int, ...] = ()  # 1-based lines blanked, ascending
    problem: PythonSyntaxProblem | None = None

    def describe(self, place: Callable[[int], tuple[int | None, int]]) -> str:
        """`cannot parse Python: ...; lines 4-5 not analysed, the rest was`; `place` maps a
        line of the parsed source to (notebook cell or None, line) as users see it."""
        assert self.problem is not None
        skipped = _ranges([place(number) for number in self.skipped])
        return f"{self.problem.message}; {skipped} not analysed, the rest was"


def parse_partially(source: str, parse: Callable[[str], Tree]) -> Partial[Tree]:
    """`parse(source)`; on a syntax problem at a known line, that statement is blanked and the
    rest parsed again. Raises the first problem when no line is to blame or no repair helps."""
    try:
        return Partial(parse(source), source)
    except PythonSyntaxProblem as problem:
        if problem.line is None:
            raise
    # Split on "\n" only, as Python's tokenizer counts lines (str.splitlines also splits on
    # form feeds and U+2028, which would shift every line after them).
    lines = source.split("\n")
    lines = [part + "\n" for part in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    blanked: set[int] = set()
    alone: set[int] = set()  # lines already blanked on their own
    first: PythonSyntaxProblem | None = None
    repairs, limit = 0, min(MAX_REPAIRS, max(10, REPAIR_BUDGET_BYTES // max(len(source), 1)))
    while True:
        text = "".join(lines)
        try:
            return Partial(parse(text), text, tuple(sorted(blanked)), first)
        except PythonSyntaxProblem as problem:
            first = first or problem
            if problem.line is None or not lines:
                raise first from None
            line = min(max(problem.line, 1), len(lines))
            start, end = statement_span(lines, line)
            if repairs >= limit or any(words in problem.message for words in SWALLOWS_REST):
                end = len(lines)  # give up on the rest: keep what parsed before it
            elif line not in alone and _indent(lines[line - 1]):
                alone.add(line)  # inside a block: the line alone first, so the block survives
                if _blank_lines(lines, line, line, blanked, keep_block=True):
                    repairs += 1
                    continue
            if not _blank_lines(lines, start, end, blanked, keep_block=False) and not (
                    end < len(lines) and _blank_lines(lines, start, len(lines), blanked, False)):
                raise first from None  # nothing left to blank: no repair helps
            repairs += 1


def _blank_lines(lines: list[str], start: int, end: int, blanked: set[int],
                 keep_block: bool) -> bool:
    """Blank lines start..end (1-based, in place); whether any of them changed."""
    changed = False
    for number in range(start, end + 1):
        empty = _blank(lines[number - 1], keep_block)
        if empty != lines[number - 1]:
            lines[number - 1] = empty
            blanked.add(number)
            changed = True
    return changed


def statement_span(lines: list[str], line: int) -> tuple[int, int]:
    """First and last line (1-based) of the top-level statement holding `line`: from the last
    line at column 0 that starts a statement (decorators above it included) to the line
    before the next one."""
    start = line
    while start > 1 and not _starts_statement(lines[start - 1]):
        start -= 1
    while start > 1 and lines[start - 2].startswith("@"):
        start -= 1
    end = line
    while end < len(lines) and not _starts_statement(lines[end]):
        end += 1
    return start, end


def _starts_statement(text: str) -> bool:
    return bool(text[:1].strip()) and text[0] != "#" and not CONTINUATION.match(text)


def _indent(text: str) -> str:
    return text[: len(text) - len(text.lstrip(" \t"))] if text.strip() else ""


def _blank(text: str, keep_block: bool) -> str:
    """An empty line (its line ending kept), or `pass` at its indent inside a block."""
    ending = text[len(text.rstrip("\r\n")):]
    indent = _indent(text)
    return f"{indent}pass{ending}" if keep_block and indent else ending


def _ranges(places: list[tuple[int | None, int]]) -> str:
    """`line 4`, `lines 4-5, 9`, `cell 2 lines 1-3` (at most five ranges named)."""
    spans: list[list] = []  # [cell, first line, last line]
    for cell, line in places:
        if spans and spans[-1][0] == cell and line == spans[-1][2] + 1:
            spans[-1][2] = line
        else:
            spans.append([cell, line, line])
    named = []
    for cell, first, last in spans[:5]:
        where = f"cell {cell} " if cell is not None else ""
        named.append(f"{where}line {first}" if first == last else f"{where}lines {first}-{last}")
    more = f" and {len(spans) - 5} more" if len(spans) > 5 else ""
    return ", ".join(named) + more


def literal_text(node: cst.SimpleString) -> str | None:
    """The value of a str literal, None for bytes. Most literals have no escape to decode, and
    their text is read directly: libcst's `evaluated_value` compiles every literal with
    `ast.literal_eval`, which cost more than the rest of the interpretation on the stdlib."""
    prefix = node.prefix.lower()
    if "b" in prefix:
        return None
    raw = node.raw_value
    if "\r" not in raw and ("r" in prefix or "\\" not in raw):
        return raw
    value = node.evaluated_value
    return value if isinstance(value, str) else None
