"""The hash chain: canonical form, record hashes, and verification.

hash = SHA-256 over the canonical JSON of every field but `hash` itself (sorted keys, no
insignificant whitespace, UTF-8), prev_hash included; the first record links to 64 zeros.
Records hold only strings, integers and lists of strings — no floats — so the canonical bytes
are the same whichever JSON library re-reads them. Verification lives in `verify.py`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

import orjson

from lacuna_cli.models import AuditRecord

GENESIS_HASH = "0" * 64
RECORD_FIELDS = tuple(AuditRecord.model_fields)
HASHED_FIELDS = tuple(name for name in RECORD_FIELDS if name != "hash")
_HASHED = frozenset(HASHED_FIELDS)


def canonical(fields: dict[str, Any]) -> bytes:
    """Canonical JSON of the hashed fields of a record."""
    return orjson.dumps({name: fields[name] for name in HASHED_FIELDS},
                        option=orjson.OPT_SORT_KEYS)


def record_hash(fields: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(fields)).hexdigest()


def link(entries: Iterable[dict[str, Any]], head_seq: int, head_hash: str) -> list[dict[str, Any]]:
    """Number and chain new entries (dicts without seq/prev_hash/hash) after the current head.

    Returns complete records as plain dicts with the fields of `AuditRecord`: they are built
    here from validated findings, and a hundred thousand of them are appended in one run.
    """
    return link_rows(entries, head_seq, head_hash)[0]


def link_rows(entries: Iterable[dict[str, Any]], head_seq: int, head_hash: str
              ) -> tuple[list[dict[str, Any]], list[bytes]]:
    """`link`, and each record as one line of JSON for a bulk insert: the canonical bytes
    already hashed with the hash added, so a record is serialised once, not twice."""
    records, lines = [], []
    prev = head_hash
    for seq, entry in enumerate(entries, start=head_seq + 1):
        record = {**entry, "seq": seq, "prev_hash": prev, "tags": list(entry["tags"])}
        payload = _canonical_record(record)
        record["hash"] = prev = hashlib.sha256(payload).hexdigest()
        records.append(record)
        lines.append(b"%s,\"hash\":\"%s\"}" % (payload[:-1], prev.encode()))
    return records, lines


def _canonical_record(record: dict[str, Any]) -> bytes:
    """`canonical` of a record that holds exactly the hashed fields, without copying it."""
    if record.keys() != _HASHED:
        return canonical(record)  # extra fields are left out; a missing one raises KeyError
    return orjson.dumps(record, option=orjson.OPT_SORT_KEYS)

