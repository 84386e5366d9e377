"""`audit push` costs what it sends: it reads and verifies only the records and checkpoints
after the central store's latest checkpoint, and refuses when those fail verification or when
the local log no longer matches what the central store holds (needs LACUNA_TEST_PG_DSN)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import postgres_dsn
from lacuna_cli.audit import push as push_module
from lacuna_cli.audit import verify as verify_module
from lacuna_cli.store import audit_archive

DSN = postgres_dsn()
psycopg = pytest.importorskip("psycopg")


@pytest.fixture(scope="module")
def central() -> str:
    from conftest import run_lacuna
    created = run_lacuna("audit", "init-central", "--to", DSN)
    assert created.code == 0, created.stderr
    return DSN


def database(project: Path) -> Path:
    return project / ".lacuna" / "lacuna.duckdb"


def central_seqs(chain: str) -> list[int]:
    with psycopg.connect(DSN) as connection:
        return [seq for (seq,) in connection.execute(
            "SELECT seq FROM lacuna.audit_log WHERE chain = %s ORDER BY seq", [chain])]


def local_seq_range(project: Path) -> tuple[int, int]:
    import duckdb
    with duckdb.connect(str(database(project)), read_only=True) as connection:
        first, last = connection.execute("SELECT min(seq), max(seq) FROM audit_log").fetchone()
    return first, last


@pytest.fixture
def records_read(monkeypatch) -> list[int]:
    """The seq of every record the push reads as a record (to send it or to verify it),
    through the one reader both use."""
    seen: list[int] = []
    real = audit_archive.read_rows

    def counting(*args: Any, **kwargs: Any) -> Iterator[dict[str, Any]]:
        for row in real(*args, **kwargs):
            seen.append(row["seq"])
            yield row

    monkeypatch.setattr(audit_archive, "read_rows", counting)
    monkeypatch.setattr(verify_module, "read_rows", counting)
    return seen


def pushed_once(shop: Path, lacuna, central: str, chain: str) -> list[int]:
    """A check pushed to a new chain: the seqs the central store then holds."""
    lacuna("check", ".", cwd=shop)
    assert lacuna("audit", "push", "--to", central, "--repo", chain, cwd=shop).code == 0
    return central_seqs(chain)


def assert_refused(shop: Path, lacuna, central: str, chain: str, seq: int, kind: str,
                   before: list[int]) -> None:
    """The next push fails verification at `seq` and sends nothing."""
    refused = lacuna("audit", "push", "--to", central, "--repo", chain, cwd=shop)
    assert refused.code == 1
    assert f"fails verification at seq {seq} ({kind}" in refused.stdout
    assert central_seqs(chain) == before


def test_a_push_reads_only_what_follows_the_central_checkpoint(
        shop: Path, lacuna, central, records_read: list[int]) -> None:
    chain = f"reads-{uuid.uuid4().hex[:8]}"
    pushed = pushed_once(shop, lacuna, central, chain)[-1]

    verification, result = push_module.push_verified(database(shop), central, chain, None)
    assert verification is None and result is not None and result.records == 0
    assert records_read == []  # nothing new: not one record read

    lacuna("check", ".", cwd=shop)
    _, last = local_seq_range(shop)
    verification, result = push_module.push_verified(database(shop), central, chain, None)
    assert verification is None and result is not None
    assert result.records == last - pushed and result.checkpoints == 1
    assert set(records_read) == set(range(pushed + 1, last + 1))  # verified, then sent
    assert central_seqs(chain) == list(range(1, last + 1))


def test_an_edited_record_not_pushed_yet_refuses_the_push(shop: Path, lacuna, central) -> None:
    import duckdb
    chain = f"new-edit-{uuid.uuid4().hex[:8]}"
    before = pushed_once(shop, lacuna, central, chain)
    lacuna("check", ".", cwd=shop)
    edited = before[-1] + 2
    with duckdb.connect(str(database(shop))) as connection:
        connection.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = ?", [edited])
    assert_refused(shop, lacuna, central, chain, edited, "edited", before)


def test_records_appended_outside_a_run_after_the_push_refuse_it(
        shop: Path, lacuna, central) -> None:
    """A record chained and hashed correctly but sealed by no checkpoint is caught by the
    push's own verification, not only by the central store."""
    import duckdb

    from lacuna_cli.audit.chain import RECORD_FIELDS, link
    chain = f"unsealed-{uuid.uuid4().hex[:8]}"
    before = pushed_once(shop, lacuna, central, chain)
    columns = ", ".join(f'"{name}"' for name in RECORD_FIELDS)
    with duckdb.connect(str(database(shop))) as connection:
        row = connection.execute(f"SELECT {columns} FROM audit_log ORDER BY seq DESC "
                                 "LIMIT 1").fetchone()
        last = dict(zip(RECORD_FIELDS, row, strict=True))
        body = {k: v for k, v in last.items() if k not in ("seq", "prev_hash", "hash")}
        (forged,) = link([{**body, "event_id": str(uuid.uuid4()),
                           "timestamp": "2030-01-01T00:00:00.000000Z"}],
                         last["seq"], last["hash"])
        connection.execute(f"INSERT INTO audit_log ({columns}) "
                           f"VALUES ({', '.join('?' for _ in RECORD_FIELDS)})",
                           [forged[name] for name in RECORD_FIELDS])
    assert_refused(shop, lacuna, central, chain, forged["seq"], "unsealed", before)


