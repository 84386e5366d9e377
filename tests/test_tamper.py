"""Every tamper class is detected and named, with the first bad seq — and random tampering too.

The log is built the way `lacuna check` builds it (chained records, a signed checkpoint after
each run); each test mutates a copy and runs the verifier.
"""

from __future__ import annotations

import copy
import hashlib
import json
import random
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from lacuna_cli.audit import checkpoint as checkpoints
from lacuna_cli.audit.chain import GENESIS_HASH, link
from lacuna_cli.audit.verify import TrustedKey, verify

RUNS, PER_RUN = 6, 5
KEY = Ed25519PrivateKey.generate()
TRUSTED = TrustedKey(KEY.public_key())


def stamp(run: int) -> str:
    """A run's clock reading: its records and its checkpoint carry the same one."""
    return f"2026-01-0{run + 1}T00:00:00.000000Z"


def entry(run: int, index: int) -> dict:
    return {"event_id": f"r{run}-e{index}", "timestamp": stamp(run),
            "actor": "dev@acme.example", "repo": "shop", "commit": f"c{run}",
            "event_type": "decision", "resource": f"reports/r{index}.csv", "action": "write",
            "tier": "INTERNAL", "tags": ["FINANCIAL"], "result": "allowed",
            "policy_id": "LACUNA-DEFAULT", "policy_version": "1.0.0", "reasoning": "ok",
            "location": f"job.py:{index}"}


def build(key: Ed25519PrivateKey = KEY) -> tuple[list[dict], list[checkpoints.Checkpoint]]:
    rows: list[dict] = []
    marks: list[checkpoints.Checkpoint] = []
    for run in range(RUNS):
        head_seq = len(rows)
        head_hash = rows[-1]["hash"] if rows else GENESIS_HASH
        records = link([entry(run, i) for i in range(PER_RUN)], head_seq, head_hash)
        marks.append(checkpoints.extend(marks[-1] if marks else None, records, stamp(run),
                                        key))
        rows.extend(records)
    return rows, marks


def rehash_from(rows: list[dict], start: int) -> None:
    """What a forger with write access does: recompute every hash and link from `start` on."""
    from lacuna_cli.audit.chain import record_hash
    for index in range(start, len(rows)):
        rows[index]["prev_hash"] = rows[index - 1]["hash"] if index else GENESIS_HASH
        rows[index]["hash"] = record_hash(rows[index])


def first_problem(rows, marks, trusted=TRUSTED) -> tuple[int, str]:
    result = verify(rows, marks, trusted)
    assert not result.ok, "tampering went unnoticed"
    return result.problems[0].seq, result.problems[0].kind


def test_untouched_log_verifies_with_signatures() -> None:
    rows, marks = build()
    result = verify(rows, marks, TRUSTED)
    assert result.ok and result.records == RUNS * PER_RUN and result.signed == RUNS


def test_edited_field() -> None:
    rows, marks = build()
    rows[11]["result"] = "denied"
    assert first_problem(rows, marks) == (12, "edited")


def test_deleted_record() -> None:
    rows, marks = build()
    del rows[7]
    assert first_problem(rows, marks) == (8, "deleted")


def test_inserted_record_linked_in_by_a_forger() -> None:
    rows, marks = build()
    forged = {**rows[9], "event_id": "forged", "seq": 10, "prev_hash": rows[8]["hash"]}
    from lacuna_cli.audit.chain import record_hash
    forged["hash"] = record_hash(forged)
    rows.insert(9, forged)
    for later in rows[10:]:
        later["seq"] += 1
    assert first_problem(rows, marks) == (10, "inserted")


def test_reordered_records() -> None:
    rows, marks = build()
    rows[13]["seq"], rows[14]["seq"] = rows[14]["seq"], rows[13]["seq"]
    rows[13], rows[14] = rows[14], rows[13]
    assert first_problem(rows, marks) == (14, "reordered")


def test_truncated_tail() -> None:
    rows, marks = build()
    del rows[-3:]
    assert first_problem(rows, marks) == (len(rows) + 1, "truncated")


