"""Columns renamed in a frame: `rename(columns={"email": "contact"})`, `df.columns = [...]`,
`set_axis([...], axis=1)`, Spark's `withColumnRenamed("email", "contact")` and `toDF(...)`.

A renamed column carries what it carried under its old name. Without this, selecting the new
names (`slim[["contact", "who"]]`) looked like a projection that dropped every personal column,
and the customers left as internal data. Each rename is a lineage step whose column flows map
every new name to the old one (`classify/inherit.py` moves each column's sensitivity along
them); a name that cannot be read (a mapping built at run time) keeps everything.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import libcst as cst

from lacuna_cli.extract.catalog import Row
from lacuna_cli.extract.pyparse import literal_text
from lacuna_cli.extract.pystate import InterpreterState
from lacuna_cli.extract.pyvalues import Data, Record, Text, Value, names_of
from lacuna_cli.models import ColumnFlow

# Keywords that give a join its keys without naming them as columns (`left_index=True`).
JOIN_KEY_ARGUMENTS = frozenset({"on", "left_on", "right_on", "left_index", "right_index"})
# Frame methods that rename columns, and how they name them.
RENAMING = frozenset({"rename", "set_axis", "withColumnRenamed", "toDF"})
# String methods a new column name is made with from the old one (`c.strip().lower()`).
STR_METHODS = frozenset({"upper", "lower", "strip", "lstrip", "rstrip", "title", "capitalize",
                         "casefold", "replace", "removeprefix", "removesuffix"})
NameFunction = Callable[[str], str]


class ColumnRenames(InterpreterState):
    """The interpreter's reading of column renames (a mixin of the interpreter)."""

    def renamed(self, data: Data, method: str, node: cst.Call) -> Data | None:
        """The frame after a renaming method, or None when the call is not one (`rename` of
        the index, `set_axis` of rows)."""
        if method == "withColumnRenamed" and len(node.args) >= 2:
            old, new = (self.value(a.value) for a in node.args[:2])
            if isinstance(old, Text) and isinstance(new, Text):
                return self.with_names(data, {old.value: new.value}, node)
            return self.with_names(data, None, node)
        if method == "toDF":
            return self.positional(data, [self.value(a.value) for a in node.args], node)
        if method == "set_axis" and self.on_columns(node) and node.args:
            return self.positional(data, [self.value(node.args[0].value)], node)
        if method == "rename":
            mapping = next((a.value for a in node.args if a.keyword is not None
                            and a.keyword.value == "columns"), None)
            if mapping is None and node.args and node.args[0].keyword is None \
                    and self.on_columns(node, default=True):
                mapping = node.args[0].value  # polars' `rename({...})`, pandas' with axis=1
            if mapping is None:
                return None
            function = self.name_function(mapping)
            if function is not None and data.columns is not None:  # `columns=str.lower`
                return self.with_names(data, {c: function(c) for c in data.columns}, node)
            return self.with_names(data, self.rename_pairs(mapping), node)
        return None

    def assigned_names(self, data: Data, expression: cst.BaseExpression, value: Value | None,
                       node: cst.CSTNode) -> Data:
        """`df.columns = [...]`: the names in order, written out or made from the old ones
        (`[c.strip().lower() for c in df.columns]`, `df.columns.str.lower()`); `value` is what
        `expression` evaluated to."""
        function = None
        if isinstance(expression, cst.ListComp) and len(_loops(expression)) == 1 \
                and not expression.for_in.ifs and isinstance(expression.for_in.target,
                                                                cst.Name):
            function = _str_chain(expression.elt, expression.for_in.target.value)
        elif isinstance(expression, cst.Call):
            function = _str_chain(expression, None)
        if function is not None and data.columns is not None:
            return self.with_names(data, {c: function(c) for c in data.columns}, node)
        return self.positional(data, [value], node)

    def name_function(self, expression: cst.BaseExpression) -> NameFunction | None:
        """`str.lower`, `lambda c: c.strip().lower()`: a function of a column's name."""
        if isinstance(expression, cst.Attribute) and isinstance(expression.value, cst.Name) \
                and expression.value.value == "str" and expression.attr.value in STR_METHODS:
            method = expression.attr.value
            return lambda name: str(getattr(name, method)())
        if isinstance(expression, cst.Lambda) and len(expression.params.params) == 1:
            return _str_chain(expression.body, expression.params.params[0].name.value)
        return None

    def on_columns(self, node: cst.Call, default: bool = False) -> bool:
        """Whether `axis=` says columns (1, "columns"); `default` when it is not given."""
        axis = next((a.value for a in node.args if a.keyword is not None
                     and a.keyword.value == "axis"), None)
        if axis is None:
            return default
        value = self.value(axis)
        return (isinstance(axis, cst.Integer) and axis.value == "1") or (
            isinstance(value, Text) and value.value == "columns")

    def rename_pairs(self, expression: cst.BaseExpression) -> dict[str, str] | None:
        """`{"email": "contact"}` written out (or a dict of constants); None otherwise."""
        if isinstance(expression, cst.Dict):
            pairs: dict[str, str] = {}
            for element in expression.elements:
                if not isinstance(element, cst.DictElement):
                    return None
                old, new = self.value(element.key), self.value(element.value)
                if not isinstance(old, Text) or not isinstance(new, Text):
                    return None
                pairs[old.value] = new.value
            return pairs
        record = self.value(expression)
        if isinstance(record, Record) and all(isinstance(v, Text) for _, v in record.items):
            return {k: v.value for k, v in record.items if isinstance(v, Text)}
        return None

    def positional(self, data: Data, given: Sequence[Value | None], node: cst.CSTNode
                   ) -> Data:
        """New names for the columns in order (`df.columns = [...]`, `toDF("a", "b")`)."""
        spelled = [names_of(value) for value in given]
        names = [n for each in spelled for n in each or ()]
        if data.columns is None or None in spelled or len(names) != len(data.columns):
            return self.with_names(data, None, node)
        return self.with_names(data, dict(zip(data.columns, names, strict=True)), node)

    def with_names(self, data: Data, pairs: dict[str, str] | None, node: cst.CSTNode) -> Data:
        """The frame with its columns renamed by `pairs` (old -> new); with pairs that cannot
        be read, a frame whose columns are no longer known (each keeps what it carried)."""
        if pairs is None or data.columns is None:
            flows = tuple(ColumnFlow(column=new, sources=(old,))
                          for old, new in (pairs or {}).items())
            return self.derive([data], "derive", node, self.code(node), flows, columns=None)
        columns = tuple(pairs.get(name, name) for name in data.columns)
        flows = tuple(ColumnFlow(column=pairs.get(name, name), sources=(name,))
                      for name in data.columns)
        return self.derive([data], "derive", node, self.code(node), flows, columns=columns)


    def join_suffixed(self, frames: list[Value | None], node: cst.Call,
                      keys: Sequence[str], row: Row) -> list[Value | None]:
        """The two frames of a join as its result names their columns: a join whose row gives
        `suffixes` renames each column both frames hold, other than its keys, with them
        (`left.merge(right, on="id")` makes `region_x` and `region_y`), so a later selection
        of `region_x` keeps that column and what it carries. A join given no keys joins on
        every shared column and renames none; suffixes the call spells replace the row's,
        ones it computes leave the columns unknown."""
        keyed = keys or any(a.keyword is not None and a.keyword.value in JOIN_KEY_ARGUMENTS
                            for a in node.args)
        if len(frames) != 2 or not row.suffixes or not keyed:
            return frames
        left, right = frames
        if not (isinstance(left, Data) and isinstance(right, Data)) \
                or left.columns is None or right.columns is None:
            return frames
        shared = [c for c in left.columns if c in right.columns and c not in keys]
        if not shared:
            return frames
        spelled = self.argument(node, row.suffixes_argument) \
            if row.suffixes_argument is not None else None
        suffixes = names_of(self.value(spelled)) if spelled is not None else tuple(row.suffixes)
        if suffixes is None or len(suffixes) != 2:
            return [self.with_names(frame, None, node) for frame in (left, right)]
        return [self.with_names(frame, {c: c + suffix for c in shared}, node)
                for frame, suffix in zip((left, right), suffixes, strict=True)]


