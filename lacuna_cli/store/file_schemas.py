"""The schema in a Parquet file's footer, read by DuckDB for the extractor's column names
(`extract/schema.py`): every DuckDB statement lives in the store package."""

from __future__ import annotations

from pathlib import Path

import duckdb


def parquet_fields(path: Path) -> list[tuple[str, int | None]]:
    """(name, number of children) of each schema element of the footer, root first, in the
    file's depth-first order; empty when the file cannot be read as Parquet."""
    try:
        with duckdb.connect() as connection:
            return [(str(name), children) for name, children in connection.execute(
                "SELECT name, num_children FROM parquet_schema(?)", [str(path)]).fetchall()]
    except duckdb.Error:
        return []
