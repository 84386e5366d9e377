"""The names a branch of Python code binds, read from its syntax (libcst).

The interpreter reads the branches of an `if`, a `try` or a `match` in turn, so a later branch
rebinding a name would hide what an earlier one bound (`load = None` under `except ImportError`
hiding the loader the `try` imported). Keeping the earlier value needs to know which names a
branch may rebind; reading them from the branch's own statements costs the branch's size,
where comparing the whole environment before and after would cost the size of the module's
names at every branch.
"""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

Branch = cst.BaseSuite | cst.If


def bound_names(branch: Branch) -> set[str]:
    """Names the statements of a branch bind directly or in nested blocks (not inside the
    functions and classes it defines, whose names it binds)."""
    return set(_bound(branch))


def _bound(node: cst.CSTNode) -> Iterator[str]:
    if isinstance(node, cst.IndentedBlock | cst.SimpleStatementSuite):
        for statement in node.body:
            yield from _bound(statement)
    elif isinstance(node, cst.SimpleStatementLine):
        for small in node.body:
            yield from _small(small)
    elif isinstance(node, cst.FunctionDef | cst.ClassDef):
        yield node.name.value
    elif isinstance(node, cst.For):
        yield from _targets(node.target)
        yield from _blocks(node.body, node.orelse)
    elif isinstance(node, cst.With):
        for item in node.items:
            if item.asname is not None:
                yield from _targets(item.asname.name)
        yield from _bound(node.body)
    elif isinstance(node, cst.If | cst.While):
        yield from _blocks(node.body, node.orelse)
    elif isinstance(node, cst.Try | cst.TryStar):
        yield from _blocks(node.body, node.orelse, node.finalbody,
                           *(handler.body for handler in node.handlers))
    elif isinstance(node, cst.Match):
        yield from _blocks(*(case.body for case in node.cases))


def _blocks(*blocks: cst.CSTNode | None) -> Iterator[str]:
    for block in blocks:
        if isinstance(block, cst.Else | cst.Finally):
            yield from _bound(block.body)
        elif block is not None:
            yield from _bound(block)


def _small(node: cst.BaseSmallStatement) -> Iterator[str]:
    if isinstance(node, cst.Assign):
        for target in node.targets:
            yield from _targets(target.target)
    elif isinstance(node, cst.AnnAssign | cst.AugAssign):
        yield from _targets(node.target)
    elif isinstance(node, cst.Import | cst.ImportFrom) and not isinstance(node.names,
                                                                           cst.ImportStar):
        for alias in node.names:
            yield _alias_name(alias)
    elif isinstance(node, cst.Del):
        yield from _targets(node.target)


def _alias_name(alias: cst.ImportAlias) -> str:
    """`import a.b` binds `a`; `import a.b as c` and `from a import b as c` bind `c`."""
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return dotted_name(alias.name).split(".")[0]


def _targets(target: cst.BaseExpression) -> Iterator[str]:
    """`a`, `a, b = ...`, `[a, *b]`, and an attribute by its dotted text (`self.df`), which is
    how the interpreter keys one that is no object's."""
    if isinstance(target, cst.Name):
        yield target.value
    elif isinstance(target, cst.Tuple | cst.List):
        for element in target.elements:
            yield from _targets(element.value)
    elif isinstance(target, cst.StarredElement):
        yield from _targets(target.value)
    elif isinstance(target, cst.Attribute):
        dotted = dotted_name(target)
        if dotted:
            yield dotted


def dotted_name(node: cst.BaseExpression) -> str:
    """`self.df` -> "self.df"; "" for anything but names joined by dots. The interpreter keys
    attributes bound by assignment this way too (generating their code cost a tenth of a run)."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted_name(node.value)
        return f"{base}.{node.attr.value}" if base else ""
    return ""
