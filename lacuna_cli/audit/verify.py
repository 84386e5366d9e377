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
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lacuna_cli.audit import merkle
from lacuna_cli.audit.chain import GENESIS_HASH, record_hash
from lacuna_cli.audit.checkpoint import Checkpoint
from lacuna_cli.audit.keys import signature_valid

if TYPE_CHECKING:
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


def verify(rows: Iterable[dict[str, Any]], checkpoints: list[Checkpoint] = (),
           trusted_key: Ed25519PublicKey | None = None, start_seq: int = 1,
           start_hash: str = GENESIS_HASH) -> Verification:
    """Check records (in seq order) and checkpoints; `start_*` continue after an archive."""
    result = Verification(checkpoints=len(checkpoints))
    pending = sorted(checkpoints, key=lambda c: c.seq)
    _check_signatures(pending, trusted_key, result)
    expected_seq, prev_hash = start_seq, start_hash
    recent: deque[tuple[str, int]] = deque(maxlen=RECENT)
    seen_events: set[str] = set()
    frontier: list[tuple[int, bytes]] = []
    last_good_checkpoint = start_seq - 1
    mismatched: list[tuple[int, Checkpoint]] = []
    for row in rows:
        result.records += 1
        seq = int(row["seq"])
        stored = row["hash"]
        content_ok = record_hash(row) == stored
        if seq != expected_seq:
            kind = "deleted" if seq > expected_seq else "inserted"
            result.problems.append(Problem(expected_seq, kind,
                                           f"expected seq {expected_seq}, found {seq}"))
        if not content_ok:
            result.problems.append(_content_problem(row, seq, recent))
        elif row["prev_hash"] != prev_hash:
            result.problems.append(_link_problem(row, seq, recent))
        if row["event_id"] in seen_events:
            result.problems.append(Problem(seq, "duplicate",
                                           f"event id {row['event_id']} appears twice"))
        seen_events.add(row["event_id"])
        recent.append((stored, seq))
        frontier = merkle.append(frontier, merkle.leaf_hash(bytes.fromhex(stored)))
        while pending and pending[0].seq == seq:
            checkpoint = pending.pop(0)
            root = merkle.frontier_root(frontier).hex()
            if checkpoint.head_hash == stored and checkpoint.tree_root == root:
                last_good_checkpoint = checkpoint.seq
            else:
                mismatched.append((last_good_checkpoint, checkpoint))
        expected_seq, prev_hash = seq + 1, stored
    for good, checkpoint in mismatched:
        if not any(p.seq > good for p in result.problems):  # records look intact: recomputed
            result.problems.append(Problem(
                good + 1, "rewritten",
                f"checkpoint at seq {checkpoint.seq} (signed {checkpoint.timestamp}) does not "
                f"match the records: the log between seq {good + 1} and {checkpoint.seq} was "
                "rewritten"))
    for checkpoint in pending:
        result.problems.append(Problem(
            expected_seq, "truncated",
            f"checkpoint at seq {checkpoint.seq} names records that are missing: the log ends "
            f"at seq {expected_seq - 1}"))
    result.tree_root = merkle.frontier_root(frontier).hex()
    result.problems.sort(key=lambda p: p.seq)
    return result


def _check_signatures(checkpoints: list[Checkpoint], trusted_key: Ed25519PublicKey | None,
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
