"""Calls that declare columns: `Table("customers", metadata, Column("email"), ...)`, alembic's
`op.create_table` and `op.add_column`, pandera's `DataFrameSchema({"email": ...})`.

Which calls these are and where their table name and columns sit are rows of
`rules/schemas/declarations.yaml` (`calls:`, `column_calls:`).
"""

from __future__ import annotations

import ast

from lacuna_cli.extract.declarations import DeclaredSchema
from lacuna_cli.extract.declared_arguments import argument, text_argument
from lacuna_cli.extract.declared_names import NameResolver, ParsedModule
from lacuna_cli.extract.schema_rules import CallRule, SchemaRules, matches


def call_schemas(names: NameResolver, rules: SchemaRules, module: ParsedModule
                 ) -> list[DeclaredSchema]:
    """Every declaring call of a module, named by the variable it is assigned to if any."""
    assigned = {id(s.value): s.targets[0].id for s in ast.walk(module.tree)
                if isinstance(s, ast.Assign) and len(s.targets) == 1
                and isinstance(s.targets[0], ast.Name)}
    found = []
    for node in ast.walk(module.tree):
        if not isinstance(node, ast.Call):
            continue
        called = names.resolve(module, node.func, 0)
        rule = next((r for r in rules.calls if isinstance(called, str)
                     and matches(r.match, called)), None)
        if rule is not None:
            found.append(_call_schema(names, rules, module, node, rule, assigned.get(id(node))))
    return found


def _call_schema(names: NameResolver, rules: SchemaRules, module: ParsedModule, node: ast.Call,
                 rule: CallRule, variable: str | None) -> DeclaredSchema:
    table = text_argument(node, [rule.table]) if rule.table is not None else None
    unresolved = None
    if rule.table is not None and table is None:
        unresolved = "the table name is computed at run time"
    if rule.columns == "dict_keys":
        columns, problem = _dict_keys(argument(node, rule.argument))
    else:
        columns, problem = _column_calls(names, rules, module, node)
    if any(k.arg in rule.reflected for k in node.keywords):
        problem = "its columns are reflected from the database at run time"
    name = variable or table or rule.name
    return DeclaredSchema(name, rule.name, node.lineno, table.lower() if table else None,
                          columns, unresolved or problem, adds=rule.name.endswith("add-column"))


def _column_calls(names: NameResolver, rules: SchemaRules, module: ParsedModule, node: ast.Call
                  ) -> tuple[tuple[str, ...], str | None]:
    found = []
    problem = None
    for arg in node.args:
        if isinstance(arg, ast.Starred):
            problem = "its columns are built at run time"
        called = names.resolve(module, arg.func, 0) if isinstance(arg, ast.Call) else None
        if isinstance(arg, ast.Call) and isinstance(called, str) and matches(
                list(rules.column_calls), called):
            name = text_argument(arg, [[0, "name"]])
            if name is None:
                problem = "a column's name is computed at run time"
            else:
                found.append(name)
    return tuple(dict.fromkeys(found)), problem


def _dict_keys(node: ast.expr | None) -> tuple[tuple[str, ...], str | None]:
    if not isinstance(node, ast.Dict):
        return (), "its columns are built at run time"
    keys = [k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)]
    problem = None if len(keys) == len(node.keys) else "some column names are computed at run time"
    return tuple(keys), problem
