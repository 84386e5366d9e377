"""The hash-chained audit log: through the real CLI (`check`, `audit verify`, `audit log`) and
through the chain module, with tampering done directly on a copy of the DuckDB file.

Hashes are recomputed here independently (hashlib + json) from DESIGN.md's definition — never
with the product's own hashing — so a drift in the canonical form fails these tests.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import uuid
from datetime import UTC, datetime, timedelta, timezone
from itertools import pairwise
from pathlib import Path

import duckdb
import pytest

from conftest import copy_shop, run_lacuna
from lacuna_cli.audit import chain
from lacuna_cli.audit import checkpoint as checkpoints
from lacuna_cli.audit.verify import verify

GENESIS = "0" * 64
EXPORT = "~/Downloads/export.csv"
DB = Path(".lacuna") / "lacuna.duckdb"
# Every field DESIGN.md ("Audit log") names, in no particular order.
RECORD_FIELDS = {"seq", "event_id", "timestamp", "actor", "repo", "commit", "event_type",
                 "resource", "action", "tier", "tags", "result", "policy_id", "policy_version",
                 "reasoning", "location", "prev_hash", "hash"}
TAMPERABLE = sorted(RECORD_FIELDS - {"seq"})


def independent_hash(record: dict) -> str:
    """SHA-256 of the canonical JSON (sorted keys, no whitespace, UTF-8) of all but `hash`."""
    body = {key: value for key, value in record.items() if key != "hash"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def verify_json(project: Path, cwd: Path | None = None) -> tuple[int, dict]:
    result = run_lacuna("-C", str(project), "audit", "verify", "--format", "json",
                        cwd=cwd or project.parent)
    assert not result.stderr, result.stderr
    return result.code, json.loads(result.stdout)


def log_json(project: Path, *filters: str) -> list[dict]:
    result = run_lacuna("audit", "log", "--format", "json", *filters, cwd=project)
    assert result.code == 0, result.stderr
    document = json.loads(result.stdout)
    assert set(document) == {"records"}
    return document["records"]


def one_line_error(result) -> str:
    assert result.code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def checked_shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One `lacuna check .` run on a copy of fixtures/shop; tests only read it (or copy it)."""
    project = copy_shop(tmp_path_factory.mktemp("audit"))
    result = run_lacuna("check", ".", cwd=project)
    assert result.code == 1, result.stdout + result.stderr
    assert "BLOCKED" in result.stdout
    return project


@pytest.fixture(scope="module")
def records(checked_shop: Path) -> list[dict]:
    return log_json(checked_shop)


def tampered_copy(checked_shop: Path, tmp_path: Path) -> tuple[Path, duckdb.DuckDBPyConnection]:
    project = tmp_path / "copy"
    shutil.copytree(checked_shop, project)
    return project, duckdb.connect(str(project / DB))


# --- check, then verify -----------------------------------------------------------------------

def test_check_then_verify_is_clean(checked_shop: Path, records: list[dict]) -> None:
    code, document = verify_json(checked_shop)
    assert code == 0
    assert set(document) >= {"ok", "records", "checkpoints", "problems"}
    assert document["ok"] is True
    assert document["problems"] == []
    assert document["records"] == len(records) > 0

    text = run_lacuna("audit", "verify", cwd=checked_shop)
    assert text.code == 0, text.stderr
    assert f"{len(records)} records" in text.stdout


def test_one_record_per_finding_of_check_json(shop: Path) -> None:
    check = run_lacuna("check", ".", "--format", "json", cwd=shop)
    assert check.code == 1, check.stderr
    report = json.loads(check.stdout)
    operations = report["summary"]["operations"]
    assert operations == len(report["findings"]) > 0
    assert report["summary"]["denied"] == 1

    code, document = verify_json(shop)
    assert code == 0
    assert document["ok"] is True
    assert document["records"] == operations

    logged = log_json(shop)
    assert len(logged) == operations
    # Record i is finding i: same action, location and verdict.
    for record, finding in zip(logged, report["findings"], strict=True):
        op = finding["operation"]
        assert record["action"] == op["action"]
        where = op["location"]
        cell = f':cell_{where["cell"]}' if where.get("cell") is not None else ""
        assert record["location"] == f'{where["path"]}{cell}:{where["line"]}'
        assert record["result"] == ("allowed" if finding["decision"]["allowed"] else "denied")
        assert record["policy_id"] == finding["decision"]["policy_id"]
        assert record["tier"] == finding["classification"]["tier"]
        assert record["tags"] == finding["classification"]["tags"]


