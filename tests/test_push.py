"""`audit push` against a real PostgreSQL server (.ci/run starts one: LACUNA_TEST_PG_DSN)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from lacuna_cli.audit import push as push_module
from conftest import postgres_dsn

DSN = postgres_dsn()

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
    assert f"pushed {count} records and 1 checkpoint" in third.stdout
    rows = central_rows(chain)
    assert [r[0] for r in rows] == list(range(1, 2 * count + 1))
    assert all(rows[i][2] == rows[i - 1][1] for i in range(1, len(rows)))


def test_an_interrupted_push_resumes(shop: Path, lacuna, central, monkeypatch) -> None:
    chain = f"resume-{uuid.uuid4().hex[:8]}"
    for _ in range(3):
        lacuna("check", ".", cwd=shop)
    total = local_count(lacuna, shop)
    from lacuna_cli.store import audit_log as audit_store
    from lacuna_cli.store.audit_log import live_records
    from lacuna_cli.store import open_store

    monkeypatch.setattr(push_module, "BATCH", 10)

    def dying(records):
        for index, record in enumerate(records):
            if index == 35:
                raise ConnectionError("network gone")
            yield record

    with open_store(shop / ".lacuna" / "lacuna.duckdb") as connection:
        marks = audit_store.every_checkpoint(connection)
        with pytest.raises(ConnectionError):
            push_module.push(central, chain, lambda seq: None,
                             lambda seq: dying(live_records(connection)), marks)
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


def test_a_push_with_nothing_new_reads_no_pushed_record(shop: Path, lacuna, central) -> None:
    """Nothing to send: the push compares the central head's hash and stops, without
    re-reading or re-verifying records the central store already holds (an edit of one of them
    goes unseen by it; `audit verify` still names it). With new records to send, what follows
    the central store's latest checkpoint is verified and sent; the records already pushed
    stay as the central store received them."""
    import duckdb
    chain = f"nothing-new-{uuid.uuid4().hex[:8]}"
    lacuna("check", ".", cwd=shop)
    assert lacuna("audit", "push", "--to", central, "--repo", chain, cwd=shop).code == 0
    pushed = central_rows(chain)
    with duckdb.connect(str(shop / ".lacuna" / "lacuna.duckdb")) as connection:
        connection.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 1")
    again = lacuna("audit", "push", "--to", central, "--repo", chain, cwd=shop)
    assert again.code == 0 and "pushed 0 records and 0 checkpoints" in again.stdout
    assert lacuna("audit", "verify", cwd=shop).code == 1
    lacuna("check", ".", cwd=shop)
    more = lacuna("audit", "push", "--to", central, "--repo", chain, cwd=shop)
    assert more.code == 0 and f"pushed {len(pushed)} records and 1 checkpoint" in more.stdout
    assert central_rows(chain)[:len(pushed)] == pushed
    assert lacuna("audit", "verify", cwd=shop).code == 1


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


RECORD_COLUMNS = ("chain", "seq", "event_id", "timestamp", "actor", "repo", "commit",
                  "event_type", "resource", "action", "tier", "tags", "result", "policy_id",
                  "policy_version", "reasoning", "location", "prev_hash", "hash")


def independent_hash(record: dict) -> str:
    """SHA-256 of the canonical JSON of every field but `hash` (and the store's `chain`)."""
    body = {k: v for k, v in record.items() if k not in ("hash", "chain")}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def forged_record(chain: str, seq: int, prev_hash: str, hash_value: str | None = None) -> dict:
    record = {"chain": chain, "seq": seq, "event_id": str(uuid.uuid4()),
              "timestamp": "2026-01-01T00:00:00.000000Z", "actor": "mallory", "repo": chain,
              "commit": "c", "event_type": "decision", "resource": "x", "action": "write",
              "tier": "INTERNAL", "tags": [], "result": "allowed", "policy_id": "P",
              "policy_version": "1", "reasoning": "ok", "location": "x.py:1",
              "prev_hash": prev_hash}
    record["hash"] = hash_value or independent_hash(record)
    return record


def insert_record(dsn: str, record: dict) -> None:
    columns = ", ".join(f'"{name}"' for name in RECORD_COLUMNS)
    placeholders = ", ".join("%s" for _ in RECORD_COLUMNS)
    with psycopg.connect(dsn) as connection:
        connection.execute(f"INSERT INTO lacuna.audit_log ({columns}) VALUES ({placeholders})",
                           [record[name] for name in RECORD_COLUMNS])


def insert_checkpoint(dsn: str, chain: str, seq: int, head_hash: str) -> None:
    with psycopg.connect(dsn) as connection:
        connection.execute('INSERT INTO lacuna.checkpoints (chain, seq, head_hash, tree_root, '
                           '"timestamp", key_id, signature) VALUES (%s, %s, %s, %s, %s, %s, %s)',
                           [chain, seq, head_hash, "0" * 64, "t", "", ""])


def test_the_central_store_rejects_a_record_that_breaks_the_chain(central) -> None:
    chain = f"broken-{uuid.uuid4().hex[:8]}"
    with pytest.raises(psycopg.Error, match="does not continue its chain"):
        insert_record(DSN, forged_record(chain, 1, "f" * 64))
    with pytest.raises(psycopg.Error, match="does not match its hash"):
        insert_record(DSN, forged_record(chain, 1, "0" * 64, hash_value="a" * 64))
    insert_record(DSN, forged_record(chain, 1, "0" * 64))  # what a pusher computes is accepted
    assert len(central_rows(chain)) == 1


def login_role(prefix: str) -> tuple[str, str]:
    """A new PostgreSQL login role and the connection URL that logs in as it."""
    from psycopg import sql

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(DSN, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(name)))
    parts = urlsplit(DSN)
    return name, urlunsplit(parts._replace(netloc=f"{name}@{parts.hostname}:{parts.port}"))


