"""Classes that declare a table or record type: SQLAlchemy, Flask-SQLAlchemy and Django models,
pydantic models, dataclasses, attrs classes, TypedDicts, pandera models.

Which family a class belongs to, which of its fields are columns and which table it names are
rows of `rules/schemas/declarations.yaml`; this module applies them to a class's syntax tree,
its project base classes (mixins, abstract models) included.
"""

from __future__ import annotations

import ast
import re
from pathlib import PurePosixPath

from lacuna_cli.extract.declarations import DeclaredSchema
from lacuna_cli.extract.declared_arguments import class_constants, meta_constants, text_argument
from lacuna_cli.extract.declared_names import NameResolver, ParsedModule
from lacuna_cli.extract.schema_rules import Family, SchemaRules, matches

CLASS_VARS = ["typing.ClassVar", "typing_extensions.ClassVar"]
CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


class ClassReader:
    """Reads the declaration a class makes, if any."""

    def __init__(self, names: NameResolver, rules: SchemaRules) -> None:
        self.names = names
        self.rules = rules
        self.families: dict[tuple[str, str], Family | None] = {}

    def family(self, module: ParsedModule, cls: ast.ClassDef, depth: int = 0) -> Family | None:
        key = (module.relpath, cls.name)
        if key in self.families:
            return self.families[key]
        self.families[key] = None
        found = None
        for decorator in cls.decorator_list:
            ref = self.names.resolve(module, decorator, depth)
            found = found or next((f for f in self.rules.families
                                   if isinstance(ref, str) and matches(f.decorators, ref)), None)
        for base in cls.bases:
            if found is not None:
                break
            ref = self.names.resolve(module, base, depth)
            if isinstance(ref, str):
                found = next((f for f in self.rules.families if matches(f.bases, ref)), None)
            elif (parent := self.names.project_class(ref, depth)) is not None:
                found = self.family(*parent, depth + 1)
        self.families[key] = found
        return found

    def fields(self, module: ParsedModule, cls: ast.ClassDef, family: Family, depth: int = 0
               ) -> tuple[str, ...]:
        """The columns a class declares, those of its project base classes (mixins) first."""
        inherited: list[str] = []
        for base in reversed(cls.bases):
            parent = self.names.project_class(self.names.resolve(module, base, depth), depth)
            if parent is not None:
                inherited.extend(self.fields(*parent, family, depth + 1))
        own = [name for statement in cls.body
               if (name := self._field(module, statement, family)) is not None]
        return tuple(dict.fromkeys((*inherited, *own)))

    def _field(self, module: ParsedModule, statement: ast.stmt, family: Family) -> str | None:
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            name, annotation, value = statement.target.id, statement.annotation, statement.value
        elif isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(
                statement.targets[0], ast.Name):
            name, annotation, value = statement.targets[0].id, None, statement.value
        else:
            return None
        if name.startswith("_"):
            return None
        called = self.names.resolve(module, value.func, 0) if isinstance(value, ast.Call) \
            else None
        if isinstance(called, str) and matches(family.not_columns, called):
            return None
        column_call = isinstance(called, str) and matches(family.columns, called)
        kind = self.names.annotation(module, annotation) if annotation is not None else None
        annotated = annotation is not None and "annotated" in family.fields and not (
            isinstance(kind, str) and matches(CLASS_VARS, kind)) and (
            not family.annotations or (isinstance(kind, str) and matches(family.annotations, kind)))
        if not annotated and not (column_call and "assigned" in family.fields):
            return None
        if column_call and isinstance(value, ast.Call):
            renamed = text_argument(value, family.rename)
            if renamed:
                return renamed
            if isinstance(called, str) and matches(family.foreign_keys, called):
                return f"{name}_id"
        return name

    def class_schema(self, module: ParsedModule, cls: ast.ClassDef) -> DeclaredSchema | None:
        family = self.family(module, cls)
        if family is None or _abstract(cls, family):
            return None
        columns = self.fields(module, cls, family)
        table = _table(module, cls, family)
        declares_table = any(isinstance(s, ast.Assign | ast.AnnAssign) and any(
            isinstance(t, ast.Name) and t.id in ("__tablename__", "__table__")
            for t in (s.targets if isinstance(s, ast.Assign) else [s.target]))
            for s in cls.body)
        if not columns and not declares_table:
            return None  # a base class of other models, not a table or record of its own
        unresolved = None if columns else ("its columns are not declared in the class "
                                           "(reflected from the database or assigned at run "
                                           "time)")
        return DeclaredSchema(cls.name, family.name, cls.lineno, table, columns, unresolved,
                              tuple(family.managers))


def _table(module: ParsedModule, cls: ast.ClassDef, family: Family) -> str | None:
    """The table a class maps to: its attribute or `Meta` option, else the family's default
    derived from the class name, schema-qualified by `__table_args__`."""
    naming = family.table
    if naming is None or (naming.keyword and not any(
            k.arg == naming.keyword and isinstance(k.value, ast.Constant) and k.value.value is True
            for k in cls.keywords)):
        return None
    meta_values = meta_constants(cls)
    name = class_constants(cls).get(naming.attribute or "") or meta_values.get(naming.meta or "")
    if not isinstance(name, str):
        name = _default_table(naming.default, cls.name, module.relpath,
                              meta_values.get("app_label"))
    schema = _table_schema(cls)
    return f"{schema}.{name}".lower() if name and schema else name.lower() if name else None


def _abstract(cls: ast.ClassDef, family: Family) -> bool:
    attributes = class_constants(cls)
    meta_values = meta_constants(cls)
    for flag in family.abstract:
        holder, _, key = flag.rpartition(".")
        if (meta_values if holder == "Meta" else attributes).get(key) is True:
            return True
    return False


def _table_schema(cls: ast.ClassDef) -> str | None:
    """`__table_args__ = {"schema": "crm"}` (or a tuple ending with that dict)."""
    for statement in cls.body:
        if isinstance(statement, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__table_args__" for t in statement.targets):
            value = statement.value
            options = value.elts[-1] if isinstance(value, ast.Tuple) and value.elts else value
            if isinstance(options, ast.Dict):
                for key, item in zip(options.keys, options.values, strict=True):
                    if isinstance(key, ast.Constant) and key.value == "schema" and isinstance(
                            item, ast.Constant) and isinstance(item.value, str):
                        return item.value
    return None


def _default_table(default: str | None, name: str, relpath: str, app_label: object
                   ) -> str | None:
    if default == "snake":
        return CAMEL.sub("_", name).lower()
    if default == "lower":
        return name.lower()
    if default == "app_model":
        folder = PurePosixPath(relpath).parent
        if folder.name == "models":  # shop/models/customer.py belongs to app `shop`
            folder = folder.parent
        label = app_label if isinstance(app_label, str) else folder.name
        return f"{label}_{name}".lower() if label else name.lower()
    return None
