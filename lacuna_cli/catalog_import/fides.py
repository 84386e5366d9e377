"""fides dataset YAML: `dataset:` entries (`fides_key`), their `collections` (tables) and
`fields` (columns, nested fields under the column they sit in), each with `data_categories`
from fideslang (`user.contact.email`, `system.operations`, ...). The table is
`fides_key.collection`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lacuna_cli.catalog_import.tagged import (
    Tagged, bad, nested_columns, table_name, text_list,
)


def is_fides(document: object) -> bool:
    return isinstance(document, dict) and isinstance(document.get("dataset"), list)


def read(document: object, path: Path) -> list[Tagged]:
    if not is_fides(document):
        raise bad(str(path), "not a fides dataset file (a top-level `dataset:` list)")
    assert isinstance(document, dict)
    rows: list[Tagged] = []
    for index, dataset in enumerate(document["dataset"]):
        where = f"{path}: dataset[{index}]"
        if not isinstance(dataset, dict) or not isinstance(dataset.get("fides_key"), str):
            raise bad(where, "needs a `fides_key`")
        whole = text_list(dataset.get("data_categories"), f"{where}.data_categories")
        collections = dataset.get("collections") or []
        if not isinstance(collections, list):
            raise bad(f"{where}.collections", "must be a list")
        for position, collection in enumerate(collections):
            here = f"{where}.collections[{position}]"
            if not isinstance(collection, dict) or not isinstance(collection.get("name"), str):
                raise bad(here, "needs a `name`")
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
