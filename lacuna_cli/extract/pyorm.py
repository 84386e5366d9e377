"""ORM writes: records of a declared table model stored through a session or a manager.

`session.add(Customer(email=row["email"]))`, `Customer.objects.create(**form)`,
`db.add_all([Contact(email=c.email) for c in customers])`, `customer.save()`: each is a write
to the model's table (the resource reads of that table name) of the data that flowed into the
record. Which calls store records is the catalog's (`rules/apis/orm.yaml`, `does: persist`);
this module tells which model a record belongs to, from what the code shows:

- a model constructed in the argument (`add(Customer(...))`, a list or comprehension of them);
- the manager called (`Customer.objects.create(...)`);
- else a value that holds a record or rows of a model (`c = Customer(**row); session.add(c)`,
  a row read through the model, `customer = session.get(Customer, 1); session.merge(customer)`).

A function row (a call the catalog knows is a session's or manager's) storing data whose model
cannot be told writes to a table named at run time; a method row (`db.add(x)` on a session
passed in as a parameter) stores only records it can tell, since `add` is also `set.add`.
Mixed into the interpreter in `python.py`; `self` is the interpreter.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cached_property
from typing import TYPE_CHECKING

import libcst as cst

from lacuna_cli.extract.catalog import Api, ArgRef, Catalog
from lacuna_cli.extract.declarations import DeclaredSchema
from lacuna_cli.extract.places import table_resource
from lacuna_cli.extract.pyflow import is_placeholder
from lacuna_cli.extract.pystate import InterpreterState
from lacuna_cli.extract.pyvalues import Data, Frames, Model, Symbol, Value
from lacuna_cli.models import Resource


class ModelWrites(InterpreterState):
    """Applies `persist` rows."""

    if TYPE_CHECKING:  # provided by the interpreter this is mixed into
        catalog: Catalog

        def argument(self, node: cst.Call, ref: ArgRef) -> cst.BaseExpression | None: ...
        def payload(self, api: Api, node: cst.Call) -> list[Value | None]: ...
        def with_inputs(self, payload: list[Value | None], log: bool = False
                        ) -> list[Value | None]: ...

    @cached_property
    def records(self) -> dict[int, tuple[Data, DeclaredSchema]]:
        """Values holding records or rows of a table model (a record built from data,
        `Customer(**row)`, or rows read through the model), by identity: a record shares its
        lineage node with the row it was built from, which is not itself a record."""
        return {}

    def persist(self, api: Api, node: cst.Call, qualname: str, model: DeclaredSchema | None = None,
                receiver: Data | None = None, strict: bool = False) -> Value | None:
        """Store what a `persist` row's call is given in the table of its model (`model`: the
        manager's; `receiver`: a record storing itself). `strict` (a method row, whose name
        other objects share) stores only records whose model is known: False then means the
        call is not a write. The result is the stored record (`objects.create` returns it).
        A row with a `target` and no `data` builds a statement (`insert(Customer)`): it stands
        for the table, and the row of its method given the data (`.values(rows)`) stores into
        it."""
        expressions = [a.value for a in node.args] if "*" in api.row.data else [
            e for ref in api.row.data or api.row.target
            if (e := self.argument(node, ref)) is not None]
        models = [model] if model is not None else [
            m for e in expressions for m in self.models_in(e)]
        if api.row.target and not api.row.data:
            return Symbol(qualname, place=models[0].table if models else None)
        payload: list[Value | None] = list(self.payload(api, node))
        if receiver is not None and isinstance(node.func, cst.Attribute):
            payload += [receiver, *self.fields_set(node.func.value)]
        models = models or [m for v in payload if (m := self.model_of(v)) is not None]
        tables = [(m.table, m.columns) for m in dict.fromkeys(models) if m.table] or \
            self.statement_table(node)
        flowing = [v for v in self.with_inputs(payload) if isinstance(v, Data)
                   or (isinstance(v, Frames) and v.data is not None)]
        if not tables and (strict or not flowing):
            return None
        targets: list[tuple[Resource, str | None]] = [
            (table_resource(name, columns), None) for name, columns in tables] or [
            (Resource(kind="unknown", name=f"{api.library} `{self.code(node)}`"[:200]),
             f"the model of the record stored by `{self.code(node.func)}` is not known")]
        for target in targets:
            self.write(flowing, target, node)
        stored = self.combine(flowing, "derive", node)
        if stored is not None and len(models) == 1 and models[0].table:
            stored = Data(stored.node, stored.roots, models[0].columns or None)
            self.remember_rows(stored, models[0])
        return stored if stored is not None else Symbol(qualname)

    def statement_table(self, node: cst.Call) -> list[tuple[str, tuple[str, ...]]]:
        """The table a statement method is called on stands for (`insert(Customer).values`),
        with the columns of its model: none, or one."""
        statement = self.value(node.func.value) if isinstance(node.func, cst.Attribute) \
            else None
        place = statement.place if isinstance(statement, Symbol) else None
        if place is None:
            return []
        columns = next((m.schema.columns for m in self.env.values() if isinstance(m, Model)
                        and m.schema.table == place), ())
        return [(place, columns)]

    def record_method(self, data: Data, method: str, node: cst.Call) -> bool:
        """`customer.save()` on a record of a table model, or `db.add(Customer(...))` on a
        session passed in as a parameter (a `receiver: session` row, apart from frame methods
        of the same name: `df.merge`): True when it stored records."""
        model = self.model_of(data)
        api = self.catalog.method(method, "record") if model is not None else None
        if api is not None and model is not None and api.row.does == "persist":
            self.persist(api, node, f"{model.name}.{method}", model, receiver=data)
            return True
        if len(data.roots) != 1 or not is_placeholder(data.roots[0]):
            return False
        api = self.catalog.method(method, "session")
        return api is not None and api.row.does == "persist" and self.persist(
            api, node, self.code(node.func), strict=True) is not None

    def manager_write(self, node: cst.Call) -> Value | None:
        """`Customer.objects.create(...)`: a `persist` row called on a model's manager stores
        in the model's table (None when the call is not one)."""
        func = node.func
        if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Attribute)
                and isinstance(func.value.value, cst.Name)):
            return None
        model = self.value(func.value.value)
        if not isinstance(model, Model) or func.value.attr.value not in model.schema.managers:
            return None
        api = self.catalog.function(self.code(func))
        if api is None or api.row.does != "persist":
            return None
        return self.persist(api, node, self.code(func), model.schema)

    def remember_rows(self, data: Data | None, schema: DeclaredSchema) -> None:
        """`data` holds records or rows of `schema`'s table (a record built, a read)."""
        if data is not None and schema.table is not None:
            self.records[id(data)] = (data, schema)

    def model_of(self, value: Value | None) -> DeclaredSchema | None:
        """The table model whose records or rows `value` holds, if it is one remembered."""
        data = value.data if isinstance(value, Frames) else value
        known = self.records.get(id(data))
        return known[1] if known is not None else None

    def models_in(self, expression: cst.BaseExpression) -> Iterator[DeclaredSchema]:
        """Table models named by an argument (`insert(Customer)`) or constructed anywhere in
        it (`[Contact(**r) for r in rows]`)."""
        named = [expression] if isinstance(expression, cst.Name) else []
        for callee in (*named, *(call.func for call in _calls(expression))):
            found = self.value(callee) if isinstance(callee, cst.Name) else None
            if isinstance(found, Model) and found.schema.table:
                yield found.schema

    def fields_set(self, record: cst.BaseExpression) -> Sequence[Value]:
        """What code assigned to a record's fields (`customer.email = row["email"]`)."""
        prefix = self.code(record) + "."
        return [v for name, v in self.env.items() if name.startswith(prefix)
                and "." not in name[len(prefix):]]


def _calls(expression: cst.BaseExpression) -> Iterator[cst.Call]:
    """Every call inside an expression, outermost first."""
    stack: list[cst.CSTNode] = [expression]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Call):
            yield current
        stack.extend(reversed(current.children))
