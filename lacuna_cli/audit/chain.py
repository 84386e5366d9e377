"""The hash chain: canonical form, record hashes, and verification.

hash = SHA-256 over the canonical JSON of every field but `hash` itself (sorted keys, no
insignificant whitespace, UTF-8), prev_hash included; the first record links to 64 zeros.
Records hold only strings, integers and lists of strings — no floats — so the canonical bytes
are the same whichever JSON library re-reads them. Verification also checks that seq has no
gaps and event ids are unique: a chain whose links are intact can still hide a lost record.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

from lacuna_cli.models import AuditRecord

GENESIS_HASH = "0" * 64
RECORD_FIELDS = tuple(AuditRecord.model_fields)
HASHED_FIELDS = tuple(name for name in RECORD_FIELDS if name != "hash")


def canonical(fields: dict[str, Any]) -> bytes:
    """Canonical JSON of the hashed fields of a record."""
    return orjson.dumps({name: fields[name] for name in HASHED_FIELDS},
                        option=orjson.OPT_SORT_KEYS)


def record_hash(fields: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(fields)).hexdigest()


def link(entries: Iterable[dict[str, Any]], head_seq: int, head_hash: str) -> list[AuditRecord]:
    """Number and chain new entries (dicts without seq/prev_hash/hash) after the current head."""
    records = []
    prev = head_hash
    for offset, entry in enumerate(entries, start=1):
        fields = {**entry, "seq": head_seq + offset, "prev_hash": prev}
        fields["tags"] = list(fields["tags"])
        fields["hash"] = record_hash(fields)
        records.append(AuditRecord.model_validate(fields))
        prev = fields["hash"]
    return records


@dataclass
class Problem:
    seq: int
    kind: str
    detail: str


@dataclass
class Verification:
    records: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(rows: Iterable[dict[str, Any]]) -> Verification:
    """Check a log in seq order; name the first bad record and what kind of tampering it shows.

    kinds: `deleted` (a gap in seq), `edited` (a record's content no longer matches its hash),
    `broken-link` (prev_hash does not match the previous record: inserted, reordered or
    rewritten), `duplicate` (an event id seen twice), `bad-genesis`.
    """
    result = Verification()
    expected_seq, prev_hash = 1, GENESIS_HASH
    seen_events: set[str] = set()
    for row in rows:
        result.records += 1
        seq = int(row["seq"])
        if seq != expected_seq:
            kind = "deleted" if seq > expected_seq else "inserted"
            result.problems.append(Problem(expected_seq, kind, f"expected seq {expected_seq}, "
                                                               f"found {seq}"))
        if record_hash({**row, "tags": list(row["tags"])}) != row["hash"]:
            result.problems.append(Problem(seq, "edited", "content does not match its hash"))
        if row["prev_hash"] != prev_hash:
            kind = "bad-genesis" if seq == 1 else "broken-link"
            result.problems.append(Problem(seq, kind, "prev_hash does not match the hash of "
                                                      "the record before it"))
        if row["event_id"] in seen_events:
            result.problems.append(Problem(seq, "duplicate", f"event id {row['event_id']} "
                                                             "appears twice"))
        seen_events.add(row["event_id"])
        expected_seq, prev_hash = seq + 1, row["hash"]
    result.problems.sort(key=lambda p: p.seq)
    return result