def test_whole_log_rewritten_with_recomputed_hashes() -> None:
    rows, marks = build()
    rows[17]["resource"] = "~/Downloads/innocent.csv"
    rehash_from(rows, 17)
    seq, kind = first_problem(rows, marks)
    # Bracketed by checkpoints: record 18 sits in run 4 (seq 16..20), after checkpoint 15.
    assert (seq, kind) == (16, "rewritten")


def test_rewritten_log_with_reforged_checkpoints_fails_the_trusted_key() -> None:
    rows, _ = build()
    rows[3]["actor"] = "mallory"
    rehash_from(rows, 3)
    mallory = Ed25519PrivateKey.generate()
    forged_marks: list[checkpoints.Checkpoint] = []
    for run in range(RUNS):
        chunk = rows[run * PER_RUN:(run + 1) * PER_RUN]
        forged_marks.append(checkpoints.extend(forged_marks[-1] if forged_marks else None,
                                               chunk, stamp(run), mallory))
    assert verify(rows, forged_marks).ok  # without the auditor's key, a full forgery holds
    assert first_problem(rows, forged_marks)[1] == "forged-checkpoint"


def test_forged_checkpoint_signature() -> None:
    rows, marks = build()
    bad = marks[2]
    marks[2] = checkpoints.Checkpoint(**{**bad.__dict__, "timestamp": "2030-01-01T00:00:00Z"})
    assert first_problem(rows, marks) == (bad.seq, "forged-checkpoint")


MUTATIONS = ("edit", "delete", "swap", "truncate", "rewrite", "duplicate")


def mutate(rows: list[dict], rng: random.Random) -> tuple[str, int]:
    """Apply one random tampering; return its kind and the seq it starts at."""
    kind = rng.choice(MUTATIONS)
    index = rng.randrange(len(rows) - 1)
    if kind == "edit":
        field = rng.choice(["actor", "resource", "result", "tier", "reasoning", "timestamp",
                            "policy_id", "location", "event_type", "commit", "tags"])
        rows[index][field] = ["X"] if field == "tags" else rows[index][field] + "x"
    elif kind == "delete":
        del rows[index]
    elif kind == "swap":
        rows[index], rows[index + 1] = rows[index + 1], rows[index]
    elif kind == "truncate":
        del rows[index + 1:]
    elif kind == "rewrite":
        rows[index]["action"] = "read"
        rehash_from(rows, index)
    else:
        rows.insert(index, copy.deepcopy(rows[index]))
    return kind, index + 1


@pytest.mark.parametrize("seed", range(300))
def test_random_tampering_is_always_detected(seed: int) -> None:
    rng = random.Random(seed)
    rows, marks = build()
    kind, start = mutate(rows, rng)
    result = verify(rows, marks, TRUSTED)
    assert not result.ok, f"{kind} at seq {start} went unnoticed"
    first = result.problems[0].seq
    if kind == "rewrite":
        assert first <= start, (kind, start, result.problems[0])
    elif kind == "truncate":
        assert first == start + 1
    else:
        assert first == start, (kind, start, result.problems[0])


def test_cli_verify_names_tampering_in_a_real_log(shop: Path, lacuna, tmp_path: Path) -> None:
    import duckdb
    assert lacuna("audit", "keygen", cwd=shop).code == 0
    for _ in range(2):
        assert lacuna("check", ".", cwd=shop).code == 1
    public = shop / ".lacuna" / "audit-key.pem.pub"
    ok = lacuna("audit", "verify", "--pubkey", str(public), "--format", "json", cwd=shop)
    assert ok.code == 0 and json.loads(ok.stdout)["signed_checkpoints"] == 2
    saved = lacuna("audit", "checkpoint", cwd=shop)
    (tmp_path / "old.json").write_text(saved.stdout)
    assert lacuna("check", ".", cwd=shop).code == 1
    grown = lacuna("audit", "verify", "--against", str(tmp_path / "old.json"), "--pubkey",
                   str(public), cwd=shop)
    assert grown.code == 0, grown.stdout
    proof = json.loads(lacuna("audit", "prove", "3", cwd=shop).stdout)
    assert proof["verified"] and proof["tree_size"] > 3
    with duckdb.connect(str(shop / ".lacuna" / "lacuna.duckdb")) as connection:
        connection.execute("DELETE FROM audit_log WHERE seq > 40")
    truncated = lacuna("audit", "verify", "--format", "json", cwd=shop)
    assert truncated.code == 1
    assert json.loads(truncated.stdout)["problems"][0] == {
        "seq": 41, "kind": "truncated",
        "detail": json.loads(truncated.stdout)["problems"][0]["detail"]}
    against = lacuna("audit", "verify", "--against", str(tmp_path / "old.json"), cwd=shop)
    assert against.code == 1 and "truncated" in against.stdout


