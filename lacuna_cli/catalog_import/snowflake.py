"""Snowflake tag references: the CSV of `SNOWFLAKE.ACCOUNT_USAGE.TAG_REFERENCES` (or of the
`TAG_REFERENCES` table function). Each row is one tag on a table or a column; the label is
`TAG_NAME:TAG_VALUE` and `TAG_NAME` alone. Rows of deleted objects are skipped."""

from __future__ import annotations

from pathlib import Path

from lacuna_cli.catalog_import import csvfile
from lacuna_cli.catalog_import.tagged import Tagged, bad, table_name

REQUIRED = ("tag_name", "object_name")
DETECT = {"tag_name", "tag_value", "object_name", "domain"}


def read(path: Path) -> list[Tagged]:
    tagged = []
    for line, row in csvfile.rows(path, REQUIRED):
        if row.get("object_deleted"):
            continue
        domain = row.get("domain", "TABLE").upper()
        if domain not in ("TABLE", "COLUMN"):
            continue  # tags on warehouses, schemas, roles, ... say nothing about data
        column = row.get("column_name") or None
        if domain == "COLUMN" and column is None:
            raise bad(f"{path}:{line}", "a COLUMN tag reference without COLUMN_NAME")
        if not row["tag_name"] or not row["object_name"]:
            raise bad(f"{path}:{line}", "TAG_NAME and OBJECT_NAME must not be empty")
        value = row.get("tag_value", "")
        labels = (row["tag_name"], *((f"{row['tag_name']}:{value}",) if value else ()))
        resource = table_name(row.get("object_database"), row.get("object_schema"),
                              row["object_name"])
        tagged.append(Tagged(resource, column.lower() if column else None, labels,
                             f"{path}:{line}"))
    return tagged
