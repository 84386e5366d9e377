"""Tamper classes x `audit verify` modes: is each class detected, and is the first bad seq named?

    python bench/audit_tamper.py

One signed log is built through the CLI on a copy of fixtures/shop: `audit keygen`, two
checks, `audit archive` (seq 1..56 to Parquet), a third check (its checkpoint, seq 84, is kept
as an auditor would keep it), a fourth check (seq 85..112). Each class tampers with a fresh
copy the way someone with write access to `.lacuna/` could, and `lacuna audit verify` runs in
four modes:

  plain    no key anywhere (the public key beside the database removed too)
  local    the public key beside the database (no option)
  pubkey   --pubkey with the auditor's copy of the public key
  against  --against the kept checkpoint, with --pubkey

A cell is "ok" when verify exits 1 and its first problem names the expected seq and kind, and
"n/a" where the class is beyond the mode by design (without a key a signature cannot be
checked; a log re-signed with a new key beside the database fools everything but the
auditor's copy). Nothing may go undetected, or be named wrong, in any other cell.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from lacuna_cli.audit import checkpoint as checkpoints
from lacuna_cli.store import audit_log as audit_store
from lacuna_cli.audit.chain import RECORD_FIELDS, link, record_hash

REPO = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(REPO)}
DB = Path(".lacuna") / "lacuna.duckdb"
PUB = Path(".lacuna") / "audit-key.pem.pub"
MODES = ("plain", "local", "pubkey", "against")
COLUMNS = ", ".join(f'"{name}"' for name in RECORD_FIELDS)


def lacuna(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lacuna_cli", *args], cwd=project, env=ENV,
                          capture_output=True, text=True, timeout=600, check=False)


# --- editing the live table and the checkpoints as a forger would ---------------------------

def live_rows(project: Path) -> list[dict]:
    with duckdb.connect(str(project / DB)) as db:
        rows = db.execute(f"SELECT {COLUMNS} FROM audit_log ORDER BY seq").fetchall()
    return [dict(zip(RECORD_FIELDS, row, strict=True)) for row in rows]


def replace_live(project: Path, rows: list[dict]) -> None:
    with duckdb.connect(str(project / DB)) as db:
        db.execute("DELETE FROM audit_log")
        db.executemany(f"INSERT INTO audit_log ({COLUMNS}) VALUES "
                       f"({', '.join('?' for _ in RECORD_FIELDS)})",
                       [[row[name] for name in RECORD_FIELDS] for row in rows])


def edit_live(project: Path, change: Callable[[list[dict]], None]) -> None:
    rows = live_rows(project)
    change(rows)
    replace_live(project, rows)


def index_of(rows: list[dict], seq: int) -> int:
    return next(i for i, row in enumerate(rows) if row["seq"] == seq)


def rehash_from(rows: list[dict], start: int, prev_hash: str) -> None:
    """Recompute hashes and links from index `start` on (prev_hash: the record before it)."""
    for row in rows[start:]:
        row["prev_hash"] = prev_hash
        row["hash"] = prev_hash = record_hash(row)


def sql(project: Path, statement: str, params: list | None = None) -> None:
    with duckdb.connect(str(project / DB)) as db:
        db.execute(statement, params or [])


def append_forged(project: Path) -> None:
    def change(rows: list[dict]) -> None:
        body = {k: v for k, v in rows[-1].items() if k not in ("seq", "prev_hash", "hash")}
        rows.extend(link([{**body, "event_id": "forged"}], rows[-1]["seq"], rows[-1]["hash"]))
    edit_live(project, change)


def insert_forged(rows: list[dict]) -> None:
    at = index_of(rows, 71)
    forged = {**rows[at - 1], "event_id": "forged", "seq": 71, "prev_hash": rows[at - 1]["hash"]}
    forged["hash"] = record_hash(forged)
    for later in rows[at:]:
        later["seq"] += 1
    rows.insert(at, forged)


def swap(rows: list[dict]) -> None:
    at = index_of(rows, 70)
    rows[at]["seq"], rows[at + 1]["seq"] = rows[at + 1]["seq"], rows[at]["seq"]
    rows[at], rows[at + 1] = rows[at + 1], rows[at]


def rewrite(rows: list[dict]) -> None:
    at = index_of(rows, 90)
    rows[at]["resource"] = "reports/innocent.csv"
    rehash_from(rows, at, rows[at - 1]["hash"])


def duplicate_event(project: Path) -> None:
    """Give record 80 the event id of archived record 30 (the live table's own unique index
    would refuse a duplicate within it), rehashing from there."""
    with duckdb.connect(str(project / DB)) as db:
        (event_id,) = db.execute(f"SELECT event_id FROM read_parquet('{archive_file(project)}') "
                                 "WHERE seq = 30").fetchone()

    def change(rows: list[dict]) -> None:
        at = index_of(rows, 80)
        rows[at]["event_id"] = event_id
        rehash_from(rows, at, rows[at - 1]["hash"])
    edit_live(project, change)


def rewrite_and_resign(project: Path, every_checkpoint: bool) -> None:
    """Rewrite from seq 90 and re-sign with a new key: the checkpoint after the rewrite only,
    or every checkpoint with the new key's public half put beside the database."""
    edit_live(project, rewrite)
    mallory = Ed25519PrivateKey.generate()
    with duckdb.connect(str(project / DB)) as db:
        marks = [checkpoints.Checkpoint(*row) for row in db.execute(
            f"SELECT {', '.join(checkpoints.COLUMNS)} FROM checkpoints ORDER BY seq").fetchall()]
        (archived,) = db.execute(f"SELECT list(hash ORDER BY seq) FROM read_parquet("
                                 f"'{archive_file(project)}')").fetchone()
    hashes = [*archived, *(row["hash"] for row in live_rows(project))]
    forged, previous = [], None
    for mark in marks:
        if every_checkpoint or mark.seq == 112:
            run = [{"seq": seq, "hash": hashes[seq - 1]}
                   for seq in range((previous.seq if previous else 0) + 1, mark.seq + 1)]
            forged.append(checkpoints.extend(previous, run, mark.timestamp, mallory))
        else:
            forged.append(mark)
        previous = forged[-1]
    with duckdb.connect(str(project / DB)) as db:
        db.execute("DELETE FROM checkpoints")
        for mark in forged:
            audit_store.insert_checkpoint(db, mark)
    if every_checkpoint:
        (project / PUB).write_bytes(mallory.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))


