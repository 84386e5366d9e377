"""Which columns a selection written as code keeps, worked out from the frame's known columns:
`df.filter(items=[...])`, `filter(like="amount")`, `filter(regex="^(qty|price)$")` and
`[c for c in df.columns if c not in PERSONAL]`, `df.columns.difference(PERSONAL)`,
`df.loc[:, ~df.columns.isin(PERSONAL)]` and polars' `select(pl.exclude(PERSONAL))`.

Real pipelines drop personal columns these ways as often as with `drop(columns=...)`. A
projection whose names cannot be told keeps everything (`python.selected`), so each of these
kept the customers personal; worked out here, they are projections like any other. What cannot
be evaluated (a condition calling a function of the project) is still not told.
"""

from __future__ import annotations

import re

import libcst as cst

from lacuna_cli.extract.pyparse import literal_text
from lacuna_cli.extract.pystate import InterpreterState
from lacuna_cli.extract.pyvalues import Data, Strings, Text, names_of

# Tests on a column's name a comprehension may filter with (`c.startswith("_")`).
NAME_TESTS = frozenset({"startswith", "endswith", "isupper", "islower"})


class ColumnSelections(InterpreterState):
    """The interpreter's reading of column selections written as code (a mixin)."""

    def filtered_columns(self, data: Data, node: cst.Call) -> tuple[str, ...] | None:
        """`df.filter(items=[...] | like="x" | regex="...")`: the columns it keeps, when they
        can be told; None for a filter of rows (any other form)."""
        for arg in node.args:
            if arg.keyword is None or arg.keyword.value not in ("items", "like", "regex"):
                continue
            given = self.value(arg.value)
            if arg.keyword.value == "items":
                return names_of(given)
            if not isinstance(given, Text) or data.columns is None:
                return None
            if arg.keyword.value == "like":
                return tuple(c for c in data.columns if given.value in c)
            try:
                pattern = re.compile(given.value)
            except re.error:
                return None
            return tuple(c for c in data.columns if pattern.search(c))
        return None

    def columns_call(self, node: cst.Call, negated: bool = False) -> Strings | None:
        """`df.columns.difference(PII)`, `df.columns.drop(PII)`: the frame's known columns
        less those named; `df.columns.isin(PII)` those named (`negated`, as in `df.loc[:,
        ~df.columns.isin(PII)]`: the others); None for any other call."""
        func = node.func
        if not (isinstance(func, cst.Attribute)
                and func.attr.value in ("difference", "drop", "isin")
                and isinstance(func.value, cst.Attribute) and func.value.attr.value == "columns"
                and len(node.args) == 1):
            return None
        frame = self.value(func.value.value)
        names = names_of(self.value(node.args[0].value))
        if not isinstance(frame, Data) or frame.columns is None or names is None:
            return None
        keep = (func.attr.value == "isin") != negated
        return Strings(tuple(c for c in frame.columns if (c in names) == keep))

    def excluded(self, data: Data, node: cst.Call) -> tuple[str, ...] | None:
        """`select(pl.exclude([...]))` (polars): the frame's known columns less those named."""
        if data.columns is None or len(node.args) != 1:
            return None
        inner = node.args[0].value
        if not (isinstance(inner, cst.Call) and isinstance(inner.func, cst.Attribute)
                and inner.func.attr.value == "exclude"):
            return None
        given = [names_of(self.value(a.value)) for a in inner.args]
        if any(names is None for names in given):
            return None
        excluded = {n for names in given for n in names or ()}
        return tuple(c for c in data.columns if c not in excluded)

    def column_comprehension(self, node: cst.ListComp | cst.GeneratorExp) -> Strings | None:
        """`[c for c in df.columns if c not in PERSONAL]`: the names it lists, from the frame's
        known columns; None when the comprehension is anything else."""
        loop = node.for_in
        source = loop.iter
        if loop.inner_for_in is not None or not isinstance(loop.target, cst.Name) \
                or not isinstance(node.elt, cst.Name) or node.elt.value != loop.target.value \
                or not (isinstance(source, cst.Attribute) and source.attr.value == "columns"):
            return None
        frame = self.value(source.value)
        if not isinstance(frame, Data) or frame.columns is None:
            return None
        name = loop.target.value
        kept: list[str] = []
        for column in frame.columns:
            verdicts = [self.name_test(condition.test, name, column) for condition in loop.ifs]
            if None in verdicts:
                return None
            if all(verdicts):
                kept.append(column)
        return Strings(tuple(kept))

    def name_test(self, test: cst.BaseExpression, name: str, column: str) -> bool | None:
        """The truth of `test` for the loop variable `name` standing for `column`; None when
        it cannot be told."""
        if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            inner = self.name_test(test.expression, name, column)
            return None if inner is None else not inner
        if isinstance(test, cst.BooleanOperation):
            left = self.name_test(test.left, name, column)
            right = self.name_test(test.right, name, column)
            if left is None or right is None:
                return None
            return (left and right) if isinstance(test.operator, cst.And) else (left or right)
        if isinstance(test, cst.Comparison) and len(test.comparisons) == 1 \
                and isinstance(test.left, cst.Name) and test.left.value == name:
            comparison = test.comparisons[0]
            names = names_of(self.value(comparison.comparator))
            if names is None:
                return None
            operator = comparison.operator
            if isinstance(operator, cst.In | cst.Equal):
                return column in names
            if isinstance(operator, cst.NotIn | cst.NotEqual):
                return column not in names
            return None
        if isinstance(test, cst.Call) and isinstance(test.func, cst.Attribute) \
                and isinstance(test.func.value, cst.Name) and test.func.value.value == name \
                and test.func.attr.value in NAME_TESTS:
            arguments = [literal_text(a.value) if isinstance(a.value, cst.SimpleString)
                         else None for a in test.args]
            if None in arguments:
                return None
            return bool(getattr(column, test.func.attr.value)(*arguments))
        return None
