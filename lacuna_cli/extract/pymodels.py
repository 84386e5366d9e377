"""Declared models in the interpreter: `session.query(Customer)` reads the `customers` table.

A class or `Table(...)` the project declares (`declared_schemas.py`) is bound as a `Model`,
whether defined in the analysed file or imported from another project module. Handing a table
model to a call (`session.query(Customer)`, `select(Customer)`, `session.get(Customer, 1)`) or
using its manager (`Customer.objects.filter(...)`, `Customer.query.all()`) reads its table with
the declared columns; building one from data (`Lead(**row)`, `Lead.model_validate(row)`,
`Lead(email=user.email)`) is a record of that data with the model's columns. From there the
usual dataflow carries the fields: `user.email`, `row["email"]`, `{"email": user.email}`.

Mixed into the interpreter in `python.py`; `self` is the interpreter.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING

import libcst as cst

from lacuna_cli.extract.catalog import ArgRef
from lacuna_cli.extract.declarations import DeclaredSchema, ModuleSchemas
from lacuna_cli.extract.declared_schemas import read_schemas
from lacuna_cli.extract.places import table_resource
from lacuna_cli.extract.pyannotated import annotation_names
from lacuna_cli.extract.pyflow import is_placeholder
from lacuna_cli.extract.project_files import digest_of, relative, resolved
from lacuna_cli.extract.pyimports import ProjectModule, module_file
from lacuna_cli.extract.pyvalues import (
    Data, Instance, Model, ProjectClass, Strings, Symbol, Text, Value,
)
from lacuna_cli.extract.schema_rules import SchemaRules, load_schema_rules, matches
from lacuna_cli.models import Resource, Transform

if TYPE_CHECKING:
    from lacuna_cli.extract.pyflow import FlowGraph
    from lacuna_cli.extract.pyimports import ProjectImports
    from lacuna_cli.extract.python import PythonContext

# Declarations of project modules read in this process, by path and content digest: a models
# module every job imports is read once per worker.
_READ: dict[tuple[str, str], ModuleSchemas] = {}


class DeclaredModels:
    """Model bindings and their uses."""

    if TYPE_CHECKING:  # provided by the interpreter this is mixed into
        graph: FlowGraph
        context: PythonContext
        env: dict[str, Value]
        imports: ProjectImports
        returns: list[list[Value | None]]

        def code(self, node: cst.CSTNode) -> str: ...
        def value(self, node: cst.BaseExpression) -> Value | None: ...
        def argument(self, node: cst.Call, ref: ArgRef) -> cst.BaseExpression | None: ...
        def combine(self, values: Sequence[Value | None], transform: Transform,
                    node: cst.CSTNode, label: str | None = None,
                    keys: tuple[str, ...] = ()) -> Data | None: ...
        def read(self, target: cst.BaseExpression | None, node: cst.CSTNode, kind: str = "file",
                 columns: tuple[str, ...] | None = None, fixed: Text | None = None,
                 named: tuple[Resource, str | None] | None = None) -> Data: ...
        def read_silently(self, resource: Resource) -> Data: ...
        def remember_rows(self, data: Data | None, schema: DeclaredSchema) -> None: ...

    @cached_property
    def schema_rules(self) -> SchemaRules:
        return load_schema_rules()

    @cached_property
    def own_schemas(self) -> ModuleSchemas:
        """What the analysed file itself declares: set by `extract_python`, which reads them
        from the syntax tree it already has (a notebook's from its joined cells); none for
        the other modules an interpreter reads constants from."""
        return ModuleSchemas(self.graph.relpath)

    def schemas_of(self, relpath: str) -> ModuleSchemas:
        path = self.context.root / relpath
        digest = digest_of(path)
        if digest is None:
            return ModuleSchemas(relpath)
        key = (str(resolved(path)), digest)
        if key not in _READ:
            _READ[key] = read_schemas(self.context.root, relpath, self.schema_rules, file=key)
        return _READ[key]

    def declare(self, name: str) -> None:
        """Bind `name` as a Model when this file declares it (a class, `x = Table(...)`)."""
        schema = self.own_schemas.named(name)
        if schema is not None and not self.returns:
            cls = self.env.get(name)
            self.env[name] = Model(schema, cls if isinstance(cls, ProjectClass) else None)

    def import_models(self, node: cst.ImportFrom) -> None:
        """`from crm.models import Customer`: the project module's declarations by name. The
        module and those it resolves bases from key this file's cached analysis."""
        module = self.code(node.module) if node.module else ""
        path = module_file(module, len(node.relative), self.graph.relpath, self.context.root)
        if path is None:
            return
        relpath = relative(path, self.context.root)
        declared = self.schemas_of(relpath)
        if not declared.schemas:
            return
        for used, digest in ((relpath, digest_of(path) or ""), *declared.depends):
            self.imports.used.setdefault(used, ProjectModule(used, digest))
        if isinstance(node.names, cst.ImportStar):
            self.env.update({s.name: Model(s) for s in declared.schemas})
            return
        for alias in node.names:
            schema = declared.named(self.code(alias.name))
            bound = alias.asname.name if alias.asname else alias.name
            if schema is not None and isinstance(bound, cst.Name):
                self.env[bound.value] = Model(schema)

    def read_model(self, model: Model, node: cst.CSTNode,
                   picked: tuple[str, ...] = ()) -> Data | None:
        """A read of the model's table with its declared columns, or those `picked`
        (`select(Member.email)`); None: a record type, which lives in no table."""
        schema = model.schema
        if schema.table is None:
            return None
        columns = picked or schema.columns or None
        resource = table_resource(schema.table, picked or schema.columns)
        rows = self.read(None, node, kind="table", columns=columns, named=(resource, None))
        self.remember_rows(rows, schema)
        return rows

    def annotated_parameters(self, node: cst.FunctionDef) -> None:
        """`def remind(patient: Patient)`: a row of the model's table, whoever calls it (a
        task queue, a web framework); what callers pass still flows in through the parameter.
        Only table models: a record type says what the value holds, not where it is from."""
        for param in (*node.params.posonly_params, *node.params.params,
                      *node.params.kwonly_params):
            model = self.annotated_model(param.annotation.annotation) if param.annotation \
                else None
            given = self.env.get(param.name.value)
            if model is None or model.schema.table is None or not isinstance(given, Data):
                continue
            rows = self.read_silently(table_resource(model.schema.table, model.schema.columns))
            self.env[param.name.value] = self.combine([given, rows], "derive", param,
                                                      label=param.name.value) or given

    def annotated_model(self, annotation: cst.BaseExpression) -> Model | None:
        """The model an annotation names: `Customer`, `"Customer"`, `Optional[Customer]`,
        `list[Customer]`, `Customer | None`."""
        return next((found for name in annotation_names(annotation, self.code)
                     if isinstance(found := self.env.get(name), Model)), None)

    def model_attribute(self, model: Model, name: str, node: cst.Attribute) -> Value | None:
        """`Customer.objects`, `Customer.query`: its table's rows; any other class attribute
        (`Customer.id` in a filter) names a column and holds no data."""
        if name in model.schema.managers:
            return self.read_model(model, node)
        return None

    def model_call(self, model: Model, node: cst.Call) -> Value | None:
        """`Lead(**row)`, `Lead(email=user.email)`, `Lead.model_validate(row)`,
        `schema.validate(df)`: a record of the data given, with the model's columns; built
        from constants only, it holds no data. A whole row handed over (`**row`, a positional
        frame or row) has the model's fields: when it comes from one resource, that resource
        has those columns (what it is classified by)."""
        method = node.func.attr.value if isinstance(node.func, cst.Attribute) else ""
        if method in self.schema_rules.records.file_readers and node.args:
            return self.read(node.args[0].value, node, columns=model.schema.columns or None)
        given = [(arg, self.value(arg.value)) for arg in node.args]
        data = [v for _, v in given if isinstance(v, Data)]
        if not data:  # `Config(out="/mnt/x.csv")`: its fields, defaults and those given
            return None if model.cls is None else _made_from_constants(model.cls, given)
        record = self.combine(data, "derive", node, label=f"{model.schema.name}()")
        columns = model.schema.columns
        if record is None or not columns:
            return record
        whole = any(isinstance(v, Data) and (arg.keyword is None or arg.star == "**")
                    for arg, v in given)
        if whole:
            self.has_columns(record, columns)
        built = Data(record.node, record.roots, columns)
        self.remember_rows(built, model.schema)
        return built

    def has_columns(self, data: Data, columns: tuple[str, ...]) -> None:
        """What code asserts about a row or frame (a record built from it, an expectation on
        it) is a fact about the one resource it comes from; with several, which one holds a
        column is unknown and nothing is added."""
        if len(data.roots) == 1 and not is_placeholder(data.roots[0]):
            self.graph.resource_node(data.roots[0].model_copy(update={"columns": columns}))

    def expectation(self, data: Data, method: str, node: cst.Call) -> bool:
        """`validator.expect_column_values_to_not_be_null("email")`: the data has `email`.
        False when the method is not an expectation."""
        rules = self.schema_rules
        if not rules.expects(method):
            return False
        named: list[str] = []
        for ref in rules.expectations.columns:
            argument = self.argument(node, ref)
            value = self.value(argument) if argument is not None else None
            named += [value.value] if isinstance(value, Text) else list(
                value.values) if isinstance(value, Strings) else []
        if named:
            self.has_columns(data, tuple(dict.fromkeys(named)))
        return True

    def adapter(self, node: cst.Call) -> Value | None:
        """`TypeAdapter(list[Member])`: the model, whose `validate_json(text)` makes records;
        `parse_obj_as(list[Member], rows)`: a record of the rows. None for any other call."""
        callee = self.value(node.func) if node.args else None
        if not isinstance(callee, Symbol) or not matches(self.schema_rules.records.adapters,
                                                         callee.qualname):
            return None
        model = self.annotated_model(node.args[0].value)
        if model is None or len(node.args) == 1:
            return model
        return self.model_call(model, node.with_changes(args=node.args[1:]))

    def model_arguments(self, node: cst.Call) -> Value | None:
        """A table model handed to a call that is not about the class itself
        (`session.query(Customer)`, `select(Customer)`, `session.get(Customer, 1)`): the call
        reads its table. None when no argument is a table model."""
        adapted = self.adapter(node)
        if adapted is not None:
            return adapted
        models = [value for arg in node.args if arg.keyword is None and isinstance(
            arg.value, cst.Name) and isinstance(value := self.env.get(arg.value.value), Model)
            and value.schema.table]
        func = node.func
        called = func.attr.value if isinstance(func, cst.Attribute) else \
            func.value if isinstance(func, cst.Name) else ""
        picked: dict[Model, list[str]] = {}  # `select(Member.email, Member.ssn)`: columns
        for arg in node.args if called in self.schema_rules.column_reads else ():
            model = self.column_of(arg.value) if arg.keyword is None else None
            if model is not None and model not in models and isinstance(arg.value, cst.Attribute):
                picked.setdefault(model, []).append(arg.value.attr.value)
        if not models and not picked:
            return None
        if called in self.schema_rules.not_reads:
            return None
        reads: list[Value | None] = [self.read_model(m, node) for m in models]
        reads += [self.read_model(m, node, tuple(columns)) for m, columns in picked.items()]
        others = [self.value(a.value) for a in node.args if not (isinstance(
            a.value, cst.Name) and isinstance(self.env.get(a.value.value), Model))
            and not (picked and self.column_of(a.value) is not None)]
        return self.combine([*reads, *others], "join" if len(reads) > 1 else "derive", node)

    def column_of(self, expression: cst.BaseExpression) -> Model | None:
        """The table model whose column `Model.column` names, if the expression is one."""
        if not (isinstance(expression, cst.Attribute) and isinstance(expression.value, cst.Name)):
            return None
        model = self.env.get(expression.value.value)
        return model if isinstance(model, Model) and model.schema.table else None


def _made_from_constants(cls: ProjectClass, given: Sequence[tuple[cst.Arg, Value | None]]
                         ) -> Instance:
    """An object of a dataclass-like class of this file made without data: each field its
    default, or what the call gives it by position (in the order the fields are declared)
    or by keyword."""
    fields = dict(cls.attributes)
    positional = [value for arg, value in given if arg.keyword is None][:len(fields)]
    fields.update({name: value for name, value in zip(
        list(fields)[:len(positional)], positional, strict=True) if value is not None})
    fields.update({arg.keyword.value: value for arg, value in given
                   if arg.keyword is not None and value is not None})
    return Instance(cls, fields)
