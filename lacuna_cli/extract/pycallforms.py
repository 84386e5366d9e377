"""Calls written in another form than `obj.method(...)`, rewritten to that form.

`getattr(df, "to_csv")(path)` and `pd.DataFrame.to_csv(df, path)` write the frame as surely as
`df.to_csv(path)` does, and `setattr(ctx, "df", df)` sets `ctx.df` as surely as `ctx.df = df`;
read as anything else they were calls of unknown functions and the write was not seen at all.
The interpreter evaluates the rewritten call in their place (placed where the original is
written), so the catalog decides what it does.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import libcst as cst

from lacuna_cli.extract.pyparse import literal_text


class Rewritten(NamedTuple):
    """A call read in its usual form; `method` is a name made for it, written at `written`."""

    call: cst.Call
    method: cst.Name
    written: cst.BaseExpression


def getattr_form(node: cst.Call) -> Rewritten | None:
    """`getattr(obj, "name")(args)` as `obj.name(args)`; None for any other call or a method
    name not written out."""
    inner = node.func
    if not (isinstance(inner, cst.Call) and isinstance(inner.func, cst.Name)
            and inner.func.value == "getattr" and len(inner.args) in (2, 3)):
        return None
    obj, name = inner.args[0], inner.args[1]
    if obj.keyword or obj.star or not isinstance(name.value, cst.SimpleString):
        return None
    method = literal_text(name.value)
    if method is None or not method.isidentifier():
        return None
    attribute = cst.Name(method)
    return Rewritten(cst.Call(func=cst.Attribute(value=obj.value, attr=attribute),
                              args=node.args), attribute, name.value)


def setattr_form(node: cst.Call) -> tuple[cst.Attribute, cst.BaseExpression] | None:
    """`setattr(obj, "name", value)` as the assignment `obj.name = value`: (the attribute,
    the value); None for any other call or a name not written out."""
    if not (isinstance(node.func, cst.Name) and node.func.value == "setattr"
            and len(node.args) == 3 and not any(a.keyword or a.star for a in node.args)):
        return None
    obj, name, value = node.args
    method = literal_text(name.value) if isinstance(name.value, cst.SimpleString) else None
    if method is None or not method.isidentifier():
        return None
    return cst.Attribute(value=obj.value, attr=cst.Name(method)), value.value


def getattr_parts(node: cst.Call) -> tuple[cst.BaseExpression, cst.BaseExpression] | None:
    """`getattr(obj, name)(args)` whose name is not written out: (obj, name); None for any
    other call."""
    inner = node.func
    if not (isinstance(inner, cst.Call) and isinstance(inner.func, cst.Name)
            and inner.func.value == "getattr" and len(inner.args) in (2, 3)):
        return None
    obj, name = inner.args[0], inner.args[1]
    if obj.keyword or obj.star or name.keyword or name.star:
        return None
    return obj.value, name.value


def as_method(obj: cst.BaseExpression, method: str, node: cst.Call) -> Rewritten:
    """`obj.method(args)` with the arguments of `node`."""
    attribute = cst.Name(method)
    return Rewritten(cst.Call(func=cst.Attribute(value=obj, attr=attribute), args=node.args),
                     attribute, node.func)


def bound_form(node: cst.Call) -> cst.Call | None:
    """`Class.method(obj, args)` (a method called on its class, the object first) as
    `obj.method(args)`; None when no object is passed first."""
    if not isinstance(node.func, cst.Attribute) or not node.args:
        return None
    first = node.args[0]
    if first.keyword is not None or first.star:
        return None
    rest = list(node.args[1:])
    if rest:  # the last argument must not keep the comma that followed the object
        rest[-1] = rest[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return cst.Call(func=cst.Attribute(value=first.value, attr=node.func.attr), args=rest)


def spelled_methods(name: cst.BaseExpression, methods: frozenset[str]) -> set[str]:
    """The methods an f-string naming one at run time may spell (`f"to_{fmt}"`: `to_csv`,
    `to_json` ...); none when it has no text of its own."""
    if not isinstance(name, cst.FormattedString):
        return set()
    pattern = "".join(re.escape(part.value) if isinstance(part, cst.FormattedStringText)
                      else r"\w+" for part in name.parts)
    if not any(isinstance(part, cst.FormattedStringText) for part in name.parts):
        return set()
    return {method for method in methods if re.fullmatch(pattern, method)}
