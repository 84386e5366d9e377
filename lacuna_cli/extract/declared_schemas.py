"""Tables and records a project declares in code, and their columns.

Most applications never keep a data file with a header: their tables are SQLAlchemy or Django
models, their messages Pydantic models, dataclasses or TypedDicts, their frames pandera schemas,
their migrations alembic calls. This module reads those declarations from a module's syntax
tree (CPython's `ast`: fast, nothing is run) with the rules of `rules/schemas/declarations.yaml`:
classes through `declared_classes.py`, declaring calls through `declared_calls.py`, names bound
in other project modules (`from crm import db; class Customer(db.Model)`) through
`declared_names.py`. A declaration whose columns cannot be read from the code (a table
reflected from the database at run time, columns built in a loop) says why in `unresolved`:
the caller reports it instead of treating the table as having no columns.
"""

from __future__ import annotations

import ast
from pathlib import Path

from lacuna_cli.extract.declarations import ModuleSchemas
from lacuna_cli.extract.declared_calls import call_schemas
from lacuna_cli.extract.declared_classes import ClassReader
from lacuna_cli.extract.declared_names import NameResolver
from lacuna_cli.extract.project_files import parsed
from lacuna_cli.extract.schema_rules import SchemaRules


def read_schemas(root: Path, relpath: str, rules: SchemaRules, source: str | None = None,
                 tree: ast.Module | None = None, file: tuple[str, str] | None = None
                 ) -> ModuleSchemas:
    """The declarations of one module (its text from disk unless given; `file`, its resolved
    path and digest, shares its tree with the extractor's other readers of project files).
    Modules that mention none of the rules' libraries and define no class (whose base may come
    from another project module: `class Subscriber(db.Model)`) declare nothing and are not
    parsed."""
    if source is None:
        try:
            source = (root / relpath).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return ModuleSchemas(relpath)
    if "class " not in source and not any(name in source for name in rules.modules):
        return ModuleSchemas(relpath)
    if tree is None:
        try:
            tree = parsed(source, file) if file is not None else ast.parse(source)
        except (SyntaxError, ValueError, RecursionError):
            return ModuleSchemas(relpath)
    names = NameResolver(root)
    module = names.load(relpath, tree)
    if module is None:
        return ModuleSchemas(relpath)
    classes = ClassReader(names, rules)
    schemas = [s for cls in module.classes.values()
               if (s := classes.class_schema(module, cls)) is not None]
    if any(name in source for name in rules.call_modules):
        schemas.extend(call_schemas(names, rules, module))
    depends = tuple(sorted((p, d) for p, d in names.depends.items() if p != relpath))
    return ModuleSchemas(relpath, tuple(schemas), depends)
