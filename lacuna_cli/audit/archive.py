"""Retention: old records move to Parquet files; verification reads archive + live as one log.

Only a prefix of the log is ever archived (every record up to the last one older than the
cut-off), so the archives and the live table stay one contiguous chain: the first record of
each archive links, through its prev_hash, to the last record of the archive before it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lacuna_cli.audit.log import COLUMNS_SQL, read_rows

if TYPE_CHECKING:
    import duckdb

PATTERN = "audit-*.parquet"


def archive_dir(db_path: Path) -> Path:
    return db_path.parent / "archive"


def archived_files(folder: Path) -> list[Path]:
    """Archive files in log order (their names carry the zero-padded first seq)."""
    return sorted(folder.glob(PATTERN)) if folder.is_dir() else []


def archive_before(connection: duckdb.DuckDBPyConnection, cutoff: str, folder: Path
                   ) -> tuple[Path | None, int]:
    """Move every record up to the last one stamped before `cutoff` into one Parquet file."""
    row = connection.execute("SELECT min(seq), max(seq) FROM audit_log WHERE seq <= "
                             "(SELECT max(seq) FROM audit_log WHERE timestamp < ?)",
                             [cutoff]).fetchone()
    first, last = row if row else (None, None)
    if first is None:
        return None, 0
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"audit-{first:012d}-{last:012d}.parquet"
    connection.execute("BEGIN TRANSACTION")
    try:
        connection.execute(f"COPY (SELECT {COLUMNS_SQL} FROM audit_log WHERE seq <= ? "
                           f"ORDER BY seq) TO '{quoted(target)}' (FORMAT parquet)", [last])
        connection.execute("DELETE FROM audit_log WHERE seq <= ?", [last])
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        target.unlink(missing_ok=True)
        raise
    return target, last - first + 1


def quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def records_sql(folder: Path) -> str:
    """One relation over the whole log: archive files, then the live table."""
    parts = [f"SELECT {COLUMNS_SQL} FROM read_parquet('{quoted(path)}')"
             for path in archived_files(folder)]
    parts.append(f"SELECT {COLUMNS_SQL} FROM audit_log")
    return " UNION ALL ".join(parts)


def read_everything(connection: duckdb.DuckDBPyConnection, folder: Path
                    ) -> Iterator[dict[str, Any]]:
    """Archived records (oldest file first) and then the live table, in seq order."""
    return read_rows(connection, records_sql(folder))
