"""Known classifications in the DuckDB file: imported catalogs (`catalog_entries`, replaced per
imported file) and the central store's answers (`central_cache`, with when they were fetched).

A database older than these tables, opened to read, knows nothing yet.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from lacuna_cli.classify.known import Known
from lacuna_cli.models import Tier
from lacuna_cli.store import has_table, insert_columns

if TYPE_CHECKING:
    import duckdb

CATALOG = "catalog_entries"
CENTRAL = "central_cache"
FIELDS = ("key", "tier", "tags", "columns", "layer", "origin", "why")  # both tables: store.SCHEMA


def row(entry: Known, **extra: str) -> dict[str, object]:
    return {"key": entry.key, "tier": entry.tier.value, "tags": list(entry.tags),
            "columns": json.dumps(entry.columns, sort_keys=True), "layer": entry.layer,
            "origin": entry.origin, "why": entry.why, **extra}


def load(connection: duckdb.DuckDBPyConnection, table: str) -> list[Known]:
    if not has_table(connection, table):
        return []
    columns = ", ".join(FIELDS)
    return [Known(key, Tier(tier), tuple(tags), {c: tuple(t) for c, t in
                                                 json.loads(cols).items()}, layer, origin, why)
            for key, tier, tags, cols, layer, origin, why in connection.execute(
                f"SELECT {columns} FROM {table} ORDER BY key").fetchall()]


def replace_catalog(connection: duckdb.DuckDBPyConnection, source: str, entries: list[Known],
                    imported_at: str) -> None:
    """A file imported again replaces what it said before."""
    connection.execute(f"DELETE FROM {CATALOG} WHERE source = ?", [source])
    insert_columns(connection, CATALOG, ("source", *FIELDS, "imported_at"),
                   [row(e, source=source, imported_at=imported_at) for e in entries])


def cache_central(connection: duckdb.DuckDBPyConnection, asked: list[str], entries: list[Known],
                  fetched_at: str) -> None:
    """The central store's answer for `asked`: what it knows now replaces what was cached for
    those resources (a resource it no longer knows leaves the cache)."""
    connection.execute(f"DELETE FROM {CENTRAL} WHERE key IN (SELECT unnest($1))", [asked])
    insert_columns(connection, CENTRAL, (*FIELDS, "fetched_at"),
                   [row(e, fetched_at=fetched_at) for e in entries])


def cached_central(connection: duckdb.DuckDBPyConnection, keys: list[str]) -> list[Known]:
    """The cached entries for `keys` ([] before the first fetch)."""
    wanted = set(keys)
    return [e for e in load(connection, CENTRAL) if e.key in wanted]


def last_fetch(connection: duckdb.DuckDBPyConnection) -> str | None:
    """When the central store was last asked (None: never)."""
    if not has_table(connection, CENTRAL):
        return None
    row_ = connection.execute("SELECT value FROM meta WHERE key = 'central_fetched_at'"
                              ).fetchone()
    return row_[0] if row_ else None


def mark_fetch(connection: duckdb.DuckDBPyConnection, fetched_at: str) -> None:
    connection.execute("DELETE FROM meta WHERE key = 'central_fetched_at'")
    connection.execute("INSERT INTO meta VALUES ('central_fetched_at', ?)", [fetched_at])