def test_archive_keeps_one_verifiable_chain(shop: Path, lacuna) -> None:
    for _ in range(2):
        lacuna("check", ".", cwd=shop)
    archived = lacuna("audit", "archive", "--before", "2999-01-01", cwd=shop)
    assert archived.code == 0 and "archived 56 records" in archived.stdout, archived.stdout
    lacuna("check", ".", cwd=shop)
    result = lacuna("audit", "verify", "--format", "json", cwd=shop)
    assert result.code == 0 and json.loads(result.stdout)["records"] == 84
    files = list((shop / ".lacuna" / "archive").glob("audit-*.parquet"))
    assert len(files) == 1
    digest = hashlib.sha256(files[0].read_bytes()).hexdigest()
    assert len(digest) == 64


def test_audit_log_lists_archived_records_too(shop: Path, lacuna) -> None:
    lacuna("check", ".", cwd=shop)
    before = json.loads(lacuna("audit", "log", "--format", "json", cwd=shop).stdout)["records"]
    assert lacuna("audit", "archive", "--before", "2999-01-01", cwd=shop).code == 0
    after = json.loads(lacuna("audit", "log", "--format", "json", cwd=shop).stdout)["records"]
    assert after == before and after


# --- through the CLI: what a kill cannot leave, so tampering must be named ---------------------

DB = Path(".lacuna") / "lacuna.duckdb"


def verify_json(lacuna, project: Path, *options: str) -> tuple[int, dict]:
    result = lacuna("audit", "verify", "--format", "json", *options, cwd=project)
    assert not result.stderr, result.stderr
    return result.code, json.loads(result.stdout)


