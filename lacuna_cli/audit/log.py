"""Appending to and reading the audit log table: one transaction per run, metadata only."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lacuna_cli.audit import checkpoint as checkpoints
from lacuna_cli.audit.chain import GENESIS_HASH, RECORD_FIELDS, link
from lacuna_cli.audit.keys import load_private
from lacuna_cli.gitinfo import RunIdentity
from lacuna_cli.models import Finding
from lacuna_cli.store import insert_columns

if TYPE_CHECKING:
    import duckdb

COLUMNS_SQL = ", ".join(f'"{name}"' for name in RECORD_FIELDS)


def utc_now() -> str:
    """UTC, microseconds, `Z` suffix: a string stored and re-read byte for byte."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entries_for(findings: list[Finding], identity: RunIdentity, timestamp: str) -> list[dict]:
    """One audit entry per finding: what was decided about which resource, never data values."""
    entries = []
    for finding in findings:
        op, decision = finding.operation, finding.decision
        result = "suppressed" if finding.suppression else (
            "allowed" if decision.allowed else "denied")
        resource = op.destination.name if op.destination else ", ".join(
            s.name for s in op.sources) or "(none)"
        cell = f"#cell{op.location.cell}" if op.location.cell is not None else ""
        reasoning = decision.reasoning
        if finding.suppression:
            reasoning = f"{reasoning} [suppressed ({finding.suppression.kind}): " \
                        f"{finding.suppression.reason}]"
        entries.append({
            "event_id": str(uuid.uuid4()), "timestamp": timestamp, "actor": identity.actor,
            "repo": identity.repo, "commit": identity.commit,
            "event_type": "suppression" if finding.suppression else "decision",
            "resource": resource, "action": op.action,
            "tier": finding.classification.tier.value, "tags": list(finding.classification.tags),
            "result": result, "policy_id": decision.policy_id,
            "policy_version": decision.policy_version, "reasoning": reasoning,
            "location": f"{op.location.path}{cell}:{op.location.line}",
        })
    return entries


def head(connection: duckdb.DuckDBPyConnection) -> tuple[int, str]:
    """(seq, hash) of the last record — from the live table, or from the latest checkpoint
    when every record has been archived."""
    row = connection.execute("""
        SELECT seq, hash FROM (
            SELECT seq, hash FROM audit_log
            UNION ALL SELECT seq, head_hash FROM checkpoints)
        ORDER BY seq DESC LIMIT 1""").fetchone()
    return (int(row[0]), row[1]) if row else (0, GENESIS_HASH)


def append(connection: duckdb.DuckDBPyConnection, entries: list[dict]) -> list[dict[str, Any]]:
    """Chain `entries` after the current head and insert them; the caller owns the transaction."""
    head_seq, head_hash = head(connection)
    records = link(entries, head_seq, head_hash)
    insert_columns(connection, "audit_log", RECORD_FIELDS, records)
    return records


def checkpoint(connection: duckdb.DuckDBPyConnection, records: list[dict[str, Any]],
               timestamp: str, key_path: Path) -> None:
    """Sign and store the checkpoint that covers the records just appended (if any)."""
    if not records:
        return
    key = load_private(key_path) if key_path.exists() else None
    checkpoints.insert(connection, checkpoints.extend(
        checkpoints.latest(connection), records, timestamp, key))


def read(connection: duckdb.DuckDBPyConnection, where: str = "", params: list[Any] | None = None,
         ) -> Iterator[dict[str, Any]]:
    """Records of the live table in seq order as dicts, streamed in batches."""
    return read_rows(connection, f"SELECT {COLUMNS_SQL} FROM audit_log", where, params)


def read_rows(connection: duckdb.DuckDBPyConnection, source: str, where: str = "",
              params: list[Any] | None = None) -> Iterator[dict[str, Any]]:
    """Records of any relation with the log's columns (live table, archives) in seq order."""
    cursor = connection.execute(f"SELECT {COLUMNS_SQL} FROM ({source}) {where} ORDER BY seq",
                                params or [])
    while batch := cursor.fetchmany(10_000):
        for row in batch:
            yield dict(zip(RECORD_FIELDS, row, strict=True))
