"""Which names a branch binds, read from its syntax: what the interpreter keeps across the
branches of an `if`, a `try` or a `match` (see `_Interpreter.alternatives`)."""

from __future__ import annotations

import libcst as cst

from lacuna_cli.extract.pybranches import bound_names


def _branches(code: str) -> list[set[str]]:
    statement = cst.parse_module(code).body[0]
    assert isinstance(statement, cst.Try)
    return [bound_names(statement.body), *(bound_names(h.body) for h in statement.handlers)]


def test_imports_assignments_and_nested_blocks_are_bound_but_not_function_bodies() -> None:
    body, handler = _branches('''try:
    from etl.loaders import load_customers as load, clean
    import pandas.io.sql
    frame, (rows, *rest) = load(), ([], [])
    self.df = frame
    with open("x") as fh:
        text: str = fh.read()
    for day in days:
        total += 1
    if rows:
        del rest

    def helper():
        inner = 1

    class Store:
        name = "x"
except ImportError:
    load = None
''')
    assert body == {"load", "clean", "pandas", "frame", "rows", "rest", "self.df", "fh", "text",
                    "day", "total", "helper", "Store"}
    assert handler == {"load"}


def test_a_star_import_and_an_item_assignment_bind_no_name() -> None:
    body, _ = _branches('''try:
    from config import *
    settings["path"] = "x"
except Exception:
    pass
''')
    assert body == set()
