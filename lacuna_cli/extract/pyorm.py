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
from lacuna_cli.extract.db_servers import on_server
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
        def node_of(self, resource: Resource) -> str: ...

    @cached_property
    def statements(self) -> dict[int, Symbol]:
        """Statements built on a table model (`insert(Customer)`, `update(Customer).where(
        ...)`, `customers.insert()`), by identity: each stands for its table (`place`), and
        running it with rows (`session.execute(stmt, rows)`) stores them there."""
        return {}

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
            return self.new_statement(qualname, models[0].table if models else None)
        payload: list[Value | None] = list(self.payload(api, node))
        if receiver is not None and not api.row.data and isinstance(node.func, cst.Attribute):
            payload += [receiver, *self.fields_set(node.func.value)]  # `customer.save()`
        models = models or [m for v in payload if (m := self.model_of(v)) is not None]
        on_statement = [] if models or not isinstance(node.func, cst.Attribute) else \
            self.statement_table(node.func.value)
        tables = [(m.table, m.columns) for m in dict.fromkeys(models) if m.table] or \
            on_statement
        flowing = [v for v in self.with_inputs(payload) if isinstance(v, Data)
                   or (isinstance(v, Frames) and v.data is not None)]
        if not tables and (strict or not flowing):
            return None
        targets: list[tuple[Resource, str | None]] = [
            (table_resource(name, columns), None) for name, columns in tables] or [
            (self.unknown_table(api, node),
             f"the model of the record stored by `{self.code(node.func)}` is not known")]
        for target in targets:
            self.write(flowing, target, node)
        if on_statement:  # `insert(Customer).values(rows)`: still the statement, to run
            return self.new_statement(qualname, on_statement[0][0])
        stored = self.combine(flowing, "derive", node)
        if stored is not None and len(models) == 1 and models[0].table:
            stored = Data(stored.node, stored.roots, models[0].columns or None)
            self.remember_rows(stored, models[0])
        return stored if stored is not None else Symbol(qualname)

    def new_statement(self, qualname: str, table: str | None) -> Symbol:
        """A statement on `table` (None: on a model that cannot be told), remembered."""
        built = Symbol(qualname, place=table)
        self.statements[id(built)] = built
        return built

    def statement_table(self, expression: cst.BaseExpression | None
                        ) -> list[tuple[str, tuple[str, ...]]]:
        """The table a statement stands for (`insert(Customer)`, what `.values` is called on),
        with the columns of its model: none, or one."""
        statement = self.value(expression) if expression is not None else None
        if not isinstance(statement, Symbol) or id(statement) not in self.statements \
                or statement.place is None:
            return []
        place = statement.place
        columns = next((m.schema.columns for m in self.env.values() if isinstance(m, Model)
                        and m.schema.table == place), ())
        return [(place, columns)]

    def executes_statement(self, method: str, node: cst.Call) -> bool:
        """`session.execute(insert(Customer), rows)`, `conn.execute(customers.insert(),
        rows)` on any session or connection (one another project file made included): rows
        given with a statement on a table model are stored in its table. True when the method
        runs statements (a catalog `execute` method) and the first argument is such a
        statement (what it stores or erases was recorded where it was built:
        `insert(Customer).values(rows)`, `delete(Customer)`)."""
        api = self.catalog.method(method)
        if api is None or api.row.does != "execute" or not node.args \
                or node.args[0].keyword is not None:
            return False
        tables = self.statement_table(node.args[0].value)
        if not tables:
            return False
        rows = [self.value(a.value) for a in node.args[1:]
                if a.keyword is None or a.keyword.value in ("params", "parameters")]
        flowing = [v for v in self.with_inputs(rows) if isinstance(v, Data)
                   or (isinstance(v, Frames) and v.data is not None)]
        if flowing:  # through a connection to a server outside: that server's table
            table = on_server(table_resource(*tables[0]), self.receiver_place(node))
            self.write(flowing, (table, None), node)
        return True

    def erase(self, api: Api, node: cst.Call, qualname: str,
              model: DeclaredSchema | None = None, strict: bool = False) -> Value | None:
        """Rows removed from a model's table (`delete(Customer).where(...)`,
        `Customer.objects.filter(...).delete()`, `session.delete(customer)`): a write to the
        table that moves no data into it, so it carries the table's own classification and
        no lineage edge. A row with a `target` builds a statement that stands for the table.
        The model: the one given (a queryset's, a manager's), else named in or held by the
        arguments; when it cannot be told the table is named at run time (`strict`, a method
        row whose name other objects share, `cache.delete(key)`: no write at all)."""
        models = [model] if model is not None else [
            m for ref in (*api.row.target, *api.row.data)
            if (e := self.argument(node, ref)) is not None
            for m in (*self.models_in(e), *filter(None, [self.model_of(self.value(e))]))]
        tables = [m for m in dict.fromkeys(models) if m.table]
        if not tables and strict:
            return None
        targets: list[tuple[Resource, str | None]] = [
            (table_resource(m.table, m.columns), None) for m in tables if m.table] or [
            (self.unknown_table(api, node),
             f"the model whose rows `{self.code(node.func)}` deletes is not known")]
        for resource, reason in targets:  # the table's own data is what the operation is about
            self.graph.operation("write", self.loc(node), self.code(self.statement), [],
                                 destination=resource, data_node=self.node_of(resource),
                                 dynamic_reason=reason)
        if api.row.target:
            return self.new_statement(qualname, tables[0].table if tables else None)
        return Symbol(qualname)

    def model_method(self, model: DeclaredSchema, method: str, node: cst.Call
                     ) -> Value | None:
        """A method of a declared table (`customers.insert()`, `customers.delete()` on a
        `Table(...)`): a statement on its table, per the catalog's `receiver: model` rows;
        None when no row names the method."""
        api = self.catalog.method(method, "model")
        if api is None or model.table is None:
            return None
        if api.row.does == "erase":
            self.erase(api, node, f"{model.name}.{method}", model)
            return self.new_statement(f"{model.name}.{method}", model.table)
        if api.row.does == "persist" and not api.row.data:
            return self.new_statement(f"{model.name}.{method}", model.table)
        return self.persist(api, node, f"{model.name}.{method}", model)

    def keep_model(self, rows: Data, result: Value | None) -> None:
        """A filter of a model's rows (`session.query(Customer).filter(...)`) still holds rows
        of that model, so `.update(...)` or `.delete()` on it changes the model's table."""
        model = self.model_of(rows)
        if model is not None and isinstance(result, Data):
            self.remember_rows(result, model)

    def record_method(self, data: Data, method: str, node: cst.Call) -> bool:
        """`customer.save()` on a record of a table model, or `db.add(Customer(...))` on a
        session passed in as a parameter (a `receiver: session` row, apart from frame methods
        of the same name: `df.merge`): True when it stored records."""
        model = self.model_of(data)
        api = self.catalog.method(method, "record") if model is not None else None
        if api is not None and model is not None and api.row.does == "persist":
            self.persist(api, node, f"{model.name}.{method}", model, receiver=data)
            return True
        if api is not None and model is not None and api.row.does == "erase":
            self.erase(api, node, f"{model.name}.{method}", model)
            return True
        if len(data.roots) != 1 or not is_placeholder(data.roots[0]):
            return False
        api = self.catalog.method(method, "session")
        if api is None:
            return False
        if api.row.does == "erase":
            return self.erase(api, node, self.code(node.func), strict=True) is not None
        return api.row.does == "persist" and self.persist(
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

    def unknown_table(self, api: Api, node: cst.Call) -> Resource:
        """A table of the application's own database whose model cannot be told: the place is
        a database (governed storage), only its name is left to run time."""
        return Resource(kind="unknown", name=f"{api.library} `{self.code(node)}`"[:200],
                        category="database")

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
