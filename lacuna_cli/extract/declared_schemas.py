"""Tables and records a project declares in code, and their columns.

Most applications never keep a data file with a header: their tables are SQLAlchemy or Django
models, their messages Pydantic models, dataclasses or TypedDicts, their frames pandera schemas,
their migrations alembic calls. This module reads those declarations from a module's syntax
tree (CPython's `ast`: fast, nothing is run) with the rules of `rules/schemas/declarations.yaml`,
following
imports into other project modules to know what a base class is (`from crm import db;
class Customer(db.Model)`). A declaration whose columns cannot be read from the code (a table
reflected from the database at run time, columns built in a loop) says why in `unresolved`:
the caller reports it instead of treating the table as having no columns.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from lacuna_cli.extract.catalog import ArgRef
from lacuna_cli.extract.pyimports import digest_of, module_file
from lacuna_cli.extract.schema_rules import CallRule, Family, SchemaRules, matches

# How many project modules deep a base class or an imported name is followed.
MAX_DEPTH = 3
CLASS_VARS = ["typing.ClassVar", "typing_extensions.ClassVar"]
CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


@dataclass(frozen=True)
class DeclaredSchema:
    """One declared table or record type: the name code uses for it, the table it maps to
    (None for a record type), its columns, and why they are unknown if they are."""

    name: str
    family: str
    line: int
    table: str | None
    columns: tuple[str, ...]
    unresolved: str | None = None
    managers: tuple[str, ...] = ()
    adds: bool = False  # `op.add_column`: columns added to a table declared elsewhere


@dataclass(frozen=True)
class ModuleSchemas:
    """A module's declarations and the project modules read to resolve them (for cache keys)."""

    relpath: str
    schemas: tuple[DeclaredSchema, ...] = ()
    depends: tuple[tuple[str, str], ...] = ()  # (project path, content digest)

    def named(self, name: str) -> DeclaredSchema | None:
        return next((s for s in self.schemas if s.name == name), None)


@dataclass(frozen=True)
class _ProjectName:
    """A name defined at the top level of a project module."""

    relpath: str
    name: str


Ref = str | _ProjectName


@dataclass(frozen=True)
class _From:
    """`from source import name`, resolved (to a project module or a library) when used."""

    source: str
    level: int
    name: str


# How a module binds a top-level name: `import x` (a dotted library name), `from x import y`,
# or an assignment's value (resolved only when something asks what the name is).
Binding = str | _From | ast.expr
# Trees of project modules read to resolve names, by path and content digest: a base module
# every models file imports is parsed once per process.
_TREES: dict[tuple[str, str], ast.Module] = {}


@dataclass
class _Module:
    relpath: str
    tree: ast.Module
    names: dict[str, Binding] = field(default_factory=dict)
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)