def append_forged_record(project: Path) -> int:
    """What someone with write access to the file does: one more record, correctly linked."""
    import duckdb

    from lacuna_cli.audit.chain import RECORD_FIELDS
    with duckdb.connect(str(project / DB)) as connection:
        columns = ", ".join(f'"{name}"' for name in RECORD_FIELDS)
        last = dict(zip(RECORD_FIELDS, connection.execute(
            f"SELECT {columns} FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone(),
            strict=True))
        body = {k: v for k, v in last.items() if k not in ("seq", "prev_hash", "hash")}
        (forged,) = link([{**body, "event_id": "forged", "result": "allowed"}], last["seq"],
                         last["hash"])
        connection.execute(f"INSERT INTO audit_log ({columns}) VALUES "
                           f"({', '.join('?' for _ in RECORD_FIELDS)})",
                           [forged[name] for name in RECORD_FIELDS])
    return forged["seq"]


def test_a_record_appended_after_the_last_checkpoint_is_flagged_in_every_mode(
        shop: Path, lacuna, tmp_path: Path) -> None:
    import shutil
    assert lacuna("audit", "keygen", cwd=shop).code == 0
    assert lacuna("check", ".", cwd=shop).code == 1
    (tmp_path / "old.json").write_text(lacuna("audit", "checkpoint", cwd=shop).stdout)
    auditor = tmp_path / "auditor.pub"
    shutil.copy(shop / ".lacuna" / "audit-key.pem.pub", auditor)
    forged = append_forged_record(shop)
    modes = ([], ["--pubkey", str(auditor)], ["--against", str(tmp_path / "old.json")])
    for options in modes:
        code, document = verify_json(lacuna, shop, *options)
        assert code == 1, options
        assert (document["problems"][0]["seq"], document["problems"][0]["kind"]) == (
            forged, "unsealed"), (options, document["problems"])
    (shop / ".lacuna" / "audit-key.pem.pub").unlink()  # no key anywhere: still flagged
    code, document = verify_json(lacuna, shop)
    assert code == 1 and document["problems"][0]["seq"] == forged
    # An honest run afterwards seals the log again; the forged record stays flagged, alone.
    assert lacuna("check", ".", cwd=shop).code == 1
    code, document = verify_json(lacuna, shop, "--pubkey", str(auditor))
    assert code == 1
    assert [(p["seq"], p["kind"]) for p in document["problems"]] == [(forged, "unsealed")]
    assert "appended outside Lacuna between runs" in document["problems"][0]["detail"]


def test_an_edited_frontier_is_caught_and_later_runs_are_not_blamed(shop: Path, lacuna) -> None:
    import duckdb
    for _ in range(2):
        assert lacuna("check", ".", cwd=shop).code == 1
    with duckdb.connect(str(shop / DB)) as connection:
        (seq, frontier) = connection.execute("SELECT seq, frontier FROM checkpoints ORDER BY seq "
                                             "DESC LIMIT 1").fetchone()
        edited = json.loads(frontier)
        edited[-1][1] = hashlib.sha256(b"forged").hexdigest()
        connection.execute("UPDATE checkpoints SET frontier = ? WHERE seq = ?",
                           [json.dumps(edited), seq])
    code, document = verify_json(lacuna, shop)
    assert code == 1 and document["problems"][0]["seq"] == seq
    assert document["problems"][0]["kind"] == "bad-frontier"
    assert lacuna("check", ".", cwd=shop).code == 1
    code, document = verify_json(lacuna, shop)
    assert [(p["seq"], p["kind"]) for p in document["problems"]] == [(seq, "bad-frontier")]


def test_signatures_are_checked_with_the_public_key_beside_the_database(shop: Path,
                                                                        lacuna) -> None:
    import duckdb
    assert lacuna("check", ".", cwd=shop).code == 1  # before the key: unsigned, and fine
    assert lacuna("audit", "keygen", cwd=shop).code == 0
    for _ in range(2):
        assert lacuna("check", ".", cwd=shop).code == 1
    text = lacuna("audit", "verify", cwd=shop)
    assert text.code == 0, text.stdout
    assert "3 signatures checked with" in text.stdout and "audit-key.pem.pub" in text.stdout
    assert "1 checkpoint from before the key, covered by its first signed one" in text.stdout
    with duckdb.connect(str(shop / DB)) as connection:
        seqs = [seq for (seq,) in connection.execute(
            "SELECT seq FROM checkpoints ORDER BY seq").fetchall()]
        connection.execute("UPDATE checkpoints SET signature = '' WHERE seq = ?", [seqs[2]])
        connection.execute("UPDATE checkpoints SET signature = replace(signature, 'a', 'b') "
                           "WHERE seq = ?", [seqs[1]])
    code, document = verify_json(lacuna, shop)
    assert code == 1
    assert [(p["seq"], p["kind"]) for p in document["problems"]] == [
        (seqs[1], "forged-checkpoint"), (seqs[2], "forged-checkpoint")]


@pytest.mark.parametrize("damage", ["flip", "truncate", "delete"])
def test_a_damaged_archive_file_is_a_tamper_report_naming_it(shop: Path, lacuna,
                                                             damage: str) -> None:
    for _ in range(2):
        assert lacuna("check", ".", cwd=shop).code == 1
    assert lacuna("audit", "archive", "--before", "2999-01-01", cwd=shop).code == 0
    assert lacuna("check", ".", cwd=shop).code == 1
    (path,) = (shop / ".lacuna" / "archive").glob("audit-*.parquet")
    content = bytearray(path.read_bytes())
    if damage == "flip":
        content[len(content) // 2] ^= 0x04
        path.write_bytes(bytes(content))
    elif damage == "truncate":
        path.write_bytes(bytes(content[: len(content) // 2]))
    else:
        path.unlink()
    code, document = verify_json(lacuna, shop)
    assert code == 1
    first = document["problems"][0]
    assert first["kind"].startswith("archive-") and str(path) in first["detail"]
    assert 1 <= first["seq"] <= 56
    listed = lacuna("audit", "log", cwd=shop)
    if damage != "flip":
        assert listed.code == 2 and listed.stdout == ""
        assert len(listed.stderr.strip().splitlines()) == 1 and str(path) in listed.stderr
    report = lacuna("audit", "report", "--standard", "iso27001", cwd=shop)
    assert report.code in (1, 2) and "Traceback" not in report.stderr  # 1: FAILED in it
    assert "internal error" not in listed.stderr + report.stderr
