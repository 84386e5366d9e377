"""`audit push` against a real PostgreSQL server (.ci/run starts one: LACUNA_TEST_PG_DSN)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from lacuna_cli.audit import push as push_module

DSN = os.environ.get("LACUNA_TEST_PG_DSN")
if not DSN:
    if os.environ.get("CI"):
        raise RuntimeError("LACUNA_TEST_PG_DSN is not set: .ci/run starts PostgreSQL for these")
    pytest.skip("no PostgreSQL server (run `eval \"$(bash .ci/start-postgres)\"`)",
                allow_module_level=True)

psycopg = pytest.importorskip("psycopg")


@pytest.fixture(scope="module")
def central(lacuna_module) -> str:
    result = lacuna_module("audit", "init-central", "--to", DSN)
    assert result.code == 0, result.stderr
    again = lacuna_module("audit", "init-central", "--to", DSN)
    assert again.code == 0, again.stderr  # idempotent
    return DSN


@pytest.fixture(scope="module")
def lacuna_module():
    from conftest import run_lacuna
    return run_lacuna


def central_rows(chain: str) -> list[tuple]:
    with psycopg.connect(DSN) as connection:
        return connection.execute("SELECT seq, hash, prev_hash FROM lacuna.audit_log "
                                  "WHERE chain = %s ORDER BY seq", [chain]).fetchall()


def local_count(lacuna, project: Path) -> int:
    import json
    return json.loads(lacuna("audit", "verify", "--format", "json", cwd=project).stdout)["records"]


def test_push_is_idempotent_and_continues_the_chain(shop: Path, lacuna, central) -> None:
    chain = f"shop-{uuid.uuid4().hex[:8]}"
    lacuna("check", ".", cwd=shop)
    first = lacuna("audit", "push", "--to", central, "--repo", chain, cwd=shop)
    assert first.code == 0, first.stderr
    count = local_count(lacuna, shop)
    assert f"pushed {count} records" in first.stdout
    again = lacuna("audit", "push", "--to", central, "--repo", chain, cwd=shop)
    assert again.code == 0 and "pushed 0 records and 0 checkpoints" in again.stdout
    lacuna("check", ".", cwd=shop)
    third = lacuna("audit", "push", "--to", central, "--repo", chain, cwd=shop)
    assert f"pushed {count} records and 1 checkpoints" in third.stdout
    rows = central_rows(chain)
    assert [r[0] for r in rows] == list(range(1, 2 * count + 1))
    assert all(rows[i][2] == rows[i - 1][1] for i in range(1, len(rows)))


def test_an_interrupted_push_resumes(shop: Path, lacuna, central, monkeypatch) -> None:
    chain = f"resume-{uuid.uuid4().hex[:8]}"
    for _ in range(3):
        lacuna("check", ".", cwd=shop)
    total = local_count(lacuna, shop)
    from lacuna_cli.audit import checkpoint as checkpoints
    from lacuna_cli.audit.log import read
    from lacuna_cli.store import open_store

    monkeypatch.setattr(push_module, "BATCH", 10)

    def dying(records):
        for index, record in enumerate(records):
            if index == 35:
                raise ConnectionError("network gone")
            yield record

    with open_store(shop / ".lacuna" / "lacuna.duckdb") as connection:
        marks = checkpoints.every(connection)
        with pytest.raises(ConnectionError):
            push_module.push(central, chain, lambda seq: None, dying(read(connection)), marks)
    assert len(central_rows(chain)) == 30  # three committed batches of ten
    resumed = lacuna("audit", "push", "--to", central, "--repo", chain, cwd=shop)
    assert resumed.code == 0, resumed.stderr
    assert f"pushed {total - 30} records" in resumed.stdout
    assert [r[0] for r in central_rows(chain)] == list(range(1, total + 1))


def test_a_tampered_log_is_not_pushed(shop: Path, lacuna, central) -> None:
    import duckdb
    chain = f"tampered-{uuid.uuid4().hex[:8]}"
    lacuna("check", ".", cwd=shop)
    with duckdb.connect(str(shop / ".lacuna" / "lacuna.duckdb")) as connection:
        connection.execute("UPDATE audit_log SET result = 'allowed' WHERE result = 'denied'")
    refused = lacuna("audit", "push", "--to", central, "--repo", chain, cwd=shop)
    assert refused.code == 1 and "fails verification" in refused.stdout
    assert central_rows(chain) == []


def test_a_diverging_log_is_refused_and_repositories_keep_their_own_chains(
        shop: Path, lacuna, central, tmp_path: Path) -> None:
    import shutil
    chain = f"repo-a-{uuid.uuid4().hex[:8]}"
    other = tmp_path / "other"
    shutil.copytree(shop, other)
    lacuna("check", ".", cwd=shop)
    lacuna("check", ".", cwd=other)
    assert lacuna("audit", "push", "--to", central, "--repo", chain, cwd=shop).code == 0
    diverged = lacuna("audit", "push", "--to", central, "--repo", chain, cwd=other)
    assert diverged.code == 2 and "diverges" in diverged.stderr
    second = f"repo-b-{uuid.uuid4().hex[:8]}"
    assert lacuna("audit", "push", "--to", central, "--repo", second, cwd=other).code == 0
    assert len(central_rows(chain)) == len(central_rows(second)) == local_count(lacuna, shop)


@pytest.mark.parametrize("statement", [
    "UPDATE lacuna.audit_log SET actor = 'mallory' WHERE chain = %s",
    "DELETE FROM lacuna.audit_log WHERE chain = %s",
    "TRUNCATE lacuna.audit_log",
    "UPDATE lacuna.checkpoints SET signature = '' WHERE chain = %s",
])
def test_the_central_store_rejects_changes(shop: Path, lacuna, central, statement: str) -> None:
    chain = f"locked-{uuid.uuid4().hex[:8]}"
    lacuna("check", ".", cwd=shop)
    lacuna("audit", "push", "--to", central, "--repo", chain, cwd=shop)
    before = central_rows(chain)
    with psycopg.connect(DSN) as connection, pytest.raises(psycopg.Error, match="append-only"):
        connection.execute(statement, [chain] if "%s" in statement else [])
    assert central_rows(chain) == before


def test_the_central_store_rejects_a_record_that_breaks_the_chain(central) -> None:
    chain = f"broken-{uuid.uuid4().hex[:8]}"
    values = [chain, 1, str(uuid.uuid4()), "t", "a", "r", "c", "decision", "x", "write",
              "INTERNAL", [], "allowed", "P", "1", "ok", "x.py:1", "f" * 64, "a" * 64]
    with psycopg.connect(DSN) as connection, pytest.raises(psycopg.Error, match="continue"):
        connection.execute(
            'INSERT INTO lacuna.audit_log (chain, seq, event_id, "timestamp", actor, repo, '
            '"commit", event_type, resource, action, tier, tags, result, policy_id, '
            "policy_version, reasoning, location, prev_hash, hash) VALUES "
            "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            values)
