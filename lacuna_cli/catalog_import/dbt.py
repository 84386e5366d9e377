"""dbt `meta` and `tags` on models, sources and their columns: from `schema.yml` files or from
the compiled `manifest.json` (where config-level tags and meta are already merged in).

A `meta` entry becomes the label `key:value` (`contains_pii: true` -> `contains_pii:true`,
`classification: pii` -> `classification:pii`; a list gives one label per item), a tag is its
own label. Tables are named as Lacuna names them: a manifest's relation (`db.schema.name`), a
source's `schema.table`, a model in `schema.yml` by its name (matched on the last part).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lacuna_cli.catalog_import.tagged import Tagged, bad, table_name, text_list

TABLE_KINDS = ("models", "seeds", "snapshots")
MANIFEST_KINDS = {"model", "seed", "snapshot", "source"}


def meta_labels(meta: object, where: str, prefix: str = "") -> tuple[str, ...]:
    """`meta:` as labels; nested mappings give dotted keys."""
    if meta is None:
        return ()
    if not isinstance(meta, dict):
        raise bad(where, "must be a mapping")
    labels: list[str] = []
    for key, value in meta.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            labels.extend(meta_labels(value, f"{where}.{key}", f"{name}."))
        elif isinstance(value, list):
            labels.extend(f"{name}:{_scalar(item)}" for item in value
                          if not isinstance(item, (dict, list)))
        else:
            labels.append(f"{name}:{_scalar(value)}")
    return tuple(labels)


def _scalar(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _labels(entry: dict[str, Any], where: str) -> tuple[str, ...]:
    """An entry's tags and meta, its `config:` block's included."""
    found = entry.get("config")
    config: dict[str, Any] = found if isinstance(found, dict) else {}
    return (*text_list(entry.get("tags"), f"{where}.tags"),
            *meta_labels(entry.get("meta"), f"{where}.meta"),
            *text_list(config.get("tags"), f"{where}.config.tags"),
            *meta_labels(config.get("meta"), f"{where}.config.meta"))


def _columns(resource: str, columns: object, where: str) -> list[Tagged]:
    """Columns as a list (schema.yml) or a mapping by name (manifest.json)."""
    if columns is None:
        return []
    items = list(columns.values()) if isinstance(columns, dict) else columns
    if not isinstance(items, list):
        raise bad(f"{where}.columns", "must be a list of columns")
    rows = []
    for index, column in enumerate(items):
        here = f"{where}.columns[{index}]"
        if not isinstance(column, dict) or not isinstance(column.get("name"), str):
            raise bad(here, "a column needs a `name`")
        labels = _labels(column, here)
        if labels:
            rows.append(Tagged(resource, column["name"].lower(), labels, here))
    return rows


def _entry(resource: str, entry: dict[str, Any], where: str) -> list[Tagged]:
    labels = _labels(entry, where)
    own = [Tagged(resource, None, labels, where)] if labels else []
    return [*own, *_columns(resource, entry.get("columns"), where)]


def read_schema_yml(document: object, path: Path) -> list[Tagged]:
    """A dbt properties file (`version: 2` with `models:`, `sources:`, ...)."""
    if not isinstance(document, dict):
        raise bad(str(path), "a dbt properties file is a mapping (models:, sources:, ...)")
    rows: list[Tagged] = []
    for kind in TABLE_KINDS:
        for index, entry in enumerate(_list(document, kind, path)):
            where = f"{path}: {kind}[{index}]"
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                raise bad(where, "needs a `name`")
            rows.extend(_entry(table_name(entry["name"]), entry, where))
    for index, source in enumerate(_list(document, "sources", path)):
        where = f"{path}: sources[{index}]"
        if not isinstance(source, dict) or not isinstance(source.get("name"), str):
            raise bad(where, "needs a `name`")
        schema = source.get("schema") or source["name"]
        inherited = _labels(source, where)
        for position, table in enumerate(_list(source, "tables", Path(where))):
            here = f"{where}.tables[{position}]"
            if not isinstance(table, dict) or not isinstance(table.get("name"), str):
                raise bad(here, "needs a `name`")
            name = table_name(schema, table.get("identifier") or table["name"])
            if inherited:
                rows.append(Tagged(name, None, inherited, where))
            rows.extend(_entry(name, table, here))
    return rows


def _list(document: dict, key: str, path: Path) -> list:
    value = document.get(key) or []
    if not isinstance(value, list):
        raise bad(f"{path}: {key}", "must be a list")
    return value


def read_manifest(document: dict[str, Any], path: Path) -> list[Tagged]:
    """`target/manifest.json`: every model, seed, snapshot and source node."""
    rows: list[Tagged] = []
    for section in ("nodes", "sources"):
        nodes = document.get(section) or {}
        if not isinstance(nodes, dict):
            raise bad(f"{path}: {section}", "must be a mapping of nodes")
        for unique_id, node in nodes.items():
            where = f"{path}: {section}.{unique_id}"
            if not isinstance(node, dict):
                raise bad(where, "must be a mapping")
            if node.get("resource_type") not in MANIFEST_KINDS:
                continue
            rows.extend(_entry(_relation(node), node, where))
    return rows


def _relation(node: dict[str, Any]) -> str:
    relation = node.get("relation_name")
    if isinstance(relation, str) and relation.strip():
        return table_name(*relation.split("."))
    return table_name(node.get("database"), node.get("schema"),
                      node.get("identifier") or node.get("alias") or node.get("name"))
