"""A kill at any moment leaves an audit log that reads the same and that the next run settles:
`audit archive` killed mid-way (for real, and in each state a kill can leave), and the
bulk-insert files a killed `check` leaves behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import duckdb
import pytest

from conftest import run_lacuna

DB = Path(".lacuna") / "lacuna.duckdb"
ARCHIVE = Path(".lacuna") / "archive"


def verified(project: Path) -> dict:
    result = run_lacuna("audit", "verify", "--format", "json", cwd=project)
    document = json.loads(result.stdout)
    assert result.code == 0 and document["ok"], (result.stdout, result.stderr)
    return document


def logged_seqs(project: Path) -> list[int]:
    result = run_lacuna("audit", "log", "--format", "json", cwd=project)
    assert result.code == 0, result.stderr
    return [record["seq"] for record in json.loads(result.stdout)["records"]]


def archive_files(project: Path) -> list[str]:
    return sorted(path.name for path in (project / ARCHIVE).glob("*"))


@pytest.fixture
def archived(shop: Path) -> tuple[Path, int]:
    """Two runs archived, a third live: (project, number of records)."""
    for _ in range(2):
        assert run_lacuna("check", ".", cwd=shop).code == 1
    assert run_lacuna("audit", "archive", "--before", "2999-01-01", cwd=shop).code == 0
    assert run_lacuna("check", ".", cwd=shop).code == 1
    return shop, verified(shop)["records"]


def interrupt_last_archive(project: Path, forget_manifest: bool = False) -> Path:
    """Put the log back in the state a kill leaves between the rename of the newest archive
    file and the commit that deletes its records: the records live again, the file 'pending'
    (or, as an older Lacuna left it, unknown to the manifest)."""
    (path,) = sorted((project / ARCHIVE).glob("audit-*.parquet"))[-1:]
    with duckdb.connect(str(project / DB)) as connection:
        connection.execute(f"INSERT INTO audit_log SELECT * FROM read_parquet('{path}')")
        if forget_manifest:
            connection.execute("DELETE FROM audit_archives WHERE name = ?", [path.name])
        else:
            connection.execute("UPDATE audit_archives SET state = 'pending' WHERE name = ?",
                               [path.name])
    return path


@pytest.mark.parametrize("forget_manifest", [False, True], ids=["pending", "older-lacuna"])
def test_an_archive_killed_before_its_commit_reads_the_same_and_is_finished(
        archived: tuple[Path, int], forget_manifest: bool) -> None:
    project, count = archived
    before = logged_seqs(project)
    interrupt_last_archive(project, forget_manifest)
    assert verified(project)["records"] == count  # no duplicate: the copy is left out
    assert logged_seqs(project) == before
    assert run_lacuna("audit", "archive", "--before", "2999-01-01", cwd=project).code == 0
    assert verified(project)["records"] == count
    assert logged_seqs(project) == before
    with duckdb.connect(str(project / DB), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM audit_log").fetchone() == (0,)
        states = connection.execute("SELECT state FROM audit_archives").fetchall()
    assert states == [("archived",), ("archived",)]


def test_a_truncated_copy_left_by_an_older_lacuna_is_rolled_back(
        archived: tuple[Path, int]) -> None:
    project, count = archived
    path = interrupt_last_archive(project, forget_manifest=True)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    assert verified(project)["records"] == count
    assert run_lacuna("check", ".", cwd=project).code == 1  # the next write settles it
    assert not path.exists()
    assert verified(project)["records"] == count + count // 3
    assert run_lacuna("audit", "archive", "--before", "2999-01-01", cwd=project).code == 0
    assert verified(project)["records"] == count + count // 3


def test_stray_temp_files_are_left_out_and_removed(archived: tuple[Path, int]) -> None:
    project, count = archived
    stray = project / ARCHIVE / "audit-000000000057-000000000084.parquet.tmp"
    stray.write_bytes(b"PAR1 half a file")
    ndjson = [project / ".lacuna" / "tmpk3x9.ndjson",
              project / ".lacuna" / "lacuna.duckdb.insert-k3x9.ndjson"]
    for path in ndjson:
        path.write_text('{"seq": 1}\n')
    assert verified(project)["records"] == count
    assert run_lacuna("check", ".", cwd=project).code == 1
    assert not stray.exists() and not any(path.exists() for path in ndjson)
    assert verified(project)["records"] == count + count // 3


def synthetic_log(project: Path, runs: int, per_run: int) -> None:
    """A large log written the way `check` writes it (records and their checkpoint per run)."""
    from lacuna_cli.audit import log as audit_log
    from lacuna_cli.store import open_store

    with open_store(project / DB, write=True) as connection:
        for run in range(runs):
            stamp = f"2026-01-{run + 1:02d}T00:00:00.000000Z"
            entries = [{"event_id": str(uuid.uuid4()), "timestamp": stamp, "actor": "dev",
                        "repo": "shop", "commit": "c", "event_type": "decision",
                        "resource": f"reports/r{i % 50}.csv", "action": "write",
                        "tier": "INTERNAL", "tags": ["FINANCIAL"], "result": "allowed",
                        "policy_id": "P", "policy_version": "1", "reasoning": "ok",
                        "location": f"job.py:{i}"} for i in range(per_run)]
            connection.execute("BEGIN TRANSACTION")
            records = audit_log.append(connection, entries)
            audit_log.checkpoint(connection, records, stamp, project / "no-key.pem")
            connection.execute("COMMIT")


def test_a_real_kill_during_archive(tmp_path: Path) -> None:
    """SIGKILL as soon as the archive's temp file appears, then read, settle, read again."""
    project = tmp_path / "big"
    project.mkdir()
    synthetic_log(project, runs=4, per_run=15_000)
    before = verified(project)["records"]
    environment = {**os.environ, "NO_COLOR": "1"}
    archiving = subprocess.Popen(
        [sys.executable, "-m", "lacuna_cli", "audit", "archive", "--before", "2026-01-04"],
        cwd=project, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while archiving.poll() is None and time.monotonic() < deadline:
        if list((project / ARCHIVE).glob("*.tmp")):
            os.kill(archiving.pid, signal.SIGKILL)
            break
        time.sleep(0.002)
    archiving.wait(60)
    assert verified(project)["records"] == before
    finished = run_lacuna("audit", "archive", "--before", "2026-01-04", cwd=project)
    assert finished.code == 0, finished.stderr
    assert verified(project)["records"] == before
    assert [name for name in archive_files(project) if name.endswith(".tmp")] == []
    with duckdb.connect(str(project / DB), read_only=True) as connection:
        assert connection.execute("SELECT min(seq) FROM audit_log").fetchone() == (45_001,)
