"""The `resource_history` table: what current code last wrote into each resource, kept when
the code is gone (the rules of what to keep are `lineage_history.py`'s)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from lacuna_cli.store import has_table, insert_columns

if TYPE_CHECKING:
    import duckdb

TABLE = "resource_history"
COLUMNS = ("id", "name", "tier", "tags", "written_by", "sources", "learned_at", "commit")


def history_rows(connection: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    """Every stored entry as a row of `COLUMNS` ([] in a database older than the table)."""
    if not has_table(connection, TABLE):
        return []
    rows = connection.execute(f'SELECT {", ".join(map(_quoted, COLUMNS))} FROM {TABLE}')
    return rows.fetchall()


def replace_history(connection: duckdb.DuckDBPyConnection,
                    rows: Sequence[Mapping[str, Any]]) -> None:
    """Store `rows` (mappings of `COLUMNS`), each replacing the entry of its resource id."""
    connection.execute(f"DELETE FROM {TABLE} WHERE id IN (SELECT unnest($1))",
                       [[row["id"] for row in rows]])
    insert_columns(connection, TABLE, COLUMNS, rows)


def _quoted(column: str) -> str:
    return f'"{column}"'
