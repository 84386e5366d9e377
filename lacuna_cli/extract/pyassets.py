"""Assets an orchestrator materialises from other assets: Dagster's `@asset`.

Nothing in the file calls an asset's function: the orchestrator does, handing each parameter
what the upstream asset of that name returned (`def customer_emails(raw_customers)` gets the
result of `raw_customers()`; `ins={"people": AssetIn("raw_customers")}` and
`AssetIn(key="raw_customers")` map a parameter to another name, `@asset(name="x")` renames an
asset). Read as calls, a send in a downstream asset carries the data the upstream asset read,
at the send's own line; left as uncalled functions, each parameter was data of unknown origin
and a log of it carried nothing. Which decorators make an asset is the catalog's to say (a
row with `does: asset`). An upstream asset of another file stays unknown, as before.
"""

from __future__ import annotations

import libcst as cst

from lacuna_cli.extract.pystate import InterpreterState
from lacuna_cli.extract.pyvalues import Function, Symbol, Value
from lacuna_cli.models import Resource

# The parameter an orchestrator gives its run context in (`context.log`): never data.
CONTEXT = "context"


class Assets(InterpreterState):
    """The interpreter's reading of asset graphs (a mixin of the interpreter)."""

    def materialise_assets(self) -> None:
        """Run every asset of this file as its orchestrator would, upstream first: each with
        the results of the assets its parameters name."""
        assets = {name: function for function in self.defined
                  if (name := self.asset_name(function)) is not None}
        results: dict[Function, Value | None] = {}
        running: set[Function] = set()
        for function in assets.values():
            self._materialised(function, assets, results, running)

    def asset_name(self, function: Function) -> str | None:
        """The asset `function` makes (its name, or the decorator's `name=`), None when no
        catalog row makes it one."""
        decorator = self._asset_decorator(function)
        if decorator is None:
            return None
        named = _keyword(decorator, "name")
        return _text(named) or function.name

    def _asset_decorator(self, function: Function) -> cst.BaseExpression | None:
        for decorator in function.node.decorators:
            made = decorator.decorator
            called = self.value(made.func if isinstance(made, cst.Call) else made)
            api = self.catalog.function(called.qualname) if isinstance(called, Symbol) else None
            if api is not None and api.row.does == "asset":
                return made
        return None

    def _materialised(self, function: Function, assets: dict[str, Function],
                      results: dict[Function, Value | None], running: set[Function]
                      ) -> Value | None:
        """What `function` returns once run with its upstream assets' results. An asset with
        a parameter no asset of this file gives (one of another file, a resource, a config)
        is left as an uncalled function: its parameters stay unknown, and so is what it
        returns; a cycle, which an orchestrator refuses, too."""
        if function in results:
            return results[function]
        if function in running:
            return self._unknown_result(function)
        running.add(function)
        decorator = self._asset_decorator(function)
        mapped = _asset_ins(decorator) if decorator is not None else {}
        keywords: dict[str, tuple[Value | None, str]] = {}
        complete = True
        params = function.node.params
        for param in (*params.params, *params.kwonly_params):
            name = param.name.value
            upstream = assets.get(mapped.get(name, name))
            if upstream is not None and upstream is not function:
                keywords[name] = (self._materialised(upstream, assets, results, running),
                                  mapped.get(name, name))
            elif name != CONTEXT:
                complete = False
        summary = self.summarise(function) if complete else None
        result = self.apply_summary(summary, [], [], keywords, decorator or function.node) \
            if summary is not None else self._unknown_result(function)
        running.discard(function)
        results[function] = result
        return result

    def _unknown_result(self, function: Function) -> Value:
        return self.read_silently(Resource(
            kind="unknown", name=f"the asset `{function.name}` (run with inputs Lacuna does "
                                 "not see in this file)"))


def _asset_ins(decorator: cst.BaseExpression) -> dict[str, str]:
    """`ins={"people": AssetIn("raw_customers")}` (or `AssetIn(key="raw_customers")`): the
    upstream asset each parameter is given, by parameter name."""
    ins = _keyword(decorator, "ins")
    if not isinstance(ins, cst.Dict):
        return {}
    mapped: dict[str, str] = {}
    for element in ins.elements:
        if not isinstance(element, cst.DictElement) or not isinstance(element.value, cst.Call):
            continue
        param = _text(element.key)
        given = element.value.args
        key = _keyword(element.value, "key") or (given[0].value if given
                                                 and given[0].keyword is None else None)
        upstream = _text(key)
        if param is not None and upstream is not None:
            mapped[param] = upstream
    return mapped


def _keyword(call: cst.BaseExpression, keyword: str) -> cst.BaseExpression | None:
    if not isinstance(call, cst.Call):
        return None
    return next((a.value for a in call.args
                 if a.keyword is not None and a.keyword.value == keyword), None)


def _text(expression: cst.BaseExpression | None) -> str | None:
    """A plain string literal's text (an asset key is written as one)."""
    if isinstance(expression, cst.SimpleString) and "{" not in expression.value:
        evaluated = expression.evaluated_value
        return evaluated if isinstance(evaluated, str) else None
    return None
