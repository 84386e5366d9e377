"""Columns a DDL statement declares: `CREATE TABLE t (a INT, b TEXT)`, `ALTER TABLE t ADD
COLUMN c TEXT`.

Most applications create their tables in migrations and schema files, never in a data file
with a header. The columns a statement declares become the columns of the table it creates or
alters, so a later `SELECT * FROM t` anywhere in the project (or `pd.read_sql_table("t", ...)`)
is classified by them; the lineage graph takes the union of every declaration.
"""

from __future__ import annotations

from sqlglot import exp


def declared_columns(tree: exp.Expr) -> tuple[str, ...]:
    """The column names a CREATE TABLE or ALTER TABLE ... ADD statement declares, in order;
    () for any other statement (a CREATE TABLE AS SELECT takes its query's columns)."""
    if isinstance(tree, exp.Create) and isinstance(tree.this, exp.Schema):
        definitions = tree.this.expressions
    elif isinstance(tree, exp.Alter):
        definitions = tree.args.get("actions") or []
    else:
        return ()
    return tuple(dict.fromkeys(
        definition.name for definition in definitions
        if isinstance(definition, exp.ColumnDef) and definition.name))
