"""Parsing Python source safely: a libcst module, or one clear reason why not.

CPython's own parser runs first. It is ~10x faster than libcst, it reports syntax errors at the
line users expect (the line `python` itself names), and it refuses pathological nesting with a
clean error — where libcst's native parser would overflow the C stack and kill the process.
"""

from __future__ import annotations

import ast

import libcst as cst


class PythonSyntaxProblem(Exception):
    """The source cannot be analysed; `line` is 1-based (None when no line is to blame)."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def check_syntax(source: str) -> ast.Module:
    """CPython's tree of `source` (fast); PythonSyntaxProblem if it is not valid Python."""
    try:
        return ast.parse(source)
    except SyntaxError as exc:
        raise PythonSyntaxProblem(f"cannot parse Python: {exc.msg}", exc.lineno) from None
    except (RecursionError, MemoryError):
        raise PythonSyntaxProblem("expression nested too deeply to parse", None) from None
    except ValueError as exc:  # e.g. a NUL byte in the source
        raise PythonSyntaxProblem(f"cannot parse Python: {exc}", None) from None


def parse_cst(source: str) -> cst.Module:
    """The libcst module of source CPython already accepted."""
    try:
        return cst.parse_module(source)
    except cst.ParserSyntaxError as exc:  # grammar CPython accepts but libcst does not
        raise PythonSyntaxProblem(f"cannot parse Python: {exc.message}", exc.raw_line) from None
    except RecursionError:
        raise PythonSyntaxProblem("expression nested too deeply to parse", None) from None


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
