"""The functions an aggregation of grouped rows is given (`agg("mean")`, `agg(emails=("email",
list))`, `agg({"email": "first"})`): whether each one summarises the group or returns its
members' own values is the catalog's to say (a function that is itself an `aggregate` method
summarises); this module only reads which functions are named."""

from __future__ import annotations

import libcst as cst

from lacuna_cli.extract.pyvalues import Data

# Stands for a function given as an expression (a lambda, a call): it may return anything.
EXPRESSION = "<expression>"
# Methods that only name a column expression's result (`F.sum("qty").alias("units")`).
RENAMES = frozenset({"alias", "name", "label", "suffix", "prefix"})


def agg_functions(node: cst.Call) -> list[str]:
    """The names of the functions `agg(...)` applies, by their last dotted part (`np.mean` is
    `mean`); EXPRESSION for one given any other way."""
    names: list[str] = []
    for arg in node.args:
        value = arg.value
        if arg.keyword is not None and isinstance(value, cst.Tuple) and len(value.elements) == 2:
            value = value.elements[1].value  # named aggregation: (column, function)
        _collect(value, names)
    return names


def named_aggregations(node: cst.Call) -> list[tuple[str, str, str]] | None:
    """`agg(latest=("signup_date", "max"), n=("id", "count"))` and `agg({"amount": "sum"})`:
    each output column, the column it is computed from and the function's name, when every
    argument is spelled one of these ways with literal names; None otherwise."""
    specs: list[tuple[str, str, str]] = []
    for arg in node.args:
        value = arg.value
        if arg.keyword is not None and isinstance(value, cst.Tuple) \
                and len(value.elements) == 2:
            column, function = _literal(value.elements[0].value), list[str]()
            _collect(value.elements[1].value, function)
            if column is None or len(function) != 1:
                return None
            specs.append((arg.keyword.value, column, function[0]))
        elif arg.keyword is None and isinstance(value, cst.Dict) and len(node.args) == 1:
            for entry in value.elements:
                column, function = None, list[str]()
                if isinstance(entry, cst.DictElement):
                    column = _literal(entry.key)
                    _collect(entry.value, function)
                if column is None or len(function) != 1:
                    return None
                specs.append((column, column, function[0]))
        else:
            return None
    return specs or None


def _literal(expression: cst.BaseExpression) -> str | None:
    value = expression.evaluated_value if isinstance(expression, cst.SimpleString) else None
    return value if isinstance(value, str) else None


def _collect(expression: cst.BaseExpression, names: list[str]) -> None:
    if isinstance(expression, cst.SimpleString):
        names.append(expression.evaluated_value if isinstance(
            expression.evaluated_value, str) else EXPRESSION)
    elif isinstance(expression, cst.Name):
        names.append(expression.value)
    elif isinstance(expression, cst.Attribute):
        names.append(expression.attr.value)
    elif isinstance(expression, cst.List | cst.Tuple | cst.Set):
        for element in expression.elements:
            _collect(element.value, names)
    elif isinstance(expression, cst.Dict):
        for entry in expression.elements:
            if isinstance(entry, cst.DictElement):
                _collect(entry.value, names)
            else:
                names.append(EXPRESSION)
    elif isinstance(expression, cst.Call) and any(
            a.keyword is not None and a.keyword.value == "aggfunc" for a in expression.args):
        _collect(next(a.value for a in expression.args
                      if a.keyword is not None and a.keyword.value == "aggfunc"), names)
    elif isinstance(expression, cst.Call):
        names.append(_column_function(expression))
    else:
        names.append(EXPRESSION)


def _column_function(call: cst.Call) -> str:
    """The function a Spark or polars column expression applies: `F.sum("qty").alias("u")`
    is `sum`, `pl.col("x").n_unique()` is `n_unique`; EXPRESSION for anything else."""
    while isinstance(call.func, cst.Attribute) and call.func.attr.value in RENAMES \
            and isinstance(call.func.value, cst.Call):
        call = call.func.value
    func = call.func
    if isinstance(func, cst.Attribute):
        return func.attr.value
    if isinstance(func, cst.Name):
        return func.value
    return EXPRESSION


# What `describe(include=...)` may be given that keeps to numbers (their summaries hold no
# member's value); any other (`"all"`, `"object"`, `[object]`) describes text columns too.
NUMERIC_INCLUDES = frozenset({"number", "np.number", "numpy.number", "float", "int"})


def keeps_values(method: str, data: Data, node: cst.Call) -> bool:
    """Whether a summary method returns members' own values after all: row by row
    (`agg(" - ".join, axis=1)`, `sum(axis="columns")`: one value per row, made of its
    columns), or `describe` of text (`top` is the most frequent value: an e-mail of a
    column of e-mails) — given a non-numeric `include`, or called on one column."""
    for arg in node.args:
        if arg.keyword is not None and arg.keyword.value == "axis" and (
                (isinstance(arg.value, cst.Integer) and arg.value.value == "1")
                or (isinstance(arg.value, cst.SimpleString)
                    and arg.value.evaluated_value == "columns")):
            return True
    if method != "describe":
        return False
    include = next((a.value for a in node.args
                    if a.keyword is not None and a.keyword.value == "include"), None)
    if include is not None:
        named = _included(include)
        return not named or any(n not in NUMERIC_INCLUDES for n in named)
    return data.columns is not None and len(data.columns) == 1


def _included(expression: cst.BaseExpression) -> list[str]:
    """The dtypes an `include=` names, as written (`"all"`, `"number"`, `np.number`)."""
    if isinstance(expression, cst.SimpleString) and isinstance(expression.evaluated_value, str):
        return [expression.evaluated_value]
    if isinstance(expression, cst.Name):
        return [expression.value]
    if isinstance(expression, cst.Attribute) and isinstance(expression.value, cst.Name):
        return [f"{expression.value.value}.{expression.attr.value}"]
    if isinstance(expression, cst.List | cst.Tuple):
        return [n for e in expression.elements for n in _included(e.value)]
    return ["<expression>"]
