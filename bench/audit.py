"""Audit store throughput: appends/s, verified records/s, pushed records/s.

    python bench/audit.py [--records 1000000] [--pg postgresql://...]

One run appending 100,000 decisions (chain + insert + checkpoint, one transaction), a full
verification (chain, Merkle tree, checkpoints) over --records records, and, when --pg (or
LACUNA_TEST_PG_DSN) is given, a push of a 200,000-record log to PostgreSQL, a push with
nothing new and a push of one more run (`audit push`'s path). Medians are
not needed here: each figure is one long run; compare figures within one run of the script.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from pathlib import Path

from lacuna_cli.audit import checkpoint as checkpoints
from lacuna_cli.audit import log as audit_log
from lacuna_cli.store import audit_log as audit_store
from lacuna_cli.audit.verify import verify_store
from lacuna_cli.store import open_store

APPEND_RUN = 100_000


def stamp(run: int) -> str:
    """A run's clock reading: its records and the checkpoint that seals them carry it."""
    return f"2026-11-01T{run // 3600 % 24:02d}:{run // 60 % 60:02d}:{run % 60:02d}.000000Z"


def entries(count: int, run: int) -> list[dict]:
    return [{"event_id": str(uuid.uuid4()), "timestamp": stamp(run),
             "actor": "ana@acme.example", "repo": "shop", "commit": "0" * 40,
             "event_type": "decision", "resource": f"reports/part-{i % 97}.csv",
             "action": "write", "tier": "INTERNAL",
             "tags": ["DERIVED_FROM_PROPRIETARY", "FINANCIAL"],
             "result": "allowed", "policy_id": "LACUNA-DEFAULT", "policy_version": "1.0.0",
             "reasoning": "no rule of LACUNA-DEFAULT 1.0.0 denies this write to reports/x.csv",
             "location": f"pipelines/job_{i % 13}.py:{i % 300}"} for i in range(count)]


def append_run(db: Path, count: int, run: int) -> float:
    batch = entries(count, run)
    start = time.perf_counter()
    with open_store(db, write=True) as connection:
        connection.execute("BEGIN TRANSACTION")
        records = audit_log.append(connection, batch)
        audit_store.insert_checkpoint(connection, checkpoints.extend(
            audit_store.latest_checkpoint(connection), records, stamp(run), None))
        connection.execute("COMMIT")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--pg", default=os.environ.get("LACUNA_TEST_PG_DSN"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        db = Path(scratch) / "lacuna.duckdb"
        first = append_run(db, APPEND_RUN, 0)
        print(f"append: {APPEND_RUN:,} decisions in one run: {first:.2f} s = "
              f"{APPEND_RUN / first:,.0f} appends/s (target >= 50,000)")
        for run in range(1, args.records // APPEND_RUN):
            append_run(db, APPEND_RUN, run)
        with open_store(db) as connection:
            start, cpu = time.perf_counter(), time.process_time()
            result = verify_store(connection, db.parent / "archive",
                                  audit_store.every_checkpoint(connection))
            elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        assert result.ok, result.problems[:3]
        print(f"verify: {result.records:,} records, {result.checkpoints} checkpoints: "
              f"{elapsed:.2f} s = {result.records / elapsed:,.0f} records/s (target >= 300,000); "
              f"{cpu:.2f} s CPU (DuckDB's threads included), load average "
              f"{os.getloadavg()[0]:.1f}")
        if args.pg:
            push_figures(Path(scratch), args.pg, min(200_000, result.records))


def push_figures(scratch: Path, dsn: str, count: int) -> None:
    """Onto a new chain, from a log of `count` records (its own database): a push of every
    record (COPY, no verification: the figure compares with earlier runs), then `audit push`'s
    own path (`push_verified`) with nothing new — which must cost what there is to send, not a
    re-read of the log — and with one more run, verified from the central checkpoint on."""
    from lacuna_cli.audit.consistency import hash_at
    from lacuna_cli.audit.push import init_central, push, push_verified

    db = scratch / "push" / "lacuna.duckdb"
    db.parent.mkdir()
    runs = max(1, count // APPEND_RUN)
    for run in range(runs):
        append_run(db, APPEND_RUN, run)
    init_central(dsn)
    chain = f"bench-{uuid.uuid4().hex[:8]}"
    with open_store(db) as connection:
        marks = audit_store.every_checkpoint(connection)
        start = time.perf_counter()
        pushed = push(dsn, chain, lambda seq: hash_at(connection, db.parent / "archive", seq),
                      lambda seq: audit_store.live_records(connection, "WHERE seq > ?", [seq]),
                      marks)
        elapsed = time.perf_counter() - start
    start, cpu = time.perf_counter(), time.process_time()
    _, again = push_verified(db, dsn, chain, None)
    nothing, nothing_cpu = time.perf_counter() - start, time.process_time() - cpu
    append_run(db, APPEND_RUN, runs)
    start, cpu = time.perf_counter(), time.process_time()
    _, more = push_verified(db, dsn, chain, None)
    one_more, one_more_cpu = time.perf_counter() - start, time.process_time() - cpu
    assert again is not None and more is not None
    print(f"push:   {pushed.records:,} records to PostgreSQL: {elapsed:.2f} s = "
          f"{pushed.records / elapsed:,.0f} records/s (target >= 30,000)")
    print(f"push with nothing new (audit push's path; {again.records} sent, log of "
          f"{pushed.records:,} records): {nothing:.3f} s, {nothing_cpu:.3f} s CPU")
    print(f"push of one more run (audit push's path: {more.records:,} records verified from the "
          f"central checkpoint and sent, log of {more.central_head:,}): {one_more:.2f} s, "
          f"{one_more_cpu:.2f} s CPU")


if __name__ == "__main__":
    main()
