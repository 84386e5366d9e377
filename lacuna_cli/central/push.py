"""`lacuna lineage push` (and `audit push`, alongside the records): a repository's lineage into
the central store.

Idempotent and resumable like the audit push: a push is named by its content's digest, so the
same content is sent once; its rows go in COPY batches, one transaction each, numbered, so an
interrupted push continues after the last committed batch. When every row is in, the store
checks the counts and makes the push the repository's current view (`lacuna.lineage_publish`);
earlier pushes stay as history. Pushes of one repository take turns (an advisory lock).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lacuna_cli.central.db import connect, first_line
from lacuna_cli.central.snapshot import (
    COLUMN_EDGE_COLUMNS, EDGE_COLUMNS, NODE_COLUMNS, Snapshot,
)
from lacuna_cli.errors import LacunaError

if TYPE_CHECKING:
    import psycopg

BATCH = 20_000
# Each table a push fills, and the view through which a pusher counts what it already holds.
VIEWS = {"lineage_nodes": "visible_nodes", "lineage_edges": "visible_edges",
         "lineage_column_edges": "visible_column_edges"}


@dataclass
class LineagePush:
    repo: str
    push_id: int
    nodes: int  # rows sent by this run
    edges: int
    column_edges: int
    unchanged: bool  # the store's current view already was this content


def push(url: str, repo: str, snapshot: Snapshot, commit: str = "") -> LineagePush:
    import psycopg

    with connect(url) as connection:
        connection.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))",
                           [f"lacuna.lineage/{repo}/{snapshot.kind}"])  # until disconnect
        try:
            current = _current(connection, repo, snapshot.kind)
        except psycopg.errors.UndefinedTable as exc:
            raise LacunaError("the central store has no lineage schema (run `lacuna audit "
                              "init-central --to ...` first)") from exc
        if current is not None and current[1] == snapshot.digest:
            return LineagePush(repo, int(current[0]), 0, 0, 0, unchanged=True)
        push_id = _open(connection, repo, snapshot, commit)
        sent_nodes = _send(connection, "lineage_nodes", NODE_COLUMNS, repo, push_id,
                           snapshot.nodes)
        sent_edges = _send(connection, "lineage_edges", EDGE_COLUMNS, repo, push_id,
                           snapshot.edges)
        sent_columns = _send(connection, "lineage_column_edges", COLUMN_EDGE_COLUMNS, repo,
                             push_id, snapshot.column_edges)
        try:
            connection.execute("SELECT lacuna.lineage_publish(%s)", [push_id])
        except psycopg.Error as exc:
            raise LacunaError(f"the central store refused to publish push {push_id} of {repo}: "
                              f"{first_line(exc)}") from exc
        return LineagePush(repo, push_id, sent_nodes, sent_edges, sent_columns,
                           unchanged=False)


def _current(connection: psycopg.Connection, repo: str, kind: str) -> tuple | None:
    """(push id, digest) of the repository's current view, read as pushers may (the view)."""
    return connection.execute(
        "SELECT c.push_id, p.digest FROM lacuna.current_pushes c JOIN lacuna.lineage_pushes p "
        "USING (push_id) WHERE c.repo = %s AND c.kind = %s", [repo, kind]).fetchone()


def _open(connection: psycopg.Connection, repo: str, snapshot: Snapshot, commit: str) -> int:
    """The push of this content: an unfinished one to resume, or a new one."""
    import psycopg

    try:
        row = connection.execute(
            "INSERT INTO lacuna.lineage_pushes (repo, kind, digest, \"commit\", nodes, edges, "
            "column_edges) VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (repo, kind, digest) "
            "DO NOTHING RETURNING push_id",
            [repo, snapshot.kind, snapshot.digest, commit, len(snapshot.nodes),
             len(snapshot.edges), len(snapshot.column_edges)]).fetchone()
        if row is None:
            row = connection.execute(
                "SELECT push_id FROM lacuna.lineage_pushes WHERE repo = %s AND kind = %s AND "
                "digest = %s", [repo, snapshot.kind, snapshot.digest]).fetchone()
    except psycopg.Error as exc:
        raise LacunaError(f"the central store refused a push of {repo}: {first_line(exc)}"
                          ) from exc
    assert row is not None  # inserted, or there already
    return int(row[0])


_SPECIAL = re.compile(r"[\\\t\n\r]")


def copy_line(row: tuple) -> str:
    """One row in COPY's text format. Formatting rows here, in one string per batch, measured
    about twice as fast as handing psycopg each row's values (its array dumpers cost most)."""
    return "\t".join(_field(value) for value in row) + "\n"


def _field(value: object) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, list):
        quoted = ('"' + item.replace("\\", "\\\\").replace('"', '\\"') + '"' for item in value)
        value = "{" + ",".join(quoted) + "}"
    text = str(value)
    if _SPECIAL.search(text) is None:
        return text
    return (text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            .replace("\r", "\\r"))


def _send(connection: psycopg.Connection, table: str, columns: Sequence[str], repo: str,
          push_id: int, rows: list[tuple]) -> int:
    """The rows after those already stored for this push, BATCH at a time."""
    import psycopg

    if not rows:
        return 0
    counted = connection.execute(f"SELECT count(*) FROM lacuna.{VIEWS[table]} WHERE push_id = %s",
                                 [push_id]).fetchone()
    stored = counted[0] if counted else 0
    quoted = ", ".join(("push_id", "seq", "repo", *columns))
    sent = 0
    for start in range(int(stored), len(rows), BATCH):
        batch = rows[start:start + BATCH]
        try:
            with connection.transaction(), connection.cursor() as cursor, cursor.copy(
                    f"COPY lacuna.{table} ({quoted}) FROM STDIN") as copy:
                copy.write("".join(copy_line((push_id, seq, repo, *row))
                                   for seq, row in enumerate(batch, start + 1)).encode())
        except psycopg.Error as exc:
            raise LacunaError(f"the central store refused {table} rows {start + 1}.."
                              f"{start + len(batch)} of {repo}: {first_line(exc)}") from exc
        sent += len(batch)
    return sent
