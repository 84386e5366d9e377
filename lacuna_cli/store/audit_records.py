"""Reading audit records from any relation with the log's columns (live table, archives)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from lacuna_cli.audit.chain import RECORD_FIELDS

if TYPE_CHECKING:
    import duckdb

COLUMNS_SQL = ", ".join(f'"{name}"' for name in RECORD_FIELDS)


def read_rows(connection: duckdb.DuckDBPyConnection, source: str, where: str = "",
              params: list[Any] | None = None) -> Iterator[dict[str, Any]]:
    """Records of `source` in seq order as dicts, streamed in batches."""
    cursor = connection.execute(f"SELECT {COLUMNS_SQL} FROM ({source}) {where} ORDER BY seq",
                                params or [])
    while batch := cursor.fetchmany(10_000):
        for row in batch:
            yield dict(zip(RECORD_FIELDS, row, strict=True))


def matching(connection: duckdb.DuckDBPyConnection, source: str, since: str | None = None,
             result: str | None = None, resource: str | None = None) -> list[dict[str, Any]]:
    """The records of `source` stamped at or after `since` (a stored UTC `...Z` string), with
    this `result`, whose resource contains `resource` — each filter only when given."""
    clauses, params = [], []
    for clause, value in (("timestamp >= ?", since), ("result = ?", result),
                          ("contains(resource, ?)", resource)):
        if value is not None:
            clauses.append(clause)
            params.append(value)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    return list(read_rows(connection, source, where, params))