def test_a_local_checkpoint_that_differs_from_the_central_copy_refuses_the_push(
        shop: Path, lacuna, central) -> None:
    """The push walks on from the central store's latest checkpoint, so the local copy of it
    must be the one the central store holds."""
    import duckdb
    chain = f"cp-{uuid.uuid4().hex[:8]}"
    before = pushed_once(shop, lacuna, central, chain)
    with duckdb.connect(str(database(shop))) as connection:
        connection.execute("UPDATE checkpoints SET tree_root = ? WHERE seq = ?",
                           ["0" * 64, before[-1]])
    lacuna("check", ".", cwd=shop)
    refused = lacuna("audit", "push", "--to", central, "--repo", chain, cwd=shop)
    assert refused.code == 2
    assert f"checkpoint at seq {before[-1]} for {chain} differs" in refused.stderr
    assert central_seqs(chain) == before


def test_a_push_does_not_reread_archive_files_it_already_sent(shop: Path, lacuna,
                                                               central) -> None:
    """Records pushed, then archived, then edited in their Parquet file: the next push
    (with new records) reads no file it sent before and succeeds; `audit verify` names the
    altered file."""
    import duckdb
    chain = f"archived-{uuid.uuid4().hex[:8]}"
    pushed = pushed_once(shop, lacuna, central, chain)
    assert lacuna("audit", "archive", "--before", "2999-01-01", cwd=shop).code == 0
    (archived,) = (shop / ".lacuna" / "archive").glob("audit-*.parquet")
    edited = archived.with_name("edited.parquet")
    with duckdb.connect() as connection:
        connection.execute(f"COPY (SELECT * REPLACE ('mallory' AS actor) FROM "
                           f"read_parquet('{archived}')) TO '{edited}' (FORMAT parquet)")
    edited.replace(archived)
    lacuna("check", ".", cwd=shop)
    more = lacuna("audit", "push", "--to", central, "--repo", chain, cwd=shop)
    assert more.code == 0, more.stdout + more.stderr
    assert central_seqs(chain)[:len(pushed)] == pushed and len(central_seqs(chain)) > len(pushed)
    verified = lacuna("audit", "verify", cwd=shop)
    assert verified.code == 1 and "archive-altered" in verified.stdout


def test_a_push_larger_than_one_read_batch_sends_every_record(tmp_path: Path, central) -> None:
    """The records to send are streamed in batches while the verification reads the same
    database: neither may cut the other short."""
    from lacuna_cli.audit import log as audit_log
    from lacuna_cli.store import open_store, transaction

    db = tmp_path / ".lacuna" / "lacuna.duckdb"
    db.parent.mkdir()
    for run in range(2):
        stamp = f"2026-11-01T00:00:0{run}.000000Z"
        entries = [{"event_id": str(uuid.uuid4()), "timestamp": stamp, "actor": "ana",
                    "repo": "big", "commit": "0" * 40, "event_type": "decision",
                    "resource": f"out/{i}.csv", "action": "write", "tier": "INTERNAL",
                    "tags": [], "result": "allowed", "policy_id": "P", "policy_version": "1",
                    "reasoning": "allowed", "location": f"job.py:{i}"} for i in range(12_000)]
        with open_store(db, write=True) as connection, transaction(connection):
            audit_log.record(connection, entries, stamp, tmp_path / "no-key.pem")
    chain = f"big-{uuid.uuid4().hex[:8]}"
    verification, result = push_module.push_verified(db, central, chain, None)
    assert verification is None and result is not None
    assert (result.records, result.checkpoints) == (24_000, 2)
    assert central_seqs(chain) == list(range(1, 24_001))