class _Reader:
    """Reads declarations of one module, loading the project modules its bases come from."""

    def __init__(self, root: Path, rules: SchemaRules) -> None:
        self.root = root
        self.rules = rules
        self.modules: dict[str, _Module | None] = {}
        self.depends: dict[str, str] = {}
        self.families: dict[tuple[str, str], Family | None] = {}

    # ---- modules and names --------------------------------------------------------------

    def load(self, relpath: str, tree: ast.Module | None = None) -> _Module | None:
        if relpath in self.modules:
            return self.modules[relpath]
        self.modules[relpath] = None  # an import cycle ends here
        if tree is None:
            tree = self._tree(relpath)
            if tree is None:
                return None
        module = _Module(relpath, tree)
        for statement in tree.body:
            self._bind(module, statement)
        self.modules[relpath] = module
        return module

    def _tree(self, relpath: str) -> ast.Module | None:
        path = self.root / relpath
        digest = digest_of(path)
        if digest is None:
            return None
        key = (str(path.resolve()), digest)
        if key not in _TREES:
            try:
                _TREES[key] = ast.parse(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, SyntaxError, ValueError, RecursionError):
                return None
        self.depends[relpath] = digest
        return _TREES[key]

    def _bind(self, module: _Module, statement: ast.stmt) -> None:
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                bound = alias.asname or alias.name.split(".")[0]
                module.names[bound] = alias.name if alias.asname else bound
        elif isinstance(statement, ast.ImportFrom):
            for alias in statement.names:
                module.names[alias.asname or alias.name] = _From(
                    statement.module or "", statement.level, alias.name)
        elif isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(
                statement.targets[0], ast.Name):
            module.names[statement.targets[0].id] = statement.value
        elif isinstance(statement, ast.ClassDef):
            module.classes[statement.name] = statement
        elif isinstance(statement, ast.If | ast.Try):  # `if TYPE_CHECKING:`, `try: import`
            for inner in statement.body:
                self._bind(module, inner)

    def resolve(self, module: _Module, node: ast.expr, depth: int) -> Ref | None:
        """The dotted library name or project class an expression stands for; a call stands
        for what it is called on (`declarative_base()` for `Base`), `Mapped[int]` for
        `Mapped`."""
        if isinstance(node, ast.Call | ast.Subscript):
            return self.resolve(module, node.func if isinstance(node, ast.Call) else node.value,
                                depth)
        if isinstance(node, ast.Name):
            return self.lookup(module, node.id, depth)
        if isinstance(node, ast.Attribute):
            base = self.resolve(module, node.value, depth)
            if isinstance(base, str):
                return f"{base}.{node.attr}"
            return None
        return None

    def lookup(self, module: _Module, name: str, depth: int) -> Ref | None:
        """What a top-level name of `module` is: one of its classes, a library name, a class
        or library name another project module binds (`from crm import db`, where
        `db = SQLAlchemy()`), or what the expression assigned to it stands for."""
        if name in module.classes:
            return _ProjectName(module.relpath, name)
        binding = module.names.get(name)
        if binding is None or isinstance(binding, str):
            return binding
        if depth >= MAX_DEPTH:
            return None
        if isinstance(binding, _From):
            found = module_file(binding.source, binding.level, module.relpath, self.root) \
                if binding.source else None
            if found is None:
                return f"{binding.source}.{binding.name}" if binding.source else None
            relpath = found.resolve().relative_to(self.root.resolve()).as_posix()
            other = self.load(relpath)
            return self.lookup(other, binding.name, depth + 1) if other is not None else None
        return self.resolve(module, binding, depth + 1)

    def annotation(self, module: _Module, node: ast.expr) -> Ref | None:
        """What an annotation names, a string one (`"Mapped[int]"`) included."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                node = ast.parse(node.value, mode="eval").body
            except (SyntaxError, ValueError, RecursionError):
                return None
        return self.resolve(module, node, 0)

    # ---- classes -------------------------------------------------------------------------

    def family(self, module: _Module, cls: ast.ClassDef, depth: int = 0) -> Family | None:
        key = (module.relpath, cls.name)
        if key in self.families:
            return self.families[key]
        self.families[key] = None
        found = None
        for decorator in cls.decorator_list:
            ref = self.resolve(module, decorator, depth)
            found = found or next((f for f in self.rules.families
                                   if isinstance(ref, str) and matches(f.decorators, ref)), None)
        for base in cls.bases:
            if found is not None:
                break
            ref = self.resolve(module, base, depth)
            if isinstance(ref, str):
                found = next((f for f in self.rules.families if matches(f.bases, ref)), None)
            elif ref is not None and depth < MAX_DEPTH:
                other = self.load(ref.relpath)
                if other is not None and ref.name in other.classes:
                    found = self.family(other, other.classes[ref.name], depth + 1)
        self.families[key] = found
        return found

    def fields(self, module: _Module, cls: ast.ClassDef, family: Family, depth: int = 0
               ) -> tuple[str, ...]:
        """The columns a class declares, those of its project base classes (mixins) first."""
        inherited: list[str] = []
        for base in reversed(cls.bases):
            ref = self.resolve(module, base, depth)
            if isinstance(ref, _ProjectName) and depth < MAX_DEPTH:
                other = self.load(ref.relpath)
                if other is not None and ref.name in other.classes:
                    inherited.extend(self.fields(other, other.classes[ref.name], family,
                                                 depth + 1))
        own = [name for statement in cls.body
               if (name := self._field(module, statement, family)) is not None]
        return tuple(dict.fromkeys((*inherited, *own)))

    def _field(self, module: _Module, statement: ast.stmt, family: Family) -> str | None:
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            name, annotation, value = statement.target.id, statement.annotation, statement.value
        elif isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(
                statement.targets[0], ast.Name):
            name, annotation, value = statement.targets[0].id, None, statement.value
        else:
            return None
        if name.startswith("_"):
            return None
        called = self.resolve(module, value.func, 0) if isinstance(value, ast.Call) else None
        if isinstance(called, str) and matches(family.not_columns, called):
            return None
        column_call = isinstance(called, str) and matches(family.columns, called)
        kind = self.annotation(module, annotation) if annotation is not None else None
        annotated = annotation is not None and "annotated" in family.fields and not (
            isinstance(kind, str) and matches(CLASS_VARS, kind)) and (
            not family.annotations or (isinstance(kind, str) and matches(family.annotations, kind)))
        if not annotated and not (column_call and "assigned" in family.fields):
            return None
        if column_call and isinstance(value, ast.Call):
            renamed = _text_argument(value, family.rename)
            if renamed:
                return renamed
            if isinstance(called, str) and matches(family.foreign_keys, called):
                return f"{name}_id"
        return name

    def table(self, module: _Module, cls: ast.ClassDef, family: Family) -> str | None:
        naming = family.table
        if naming is None:
            return None
        attributes = _class_constants(cls)
        meta = next((s for s in cls.body if isinstance(s, ast.ClassDef) and s.name == "Meta"),
                    None)
        meta_values = _class_constants(meta) if meta is not None else {}
        name = attributes.get(naming.attribute or "") or meta_values.get(naming.meta or "")
        if not isinstance(name, str):
            name = _default_table(naming.default, cls.name, module.relpath,
                                  meta_values.get("app_label"))
        schema = _table_schema(cls)
        return f"{schema}.{name}".lower() if name and schema else name.lower() if name else None

    def abstract(self, cls: ast.ClassDef, family: Family) -> bool:
        attributes = _class_constants(cls)
        meta = next((s for s in cls.body if isinstance(s, ast.ClassDef) and s.name == "Meta"),
                    None)
        meta_values = _class_constants(meta) if meta is not None else {}
        for flag in family.abstract:
            holder, _, key = flag.rpartition(".")
            if (meta_values if holder == "Meta" else attributes).get(key) is True:
                return True
        return False

    def class_schema(self, module: _Module, cls: ast.ClassDef) -> DeclaredSchema | None:
        family = self.family(module, cls)
        if family is None or self.abstract(cls, family):
            return None
        columns = self.fields(module, cls, family)
        table = self.table(module, cls, family)
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

    # ---- calls ---------------------------------------------------------------------------

    def call_schemas(self, module: _Module) -> list[DeclaredSchema]:
        assigned = {id(s.value): s.targets[0].id for s in ast.walk(module.tree)
                    if isinstance(s, ast.Assign) and len(s.targets) == 1
                    and isinstance(s.targets[0], ast.Name)}
        found = []
        for node in ast.walk(module.tree):
            if not isinstance(node, ast.Call):
                continue
            called = self.resolve(module, node.func, 0)
            rule = next((r for r in self.rules.calls if isinstance(called, str)
                         and matches(r.match, called)), None)
            if rule is not None:
                found.append(self._call_schema(module, node, rule, assigned.get(id(node))))
        return found

    def _call_schema(self, module: _Module, node: ast.Call, rule: CallRule,
                     variable: str | None) -> DeclaredSchema:
        table = _text_argument(node, [rule.table]) if rule.table is not None else None
        unresolved = None
        if rule.table is not None and table is None:
            unresolved = "the table name is computed at run time"
        if rule.columns == "dict_keys":
            columns, problem = _dict_keys(_argument(node, rule.argument))
        else:
            columns, problem = self._column_calls(module, node)
        if any(k.arg in rule.reflected for k in node.keywords):
            problem = "its columns are reflected from the database at run time"
        name = variable or table or rule.name
        return DeclaredSchema(name, rule.name, node.lineno, table.lower() if table else None,
                              columns, unresolved or problem,
                              adds=rule.name.endswith("add-column"))

    def _column_calls(self, module: _Module, node: ast.Call) -> tuple[tuple[str, ...], str | None]:
        names = []
        problem = None
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                problem = "its columns are built at run time"
            called = self.resolve(module, arg.func, 0) if isinstance(arg, ast.Call) else None
            if isinstance(arg, ast.Call) and isinstance(called, str) and matches(
                    list(self.rules.column_calls), called):
                name = _text_argument(arg, [[0, "name"]])
                if name is None:
                    problem = "a column's name is computed at run time"
                else:
                    names.append(name)
        return tuple(dict.fromkeys(names)), problem


def read_schemas(root: Path, relpath: str, rules: SchemaRules, source: str | None = None,
                 tree: ast.Module | None = None) -> ModuleSchemas:
    """The declarations of one module (its text from disk unless given). Modules that mention
    none of the rules' libraries and define no class (whose base may come from another
    project module: `class Subscriber(db.Model)`) declare nothing and are not parsed."""
    if source is None:
        try:
            source = (root / relpath).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return ModuleSchemas(relpath)
    if "class " not in source and not any(name in source for name in rules.modules):
        return ModuleSchemas(relpath)
    if tree is None:
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError):
            return ModuleSchemas(relpath)
    reader = _Reader(root, rules)
    module = reader.load(relpath, tree)
    if module is None:
        return ModuleSchemas(relpath)
    schemas = [s for cls in module.classes.values()
               if (s := reader.class_schema(module, cls)) is not None]
    if any(name in source for name in rules.call_modules):
        schemas.extend(reader.call_schemas(module))
    depends = tuple(sorted((p, d) for p, d in reader.depends.items() if p != relpath))
    return ModuleSchemas(relpath, tuple(schemas), depends)


def _argument(node: ast.Call, ref: ArgRef | None) -> ast.expr | None:
    if ref is None:
        return None
    refs = ref if isinstance(ref, list) else [ref]
    for one in refs:
        if isinstance(one, int) and one < len(node.args) and not isinstance(
                node.args[one], ast.Starred):
            return node.args[one]
        if isinstance(one, str):
            keyword = next((k.value for k in node.keywords if k.arg == one), None)
            if keyword is not None:
                return keyword
    return None


def _text_argument(node: ast.Call, refs: list[ArgRef]) -> str | None:
    """The first of `refs` given as a string constant."""
    for ref in refs:
        value = _argument(node, ref)
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return value.value
    return None


def _dict_keys(node: ast.expr | None) -> tuple[tuple[str, ...], str | None]:
    if not isinstance(node, ast.Dict):
        return (), "its columns are built at run time"
    keys = [k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)]
    problem = None if len(keys) == len(node.keys) else "some column names are computed at run time"
    return tuple(keys), problem


def _class_constants(cls: ast.ClassDef) -> dict[str, object]:
    """Constants assigned in a class body (`__tablename__ = "customers"`, `abstract = True`)."""
    found: dict[str, object] = {}
    for statement in cls.body:
        if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Constant):
            for target in statement.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = statement.value.value
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name) \
                and isinstance(statement.value, ast.Constant):
            found[statement.target.id] = statement.value.value
    return found


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
