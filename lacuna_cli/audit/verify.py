"""Verification: walk the log once and name the first bad record and the kind of tampering.

Checks, in one streaming pass: content against hash (edited), gapless seq (deleted), links to
the previous record (inserted, reordered, broken link), unique event ids (duplicate), and the
signed checkpoints — their signature (forged checkpoint), their head hash and Merkle tree head
against the records (rewritten with recomputed hashes), and their size against the log
(truncated tail). A rewrite is bracketed by checkpoints: the first bad seq reported is the first
record after the last checkpoint that still matches.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from pathlib import Path
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lacuna_cli.audit import merkle
from lacuna_cli.audit.archive import records_sql
from lacuna_cli.audit.log import read_rows
from lacuna_cli.audit.chain import GENESIS_HASH, HASHED_FIELDS, record_hash
from lacuna_cli.audit.checkpoint import Checkpoint
from lacuna_cli.audit.keys import signature_valid

if TYPE_CHECKING:
    import duckdb
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

RECENT = 64  # how far back a broken link is traced to tell insertion/reordering apart


@dataclass
class Problem:
    seq: int
    kind: str
    detail: str


@dataclass
class Verification:
    records: int = 0
    checkpoints: int = 0
    signed: int = 0
    problems: list[Problem] = field(default_factory=list)
    tree_root: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "records": self.records, "checkpoints": self.checkpoints,
                "signed_checkpoints": self.signed, "tree_root": self.tree_root,
                "problems": [{"seq": p.seq, "kind": p.kind, "detail": p.detail}
                             for p in self.problems]}


class _TreeCheck:
    """Rebuilds the Merkle tree leaf by leaf and compares it with each checkpoint it reaches."""

    def __init__(self, checkpoints: list[Checkpoint], start_seq: int) -> None:
        self.pending = sorted(checkpoints, key=lambda c: c.seq)
        self.frontier: list[tuple[int, bytes]] = []
        self.last_good = start_seq - 1
        self.mismatched: list[tuple[int, Checkpoint]] = []

    def feed(self, seq: int, stored_hash: str) -> None:
        self.frontier = merkle.append(self.frontier, merkle.leaf_hash(bytes.fromhex(stored_hash)))
        while self.pending and self.pending[0].seq == seq:
            checkpoint = self.pending.pop(0)
            root = merkle.frontier_root(self.frontier).hex()
            if checkpoint.head_hash == stored_hash and checkpoint.tree_root == root:
                self.last_good = checkpoint.seq
            else:
                self.mismatched.append((self.last_good, checkpoint))

    def finish(self, next_seq: int, result: Verification) -> None:
        """Rewrites (checkpoints the records no longer match, when the records alone look
        intact) and truncation (checkpoints past the end of the log)."""
        for good, checkpoint in self.mismatched:
            if not any(p.seq > good for p in result.problems):
                result.problems.append(Problem(
                    good + 1, "rewritten",
                    f"checkpoint at seq {checkpoint.seq} (signed {checkpoint.timestamp}) does "
                    f"not match the records: the log between seq {good + 1} and "
                    f"{checkpoint.seq} was rewritten"))
        for checkpoint in self.pending:
            result.problems.append(Problem(
                next_seq, "truncated",
                f"checkpoint at seq {checkpoint.seq} names records that are missing: the log "
                f"ends at seq {next_seq - 1}"))
        result.tree_root = merkle.frontier_root(self.frontier).hex()
        result.problems.sort(key=lambda p: p.seq)


def verify(rows: Iterable[dict[str, Any]], checkpoints: Sequence[Checkpoint] = (),
           trusted_key: Ed25519PublicKey | None = None, start_seq: int = 1,
           start_hash: str = GENESIS_HASH) -> Verification:
    """Check records (in seq order) and checkpoints; `start_*` continue after an archive."""
    result = Verification(checkpoints=len(checkpoints))
    _check_signatures(checkpoints, trusted_key, result)
    tree = _TreeCheck(list(checkpoints), start_seq)
    expected_seq, prev_hash = start_seq, start_hash
    recent: deque[tuple[str, int]] = deque(maxlen=RECENT)
    seen_events: set[str] = set()
    for row in rows:
        result.records += 1
        seq = int(row["seq"])
        stored = row["hash"]
        if seq != expected_seq:
            kind = "deleted" if seq > expected_seq else "inserted"
            result.problems.append(Problem(expected_seq, kind,
                                           f"expected seq {expected_seq}, found {seq}"))
        if record_hash(row) != stored:
            result.problems.append(_content_problem(row, seq, recent))
        elif row["prev_hash"] != prev_hash:
            result.problems.append(_link_problem(row, seq, recent))
        if row["event_id"] in seen_events:
            result.problems.append(Problem(seq, "duplicate",
                                           f"event id {row['event_id']} appears twice"))
        seen_events.add(row["event_id"])
        recent.append((stored, seq))
        tree.feed(seq, stored)
        expected_seq, prev_hash = seq + 1, stored
    tree.finish(expected_seq, result)
    return result


def verify_store(connection: duckdb.DuckDBPyConnection, folder: Path,
                 checkpoints: Sequence[Checkpoint],
                 trusted_key: Ed25519PublicKey | None = None) -> Verification:
    """Verify the stored log (archives + live table) fast, or fall back to `verify`.

    DuckDB recomputes every content hash and checks seq, links, event ids and the checkpoints'
    head hashes in a few vectorised queries; Python rebuilds the Merkle tree head of the latest
    checkpoint. (The chain already ties each earlier checkpoint's head hash to every record
    before it; the record-by-record walk also re-checks each checkpoint's own tree head.) If
    anything is off, the walk (`verify`) names the first bad record and the kind of tampering.

    DuckDB's `to_json` of the fields in sorted order gives the same bytes as the canonical form
    for every record Lacuna writes; a record where it would not is merely suspicious here and
    judged by the walk.
    """
    source = records_sql(folder)
    fields = ", ".join(f'"{name}" := "{name}"' for name in sorted(HASHED_FIELDS))
    edited, count, first, last, seqs, events = connection.execute(f"""
        SELECT count(*) FILTER (WHERE sha256(to_json(struct_pack({fields}))::VARCHAR) <> hash),
               count(*), min(seq), max(seq), count(DISTINCT seq), count(DISTINCT event_id)
        FROM ({source})""").fetchone()
    (broken,) = connection.execute(f"""
        WITH r AS ({source})
        SELECT count(*) FROM r LEFT JOIN r AS before ON before.seq = r.seq - 1
        WHERE r.prev_hash <> coalesce(before.hash, '{GENESIS_HASH}')""").fetchone()
    heads = dict(connection.execute(f"SELECT seq, hash FROM ({source}) WHERE seq IN "
                                    "(SELECT unnest($1))", [[c.seq for c in checkpoints]]
                                    ).fetchall())
    intact = (not edited and not broken and count == seqs == events
              and (count == 0 or (first == 1 and last == count))
              and all(heads.get(c.seq) == c.head_hash for c in checkpoints))
    latest = max(checkpoints, key=lambda c: c.seq, default=None)
    if intact and latest is not None:
        hashes = connection.execute(f"SELECT hash FROM ({source}) WHERE seq <= ? ORDER BY seq",
                                    [latest.seq]).fetchall()
        leaves = [merkle.leaf_hash(bytes.fromhex(value)) for (value,) in hashes]
        intact = merkle.root(leaves).hex() == latest.tree_root
    if not intact:
        return verify(read_rows(connection, source), checkpoints, trusted_key)
    result = Verification(records=count, checkpoints=len(checkpoints),
                          tree_root=latest.tree_root if latest else merkle.EMPTY_ROOT.hex())
    _check_signatures(checkpoints, trusted_key, result)
    return result


def _check_signatures(checkpoints: Sequence[Checkpoint], trusted_key: Ed25519PublicKey | None,
                      result: Verification) -> None:
    for checkpoint in checkpoints:
        if not checkpoint.signature:
            if trusted_key is not None:
                result.problems.append(Problem(checkpoint.seq, "forged-checkpoint",
                                               "checkpoint is not signed"))
            continue
        if trusted_key is None:
            continue
        if signature_valid(trusted_key, checkpoint.signature, checkpoint.message()):
            result.signed += 1
        else:
            result.problems.append(Problem(
                checkpoint.seq, "forged-checkpoint",
                f"checkpoint at seq {checkpoint.seq} is not signed by the trusted key"))


def _content_problem(row: dict[str, Any], seq: int, recent: deque[tuple[str, int]]) -> Problem:
    """Content does not match the hash. If it matches under another seq the record was moved:
    to a later seq when something was inserted before it, to an earlier one when reordered."""
    candidates = [seq + 1, seq - 1]
    candidates += [earlier + 1 for earlier_hash, earlier in recent
                   if earlier_hash == row["prev_hash"] and earlier + 1 not in (seq, *candidates)]
    for true_seq in candidates:
        if true_seq >= 1 and record_hash({**row, "seq": true_seq}) == row["hash"]:
            if true_seq > seq:
                return Problem(seq, "reordered", f"record {true_seq} was moved to seq {seq}")
            return Problem(true_seq, "inserted", f"record {true_seq} was pushed to seq {seq}: "
                                                 "something was inserted before it")
    return Problem(seq, "edited", "content does not match its hash")


def _link_problem(row: dict[str, Any], seq: int, recent: deque[tuple[str, int]]) -> Problem:
    """Valid content, wrong link: skipping back over a record means it was inserted."""
    if not recent:
        return Problem(seq, "bad-genesis", "the first record does not link to the genesis hash "
                                           "(or to the last archived record)")
    for earlier_hash, earlier_seq in recent:
        if earlier_hash == row["prev_hash"]:
            return Problem(earlier_seq + 1, "inserted",
                           f"record {seq} links to seq {earlier_seq}: what lies between was "
                           "inserted")
    return Problem(seq, "broken-link", "prev_hash does not match the hash of the record before it")
