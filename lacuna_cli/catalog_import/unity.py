"""Databricks Unity Catalog tags: the CSV of `information_schema.column_tags` (and of
`table_tags`, which has no `column_name`). Labels are `tag_name:tag_value` and `tag_name`."""

from __future__ import annotations

from pathlib import Path

from lacuna_cli.catalog_import import csvfile
from lacuna_cli.catalog_import.tagged import Tagged, bad, table_name

REQUIRED = ("schema_name", "table_name", "tag_name")
DETECT = {"catalog_name", "schema_name", "table_name", "tag_name"}


def read(path: Path) -> list[Tagged]:
    tagged = []
    for line, row in csvfile.rows(path, REQUIRED):
        if not (row["table_name"] and row["tag_name"]):
            raise bad(f"{path}:{line}", "table_name and tag_name must not be empty")
        value = row.get("tag_value", "")
        labels = (row["tag_name"], *((f"{row['tag_name']}:{value}",) if value else ()))
        column = row.get("column_name") or None
        resource = table_name(row.get("catalog_name"), row["schema_name"], row["table_name"])
        tagged.append(Tagged(resource, column.lower() if column else None, labels,
                             f"{path}:{line}"))
    return tagged
