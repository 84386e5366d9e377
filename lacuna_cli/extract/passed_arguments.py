"""Which expression of a call a parameter of the called function receives, and which
parameters of a body still name the objects its caller passed.

A helper that changes what it is given in place (`add_contacts(orders, people)` setting
`frame["email"]`) changes the caller's object: the name or attribute the call passes for that
parameter. Told by keyword, or by position up to the first `*spread` argument (after it, which
argument lands where is known only at run time, so nothing is told).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst

from lacuna_cli.extract.pyvalues import Value


@dataclass
class CallersObjects:
    """The parameters of a body being run that name objects its caller passed, each with the
    object as the body received it. Rebound (`frame = frame.copy()`), one no longer does; rebound
    in a branch that may not run (`if out is None: out = []`), it may (`maybe`): what the body
    then does to it is one of two outcomes for the caller, the object changed or as it was."""

    given: dict[str, Value]
    maybe: set[str] = field(default_factory=set)


def passed_expression(args: Sequence[cst.Arg], index: int | None, name: str, skipped: int = 0
                      ) -> cst.BaseExpression | None:
    """The expression among `args` passed for the parameter `name` (at position `index`,
    counting `skipped` values given before these arguments: a method's `self`, the frame
    `df.pipe(f, x)` pipes into `f`); None when it cannot be told."""
    for arg in args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg.value
    if index is None or index < skipped:
        return None
    position = index - skipped
    for arg in args:
        if arg.keyword is not None:
            continue
        if arg.star:
            return None
        if position == 0:
            return arg.value
        position -= 1
    return None
