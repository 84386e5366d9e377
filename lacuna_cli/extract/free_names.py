"""Names a Python script reads but never binds.

A plain script that hands `rows` to `requests.post` without any statement assigning `rows`
gets it from somewhere Lacuna cannot see (`exec`, a `%run -i` from a notebook session, a
shell that predefines it): its value is unknown, so what it carries is reported as data of
unknown origin, never as nothing. Notebooks answer the same question cell by cell instead
(`python.NOT_ASSIGNED`), since there the order cells ran in matters.
"""

from __future__ import annotations

import ast

# What every module has without assigning it (beyond `builtins`, which the catalog lists).
MODULE_NAMES = frozenset({"__file__", "__path__", "__builtins__", "__cached__",
                          "__annotations__", "__dict__"})


def bound_anywhere(tree: ast.Module) -> frozenset[str]:
    """Every name a statement of the file binds, in any scope: assignment and deletion
    targets, definitions, parameters, imports, `except ... as`, `match` captures. A name
    bound in one function and read in another is not free: the scope is not followed,
    only whether the file could ever have given the name a value."""
    names: set[str] = set(MODULE_NAMES)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.ExceptHandler | ast.MatchAs | ast.MatchStar) \
                and node.name is not None:
            names.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest is not None:
            names.add(node.rest)
    return frozenset(names)
