"""OpenMetadata table entities as exported (`GET /api/v1/tables?fields=tags,columns`, a list of
them, or one): the table's and each column's `tags[].tagFQN` (`PII.Sensitive`,
`PersonalData.Personal`, ...). The table is its fully qualified name without the service."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from lacuna_cli.catalog_import.tagged import (
    Tagged, bad, keyed_items, nested_columns, table_name,
)

# FQN parts are dot-separated; a part holding a dot is quoted.
_PART = re.compile(r'"([^"]*)"|([^.]+)')


def entities(document: object) -> list | None:
    """The table entities of an export, or None when it is not an OpenMetadata export."""
    if isinstance(document, dict) and isinstance(document.get("data"), list):
        document = document["data"]
    if isinstance(document, dict):
        document = [document]
    if isinstance(document, list) and document and all(
            isinstance(e, dict) and "fullyQualifiedName" in e for e in document):
        return document
    return None


def read(document: object, path: Path) -> list[Tagged]:
    found = entities(document)
    if found is None:
        raise bad(str(path), "not an OpenMetadata export (entities with fullyQualifiedName)")
    rows: list[Tagged] = []
    for index, entity in enumerate(found):
        where = f"{path}: [{index}]"
        fqn = entity["fullyQualifiedName"]
        if not isinstance(fqn, str) or not fqn:
            raise bad(f"{where}.fullyQualifiedName", "must be a non-empty string")
        parts = [quoted or plain for quoted, plain in _PART.findall(fqn)]
        resource = table_name(*(parts[1:] if len(parts) > 1 else parts))
        labels = _tags(entity.get("tags"), f"{where}.tags")
        if labels:
            rows.append(Tagged(resource, None, labels, where))
        rows.extend(_columns(resource, entity.get("columns"), f"{where}.columns"))
    return rows


def _columns(resource: str, columns: Any, where: str) -> list[Tagged]:
    return nested_columns(resource, columns, where, "children",
                          lambda column, here: _tags(column.get("tags"), f"{here}.tags"),
                          "column")


def _tags(tags: Any, where: str) -> tuple[str, ...]:
    return tuple(tag["tagFQN"] for _, tag in keyed_items(tags, where, "tagFQN", "tag"))
