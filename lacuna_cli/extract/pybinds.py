"""The module-level names a top-level statement of a Python file binds, from CPython's `ast`.

Both cheap passes that run before libcst need it: the slicer (`pyslice`), to keep what a kept
statement uses, and the reading of which names of a project module touch data
(`project_calls`). One answer for both, erring towards more names: a name kept needlessly
costs a little analysis, a name missed loses a flow.
"""

from __future__ import annotations

import ast

from lacuna_cli.extract import pyapi

DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
# Calls at module level that change the object they are called on: the interpreter's
# collecting methods (`frames.append(df)`), and dict updates, kept to err towards keeping.
MUTATING_METHODS = {*pyapi.COLLECT_METHODS, "update", "setdefault"}


def module_binds(statement: ast.stmt, member: bool = False) -> set[str]:
    """Names a statement binds or changes, in its nested blocks too (an import or a definition
    under `try`/`if`). A class binds its name; a method (`member`) binds nothing: methods run
    where an instance calls them, or are summarised on their own."""
    if isinstance(statement, ast.Import | ast.ImportFrom):
        return {(alias.asname or alias.name).split(".")[0] for alias in statement.names}
    if isinstance(statement, ast.ClassDef):
        return {statement.name}
    if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
        return set() if member else {statement.name}
    names: set[str] = set()
    stack: list[ast.AST] = [statement]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            names.add(node.id)
        elif isinstance(node, ast.Attribute | ast.Subscript) and isinstance(
                node.ctx, ast.Store | ast.Del) and isinstance(node.value, ast.Name):
            names.add(node.value.id)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in MUTATING_METHODS and isinstance(node.func.value, ast.Name)):
            names.add(node.func.value.id)
        elif isinstance(node, ast.alias):  # `import x` nested under `try:` / `if`
            names.add((node.asname or node.name).split(".")[0])
        if isinstance(node, DEFINITIONS):
            if not isinstance(node, ast.Lambda):
                names.add(node.name)
            continue
        stack.extend(ast.iter_child_nodes(node))
    return names


def instance_attributes(method: ast.stmt) -> tuple[set[str], set[str]]:
    """The attributes a method sets on its instance and those it reads (`self.http =
    requests.Session()` in `__init__`, `self.http.put(...)` in another method), by the name of
    its first parameter; none for anything but a function."""
    if not isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef):
        return set(), set()
    params = [*method.args.posonlyargs, *method.args.args]
    if not params:
        return set(), set()
    me = params[0].arg
    stored: set[str] = set()
    loaded: set[str] = set()
    for node in ast.walk(method):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and node.value.id == me:
            (loaded if isinstance(node.ctx, ast.Load) else stored).add(node.attr)
    return stored, loaded