def test_only_a_chains_role_adds_to_it_and_every_row_is_checked(
        shop: Path, lacuna, central, tmp_path: Path) -> None:
    import shutil
    role_a, as_a = login_role("ci_a")
    role_b, as_b = login_role("ci_b")
    chain_a, chain_b, unused = (f"{n}-{uuid.uuid4().hex[:8]}" for n in ("a", "b", "c"))
    for chain, role in ((chain_a, role_a), (chain_b, role_b), (unused, role_a)):
        granted = lacuna("audit", "grant-push", "--to", central, "--repo", chain, "--role", role)
        assert granted.code == 0 and f"only role {role}" in granted.stdout, granted.stderr
    other, third = tmp_path / "other", tmp_path / "third"
    for project in (other, third):
        shutil.copytree(shop, project)
    for project in (shop, other, third):
        lacuna("check", ".", cwd=project)
    assert lacuna("audit", "push", "--to", as_a, "--repo", chain_a, cwd=shop).code == 0
    assert lacuna("audit", "push", "--to", as_b, "--repo", chain_b, cwd=other).code == 0

    # Through the CLI: a log pushed as B into a chain given to A.
    refused = lacuna("audit", "push", "--to", as_b, "--repo", unused, cwd=third)
    assert refused.code == 2 and "belongs to another role" in refused.stderr, refused.stderr
    assert central_rows(unused) == []

    # Straight into the store as B: nothing of A's chain, no bogus hash, no stray checkpoint.
    seq_a, head_a = central_rows(chain_a)[-1][:2]
    seq_b, head_b = central_rows(chain_b)[-1][:2]
    with pytest.raises(psycopg.Error, match="belongs to another role"):
        insert_record(as_b, forged_record(chain_a, seq_a + 1, head_a))
    with pytest.raises(psycopg.Error, match="does not match its hash"):
        insert_record(as_b, forged_record(chain_b, seq_b + 1, head_b, hash_value="b" * 64))
    with pytest.raises(psycopg.Error, match="belongs to another role"):
        insert_checkpoint(as_b, chain_a, seq_a + 1, head_a)
    with pytest.raises(psycopg.Error, match="names no stored record"):
        insert_checkpoint(as_b, chain_b, seq_b + 10**6, head_b)
    with (pytest.raises(psycopg.Error, match="permission denied"),
          psycopg.connect(as_b) as connection):
        connection.execute("UPDATE lacuna.chains SET pusher = %s WHERE chain = %s",
                           [role_b, chain_a])

    # A was not locked out: its next run pushes, even after B took an event id of A's run.
    lacuna("check", ".", cwd=shop)
    newest = json.loads(lacuna("audit", "log", "--format", "json", cwd=shop).stdout)["records"]
    taken = {**forged_record(chain_b, seq_b + 1, head_b), "event_id": newest[-1]["event_id"]}
    taken["hash"] = independent_hash(taken)
    insert_record(as_b, taken)
    again = lacuna("audit", "push", "--to", as_a, "--repo", chain_a, cwd=shop)
    assert again.code == 0 and f"pushed {seq_a} records and 1 checkpoint" in again.stdout
    rows = central_rows(chain_a)
    assert [r[0] for r in rows] == list(range(1, 2 * seq_a + 1))


