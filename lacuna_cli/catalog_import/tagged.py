"""The one shape every catalog export is read into, and the error every reader raises."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from lacuna_cli.errors import ConfigError


@dataclass(frozen=True)
class Tagged:
    """Foreign labels on a table (column None) or on one of its columns."""

    resource: str  # table name, dotted, as the catalog names it
    column: str | None
    labels: tuple[str, ...]
    where: str  # `file:line` or `file: key.path`, for the explanation


class CatalogFileError(ConfigError):
    """A catalog file that cannot be read as its format: one line naming file and line/key."""


def bad(where: str, message: str) -> CatalogFileError:
    return CatalogFileError(f"{where}: {message}")


def table_name(*parts: object) -> str:
    """Dotted, lower-cased, unquoted: how Lacuna names tables (`extract.places.table_resource`)."""
    return ".".join(str(p).strip('`"[] ').lower() for p in parts if p not in (None, ""))


def text_list(value: object, where: str) -> tuple[str, ...]:
    """A label list (`tags:`, `data_categories:`): strings only."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise bad(where, "must be a list of strings")
    return tuple(value)


def keyed_items(items: Any, where: str, key: str, noun: str) -> Iterator[tuple[str, dict]]:
    """Each entry of a list that every catalog format nests (datasets, collections, fields,
    tags), with the `file: key[i]` that names it: absent is empty, anything but a list of
    objects holding a `key` string is one error naming the entry."""
    if items is None:
        return
    if not isinstance(items, list):
        raise bad(where, "must be a list")
    for index, item in enumerate(items):
        here = f"{where}[{index}]"
        if not isinstance(item, dict) or not isinstance(item.get(key), str):
            raise bad(here, f"a {noun} needs a `{key}` string")
        yield here, item


def nested_columns(resource: str, items: Any, where: str, children: str,
                   labels_of: Callable[[dict[str, Any], str], tuple[str, ...]],
                   noun: str) -> list[Tagged]:
    """The columns (or fields) of `resource` listed in `items`, each with its own labels and
    those of the columns nested in it under `children` (a struct's fields tag the column they
    sit in); `labels_of(item, where)` reads one item's labels, `noun` names an item in errors."""
    rows = []
    for here, item in keyed_items(items, where, "name", noun):
        labels = labels_of(item, here)
        for inner in nested_columns(resource, item.get(children), f"{here}.{children}",
                                    children, labels_of, noun):
            labels = (*labels, *inner.labels)
        if labels:
            rows.append(Tagged(resource, item["name"].lower(), labels, here))
    return rows