def archive_file(project: Path) -> Path:
    (path,) = (project / ".lacuna" / "archive").glob("audit-*.parquet")
    return path


def flip_archive(project: Path) -> None:
    path = archive_file(project)
    content = bytearray(path.read_bytes())
    content[len(content) // 2] ^= 0x10
    path.write_bytes(bytes(content))


def rewrite_archive(project: Path) -> None:
    """Write the archive again with record 30's reasoning changed (its hash left as it was)."""
    path = archive_file(project)
    edited = ("CASE WHEN seq = 30 THEN \"reasoning\" || ' (edited)' ELSE \"reasoning\" END "
              "AS \"reasoning\"")
    columns = COLUMNS.replace('"reasoning"', edited)
    with duckdb.connect() as db:
        db.execute(f"COPY (SELECT {columns} FROM read_parquet('{path}') ORDER BY seq) "
                   f"TO '{path}.new' (FORMAT parquet)")
    os.replace(f"{path}.new", path)


def edit_frontier(project: Path) -> None:
    """Replace one node of the latest checkpoint's stored frontier with another hash."""
    with duckdb.connect(str(project / DB)) as db:
        (frontier,) = db.execute("SELECT frontier FROM checkpoints WHERE seq = 112").fetchone()
        nodes = json.loads(frontier)
        nodes[-1][1] = record_hash(dict.fromkeys(RECORD_FIELDS, ""))
        db.execute("UPDATE checkpoints SET frontier = ? WHERE seq = 112", [json.dumps(nodes)])


def honest_run_after(project: Path) -> None:
    append_forged(project)
    lacuna(project, "check", ".")


@dataclass(frozen=True)
class TamperClass:
    name: str
    apply: Callable[[Path], None]
    seq: int | tuple[int, int]  # the first bad seq, or the range it must fall in
    kind: str  # expected kind; a trailing * matches any kind with that prefix
    beyond: tuple[str, ...] = ()  # modes that cannot detect it by design


CLASSES = (
    TamperClass("edit a field", lambda p: sql(
        p, "UPDATE audit_log SET reasoning = reasoning || ' (edited)' WHERE seq = 70"), 70,
        "edited"),
    TamperClass("delete a record", lambda p: sql(p, "DELETE FROM audit_log WHERE seq = 70"),
                70, "deleted"),
    TamperClass("delete the first live record", lambda p: sql(
        p, "DELETE FROM audit_log WHERE seq = 57"), 57, "deleted"),
    TamperClass("insert a linked record", lambda p: edit_live(p, insert_forged), 71, "inserted"),
    TamperClass("swap two records", lambda p: edit_live(p, swap), 70, "reordered"),
    TamperClass("truncate the tail", lambda p: sql(p, "DELETE FROM audit_log WHERE seq > 100"),
                101, "truncated"),
    TamperClass("rewrite with recomputed hashes", lambda p: edit_live(p, rewrite), 85,
                "rewritten"),
    TamperClass("duplicate an event id (rehashed)", duplicate_event, 80, "duplicate"),
    TamperClass("append after the last checkpoint", append_forged, 113, "unsealed"),
    TamperClass("append, then an honest run", honest_run_after, 113, "unsealed"),
    TamperClass("edit a checkpoint's frontier", edit_frontier, 112, "bad-frontier"),
    TamperClass("edit a checkpoint's timestamp", lambda p: sql(
        p, "UPDATE checkpoints SET timestamp = '2020-01-01T00:00:00.000000Z' WHERE seq = 84"),
        84, "forged-checkpoint"),
    TamperClass("delete the last checkpoint", lambda p: sql(
        p, "DELETE FROM checkpoints WHERE seq = 112"), 85, "unsealed"),
    TamperClass("strip a checkpoint's signature", lambda p: sql(
        p, "UPDATE checkpoints SET signature = '' WHERE seq = 84"), 84, "forged-checkpoint",
        beyond=("plain",)),
    TamperClass("rewrite, its checkpoint re-signed", lambda p: rewrite_and_resign(p, False),
                112, "forged-checkpoint", beyond=("plain",)),
    TamperClass("rewrite, all re-signed, key replaced", lambda p: rewrite_and_resign(p, True),
                28, "forged-checkpoint", beyond=("plain", "local")),
    TamperClass("flip a byte in the archive", flip_archive, (1, 56), "archive-*"),
    TamperClass("truncate the archive", lambda p: archive_file(p).write_bytes(
        archive_file(p).read_bytes()[:4000]), 1, "archive-unreadable"),
    TamperClass("delete the archive", lambda p: archive_file(p).unlink(), 1, "archive-missing"),
    TamperClass("rewrite the archive, one record edited", rewrite_archive, 30,
                "archive-altered"),
    TamperClass("hide the archive (manifest: pending)", lambda p: sql(
        p, "UPDATE audit_archives SET state = 'pending'"), 1, "deleted"),
)


def build(base: Path, keep: Path) -> None:
    shutil.copytree(REPO / "fixtures" / "shop", base, ignore=shutil.ignore_patterns(".lacuna"))
    lacuna(base, "audit", "keygen")
    for _ in range(2):
        lacuna(base, "check", ".")
    lacuna(base, "audit", "archive", "--before", "2999-01-01")
    lacuna(base, "check", ".")
    (keep / "old.json").write_text(lacuna(base, "audit", "checkpoint").stdout)
    lacuna(base, "check", ".")
    shutil.copy(base / PUB, keep / "auditor.pub")
    result = lacuna(base, "audit", "verify", "--format", "json")
    document = json.loads(result.stdout)
    assert document["ok"] and document["records"] == 112, document


def verdict(project: Path, mode: str, keep: Path, tamper: TamperClass) -> tuple[str, str]:
    options = {"plain": [], "local": [], "pubkey": ["--pubkey", str(keep / "auditor.pub")],
               "against": ["--against", str(keep / "old.json"), "--pubkey",
                           str(keep / "auditor.pub")]}[mode]
    if mode == "plain":
        (project / PUB).unlink(missing_ok=True)
    result = lacuna(project, "audit", "verify", "--format", "json", *options)
    try:
        problems = json.loads(result.stdout)["problems"]
    except ValueError:
        return "ERROR", result.stderr.strip()[:120]
    if result.returncode == 0 or not problems:
        return ("n/a" if mode in tamper.beyond else "MISSED"), "verified OK"
    first = problems[0]
    low, high = tamper.seq if isinstance(tamper.seq, tuple) else (tamper.seq, tamper.seq)
    kind_ok = (first["kind"].startswith(tamper.kind[:-1]) if tamper.kind.endswith("*")
               else first["kind"] == tamper.kind)
    named = f"seq {first['seq']} {first['kind']}"
    return ("ok" if kind_ok and low <= first["seq"] <= high else "WRONG"), named


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        base, keep = root / "base", root / "keep"
        keep.mkdir()
        build(base, keep)
        tally = {"ok": 0, "n/a": 0, "MISSED": 0, "WRONG": 0, "ERROR": 0}
        width = max(len(t.name) for t in CLASSES)
        print(f"{'tamper class':<{width}}  " + "  ".join(f"{m:<28}" for m in MODES))
        for tamper in CLASSES:
            project = root / "copy"
            shutil.rmtree(project, ignore_errors=True)
            shutil.copytree(base, project)
            tamper.apply(project)
            cells = []
            for mode in ("local", "pubkey", "against", "plain"):  # plain removes the key
                outcome, named = verdict(project, mode, keep, tamper)
                tally[outcome] += 1
                cells.append((mode, f"{outcome}: {named}"))
            row = dict(cells)
            print(f"{tamper.name:<{width}}  " + "  ".join(f"{row[m]:<28}" for m in MODES))
        applicable = len(CLASSES) * len(MODES) - tally["n/a"]
        print(f"{len(CLASSES)} tamper classes x {len(MODES)} verify modes: {tally['ok']} of "
              f"{applicable} applicable cells detected with the expected first bad seq and kind; "
              f"missed {tally['MISSED']}, wrong seq/kind {tally['WRONG']}, errors "
              f"{tally['ERROR']}; {tally['n/a']} beyond the mode by design")


if __name__ == "__main__":
    main()
