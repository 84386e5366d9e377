"""Appending to and reading the audit log table: one transaction per run, metadata only."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lacuna_cli.audit import merkle
from lacuna_cli.store import audit_archive as archive
from lacuna_cli.store import audit_log as audit_store
from lacuna_cli.audit import checkpoint as checkpoints
from lacuna_cli.audit.chain import RECORD_FIELDS, link_rows
from lacuna_cli.audit.keys import load_private
from lacuna_cli.gitinfo import RunIdentity
from lacuna_cli.models import Finding
from lacuna_cli.store import insert_json_lines, transaction

if TYPE_CHECKING:
    import duckdb


INSERT_BATCH = 25_000  # records chained while the batch before is inserted


def utc_now() -> str:
    """UTC, microseconds, `Z` suffix: a string stored and re-read byte for byte."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entries_for(findings: list[Finding], identity: RunIdentity, timestamp: str) -> list[dict]:
    """One audit entry per finding: what was decided about which resource, never data values."""
    entries = []
    for finding, event_id in zip(findings, event_ids(len(findings)), strict=True):
        op, decision = finding.operation, finding.decision
        result = "suppressed" if finding.suppression else (
            "allowed" if decision.allowed else "denied")
        reasoning = decision.reasoning
        if finding.suppression:
            reasoning = (f"{reasoning} [suppressed ({finding.suppression.kind}): "
                         f"{finding.suppression.reason}]")
        entries.append({
            "event_id": event_id, "timestamp": timestamp, "actor": identity.actor,
            "repo": identity.repo, "commit": identity.commit,
            "event_type": "suppression" if finding.suppression else "decision",
            "resource": op.target, "action": op.action,
            "tier": finding.classification.tier.value, "tags": list(finding.classification.tags),
            "result": result, "policy_id": decision.policy_id,
            "policy_version": decision.policy_version, "reasoning": reasoning,
            "location": op.location.display(column=False),
        })
    return entries


def event_ids(count: int) -> list[str]:
    """`count` random (version 4) UUIDs in their text form, from one read of the OS's random
    source: `uuid.uuid4()` reads it once per id, which costs more than deciding the operation."""
    random = bytearray(os.urandom(16 * count))
    random[6::16] = bytes(b & 0x0F | 0x40 for b in random[6::16])  # version 4
    random[8::16] = bytes(b & 0x3F | 0x80 for b in random[8::16])  # RFC 4122 variant
    text = random.hex()
    return [f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
            for h in (text[i:i + 32] for i in range(0, len(text), 32))]


def append(connection: duckdb.DuckDBPyConnection, entries: list[dict]) -> list[dict[str, Any]]:
    """Chain `entries` after the current head and insert them; the caller owns the transaction.
    An archive a kill interrupted is settled first (`archive.recover`).

    In batches, each inserted by another thread while this one chains the next: DuckDB lets
    go of the GIL while it reads and indexes a batch, so the two overlap on two cores. One
    thread at a time uses the connection."""
    if folder := archive.folder_of(connection):
        archive.recover(connection, folder)
    head_seq, head_hash = audit_store.head(connection)
    records: list[dict[str, Any]] = []
    with ThreadPoolExecutor(1) as pool:
        inserting: Future[None] | None = None
        for start in range(0, len(entries), INSERT_BATCH):
            linked, lines = link_rows(entries[start:start + INSERT_BATCH], head_seq, head_hash)
            if inserting is not None:
                inserting.result()
            inserting = pool.submit(insert_json_lines, connection, "audit_log", RECORD_FIELDS,
                                    lines)
            records += linked
            head_seq, head_hash = records[-1]["seq"], records[-1]["hash"]
        if inserting is not None:
            inserting.result()
    return records


def checkpoint(connection: duckdb.DuckDBPyConnection, records: list[dict[str, Any]],
               timestamp: str, key_path: Path) -> None:
    """Sign and store the checkpoint that seals the records just appended (if any).

    `timestamp` must be the one the records carry: verification takes a record stamped
    differently from the checkpoint that seals it for one appended outside a run.
    """
    if not records:
        return
    key = load_private(key_path) if key_path.exists() else None
    frontier = _frontier_before(connection, records[0]["seq"])
    audit_store.insert_checkpoint(connection, checkpoints.seal(frontier, records, timestamp, key))


def record(connection: duckdb.DuckDBPyConnection, entries: list[dict], timestamp: str,
           key_path: Path) -> list[dict[str, Any]]:
    """Append `entries` (stamped `timestamp`) and seal them with a checkpoint: what every
    audited write does, inside the caller's `store.transaction`."""
    records = append(connection, entries)
    checkpoint(connection, records, timestamp, key_path)
    return records


def _frontier_before(connection: duckdb.DuckDBPyConnection, seq: int) -> list[tuple[int, bytes]]:
    """The Merkle tree's right edge over every record before `seq`.

    Normally the latest checkpoint's frontier. Records after it (appended outside a run) are
    added, and a frontier that does not match its signed tree head is rebuilt from the
    records, so the tree head of an honest run is right whatever was done to the log before —
    verification reports that, not this run.
    """
    latest = audit_store.latest_checkpoint(connection)
    usable = latest if (latest is not None and latest.seq < seq
                        and checkpoints.frontier_problem(latest) is None) else None
    frontier = checkpoints.decode_frontier(usable.frontier) if usable else []
    covered = usable.seq if usable else 0
    if covered < seq - 1:
        stored = audit_store.hashes(connection, audit_store.whole_log(connection), covered, seq)
        frontier = merkle.extend(frontier, merkle.leaf_hashes(map(bytes.fromhex, stored)))
    return frontier


def record_events(connection: duckdb.DuckDBPyConnection, change: Callable[[], list[dict]],
                  timestamp: str, key_path: Path) -> list[dict[str, Any]]:
    """Make a change outside a check (an override set or withdrawn, a signing key put in use)
    and append the audit entries it returns with their own checkpoint, in one transaction:
    the change and its records, or neither."""
    with transaction(connection):
        records = append(connection, change())
        checkpoint(connection, records, timestamp, key_path)
    return records
