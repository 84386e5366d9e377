"""fides dataset YAML: `dataset:` entries (`fides_key`), their `collections` (tables) and
`fields` (columns, nested fields under the column they sit in), each with `data_categories`
from fideslang (`user.contact.email`, `system.operations`, ...). The table is
`fides_key.collection`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lacuna_cli.catalog_import.tagged import (
    Tagged, bad, keyed_items, nested_columns, table_name, text_list,
)


def is_fides(document: object) -> bool:
    return isinstance(document, dict) and isinstance(document.get("dataset"), list)


def read(document: object, path: Path) -> list[Tagged]:
    if not is_fides(document):
        raise bad(str(path), "not a fides dataset file (a top-level `dataset:` list)")
    assert isinstance(document, dict)
    rows: list[Tagged] = []
    for where, dataset in keyed_items(document["dataset"], f"{path}: dataset", "fides_key",
                                      "dataset"):
        whole = text_list(dataset.get("data_categories"), f"{where}.data_categories")
        for here, collection in keyed_items(dataset.get("collections"), f"{where}.collections",
                                            "name", "collection"):
            resource = table_name(dataset["fides_key"], collection["name"])
            labels = (*whole, *text_list(collection.get("data_categories"),
                                         f"{here}.data_categories"))
            if labels:
                rows.append(Tagged(resource, None, labels, here))
            rows.extend(_fields(resource, collection.get("fields"), f"{here}.fields"))
    return rows


def _fields(resource: str, fields: Any, where: str) -> list[Tagged]:
    return nested_columns(resource, fields, where, "fields", lambda field, here: text_list(
        field.get("data_categories"), f"{here}.data_categories"), "field")
