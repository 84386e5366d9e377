"""Verification: walk the log once and name the first bad record and the kind of tampering.

Checks, in one streaming pass: content against hash (edited), gapless seq (deleted), links to
the previous record (inserted, reordered, broken link), unique event ids (duplicate), the
seals — every record belongs to the run whose checkpoint follows it (unsealed) — and the
signed checkpoints: their signature (forged checkpoint), their stored frontier against their
signed tree head (bad frontier), their head hash and Merkle tree head against the records
(rewritten with recomputed hashes), and their size against the log (truncated tail). A rewrite
is bracketed by checkpoints: the first bad seq reported is the first record after the last
checkpoint that still matches. Archive files are checked against the SHA-256 recorded when
they were written (archive-missing, archive-altered, archive-unreadable).
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left
from collections import deque
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lacuna_cli.audit import merkle
from lacuna_cli.store import audit_archive as archive
from lacuna_cli.audit.chain import GENESIS_HASH, record_hash
from lacuna_cli.audit.checkpoint import Checkpoint, decode_frontier, frontier_problem
from lacuna_cli.audit.keys import key_id, signature_valid
from lacuna_cli.store.audit_records import read_rows
from lacuna_cli.store import audit_log as audit_store

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
    predating: int = 0  # checkpoints before the trusted key's first one (see TrustedKey)
    problems: list[Problem] = field(default_factory=list)
    tree_root: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def tampered(self) -> bool:
        """Failed for a reason other than a log nobody signed with the given key."""
        return any(p.kind != "unsigned" for p in self.problems)

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "records": self.records, "checkpoints": self.checkpoints,
                "signed_checkpoints": self.signed, "checkpoints_before_key": self.predating,
                "tree_root": self.tree_root,
                "problems": [{"seq": p.seq, "kind": p.kind, "detail": p.detail}
                             for p in self.problems]}


@dataclass(frozen=True)
class TrustedKey:
    """The public keys checkpoints are checked with (several after a key rotation).

    Checkpoints made before the first one signed as one of these keys predate the key
    (unsigned, or signed by an earlier key): that checkpoint's signed tree head covers every
    record before it. From it on, every checkpoint must be signed by one of these keys.
    `complete` (an auditor's --pubkey): a log with checkpoints but none signed by the keys
    cannot be authenticated — reported as `unsigned`, since stripping every signature is what
    a forger would do. The key beside the database proves nothing a forger could not replace,
    so without --pubkey such a log is only checked as far as it is signed."""

    key: Ed25519PublicKey
    complete: bool = True
    rotated: tuple[Ed25519PublicKey, ...] = ()  # the other keys in use since (--pubkey again)

    def by_id(self) -> dict[str, Ed25519PublicKey]:
        return {key_id(key): key for key in (self.key, *self.rotated)}


class _TreeCheck:
    """Rebuilds the Merkle tree leaf by leaf and compares it with each checkpoint it reaches."""

    def __init__(self, checkpoints: list[Checkpoint], after: Checkpoint | None = None) -> None:
        self.pending = sorted(checkpoints, key=lambda c: c.seq)
        # A frontier that is not the signed tree's right edge is reported as bad-frontier.
        usable = after is not None and frontier_problem(after) is None
        self.frontier: list[tuple[int, bytes]] = (decode_frontier(after.frontier)
                                                  if after and usable else [])
        self.last_good = after.seq if after else 0
        self.mismatched: list[tuple[int, Checkpoint]] = []

    def feed(self, seq: int, stored_hash: str) -> None:
        self.frontier = merkle.append(self.frontier, merkle.leaf_hash(bytes.fromhex(stored_hash)))
        while self.pending and self.pending[0].seq <= seq:  # below seq: its record is gone
            checkpoint = self.pending.pop(0)
            root = merkle.frontier_root(self.frontier).hex()
            if (checkpoint.seq == seq and checkpoint.head_hash == stored_hash
                    and checkpoint.tree_root == root):
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


@dataclass
class _Block:
    """Consecutive unsealed records that fall before the same checkpoint (or after all)."""

    first: int
    last: int
    index: int  # of the checkpoint that seals them; len(checkpoints): none does
    timestamp: str  # of the first one
    uniform: bool = True  # all stamped alike


class _SealCheck:
    """Every record must be sealed by the checkpoint of its own run — the first checkpoint at
    or after its seq, stamped with the record's timestamp (a run writes both with one clock
    reading and commits them together). Unsealed records are reported in blocks; a run whose
    records all carry one other timestamp points at its checkpoint instead (edited)."""

    def __init__(self, checkpoints: Sequence[Checkpoint], after: int = 0) -> None:
        ordered = sorted(checkpoints, key=lambda c: c.seq)
        self.after = after  # the seq the checked records follow
        self.seqs = [c.seq for c in ordered]
        self.stamps = [c.timestamp for c in ordered]
        self.block: _Block | None = None
        self.problems: list[Problem] = []

    def feed(self, seq: int, timestamp: str) -> None:
        index = bisect_left(self.seqs, seq)
        sealed = index < len(self.seqs) and self.stamps[index] == timestamp
        block = self.block
        if block and (sealed or block.last != seq - 1 or block.index != index):
            self._close()
        if sealed:
            return
        if self.block:
            self.block.last = seq
            self.block.uniform = self.block.uniform and self.block.timestamp == timestamp
        else:
            self.block = _Block(seq, seq, index, timestamp)

    def _close(self) -> None:
        block, self.block = self.block, None
        if block is None:
            return
        span = (f"record {block.first}" if block.first == block.last
                else f"records {block.first}..{block.last}")
        if block.index == len(self.seqs):
            where = (f"after the last checkpoint (seq {self.seqs[-1]})" if self.seqs
                     else f"after the last checkpoint (seq {self.after})" if self.after
                     else "and no checkpoint at all")
            self.problems.append(Problem(block.first, "unsealed", (
                f"{span} {where}: appended outside Lacuna, or the checkpoint that sealed them "
                "was removed (a crash cannot leave this: a run commits its records and its "
                "checkpoint together)")))
            return
        seal_seq, seal_stamp = self.seqs[block.index], self.stamps[block.index]
        run_start = self.seqs[block.index - 1] + 1 if block.index else self.after + 1
        if block.uniform and (block.first, block.last) == (run_start, seal_seq):
            self.problems.append(Problem(seal_seq, "forged-checkpoint", (
                f"checkpoint at seq {seal_seq} is stamped {seal_stamp}, every record of its "
                f"run {block.timestamp}: the checkpoint was edited")))
            return
        self.problems.append(Problem(block.first, "unsealed", (
            f"{span}, stamped {block.timestamp}, sealed by the checkpoint at seq {seal_seq} of "
            f"a run stamped {seal_stamp}: appended outside Lacuna between runs, or the "
            "checkpoint of their own run was removed")))

    def finish(self, result: Verification) -> None:
        if self.block:
            self._close()
        result.problems.extend(self.problems)


def verify(rows: Iterable[dict[str, Any]], checkpoints: Sequence[Checkpoint] = (),
           trusted: TrustedKey | None = None, after: Checkpoint | None = None) -> Verification:
    """Check records (in seq order) and the checkpoints that seal them: the whole log, or the
    records and checkpoints `after` a checkpoint already trusted (they continue its head hash
    and its Merkle frontier; its signature and frontier are checked again with theirs)."""
    result = Verification(checkpoints=len(checkpoints))
    tree = _TreeCheck(list(checkpoints), after)
    seals = _SealCheck(checkpoints, after.seq if after else 0)
    expected_seq, prev_hash = (after.seq + 1, after.head_hash) if after else (1, GENESIS_HASH)
    recent: deque[tuple[str, int]] = deque([(after.head_hash, after.seq)] if after else (),
                                           maxlen=RECENT)
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
        seals.feed(seq, row["timestamp"])
        tree.feed(seq, stored)
        expected_seq, prev_hash = seq + 1, stored
    tree.finish(expected_seq, result)
    seals.finish(result)
    _check_checkpoints([after, *checkpoints] if after else checkpoints, trusted, result)
    return result


def verify_stored_log(connection: duckdb.DuckDBPyConnection, db_path: Path,
                      trusted: TrustedKey | None = None) -> Verification:
    """The whole stored log of the project at `db_path` (its archives and every checkpoint)
    verified: what `audit verify`, `audit report` and `lacuna report` state about the log."""
    return verify_store(connection, archive.archive_dir(db_path),
                        audit_store.every_checkpoint(connection), trusted)


def verify_store(connection: duckdb.DuckDBPyConnection, folder: Path,
                 checkpoints: Sequence[Checkpoint],
                 trusted: TrustedKey | None = None) -> Verification:
    """Verify the stored log (archives + live table) fast, or fall back to `verify`.

    Python recomputes every content hash from the canonical JSON DuckDB writes; DuckDB checks
    seq, links, event ids, seals and the checkpoints' head hashes in a few vectorised queries
    and rebuilds the Merkle tree head of the latest checkpoint (`_intact`). (The chain
    already ties each earlier checkpoint's head hash to every record before it; the
    record-by-record walk also re-checks each checkpoint's own tree head.) If anything is off,
    the walk (`verify`) names the first bad record and the kind of tampering; a missing or
    unreadable archive file is reported and left out of the walk.

    DuckDB's `to_json` of the fields in sorted order gives the same bytes as the canonical form
    for every record Lacuna writes; a record where it would not is merely suspicious here and
    judged by the walk.
    """
    source, found, damages = archive.checked_source(connection, folder)
    if damages or not _intact(connection, source, checkpoints):
        result = verify(read_rows(connection, source), checkpoints, trusted)
        _add_damages(damages, found, result)
        return result
    latest = max(checkpoints, key=lambda c: c.seq, default=None)
    count = audit_store.record_count(connection, source)
    result = Verification(records=count, checkpoints=len(checkpoints),
                          tree_root=latest.tree_root if latest else merkle.EMPTY_ROOT.hex())
    _check_checkpoints(checkpoints, trusted, result)
    return result


def verify_after(connection: duckdb.DuckDBPyConnection, folder: Path,
                 checkpoints: Sequence[Checkpoint], seq: int,
                 trusted: TrustedKey | None = None) -> Verification:
    """Verify only what follows the checkpoint at `seq` (every record and checkpoint after
    it, and the archive files that hold them), walking on from its head hash and Merkle
    frontier: what a push checks before sending, at the cost of what it sends. `seq` 0: the
    whole log."""
    after = next((c for c in checkpoints if c.seq == seq), None) if seq else None
    if seq and after is None:
        raise ValueError(f"no checkpoint at seq {seq} to verify from")
    source, found, damages = archive.checked_source(connection, folder, seq)
    result = verify(read_rows(connection, source, "WHERE seq > ?", [seq]),
                    [c for c in checkpoints if c.seq > seq], trusted, after)
    _add_damages(damages, found, result)
    return result


def _intact(connection: duckdb.DuckDBPyConnection, source: str,
            checkpoints: Sequence[Checkpoint]) -> bool:
    """Every check of the walk, vectorised; False sends the log to the walk. Three parts run
    at once, each on its own connection: Python hashes every record's content (its SHA-256
    is several times faster than DuckDB's), while DuckDB, which lets go of the GIL, checks
    seqs, ids, links and seals in one thread and rebuilds the latest Merkle tree head in
    another."""
    ordered = sorted(checkpoints, key=lambda c: c.seq)
    with (audit_store.side_connection(connection) as chain_side,
          audit_store.side_connection(connection) as tree_side,
          ThreadPoolExecutor(2) as pool):
        chain = pool.submit(_chain_intact, chain_side, source, ordered)
        tree = pool.submit(_tree_intact, tree_side, source, ordered)
        content = _content_intact(connection, source)
        return chain.result() and tree.result() and content


def _content_intact(connection: duckdb.DuckDBPyConnection, source: str) -> bool:
    """Every record's content hashes to its stored hash."""
    sha256 = hashlib.sha256
    return all(sha256(payload).digest() == stored
               for batch in audit_store.content_batches(connection, source)
               for payload, stored in batch)


def _chain_intact(connection: duckdb.DuckDBPyConnection, source: str,
                  ordered: list[Checkpoint]) -> bool:
    """Gapless unique seqs, unique event ids, links, seals, head hashes and stored
    frontiers."""
    count, first, last, seqs, events, broken = audit_store.chain_counts(connection, source)
    unsealed = audit_store.unsealed_count(connection, source, ordered)
    heads = audit_store.hashes_at(connection, source, [c.seq for c in ordered])
    return not (broken or unsealed or not count == seqs == events
                or (count and (first != 1 or last != count))
                or any(heads.get(c.seq) != c.head_hash for c in ordered)
                or any(frontier_problem(c) for c in ordered))


def _tree_intact(connection: duckdb.DuckDBPyConnection, source: str,
                 ordered: list[Checkpoint]) -> bool:
    """The latest checkpoint's Merkle tree head, rebuilt from the records' hashes."""
    if not ordered:
        return True
    return audit_store.tree_root_through(connection, source,
                                         ordered[-1].seq) == ordered[-1].tree_root


def _add_damages(damages: list[archive.Damage], found: list[archive.Segment],
                 result: Verification) -> None:
    """Archive problems go first at their file's seq (an altered file at the first bad record
    the walk found in it); problems inside an archive name its file."""
    for problem in result.problems:
        for segment in found:
            if segment.first <= problem.seq <= segment.last:
                problem.detail += f" (in {segment.path})"
    for damage in damages:
        segment = damage.segment
        inside = [p.seq for p in result.problems if segment.first <= p.seq <= segment.last]
        seq = min(inside) if damage.readable and inside else segment.first
        result.problems.insert(0, Problem(seq, damage.kind, damage.detail))
    result.problems.sort(key=lambda p: p.seq)


def _check_checkpoints(checkpoints: Sequence[Checkpoint], trusted: TrustedKey | None,
                       result: Verification) -> None:
    """Signatures and stored frontiers of every checkpoint; problems end up in seq order."""
    _check_signatures(checkpoints, trusted, result)
    for checkpoint in checkpoints:
        if problem := frontier_problem(checkpoint):
            result.problems.append(Problem(checkpoint.seq, "bad-frontier",
                                           f"checkpoint at seq {checkpoint.seq}: {problem} "
                                           "(edited)"))
    result.problems.sort(key=lambda p: p.seq)


def _check_signatures(checkpoints: Sequence[Checkpoint], trusted: TrustedKey | None,
                      result: Verification) -> None:
    """See `TrustedKey`: from the first checkpoint signed as a trusted key on, each must
    verify with one; the ones before it predate the key and are counted, not blamed."""
    if trusted is None:
        return
    keys = trusted.by_id()
    ordered = sorted(checkpoints, key=lambda c: c.seq)
    start = next((c.seq for c in ordered if c.signature and c.key_id in keys), None)
    for checkpoint in ordered:
        if start is None or checkpoint.seq < start:
            result.predating += 1
            continue
        key = keys.get(checkpoint.key_id)
        if key is not None and signature_valid(key, checkpoint.signature, checkpoint.message()):
            result.signed += 1
            continue
        why = ("is not signed, though the one at seq {start} is" if not checkpoint.signature
               else "is not signed by the trusted key" if key is not None else
               f"is signed by another key ({checkpoint.key_id}): after a key rotation, pass "
               "every public key in use since (--pubkey once per key)")
        result.problems.append(Problem(checkpoint.seq, "forged-checkpoint",
                                       f"checkpoint at seq {checkpoint.seq} "
                                       + why.format(start=start)))
    foreign = next((c for c in ordered if c.signature), None)
    if start is None and foreign is not None and trusted.complete:
        result.problems.append(Problem(foreign.seq, "forged-checkpoint", (
            f"checkpoint at seq {foreign.seq} is signed by key {foreign.key_id} and none by the "
            "given key: the log was re-signed with another key (or pass the key in use)")))
    elif start is None and ordered and trusted.complete:
        result.problems.append(Problem(ordered[-1].seq, "unsigned", (
            f"no checkpoint (of {len(ordered)}) is signed by the given key, so the log "
            "cannot be authenticated with it: checkpoints made before a key existed are "
            "unsigned (`lacuna audit keygen` signs one over the whole log), or every "
            "signature was stripped")))


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