def test_every_record_is_chained_and_canonically_hashed(records: list[dict]) -> None:
    assert [r["seq"] for r in records] == list(range(1, len(records) + 1))
    assert records[0]["prev_hash"] == GENESIS
    for before, after in pairwise(records):
        assert after["prev_hash"] == before["hash"]
    for record in records:
        assert set(record) == RECORD_FIELDS
        assert len(record["hash"]) == 64 and int(record["hash"], 16) >= 0
        assert record["hash"] == independent_hash(record), record["seq"]
        assert isinstance(record["tags"], list)
        assert all(isinstance(tag, str) for tag in record["tags"])
        assert record["timestamp"].endswith("Z")
        datetime.strptime(record["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ")
    assert len({r["event_id"] for r in records}) == len(records)
    assert len({r["hash"] for r in records}) == len(records)


def test_non_ascii_names_hash_canonically(shop: Path) -> None:
    """UTF-8 (not \\u escapes) in the canonical bytes: a resource named with non-ASCII text."""
    (shop / "pipelines" / "régional.py").write_text(
        'import pandas as pd\nregions = pd.read_csv("data/regions.csv")\n'
        'regions.to_csv("reports/Zürich—東京.csv")\n', encoding="utf-8")
    assert run_lacuna("check", ".", cwd=shop).code == 1
    logged = log_json(shop)
    (unicode_record,) = [r for r in logged if r["resource"] == "reports/Zürich—東京.csv"]
    assert unicode_record["location"] == "pipelines/régional.py:3"
    for record in logged:
        assert record["hash"] == independent_hash(record), record["seq"]
    assert verify_json(shop)[0] == 0


def test_a_second_run_appends_to_the_chain(shop: Path) -> None:
    assert run_lacuna("check", ".", cwd=shop).code == 1
    first = log_json(shop)
    assert run_lacuna("check", ".", cwd=shop).code == 1
    both = log_json(shop)

    count = len(first)
    assert len(both) == 2 * count
    assert both[:count] == first  # nothing before the head was rewritten
    assert [r["seq"] for r in both] == list(range(1, 2 * count + 1))
    assert both[count]["prev_hash"] == first[-1]["hash"]
    for record in both:
        assert record["hash"] == independent_hash(record)
    assert len({r["event_id"] for r in both}) == 2 * count
    # The second run decided the same things; only identity, time and chain fields differ.
    volatile = {"seq", "event_id", "timestamp", "prev_hash", "hash"}
    strip = [{k: v for k, v in r.items() if k not in volatile} for r in both]
    assert strip[count:] == strip[:count]

    code, document = verify_json(shop)
    assert code == 0
    assert (document["ok"], document["records"], document["checkpoints"], document["problems"]) \
        == (True, 2 * count, 2, [])


# --- tampering ----------------------------------------------------------------------------------

def _edit(connection: duckdb.DuckDBPyConnection, column: str, seq: int) -> None:
    """Change one field of one record the way someone with the file could."""
    if column == "tags":
        sql, params = "list_append(tags, ?)", ["TAMPERED"]
    elif column == "event_id":
        sql, params = "?", [str(uuid.uuid4())]
    elif column == "timestamp":
        sql, params = "?", ["2000-01-01T00:00:00.000000Z"]
    elif column == "prev_hash":  # a plausible hash: the one two records back
        sql, params = "(SELECT hash FROM audit_log WHERE seq = ?)", [seq - 2]
    elif column == "hash":
        sql, params = "?", [hashlib.sha256(b"forged").hexdigest()]
    else:
        sql, params = f'"{column}" || ?', ["-tampered"]
    before = connection.execute(f'SELECT "{column}" FROM audit_log WHERE seq = ?',
                                [seq]).fetchone()[0]
    (changed,) = connection.execute(f'UPDATE audit_log SET "{column}" = {sql} WHERE seq = ?',
                                    [*params, seq]).fetchone()
    after = connection.execute(f'SELECT "{column}" FROM audit_log WHERE seq = ?',
                               [seq]).fetchone()[0]
    assert changed == 1 and after != before


@pytest.mark.parametrize("column", TAMPERABLE)
def test_editing_any_field_is_caught_at_that_record(checked_shop: Path, records: list[dict],
                                                    tmp_path: Path, column: str) -> None:
    target = len(records) // 2
    project, connection = tampered_copy(checked_shop, tmp_path)
    with connection:
        _edit(connection, column, target)

    code, document = verify_json(project, cwd=tmp_path)
    assert code == 1
    assert document["ok"] is False
    assert document["records"] == len(records)
    first = document["problems"][0]
    assert set(first) == {"seq", "kind", "detail"}
    assert first["seq"] == target
    assert first["kind"] in {"edited", "broken-link"}
    assert first["detail"]
    assert all(p["seq"] >= target for p in document["problems"])


def test_deleting_a_middle_record_is_named(checked_shop: Path, records: list[dict],
                                           tmp_path: Path) -> None:
    target = len(records) // 2
    project, connection = tampered_copy(checked_shop, tmp_path)
    with connection:
        (deleted,) = connection.execute("DELETE FROM audit_log WHERE seq = ?",
                                        [target]).fetchone()
        assert deleted == 1

    code, document = verify_json(project, cwd=tmp_path)
    assert code == 1
    assert document["ok"] is False
    assert document["records"] == len(records) - 1
    assert document["problems"][0]["seq"] == target
    assert document["problems"][0]["kind"] == "deleted"

    text = run_lacuna("-C", str(project), "audit", "verify", cwd=tmp_path)
    assert text.code == 1
    assert f"first bad record is seq {target} (deleted" in text.stdout


def test_a_forged_record_with_a_recomputed_hash_breaks_the_next_link(
        checked_shop: Path, records: list[dict], tmp_path: Path) -> None:
    target = len(records) // 2
    forged = {**records[target - 1], "result": "allowed", "resource": "reports/harmless.csv"}
    forged["hash"] = independent_hash(forged)
    project, connection = tampered_copy(checked_shop, tmp_path)
    with connection:
        connection.execute("UPDATE audit_log SET result = ?, resource = ?, hash = ? "
                           "WHERE seq = ?", [forged["result"], forged["resource"],
                                             forged["hash"], target])

    code, document = verify_json(project, cwd=tmp_path)
    assert code == 1
    first = document["problems"][0]
    assert (first["seq"], first["kind"]) == (target + 1, "broken-link")


def test_truncating_the_tail_is_caught(checked_shop: Path, records: list[dict],
                                       tmp_path: Path) -> None:
    project, connection = tampered_copy(checked_shop, tmp_path)
    with connection:
        connection.execute("DELETE FROM audit_log WHERE seq = ?", [len(records)])
    code, document = verify_json(project, cwd=tmp_path)
    assert code == 1
    assert document["problems"][0]["seq"] == len(records)


# --- the chain module ---------------------------------------------------------------------------

def _entries(count: int, prefix: str = "e") -> list[dict]:
    return [{"event_id": f"{prefix}{i}", "timestamp": "2024-01-01T00:00:00.000000Z",
             "actor": "dev@example.com", "repo": "shop", "commit": "abc",
             "event_type": "decision", "resource": f"reports/r{i}.csv", "action": "write",
             "tier": "INTERNAL", "tags": ["FINANCIAL"], "result": "allowed",
             "policy_id": "P", "policy_version": "1", "reasoning": "ok — fine",
             "location": f"p.py:{i}"} for i in range(count)]


def _rows(count: int = 5) -> list[dict]:
    return chain.link(_entries(count), 0, GENESIS)


def _seal(rows: list[dict], previous: checkpoints.Checkpoint | None = None
          ) -> checkpoints.Checkpoint:
    """The checkpoint a run writes after appending `rows` (same clock reading, unsigned)."""
    return checkpoints.extend(previous, rows, rows[0]["timestamp"], None)


def test_link_chains_from_genesis_and_hashes_canonically() -> None:
    rows = _rows()
    assert [r["seq"] for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0]["prev_hash"] == GENESIS
    for before, after in pairwise(rows):
        assert after["prev_hash"] == before["hash"]
    assert all(r["hash"] == independent_hash(r) for r in rows)
    first = _seal(rows)
    assert verify(rows, [first]).ok

    more = chain.link(_entries(2, "later"), 5, rows[-1]["hash"])
    assert [r["seq"] for r in more] == [6, 7]
    assert more[0]["prev_hash"] == rows[-1]["hash"]
    assert verify(rows + more, [first, _seal(more, first)]).ok
    unsealed = verify(rows + more, [first])
    assert [(p.seq, p.kind) for p in unsealed.problems] == [(6, "unsealed")]


def _rehash(row: dict, **changes: str) -> None:
    """Edit a row and recompute its own hash, as a forger with the file would."""
    row.update(changes)
    row["hash"] = independent_hash(row)


@pytest.mark.parametrize(("mutate", "first"), [
    (lambda rows: rows.pop(2), (3, "deleted")),
    (lambda rows: rows.pop(0), (1, "deleted")),
    (lambda rows: rows[2].update(actor="mallory"), (3, "edited")),
    (lambda rows: rows[4].update(tags=[]), (5, "edited")),
    (lambda rows: _rehash(rows[2], resource="x.csv"), (4, "broken-link")),
    (lambda rows: _rehash(rows[0], prev_hash="f" * 64), (1, "bad-genesis")),
    (lambda rows: _rehash(rows[1], event_id="e0"), (2, "duplicate")),
    (lambda rows: rows.insert(2, {**rows[1]}), (2, "inserted")),
], ids=["delete-middle", "delete-first", "edit", "edit-tags", "rehash", "genesis",
        "duplicate", "insert"])
def test_verify_names_the_first_bad_record(mutate, first: tuple[int, str]) -> None:
    rows = _rows()
    sealed = _seal(rows)
    mutate(rows)
    result = verify(rows, [sealed])
    assert not result.ok
    assert (result.problems[0].seq, result.problems[0].kind) == first
    assert [p.seq for p in result.problems] == sorted(p.seq for p in result.problems)


# --- audit log and its filters ------------------------------------------------------------------

def test_log_json_lists_every_record(checked_shop: Path, records: list[dict]) -> None:
    assert records
    code, document = verify_json(checked_shop)
    assert code == 0 and len(records) == document["records"]


def test_log_filter_result_denied(checked_shop: Path, records: list[dict]) -> None:
    denied = log_json(checked_shop, "--result", "denied")
    assert len(denied) >= 1
    assert all(r["result"] == "denied" for r in denied)
    assert {r["resource"] for r in denied} == {EXPORT}
    assert denied == [r for r in records if r["result"] == "denied"]
    assert denied[0]["action"] == "export"
    assert denied[0]["policy_id"] == "LAC-PII-001"
    assert "PII" in denied[0]["tags"]


def test_log_filter_resource(checked_shop: Path, records: list[dict]) -> None:
    matching = log_json(checked_shop, "--resource", "summary")
    assert matching
    assert all("summary" in r["resource"] for r in matching)
    assert matching == [r for r in records if "summary" in r["resource"]]
    combined = log_json(checked_shop, "--resource", "Downloads", "--result", "allowed")
    assert combined == []


def test_log_filter_since(checked_shop: Path, records: list[dict]) -> None:
    assert log_json(checked_shop, "--since", "2999-01-01") == []
    assert log_json(checked_shop, "--since", "2000-01-01") == records
    # "at or after": a record's own timestamp includes it.
    assert log_json(checked_shop, "--since", records[-1]["timestamp"]) == [
        r for r in records if r["timestamp"] >= records[-1]["timestamp"]]


def test_log_since_honours_a_utc_offset(checked_shop: Path, records: list[dict]) -> None:
    first = datetime.strptime(records[0]["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=UTC)
    # The same instant as the first record, written in UTC+05:00.
    same_instant = first.astimezone(timezone(timedelta(hours=5))).isoformat()
    assert log_json(checked_shop, "--since", same_instant) == records


def test_log_since_bad_date_is_one_line(checked_shop: Path) -> None:
    line = one_line_error(run_lacuna("audit", "log", "--since", "yesterday-ish",
                                     cwd=checked_shop))
    assert "--since" in line and "yesterday-ish" in line


def test_log_bad_result_is_a_usage_error(checked_shop: Path) -> None:
    line = one_line_error(run_lacuna("audit", "log", "--result", "maybe", cwd=checked_shop))
    assert "--result" in line


# --- never a data value -------------------------------------------------------------------------

SAMPLE_VALUES = ("jane.doe@example.com", "Jane Doevanova", "+1-415-555-0199",
                 "4111-1111-1111-1111", "Quokkaville")


def test_data_values_never_reach_the_database(shop: Path) -> None:
    (shop / "data" / "customers.csv").write_text(
        "customer_id,name,email,phone,region,signup_date,card_number\n"
        "1001,Jane Doevanova,jane.doe@example.com,+1-415-555-0199,Quokkaville,2023-04-01,"
        "4111-1111-1111-1111\n", encoding="utf-8")
    check = run_lacuna("check", ".", cwd=shop)
    assert check.code == 1, check.stderr

    database = shop / DB
    assert database.is_file()
    beside = [path for path in database.parent.rglob("*") if path.is_file()]
    assert any(path.suffix == ".json" for path in beside)  # the cached analyses are looked at
    for path in beside:  # the database and everything beside it (WAL, lock, analyses)
        raw = path.read_bytes()
        for value in SAMPLE_VALUES:
            assert value.encode("utf-8") not in raw, (path.name, value)

    logged = log_json(shop)
    assert logged
    for record in logged:
        for name, field in record.items():
            for value in SAMPLE_VALUES:
                assert value not in str(field), (record["seq"], name, value)
    # The header was read (so the file was really analysed): the export is still blocked as PII.
    (denied,) = [r for r in logged if r["result"] == "denied"]
    assert denied["resource"] == EXPORT and "PII" in denied["tags"]

    connection = duckdb.connect(str(database), read_only=True)
    try:
        for (table,) in connection.execute("SHOW TABLES").fetchall():
            for row in connection.execute(f'SELECT * FROM "{table}"').fetchall():
                for value in SAMPLE_VALUES:
                    assert value not in str(row), (table, value)
    finally:
        connection.close()
    for value in SAMPLE_VALUES:
        assert value not in check.stdout


def test_a_headerless_csv_leaks_no_values_into_the_database(shop: Path) -> None:
    (shop / "data" / "customers.csv").write_text(
        "1001,Jane Doevanova,jane.doe@example.com,+1-415-555-0199,Quokkaville,2023-04-01\n",
        encoding="utf-8")
    assert run_lacuna("check", ".", cwd=shop).code == 1
    raw = (shop / DB).read_bytes()
    for value in ("jane.doe@example.com", "Jane Doevanova", "+1-415-555-0199"):
        assert value.encode("utf-8") not in raw, value


# --- no database ------------------------------------------------------------------------------

@pytest.mark.parametrize("subcommand", [["verify", "--format", "json"], ["log"]])
def test_no_database_is_one_line_error(tmp_path: Path, subcommand: list[str]) -> None:
    project = (tmp_path / "empty").resolve()
    project.mkdir()
    line = one_line_error(run_lacuna("-C", str(project), "audit", *subcommand, cwd=tmp_path))
    assert str(project / DB) in line
    assert not (project / ".lacuna").exists()  # reading never creates a database

    line = one_line_error(run_lacuna("audit", *subcommand, cwd=project))
    assert "lacuna.duckdb" in line