def _loops(comprehension: cst.ListComp) -> list[cst.CompFor]:
    loops: list[cst.CompFor] = []
    current: cst.CompFor | None = comprehension.for_in
    while current is not None:
        loops.append(current)
        current = current.inner_for_in
    return loops


def _str_chain(expression: cst.BaseExpression, variable: str | None) -> NameFunction | None:
    """`c.strip().lower().replace(" ", "_")` on the name `variable` (or, with None, on a
    pandas `.str` accessor: `df.columns.str.lower()`) as a function of one name; None when a
    step is anything else or an argument is not written out."""
    steps: list[tuple[str, tuple[str, ...]]] = []
    current = expression
    while isinstance(current, cst.Call) and isinstance(current.func, cst.Attribute):
        method = current.func.attr.value
        arguments = [a.value for a in current.args]
        if method not in STR_METHODS or _has_keyword(current) or not all(
                isinstance(a, cst.SimpleString) for a in arguments):
            return None
        steps.append((method, tuple(literal_text(a) or "" for a in arguments
                                    if isinstance(a, cst.SimpleString))))
        current = current.func.value
    if variable is None:
        if not (isinstance(current, cst.Attribute) and current.attr.value == "str"):
            return None
    elif not (isinstance(current, cst.Name) and current.value == variable):
        return None
    if not steps:
        return None

    def apply(name: str) -> str:
        for method, arguments in reversed(steps):
            name = str(getattr(name, method)(*arguments))
        return name
    return apply


def _has_keyword(call: cst.Call) -> bool:
    return any(a.keyword is not None or a.star for a in call.args)

