"""Writes and sends inside a function of another project file, applied where it is called.

Pipelines keep their sinks in helpers: `from mailer import send_report; send_report(df)` where
`mailer.py` mails the frame it is given. Analysed alone, the helper's write has a parameter for
its data (of unknown origin, allowed unless something says otherwise); the call knows the
data. So the caller's analysis reports the helper's write or send, at the helper's line, with
the data and paths of this call: the operation a gate must stop is where the data leaves, and
it carries what actually leaves. The helper's summary comes from its own interpreter (see
`pyimports.Returned`), so this costs one interpretation of the helper module per process.

Mixed into the interpreter in `python.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

import libcst as cst

from lacuna_cli.extract.pyflow import is_placeholder
from lacuna_cli.extract.pyfunctions import Summary, collected, write_action
from lacuna_cli.extract.pystate import InterpreterState
from lacuna_cli.extract.pyvalues import Data, Dynamic, Symbol, Text, Value
from lacuna_cli.models import Operation, Resource

from lacuna_cli.extract.pyimports import Constants, Returned

if TYPE_CHECKING:
    from lacuna_cli.extract.pyimports import ProjectImports

OUTWARD = ("write", "export")
Placeholders = tuple[tuple[str, tuple[int | None, str, str]], ...]


def outward_templates(summary: Summary, path_kinds: Mapping[str, str]
                      ) -> tuple[tuple[Operation, ...], Placeholders]:
    """A summary's writes and sends that depend on a parameter and its reads of a path
    parameter (`def load(path): return pd.read_csv(path)`), and the parameters by
    placeholder name (index, name, the kind of place a path parameter names)."""
    sinks = tuple(t for t in summary.templates if (t.action in OUTWARD and (
        any(is_placeholder(s) for s in t.sources) or (
            t.destination is not None and is_placeholder(t.destination)))) or (
        t.action == "read" and any(is_placeholder(s) for s in t.sources)))
    placeholders = tuple((p.placeholder.name, (p.index, f"**{p.name}" if p.keywords else p.name,
                                               path_kinds.get(p.placeholder.name, "file")))
                         for p in summary.params)
    return sinks, placeholders


class ProjectSinks(InterpreterState):
    """`self` is the interpreter."""

    if TYPE_CHECKING:
        imports: ProjectImports

        def kept_arguments(self, node: cst.Call
                           ) -> tuple[tuple[int | str, Value | None], ...]: ...
        def may_tell_data(self, qualname: str,
                          arguments: Sequence[tuple[int | str, Value | None]]) -> bool: ...
        def path_resource(self, value: Value | None, kind: str, shown: str,
                          named: bool = False) -> tuple[Resource, str | None]: ...

    def function_returned(self, qualname: str,
                          arguments: Sequence[tuple[int | str, Value | None]]
                          ) -> Returned | None:
        """What a function of another project file tells for a call with these arguments: its
        summary, or, when it builds a path around a parameter the call gives as a constant
        (`load("customers")` reading `f"data/{name}.csv"`), reads a path parameter the call
        leaves to its default (`load_customers()` of `def load_customers(path=CUSTOMERS_CSV)`)
        or reads a place it cannot tell alone (`fetch_rows(REGION_SALES)` running the SQL it is
        given), its summary with the call's constants and the defaults bound."""
        returned = self.imports.returned(qualname, self.graph.relpath)
        texts = _texts(arguments)
        given = {key for key, _ in arguments}
        defaulted = returned is not None and any(
            flow.param is not None and flow.param[2] and flow.param[0] not in given
            and flow.param[1] not in given for flow in returned.flows)
        unresolved = returned is not None and any(r.kind == "unknown" for r in returned.own)
        if returned is not None and (((returned.templated or unresolved) and texts)
                                     or defaulted):
            return self.imports.returned(qualname, self.graph.relpath, constants=Constants(
                call=texts, passed=tuple(given))) or returned
        return returned

    def handed_over(self, value: Value | None, node: cst.Call) -> Value | None:
        """What an argument handed to a helper of another file is there: a value another
        project file made is its data, or data of unknown origin when that cannot be told
        (`post_records(load().to_dict(), url)`: what `load` returns may be the customers)."""
        return self.unknown_origin(value, node) if isinstance(value, Symbol) and value.project \
            else value

    def project_sinks(self, qualname: str, node: cst.Call,
                      made: Sequence[tuple[int | str, Value | None]] | None = None,
                      passed: Sequence[tuple[int | str, Value | None]] | None = None,
                      spelled: dict[int | str, str] | None = None) -> None:
        """Report the writes and sends of a function of another project file that the data
        passed here reaches, with this call's data and the places its arguments name. A
        method of a project class (`CsvExporter(d).export(df, "x")`) gets the call's
        arguments after `self`, and `made`, the arguments its instance was made with: the
        method is summarised with the instance those make and this call's constants, so a
        place the instance keeps on `self` is told (what cannot be is computed at run
        time). A library that calls the function (a Kedro node) gives the values it `passed`
        and how they are `spelled` instead of the call's own arguments."""
        kept = tuple((key, collected(value))  # `json={"rows": rows}`
                     for key, value in (self.kept_arguments(node) if passed is None else passed))
        telling = (*kept, *(made or ()))  # `Exporter(customers).send()`: its instance's data
        if not any(isinstance(v, Data | Text | Dynamic) or (isinstance(v, Symbol) and v.project)
                   for _, v in telling):
            return
        if not self.may_tell_data(qualname, telling):
            return
        if made is None:  # `upload(df, "riders.csv")` posting to `f"{PARTNER}/{name}"` too
            returned = self.function_returned(qualname, kept)
        else:
            returned = self.imports.returned(qualname, self.graph.relpath, True, Constants(
                tuple((key, v.value if isinstance(v, Text) else None) for key, v in made),
                _texts(kept), data=tuple(key for key, v in made if isinstance(v, Data))))
        if returned is None or not returned.sinks:
            return
        # a method's arguments come after `self`, a staticmethod's from the first
        shift = 1 if made is not None and not returned.static else 0
        given: dict[int | str, Value | None] = {
            key + shift if isinstance(key, int) else key: self.handed_over(value, node)
            for key, value in kept}
        if shift and made:  # `self.frame.to_csv(path)`: what the instance was made with
            given[0] = self.combine([self.resolved(v, node) for _, v in made], "derive", node)
        params = dict(returned.placeholders)
        positional = [a for a in node.args if a.keyword is None and not a.star]
        written: dict[int | str, str] = {  # how the call spells each argument (`sys.argv[2]`)
            **{index + shift: self.code(a.value) for index, a in enumerate(positional)},
            **{a.keyword.value: self.code(a.value) for a in node.args if a.keyword is not None}
        } if spelled is None else dict(spelled)

        taken = {name for _, name, _ in params.values()}

        def argument(placeholder: str) -> tuple[Value | None, str, str] | None:
            if placeholder not in params:
                return None
            index, name, kind = params[placeholder]
            if name.startswith("**"):  # `**kwargs`: the keywords no other parameter takes
                spread = [(key, value) for key, value in given.items()
                          if isinstance(key, str) and key not in taken]
                shown = ", ".join(written.get(key, key) for key, _ in spread)[:200]
                return self.combine([v for _, v in spread], "derive", node), shown, kind
            key: int | str = name if name in given or index is None else index
            return given.get(key), written.get(key, name)[:200], kind

        for template in returned.sinks:
            if template.action == "read":
                self.project_read(template, argument, node)
                continue
            data: list[Data] = []
            sources: list[Resource] = []
            for source in template.sources:
                bound = argument(source.name)
                if source.kind == "unknown" and source.name.startswith("**") \
                        and source.name in taken:
                    continue  # `**kw` alone: this call's keywords take its place
                if bound is None:
                    sources.append(source)
                elif isinstance(bound[0], Data):
                    data.append(bound[0])
                    # a parameter of the function this call is in stays one: the operation
                    # is then that function's template, given its callers' data
                    sources.extend(bound[0].roots)
                elif source.name in returned.read:  # `convert("data/x.csv", out)` reads it
                    value, name, kind = bound
                    place, _ = self.path_resource(value, kind, name)
                    data.append(Data(self.graph.resource_node(place), (place,)))
                    sources.append(place)
            if not data:
                continue  # only constants reach it from here: the helper's own finding
            destination, reason = template.destination, template.dynamic_reason
            bound = argument(destination.name) if destination is not None else None
            if bound is not None:
                value, name, kind = bound
                destination, reason = self.path_resource(
                    value if isinstance(value, Text | Dynamic) else None, kind, name)
            combined = self.combine(data, "derive", node)
            self.graph.operation(
                write_action(destination) if destination is not None else template.action,
                template.location, template.code, sources, destination=destination,
                data_node=combined.node if combined is not None else None,
                dynamic_reason=reason, called_from=self.loc(node))

    def project_read(self, template: Operation,
                     argument: Callable[[str], tuple[Value | None, str, str] | None],
                     node: cst.Call) -> None:
        """A read in the helper of the path this call names (`load(DATA / "customers.csv")`
        reaching `pd.read_csv(path)`): reported at the helper's line with that path, or, for
        a path known only at run time (`copy_text(sys.argv[1], ...)`), as the call spells
        it. Any other value leaves the helper's own finding as it is."""
        for source in template.sources:
            bound = argument(source.name) if is_placeholder(source) else None
            if bound is None or not isinstance(bound[0], Text | Dynamic):
                continue
            value, name, kind = bound
            resource, reason = self.path_resource(value, kind, name)
            self.graph.operation("read", template.location, template.code, [resource],
                                 data_node=self.graph.resource_node(resource),
                                 dynamic_reason=reason, called_from=self.loc(node))


def _texts(arguments: Sequence[tuple[int | str, Value | None]]) -> tuple[tuple[int | str, str],
                                                                           ...]:
    """The constant arguments of a call, by position or keyword."""
    return tuple((key, v.value) for key, v in arguments if isinstance(v, Text))
