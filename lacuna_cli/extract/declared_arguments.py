"""Constant arguments and class-body constants of a declaration, read from `ast` nodes.

A table name (`Table("customers", ...)`), a column's own name (`mapped_column("email_address")`)
or `__tablename__ = "customers"` counts only when written as a constant: anything computed is
unknown, and the caller says so rather than guessing.
"""

from __future__ import annotations

import ast

from lacuna_cli.extract.catalog import ArgRef


def argument(node: ast.Call, ref: ArgRef | None) -> ast.expr | None:
    """The argument a catalog reference (position, keyword, or a list of either) points at."""
    if ref is None:
        return None
    refs = ref if isinstance(ref, list) else [ref]
    for one in refs:
        if isinstance(one, int) and one < len(node.args) and not isinstance(
                node.args[one], ast.Starred):
            return node.args[one]
        if isinstance(one, str):
            keyword = next((k.value for k in node.keywords if k.arg == one), None)
            if keyword is not None:
                return keyword
    return None


def text_argument(node: ast.Call, refs: list[ArgRef]) -> str | None:
    """The first of `refs` given as a string constant."""
    for ref in refs:
        value = argument(node, ref)
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return value.value
    return None


def class_constants(cls: ast.ClassDef) -> dict[str, object]:
    """Constants assigned in a class body (`__tablename__ = "customers"`, `abstract = True`)."""
    found: dict[str, object] = {}
    for statement in cls.body:
        if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Constant):
            for target in statement.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = statement.value.value
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name) \
                and isinstance(statement.value, ast.Constant):
            found[statement.target.id] = statement.value.value
    return found


def meta_constants(cls: ast.ClassDef) -> dict[str, object]:
    """Constants of a class's inner `class Meta:` (Django's `db_table`, `abstract`)."""
    meta = next((s for s in cls.body if isinstance(s, ast.ClassDef) and s.name == "Meta"), None)
    return class_constants(meta) if meta is not None else {}
