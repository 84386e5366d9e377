"""The cache tables: extractions by file (`extraction_cache`, keyed by path and the digest of
everything the extraction depends on), each file's stat when it was last hashed (`file_stamps`)
and layer 2/3 classification results (`classify_cache`, by kind and content key). What goes in
them is decided by `extract/batch.py`, `extract/stamps.py` and `classify/cache.py`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from lacuna_cli.store import insert_columns

if TYPE_CHECKING:
    import duckdb

    from lacuna_cli.extract.batch import Cached
    from lacuna_cli.extract.stamps import Stamped


def cached_extractions(connection: duckdb.DuckDBPyConnection, paths: Iterable[str]
                       ) -> dict[str, tuple[str, str]]:
    """Path -> (digest, payload) of the cached extractions of `paths`."""
    rows = _rows_of(connection, "extraction_cache", ("path", "digest", "payload"), paths)
    return {path: (digest, payload) for path, digest, payload in rows}


def store_extractions(connection: duckdb.DuckDBPyConnection, fresh: list[Cached]) -> None:
    """Replace the cached extraction of each file in `fresh`."""
    _replace_rows(connection, "extraction_cache", ("path", "digest", "payload"),
                  [entry.__dict__ for entry in fresh])


STAMP_COLUMNS = ("path", "stamp", "content_hash", "runs")


def stored_stamps(connection: duckdb.DuckDBPyConnection, paths: Iterable[str]
                  ) -> dict[str, Stamped]:
    """Path -> what was stored of the file's stat and content, for `paths`."""
    from lacuna_cli.extract.stamps import Stamped

    rows = _rows_of(connection, "file_stamps", STAMP_COLUMNS, paths)
    return {path: Stamped(stamp, content_hash, runs) for path, stamp, content_hash, runs in rows}


def store_stamps(connection: duckdb.DuckDBPyConnection, learned: dict[str, Stamped]) -> None:
    """Replace the stored stamp of each file in `learned`."""
    _replace_rows(connection, "file_stamps", STAMP_COLUMNS,
                  [{"path": path, **stamped.__dict__} for path, stamped in learned.items()])


def _rows_of(connection: duckdb.DuckDBPyConnection, table: str, columns: tuple[str, ...],
             paths: Iterable[str]) -> list[tuple]:
    """`columns` of the rows of a per-file table (keyed by `path`) for `paths`."""
    return connection.execute(f"SELECT {', '.join(columns)} FROM {table} "
                              "WHERE path IN (SELECT unnest($1))", [sorted(paths)]).fetchall()


def _replace_rows(connection: duckdb.DuckDBPyConnection, table: str, columns: tuple[str, ...],
                  rows: list[dict]) -> None:
    """Replace the rows of a per-file table (keyed by `path`) with `rows`."""
    if not rows:
        return
    connection.execute(f"DELETE FROM {table} WHERE path IN (SELECT unnest($1))",
                       [[row["path"] for row in rows]])
    insert_columns(connection, table, columns, rows)


def cached_results(connection: duckdb.DuckDBPyConnection, kind: str, keys: list[str]
                   ) -> list[tuple[str, str]]:
    """(key, JSON value) of the stored classification results of `kind` among `keys`."""
    return connection.execute("SELECT key, value FROM classify_cache"
                              " WHERE kind = ? AND key IN (SELECT unnest(?))",
                              [kind, keys]).fetchall()


def store_results(connection: duckdb.DuckDBPyConnection, kind: str,
                  values: dict[str, str]) -> None:
    """Add classification results of `kind`: key -> JSON value (keys not stored yet)."""
    insert_columns(connection, "classify_cache", ("kind", "key", "value"),
                   [{"kind": kind, "key": k, "value": v} for k, v in values.items()])


def drop_result_kinds(connection: duckdb.DuckDBPyConnection | None, prefix: str, keep: str
                      ) -> None:
    """Forget the classification results of every kind starting with `prefix` but `keep`
    (results made under rules or settings no longer in force)."""
    if connection is not None:
        connection.execute("DELETE FROM classify_cache WHERE starts_with(kind, ?) AND kind <> ?",
                           [prefix, keep])
