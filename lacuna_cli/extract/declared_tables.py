"""What a file that declares tables contributes to the lineage, whether or not it moves data.

A `models.py`, a migration or a schema module holds no operation, yet it is where the project
says which columns `customers` has. Each declared table becomes a resource node with those
columns; the lineage graph takes the union of every node of a resource, so a read of the table
anywhere in the project (`pd.read_sql_table("customers", ...)`, `SELECT * FROM customers`) is
classified by them. A declaration whose columns cannot be read is an error line at the
declaration: its table is not taken to have no columns.
"""

from __future__ import annotations

from collections.abc import Iterable

from lacuna_cli.extract.declarations import ModuleSchemas
from lacuna_cli.extract.places import table_resource
from lacuna_cli.models import ColumnTags, Extraction, FileProblem, LineageNode, Resource


def with_declarations(extraction: Extraction, declared: ModuleSchemas) -> Extraction:
    """`extraction` with a resource node per declared table and an error per declaration
    whose columns are unknown; the project modules read to resolve them key its cache."""
    if not declared.schemas:
        return extraction
    errors = list(extraction.errors)
    for schema in declared.schemas:
        if schema.unresolved is not None:
            what = f"table `{schema.table}`" if schema.table else f"`{schema.name}`"
            errors.append(FileProblem(path=extraction.path, line=schema.line, message=(
                f"cannot read the columns of {what} ({schema.family}): {schema.unresolved}; "
                "its data is classified by its name only")))
    tables = [(table_resource(s.table, s.columns), ()) for s in declared.schemas
              if s.table is not None and s.columns]
    imports = tuple(sorted({*extraction.imports, *(path for path, _ in declared.depends)}))
    return with_tables(extraction, tables).model_copy(
        update={"errors": tuple(errors), "imports": imports})


def with_tables(extraction: Extraction,
                tables: Iterable[tuple[Resource, tuple[ColumnTags, ...]]]) -> Extraction:
    """`extraction` with each table's resource node carrying its declared columns and column
    tags besides what the file's own statements named."""
    nodes = {node.id: node for node in extraction.nodes}
    for resource, tags in tables:
        known = nodes.get(resource.key)
        columns = tuple(dict.fromkeys((*((known.columns or ()) if known else ()),
                                       *resource.columns, *(t.column for t in tags))))
        nodes[resource.key] = LineageNode(
            id=resource.key, kind="resource", label=resource.name,
            resource=resource.model_copy(update={"columns": columns}), columns=columns or None,
            declared_tags=merged_tags(known.declared_tags if known else (), tags))
    return extraction.model_copy(update={"nodes": tuple(nodes.values())})


def merged_tags(*declared: tuple[ColumnTags, ...]) -> tuple[ColumnTags, ...]:
    """Every tag any declaration gives a column, columns in first-seen order."""
    found: dict[str, tuple[str, ...]] = {}
    for entry in (e for group in declared for e in group):
        found[entry.column] = tuple(dict.fromkeys((*found.get(entry.column, ()), *entry.tags)))
    return tuple(ColumnTags(column=c, tags=t) for c, t in found.items() if t)
