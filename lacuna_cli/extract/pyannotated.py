"""Parameters whose annotation names a library's object: `def sync(bg: BackgroundTasks)`.

A web framework hands an endpoint its `BackgroundTasks`, a session or a client; a helper is
given a `WebClient` or an `SMTP` connection by code the interpreter never sees. The parameter
stays what callers pass (a placeholder until a call is seen), but a method called on it is
looked up as that class's: `bg.add_task(push, rows, url)` is `fastapi.BackgroundTasks.add_task`,
which the catalog says runs `push(rows, url)`. Without this, the call was a column of unknown
data, and the upload `push` makes was never seen.

Only methods the catalog's rows of that library name are taken (a pattern rooted at another
library, or at `**`, says nothing of this class), and never those of a class that makes data
(`pd.DataFrame`): there the parameter is the data, read by the usual rules.

Mixed into the interpreter in `python.py`; `self` is the interpreter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cached_property
from typing import TYPE_CHECKING

import libcst as cst

from lacuna_cli.extract.pyflow import is_placeholder
from lacuna_cli.extract.pyvalues import Data, Symbol

if TYPE_CHECKING:
    from lacuna_cli.extract.catalog import Catalog
    from lacuna_cli.extract.pyvalues import Value

# Catalog kinds of a class's own row that make data: an annotation of one types data.
DATA_MAKERS = frozenset({"construct", "read", "data", "combine", "transform"})
# A session's `add`/`delete` store or delete a declared model's records: `pyorm` reads them
# from what they are given, whatever the session's annotation.
ORM_EFFECTS = frozenset({"persist", "erase"})


def annotation_names(annotation: cst.BaseExpression,
                     code: Callable[[cst.CSTNode], str]) -> Iterator[str]:
    """The names an annotation is written with, outermost first: `Customer`, `"Customer"`,
    `crm.Customer`, the arguments of `Optional[Customer]` or `list[Customer]`, both sides of
    `Customer | None`."""
    if isinstance(annotation, cst.SimpleString):
        yield annotation.value.strip("'\"")
    elif isinstance(annotation, cst.Name | cst.Attribute):
        yield code(annotation)
    elif isinstance(annotation, cst.Subscript):
        for element in annotation.slice:
            if isinstance(element.slice, cst.Index):
                yield from annotation_names(element.slice.value, code)
    elif isinstance(annotation, cst.BinaryOperation):
        yield from annotation_names(annotation.left, code)
        yield from annotation_names(annotation.right, code)


class AnnotatedObjects:
    if TYPE_CHECKING:
        catalog: Catalog
        env: dict[str, Value]
        returns: list[list[Value | None]]

        def code(self, node: cst.CSTNode) -> str: ...

    @cached_property
    def object_types(self) -> dict[str, str]:
        """Parameter node -> the library class its annotation names."""
        return {}

    def type_parameters(self, node: cst.FunctionDef) -> None:
        """Record the library class of each parameter annotated with one and still holding
        its placeholder (a caller's value, when one is bound, is what it is). A dbt Python
        model's first parameter (`def model(dbt, session)`) is the object dbt hands it, which
        the catalog's `dbt` rows describe."""
        params = [*node.params.posonly_params, *node.params.params]
        if node.name.value == "model" and params and params[0].name.value == "dbt" \
                and not self.returns:  # a module's own `model`, not a nested one
            self.env["dbt"] = Symbol("dbt")
        for param in (*node.params.posonly_params, *node.params.params,
                      *node.params.kwonly_params):
            given = self.env.get(param.name.value)
            if param.annotation is None or not isinstance(given, Data) or given.columns \
                    or not any(is_placeholder(root) for root in given.roots):
                continue
            kind = self.library_class(param.annotation.annotation)
            if kind is not None:
                self.object_types[given.node] = kind

    def library_class(self, annotation: cst.BaseExpression) -> str | None:
        """The library class an annotation names (`BackgroundTasks`, `slack_sdk.WebClient`,
        `Optional[Session]`, `Session | None`, `"Session"`); None for a project's own class,
        a class that makes data, and anything else."""
        return next((k for name in annotation_names(annotation, self.code)
                     if (k := self._named(name)) is not None), None)

    def _named(self, written: str) -> str | None:
        head, _, rest = written.partition(".")
        bound = self.env.get(head)
        if not isinstance(bound, Symbol) or bound.project:
            return None
        qualname = f"{bound.qualname}.{rest}" if rest else bound.qualname
        own = self.catalog.function(qualname)
        return None if own is not None and own.row.does in DATA_MAKERS else qualname

    def typed_member(self, base: Data, name: str) -> Symbol | None:
        """`bg.add_task` on a parameter annotated `BackgroundTasks`: the class's method when a
        row of its own library names it."""
        kind = self.object_types.get(base.node) if not base.columns else None
        if kind is None:
            return None
        qualname = f"{kind}.{name}"
        api = self.catalog.function(qualname)
        library = kind.split(".", 1)[0]
        if api is None or api.row.does in ORM_EFFECTS \
                or not any(p.split(".", 1)[0] == library for p in api.row.match):
            return None
        return Symbol(qualname)
