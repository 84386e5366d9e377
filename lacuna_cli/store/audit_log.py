"""The audit log's tables: the live records (`audit_log`) read with the archives as one log
(`audit_archive.py`), and the signed checkpoints (`checkpoints`). What a record or a
checkpoint holds and how the chain is checked are `audit/`'s."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from lacuna_cli.audit.chain import GENESIS_HASH, HASHED_FIELDS
from lacuna_cli.audit.checkpoint import COLUMNS, Checkpoint
from lacuna_cli.store import audit_archive as archive
from lacuna_cli.store import one_row
from lacuna_cli.store.audit_records import COLUMNS_SQL, read_rows

if TYPE_CHECKING:
    import duckdb


def head(connection: duckdb.DuckDBPyConnection) -> tuple[int, str]:
    """(seq, hash) of the last record — from the live table, or, when every record has been
    archived, from the archives (or the latest checkpoint)."""
    row = connection.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"
                             ).fetchone()
    if row is None:
        row = connection.execute(f"SELECT seq, hash FROM ({whole_log(connection)}) UNION ALL "
                                 "SELECT seq, head_hash FROM checkpoints "
                                 "ORDER BY seq DESC LIMIT 1").fetchone()
    return (int(row[0]), row[1]) if row else (0, GENESIS_HASH)


def whole_log(connection: duckdb.DuckDBPyConnection) -> str:
    """Archives and live table as one relation (the live table alone in memory)."""
    folder = archive.folder_of(connection)
    return (archive.log_source(connection, folder) if folder
            else f"SELECT {COLUMNS_SQL} FROM audit_log")


def live_records(connection: duckdb.DuckDBPyConnection, where: str = "",
                 params: list[Any] | None = None) -> Iterator[dict[str, Any]]:
    """Records of the live table in seq order as dicts, streamed in batches."""
    return read_rows(connection, f"SELECT {COLUMNS_SQL} FROM audit_log", where, params)


def hashes(connection: duckdb.DuckDBPyConnection, source: str, after: int = 0,
           before: int | None = None) -> list[str]:
    """The hashes of the records of `source` with `after` < seq (< `before`), in seq order."""
    if before is None:
        rows = connection.execute(f"SELECT hash FROM ({source}) ORDER BY seq")
    else:
        rows = connection.execute(f"SELECT hash FROM ({source}) WHERE seq > ? AND seq < ? "
                                  "ORDER BY seq", [after, before])
    return [value for (value,) in rows.fetchall()]


def hash_at(connection: duckdb.DuckDBPyConnection, source: str, seq: int) -> str | None:
    """The hash of record `seq` of `source`, if it holds one."""
    row = connection.execute(f"SELECT hash FROM ({source}) WHERE seq = ?", [seq]).fetchone()
    return row[0] if row else None


def hashes_at(connection: duckdb.DuckDBPyConnection, source: str, seqs: list[int]
              ) -> dict[int, str]:
    """seq -> hash of the records of `source` among `seqs`."""
    return dict(connection.execute(f"SELECT seq, hash FROM ({source}) WHERE seq IN "
                                   "(SELECT unnest($1))", [seqs]).fetchall())


def record_count(connection: duckdb.DuckDBPyConnection, source: str) -> int:
    (count,) = one_row(connection.execute(f"SELECT count(*) FROM ({source})").fetchone())
    return int(count)


def chain_counts(connection: duckdb.DuckDBPyConnection, source: str
                 ) -> tuple[int, int | None, int | None, int, int, int]:
    """Over the records of `source`, in DuckDB: (records, first seq, last seq, distinct seqs,
    distinct event ids, records whose prev_hash is not the hash of the record before)."""
    count, first, last, seqs, events = one_row(connection.execute(f"""
        SELECT count(*), min(seq), max(seq), count(DISTINCT seq), count(DISTINCT event_id)
        FROM ({source})""").fetchone())
    (broken,) = one_row(connection.execute(f"""
        WITH r AS ({source})
        SELECT count(*) FROM r LEFT JOIN r AS before ON before.seq = r.seq - 1
        WHERE r.prev_hash <> coalesce(before.hash, '{GENESIS_HASH}')""").fetchone())
    return count, first, last, seqs, events, broken


def content_batches(connection: duckdb.DuckDBPyConnection, source: str
                    ) -> Iterator[list[tuple[bytes, bytes]]]:
    """(canonical JSON, stored hash) of every record of `source`, as bytes, in batches and in
    no particular order: DuckDB writes the JSON, the caller hashes it (Python's SHA-256 is
    several times faster than DuckDB's on records this size).

    DuckDB's `to_json` of the fields in sorted order gives the same bytes as the canonical
    form for every record Lacuna writes; a record where it would not merely looks edited."""
    fields = ", ".join(f'"{name}" := "{name}"' for name in sorted(HASHED_FIELDS))
    cursor = connection.execute(f"SELECT encode(to_json(struct_pack({fields}))::VARCHAR), "
                                f"unhex(hash) FROM ({source})")
    while batch := cursor.fetchmany(50_000):
        yield batch


def tree_root_through(connection: duckdb.DuckDBPyConnection, source: str, seq: int
                      ) -> str | None:
    """The RFC 6962 tree head (hex) over the records of `source` up to `seq`, computed in
    DuckDB level by level (`merkle.root`'s pairing: a lone last node is promoted), so it runs
    beside Python's work instead of taking turns with it; None for no record."""
    row = connection.execute(f"""
        WITH RECURSIVE levels(nodes) AS (
            SELECT list(unhex(sha256('\\x00'::BLOB || unhex(hash))) ORDER BY seq)
            FROM ({source}) WHERE seq <= ?
            UNION ALL
            SELECT list_transform(range(0, (len(nodes) + 1) // 2), lambda i: CASE
                WHEN 2 * i + 2 <= len(nodes)
                THEN unhex(sha256('\\x01'::BLOB || nodes[2 * i + 1] || nodes[2 * i + 2]))
                ELSE nodes[2 * i + 1] END)
            FROM levels WHERE len(nodes) > 1)
        SELECT lower(hex(nodes[1])) FROM levels WHERE len(nodes) = 1""", [seq]).fetchone()
    return row[0] if row else None


def unsealed_count(connection: duckdb.DuckDBPyConnection, source: str,
                   ordered: Sequence[Checkpoint]) -> int:
    """Records of `source` not stamped like the checkpoint (of `ordered`, in seq order) that
    seals them, or sealed by none."""
    (unsealed,) = one_row(connection.execute(f"""
        SELECT count(*) FROM ({source}) AS r LEFT JOIN (
            SELECT unnest($1) AS lo, unnest($2) AS hi, unnest($3) AS stamp) AS c
        ON r.seq > c.lo AND r.seq <= c.hi
        WHERE c.stamp IS NULL OR r.timestamp <> c.stamp""",
        [[0, *(c.seq for c in ordered[:-1])], [c.seq for c in ordered],
         [c.timestamp for c in ordered]]).fetchone())
    return int(unsealed)


@contextmanager
def side_connection(connection: duckdb.DuckDBPyConnection
                    ) -> Iterator[duckdb.DuckDBPyConnection]:
    """A second connection to the same database, for queries another thread runs while this
    one works (DuckDB lets go of the GIL while a query runs; one connection serves one
    thread), or that must not end the result this one is still streaming."""
    other = connection.cursor()
    try:
        yield other
    finally:
        other.close()


def latest_checkpoint(connection: duckdb.DuckDBPyConnection) -> Checkpoint | None:
    row = connection.execute(f"SELECT {', '.join(COLUMNS)} FROM checkpoints "
                             "ORDER BY seq DESC LIMIT 1").fetchone()
    return Checkpoint(*row) if row else None


def every_checkpoint(connection: duckdb.DuckDBPyConnection) -> list[Checkpoint]:
    rows = connection.execute(f"SELECT {', '.join(COLUMNS)} FROM checkpoints ORDER BY seq")
    return [Checkpoint(*row) for row in rows.fetchall()]


def insert_checkpoint(connection: duckdb.DuckDBPyConnection, checkpoint: Checkpoint) -> None:
    placeholders = ", ".join("?" for _ in COLUMNS)
    connection.execute(f"INSERT INTO checkpoints ({', '.join(COLUMNS)}) VALUES ({placeholders})",
                       [getattr(checkpoint, name) for name in COLUMNS])
