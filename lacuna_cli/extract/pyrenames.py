"""Columns renamed in a frame: `rename(columns={"email": "contact"})`, `df.columns = [...]`,
`set_axis([...], axis=1)`, Spark's `withColumnRenamed("email", "contact")` and `toDF(...)`.

A renamed column carries what it carried under its old name. Without this, selecting the new
names (`slim[["contact", "who"]]`) looked like a projection that dropped every personal column,
and the customers left as internal data. Each rename is a lineage step whose column flows map
every new name to the old one (`classify/inherit.py` moves each column's sensitivity along
them); a name that cannot be read (a mapping built at run time) keeps everything.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from lacuna_cli.extract.pystate import InterpreterState
from lacuna_cli.extract.pyvalues import Data, Record, Strings, Text
from lacuna_cli.models import ColumnFlow

# Frame methods that rename columns, and how they name them.
RENAMING = frozenset({"rename", "set_axis", "withColumnRenamed", "toDF"})


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
            return self.with_names(data, self.rename_pairs(mapping), node)
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

    def positional(self, data: Data, given: Sequence[object], node: cst.CSTNode) -> Data:
        """New names for the columns in order (`df.columns = [...]`, `toDF("a", "b")`)."""
        names = [n for value in given for n in (
            (value.value,) if isinstance(value, Text) else value.values
            if isinstance(value, Strings) else (None,))]
        if data.columns is None or None in names or len(names) != len(data.columns):
            return self.with_names(data, None, node)
        return self.with_names(data, {old: new for old, new in zip(
            data.columns, names, strict=True) if isinstance(new, str)}, node)

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
