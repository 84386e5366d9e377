"""What a file that declares tables contributes to the lineage, whether or not it moves data.

A `models.py`, a migration or a schema module holds no operation, yet it is where the project
says which columns `customers` has. Each declared table becomes a resource node with those
columns; the lineage graph takes the union of every node of a resource, so a read of the table
anywhere in the project (`pd.read_sql_table("customers", ...)`, `SELECT * FROM customers`) is
classified by them. A declaration whose columns cannot be read is an error line at the
declaration: its table is not taken to have no columns.
"""

from __future__ import annotations

from lacuna_cli.extract.declared_schemas import ModuleSchemas
from lacuna_cli.extract.files import table_resource
from lacuna_cli.models import Extraction, FileError, LineageNode


def with_declarations(extraction: Extraction, declared: ModuleSchemas) -> Extraction:
    """`extraction` with a resource node per declared table and an error per declaration
    whose columns are unknown; the project modules read to resolve them key its cache."""
    if not declared.schemas:
        return extraction
    nodes = {node.id: node for node in extraction.nodes}
    errors = list(extraction.errors)
    for schema in declared.schemas:
        if schema.unresolved is not None:
            what = f"table `{schema.table}`" if schema.table else f"`{schema.name}`"
            errors.append(FileError(path=extraction.path, line=schema.line, message=(
                f"cannot read the columns of {what} ({schema.family}): {schema.unresolved}; "
                "its data is classified by its name only")))
        if schema.table is None or not schema.columns:
            continue
        resource = table_resource(schema.table, schema.columns)
        known = nodes.get(resource.key)
        columns = tuple(dict.fromkeys((*((known.columns or ()) if known else ()),
                                       *resource.columns)))
        nodes[resource.key] = LineageNode(
            id=resource.key, kind="resource", label=resource.name,
            resource=resource.model_copy(update={"columns": columns}), columns=columns)
    imports = tuple(sorted({*extraction.imports, *(path for path, _ in declared.depends)}))
    return extraction.model_copy(update={"nodes": tuple(nodes.values()),
                                         "errors": tuple(errors), "imports": imports})
