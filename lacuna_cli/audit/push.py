"""`lacuna audit push`: copy new records and checkpoints to the central PostgreSQL store.

Idempotent and resumable without local state: the central store's last seq for the
repository says where to continue, and each batch is its own transaction, so an interrupted
push resumes where the last committed batch ended. Before anything is sent, the local log must
extend what the central store already holds (same hash at the central head, same latest
checkpoint) and what follows the central store's latest checkpoint must verify — chain, seals,
Merkle tree and signatures, walked on from that checkpoint — so a push costs what it sends,
whatever the log's length (`audit verify` checks the whole log).
Pushes of one chain take turns (a session advisory lock on the chain's name), so two racing
on an empty chain send its records once; the store itself checks every row (central.sql).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from itertools import chain
from typing import TYPE_CHECKING, Any

from lacuna_cli.audit.chain import RECORD_FIELDS
from lacuna_cli.central.db import connect, first_line
from lacuna_cli.errors import LacunaError

if TYPE_CHECKING:
    import psycopg

    from lacuna_cli.audit.checkpoint import Checkpoint
    from lacuna_cli.audit.verify import TrustedKey, Verification

BATCH = 20_000
CHECKPOINT_FIELDS = ("seq", "head_hash", "tree_root", "timestamp", "key_id", "signature")


@dataclass
class PushResult:
    repo: str
    records: int
    checkpoints: int
    central_head: int


def init_central(dsn: str) -> None:
    """Create (or upgrade) the append-only central schema; safe to run again."""
    import psycopg

    schema = resources.files("lacuna_cli.audit").joinpath("sql/central.sql").read_text()
    with connect(dsn) as connection:
        try:
            connection.execute(schema)
        except psycopg.Error as exc:
            raise LacunaError(f"cannot create the central schema: {first_line(exc)}") from exc


def central_head(connection: psycopg.Connection, repo: str) -> tuple[int, str | None]:
    row = connection.execute("SELECT seq, hash FROM lacuna.audit_log WHERE chain = %s "
                             "ORDER BY seq DESC LIMIT 1", [repo]).fetchone()
    return (int(row[0]), row[1]) if row else (0, None)


def push(dsn: str, repo: str, local_hash_at: Callable[[int], str | None],
         records_after: Callable[[int], Iterator[dict[str, Any]]],
         checkpoints: list[Checkpoint], before_sending: Callable[[int], None] = lambda seq: None
         ) -> PushResult:
    """Send the records after the central head, in batches; then the missing checkpoints.

    `local_hash_at(seq)` gives the local log's hash at a seq (archive included), to check that
    the central head is a record of this very chain before extending it; `records_after(seq)`
    the local records after a seq, in seq order. `before_sending(seq)` (the verification of
    the local log after the central store's latest checkpoint, at `seq`) runs only when there
    is something to send: a push with nothing new reads one record and sends nothing.
    """
    import psycopg

    with connect(dsn) as connection:
        connection.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))",
                           [f"lacuna.audit_log/{repo}"])  # released when the session ends
        try:
            head_seq, head_hash = central_head(connection, repo)
        except psycopg.errors.UndefinedTable as exc:
            raise LacunaError("the central store has no lacuna schema (run `lacuna audit "
                              "init-central --to ...` first)") from exc
        if head_seq and local_hash_at(head_seq) != head_hash:
            raise LacunaError(f"the central store's chain for {repo} diverges from this log at "
                              f"seq {head_seq}: refusing to push")
        pushed = _matching_checkpoint(connection, repo, checkpoints)
        newer = [c for c in checkpoints if c.seq > pushed]
        records = (r for r in records_after(head_seq) if r["seq"] > head_seq)
        first = next(records, None)
        if first is None and not newer:
            return PushResult(repo, 0, 0, head_seq)
        before_sending(pushed)
        sent = 0
        batch: list[tuple] = []
        for record in chain([first] if first is not None else [], records):
            batch.append((repo, *(record[name] for name in RECORD_FIELDS)))
            if len(batch) >= BATCH:
                sent += _copy(connection, batch)
                batch = []
        sent += _copy(connection, batch)
        pushed_checkpoints = _push_checkpoints(connection, repo, newer)
        return PushResult(repo, sent, pushed_checkpoints, head_seq + sent)


def _copy(connection: psycopg.Connection, rows: list[tuple]) -> int:
    """One batch, one transaction: COPY is the fast path (tens of thousands of rows/s)."""
    if not rows:
        return 0
    import psycopg

    columns = ", ".join(f'"{name}"' for name in ("chain", *RECORD_FIELDS))
    try:
        with (connection.transaction(), connection.cursor() as cursor,
              cursor.copy(f"COPY lacuna.audit_log ({columns}) FROM STDIN") as copy):
            for row in rows:
                copy.write_row(row)
    except psycopg.Error as exc:
        raise LacunaError(f"the central store refused the batch starting at seq {rows[0][1]}: "
                          f"{first_line(exc)}") from exc
    return len(rows)


def _matching_checkpoint(connection: psycopg.Connection, repo: str,
                         checkpoints: list[Checkpoint]) -> int:
    """The seq of the central store's latest checkpoint of `repo` (0: none), which must be
    this log's checkpoint at that seq, field for field: what follows it is what a push
    verifies and sends."""
    columns = ", ".join(f'"{name}"' for name in CHECKPOINT_FIELDS)
    row = connection.execute(f"SELECT {columns} FROM lacuna.checkpoints "
                             "WHERE chain = %s ORDER BY seq DESC LIMIT 1", [repo]).fetchone()
    if row is None:
        return 0
    central = dict(zip(CHECKPOINT_FIELDS, row, strict=True))
    local = next((c for c in checkpoints if c.seq == central["seq"]), None)
    if local is None or any(getattr(local, name) != central[name] for name in CHECKPOINT_FIELDS):
        raise LacunaError(f"the central store's checkpoint at seq {central['seq']} for {repo} "
                          "differs from this log's: refusing to push")
    return int(central["seq"])


def _push_checkpoints(connection: psycopg.Connection, repo: str,
                      newer: list[Checkpoint]) -> int:
    if not newer:
        return 0
    import psycopg

    try:
        with connection.transaction(), connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO lacuna.checkpoints (chain, seq, head_hash, tree_root, "
                "\"timestamp\", key_id, signature) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [(repo, *(getattr(c, name) for name in CHECKPOINT_FIELDS)) for c in newer])
    except psycopg.Error as exc:
        raise LacunaError(f"the central store refused the checkpoints from seq {newer[0].seq}: "
                          f"{first_line(exc)}") from exc
    return len(newer)


def grant_push(dsn: str, repo: str, role: str) -> str | None:
    """Give chain `repo` to login role `role` (made a member of lacuna_ingest); returns the
    role it belonged to before, if another. Run by the store's administrator."""
    import psycopg
    from psycopg import sql

    with connect(dsn) as connection:
        try:
            with connection.transaction():
                connection.execute(sql.SQL("GRANT lacuna_ingest TO {}").format(
                    sql.Identifier(role)))
                row = connection.execute("SELECT pusher FROM lacuna.chains WHERE chain = %s "
                                         "FOR UPDATE", [repo]).fetchone()
                connection.execute(
                    "INSERT INTO lacuna.chains (chain, pusher) VALUES (%s, %s) ON CONFLICT "
                    "(chain) DO UPDATE SET pusher = EXCLUDED.pusher, since = now()",
                    [repo, role])
        except psycopg.Error as exc:
            raise LacunaError(f"cannot give {repo} to role {role}: {first_line(exc)}") from exc
    return row[0] if row and row[0] != role else None


class _Refused(Exception):
    """The local log failed verification right before its records were to be sent."""


def push_verified(db_path: Path, dsn: str, repo: str, trusted: TrustedKey | None
                  ) -> tuple[Verification | None, PushResult | None]:
    """Push the local log, verifying what follows the central store's latest checkpoint
    whenever there is something to send: a log that fails that verification is never sent
    (the result is None, the verification says why). With nothing new only the central head's
    record is read (no verification: None)."""
    from lacuna_cli.store import audit_log as audit_store
    from lacuna_cli.store.audit_archive import archive_dir, read_after
    from lacuna_cli.audit.consistency import hash_at
    from lacuna_cli.audit.verify import verify_after
    from lacuna_cli.store import open_store

    folder = archive_dir(db_path)
    failed: list[Verification] = []
    with open_store(db_path) as connection:
        marks = audit_store.every_checkpoint(connection)

        def verified(pushed: int) -> None:
            # On a connection of its own: the records to send are being read from this one.
            with audit_store.side_connection(connection) as side:
                verification = verify_after(side, folder, marks, pushed, trusted)
            if not verification.ok:
                failed.append(verification)
                raise _Refused

        try:
            result = push(dsn, repo, lambda seq: hash_at(connection, folder, seq),
                          lambda seq: read_after(connection, folder, seq), marks, verified)
        except _Refused:
            return failed[0], None
    return None, result