def test_pushes_racing_on_an_empty_chain_all_succeed(shop: Path, lacuna, central) -> None:
    chain = f"race-{uuid.uuid4().hex[:8]}"
    for _ in range(3):
        lacuna("check", ".", cwd=shop)
    total = local_count(lacuna, shop)
    environment = {**os.environ, "NO_COLOR": "1"}
    racers = [subprocess.Popen([sys.executable, "-m", "lacuna_cli", "audit", "push", "--to",
                                central, "--repo", chain], cwd=shop, env=environment,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
              for _ in range(4)]
    outcomes = [(racer.wait(120), *racer.communicate()) for racer in racers]
    assert [code for code, _, _ in outcomes] == [0] * 4, outcomes
    pushed = sorted(int(out.split()[1]) for _, out, _ in outcomes)
    assert pushed == [0, 0, 0, total]
    assert [r[0] for r in central_rows(chain)] == list(range(1, total + 1))


def test_the_store_hashes_every_character_as_lacuna_does(shop: Path, lacuna, central) -> None:
    (shop / "pipelines" / "odd.py").write_text(
        'import pandas as pd\n'
        'frame = pd.read_csv("data/regions.csv")\n'
        'frame.to_csv("reports/q\\"uote\\tslash\\u0001ctl\\u007f'
        'Zürich—東京\\u2028😀.csv")\n', encoding="utf-8")
    lacuna("check", ".", cwd=shop)
    logged = json.loads(lacuna("audit", "log", "--format", "json", "--resource", "uote",
                               cwd=shop).stdout)["records"]
    assert [r["resource"] for r in logged] == [
        'reports/q"uote\tslash\u0001ctl\u007fZürich—東京\u2028😀.csv']
    chain = f"chars-{uuid.uuid4().hex[:8]}"
    pushed = lacuna("audit", "push", "--to", central, "--repo", chain, cwd=shop)
    assert pushed.code == 0, pushed.stderr
    assert len(central_rows(chain)) == local_count(lacuna, shop)


def test_init_central_runs_started_together_all_succeed() -> None:
    """CI jobs of several repositories may each run `init-central` on an empty store at the
    same moment: they take turns instead of failing on each other's half-made schema."""
    from psycopg import sql

    name = f"lacuna_race_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(DSN, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    empty_store = urlunsplit(urlsplit(DSN)._replace(path=f"/{name}"))
    from conftest import lacuna_environment
    runs = [subprocess.Popen([sys.executable, "-m", "lacuna_cli", "audit", "init-central",
                              "--to", empty_store], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=lacuna_environment())
            for _ in range(4)]
    ended = [(run.wait(timeout=120), run.stderr.read() if run.stderr else "") for run in runs]
    assert [code for code, _ in ended] == [0, 0, 0, 0], ended
    with psycopg.connect(empty_store) as connection:
        assert connection.execute("SELECT count(*) FROM lacuna.audit_log").fetchone() == (0,)
