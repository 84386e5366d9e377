"""The `classification_overrides` table: overrides set with `lacuna classify override` and
those of the reviewed classifications file (which wins is `classify/overrides.py`'s rule)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from lacuna_cli.store import insert_columns

if TYPE_CHECKING:
    import duckdb

TABLE = "classification_overrides"
COLUMNS = ("source", "resource", "tier", "tags", "reason", "actor", "timestamp", "digest")


def override_rows(connection: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    """(source, resource, tier, tags, reason, actor) of every stored override, in order."""
    return connection.execute(
        f"SELECT source, resource, tier, tags, reason, actor FROM {TABLE} "
        "ORDER BY source, resource").fetchall()


def replace_overrides(connection: duckdb.DuckDBPyConnection,
                      removed: Iterable[tuple[str, str]],
                      rows: Sequence[Mapping[str, Any]]) -> None:
    """Delete the overrides of `removed` ((source, resource) pairs), then add `rows` (mappings
    of `COLUMNS`)."""
    for source, resource in removed:
        delete_override(connection, source, resource)
    insert_columns(connection, TABLE, COLUMNS, rows)


def delete_override(connection: duckdb.DuckDBPyConnection, source: str, resource: str) -> None:
    connection.execute(f"DELETE FROM {TABLE} WHERE source = ? AND resource = ?",
                       [source, resource])
