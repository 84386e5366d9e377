"""Nodes of a framework's pipeline that read and write named datasets: Kedro's
`node(clean, inputs="customers", outputs="partner_export")`.

The function is called with the data of its input datasets (as positional arguments, or by
keyword for a dict of inputs) and what it returns is saved to each output dataset, at the
line of the `node(...)` call. Where a dataset lives is the project's catalog's to say
(`kedro_catalog.py`); one the catalog does not hold is kept in memory and read by later nodes
of the same file, and one made by a node of another file is data of unknown origin. A function
Lacuna cannot follow makes its outputs from all of its inputs. A change to a catalog file
re-analyses the pipelines that use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import cached_property
from typing import TYPE_CHECKING

import libcst as cst

from lacuna_cli.extract.catalog import Api
from lacuna_cli.extract.kedro_catalog import Dataset, KedroCatalog, kedro_catalog
from lacuna_cli.extract.places import table_resource
from lacuna_cli.extract.pyimports import ProjectImports, ProjectModule
from lacuna_cli.extract.pystate import InterpreterState
from lacuna_cli.extract.pyvalues import (
    Data, Dynamic, Function, Record, Strings, Symbol, Text, Value,
)
from lacuna_cli.models import FileProblem, Resource

PARAMETERS = "parameters"  # the whole configuration, an input that is not data
PARAMETER_PREFIX = "params:"  # one entry of it
Named = list[tuple[int | str, str]]  # (position or keyword, dataset name)


class PipelineNodes(InterpreterState):
    """The interpreter's reading of pipeline nodes (a mixin of the interpreter)."""

    if TYPE_CHECKING:  # provided by the interpreter this is mixed into
        imports: ProjectImports

        def project_data(self, made: Symbol, node: cst.CSTNode, depth: int = 0
                         ) -> Data | None: ...
        def sql_file_text(self, root: Resource) -> Text | None: ...
        def project_sinks(self, qualname: str, node: cst.Call,
                          made: Sequence[tuple[int | str, Value | None]] | None = None,
                          passed: Sequence[tuple[int | str, Value | None]] | None = None,
                          spelled: dict[int | str, str] | None = None) -> None: ...

    @cached_property
    def pipeline_memory(self) -> dict[str, Value | None]:
        """What the nodes of this file saved to datasets kept in memory, by name."""
        return {}

    @cached_property
    def dataset_catalog(self) -> KedroCatalog | None:
        """The catalog of the project this file belongs to; reading it records its files as
        what this analysis depends on, and its problems as this run's error lines."""
        catalog = kedro_catalog(self.context.root, self.context.root / self.graph.relpath)
        if catalog is None:
            return None
        for relpath, digest in catalog.files:
            self.imports.used.setdefault(relpath, ProjectModule(relpath, digest))
        self.errors.extend(FileProblem(path=relpath, message=message)
                           for relpath, message in catalog.problems)
        return catalog

    def pipeline_node(self, api: Api, node: cst.Call) -> Value | None:
        """`node(func, inputs, outputs)`: the function called with its inputs' data, its result
        saved to each output. A node spelled with `*args`/`**kwargs` is an error line: which
        function and datasets it names is not read."""
        row = api.row
        if any(a.star for a in node.args):
            self.errors.append(FileProblem(
                path=self.graph.relpath, line=self.loc(node).line,
                message=f"`{self.code(node)[:80]}`: a Kedro node whose function and datasets "
                        "are given with `*`/`**` is not followed: name them in the call"))
            return None
        function = self.argument(node, row.function) if row.function is not None else None
        inputs = self.argument(node, row.data[0]) if row.data else None
        outputs = self.argument(node, row.target[0]) if row.target else None
        named_inputs = self._names(inputs)
        given: list[tuple[int | str, Value | None]] = \
            [(key, self._dataset_value(name, node)) for key, name in named_inputs] \
            if named_inputs is not None else [(0, self._run_time_dataset(inputs, node))]
        spelled: dict[int | str, str] = dict(named_inputs or [])
        result = self._called(function, given, spelled, node)
        named_outputs = self._names(outputs)
        if named_outputs is None and outputs is not None:  # names computed at run time
            self.write([result], (Resource(kind="unknown", name=self.code(outputs)[:200]),
                                  "a Kedro dataset named at run time"), node)
        for _, name in named_outputs or []:
            self._save(name, result, node)
        return None

    def _names(self, expression: cst.BaseExpression | None) -> Named | None:
        """Dataset names as a node spells them: one, a list (by position) or a dict (by the
        function's keyword); [] for none (`None`), None for names computed at run time."""
        value = self.value(expression) if expression is not None else None
        if expression is None or (isinstance(expression, cst.Name)
                                  and expression.value == "None"):
            return []
        if isinstance(value, Text):
            return [(0, value.value)]
        if isinstance(value, Strings):
            return list(enumerate(value.values))
        if isinstance(value, Record) and all(isinstance(v, Text) for _, v in value.items):
            return [(key, item.value) for key, item in value.items if isinstance(item, Text)]
        return None

    def _run_time_dataset(self, expression: cst.BaseExpression | None, node: cst.Call
                          ) -> Value | None:
        """The data of inputs whose names are computed at run time: of unknown origin."""
        shown = self.code(expression if expression is not None else node)[:200]
        return self.read_silently(Resource(kind="unknown", name=f"the Kedro datasets {shown}"))

    def _dataset_value(self, name: str, node: cst.Call) -> Value | None:
        """The data a node reads from a dataset: the place the catalog names, what a node of
        this file saved in memory, else data made elsewhere (unknown)."""
        if name == PARAMETERS or name.startswith(PARAMETER_PREFIX):
            return None
        if self.dataset_catalog is None:
            return self.read_silently(Resource(kind="unknown", name=_uncatalogued(name)))
        placed = self.dataset_catalog.datasets(name)
        if placed is not None:
            return self.combine([self._read(d, node) for d in placed], "union", node)
        if name in self.pipeline_memory:
            return self.pipeline_memory[name]
        return self.read_silently(Resource(
            kind="unknown", name=f"the dataset `{name}` (kept in memory by a node Lacuna did not "
                                 "see before this one)"))

    def _called(self, function: cst.BaseExpression | None,
                given: Sequence[tuple[int | str, Value | None]], spelled: dict[int | str, str],
                node: cst.Call) -> Value | None:
        """What the node's function returns given its inputs' data (`spelled`: each input's
        dataset name); the writes and sends of a function of another file that they reach
        are reported here with them."""
        called = self.value(function) if function is not None else None
        if isinstance(called, Function):
            summary = self.summarise(called)
            if summary is not None:
                self.summaries.setdefault(called, summary)
                positional = [value for key, value in given if isinstance(key, int)]
                keywords = {key: (value, key) for key, value in given if isinstance(key, str)}
                return self.apply_summary(summary, positional, [""] * len(positional),
                                          keywords, node)
        if isinstance(called, Symbol) and called.project:
            self.project_sinks(called.qualname, node, passed=given, spelled=spelled)
            returned = self.project_data(Symbol(called.qualname, True, arguments=tuple(given)),
                                         node)
            if returned is not None:
                return returned
        return self.combine([value for _, value in given], "derive", node)

    def _save(self, name: str, value: Value | None, node: cst.Call) -> None:
        """A node's result saved to a dataset: written to its place, or kept in memory."""
        if self.dataset_catalog is None:
            self.write([value], (Resource(kind="unknown", name=_uncatalogued(name)),
                                 "no Kedro catalog names its place"), node)
            return
        placed = self.dataset_catalog.datasets(name)
        if placed is None:
            self.pipeline_memory[name] = value
            return
        for dataset in placed:
            if dataset.query is None and dataset.query_file is None:  # a query is read only
                self.write([value], self._place(dataset), node)

    def _read(self, dataset: Dataset, node: cst.Call) -> Value | None:
        """What a node reads from a catalog entry: its place, or what its query returns."""
        if dataset.query is not None:
            return self.sql(Text(dataset.query), node)
        if dataset.query_file is not None:
            file = self._place(replace(dataset, place=dataset.query_file))[0]
            return self.sql(self.sql_file_text(file) or Dynamic(
                f"the SQL file `{dataset.query_file}` of a Kedro catalog entry, not readable "
                "in the project"), node)
        return self.read_silently(self._place(dataset)[0])

    def _place(self, dataset: Dataset) -> tuple[Resource, str | None]:
        """Where a dataset lives; one filled in from the configuration (`${base}/x.csv`), or
        not named at all, is a place known only at run time."""
        if dataset.place is None or "${" in dataset.place:
            shown = dataset.place or f"the dataset `{dataset.name}`"
            return Resource(kind="unknown", name=shown), \
                f"a Kedro catalog entry in {dataset.defined_in} names no place Lacuna can read"
        if dataset.kind == "table":
            table = table_resource(dataset.place)
            return (table.model_copy(update={"service": dataset.service, "category": "database"})
                    if dataset.service else table), None
        folder = self.dataset_catalog.folder if self.dataset_catalog is not None else ""
        relative = dataset.kind == "file" and "://" not in dataset.place \
            and not dataset.place.startswith(("/", "~"))
        # a project in a subfolder: its paths start at the folder holding its `conf/`
        place = f"{folder}/{dataset.place}" if folder and relative else dataset.place
        return self.location_resource(place), None


def _uncatalogued(name: str) -> str:
    return f"the Kedro dataset `{name}` (no conf/*/catalog*.yml found above the pipeline)"
