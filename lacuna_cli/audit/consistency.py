"""Proofs an auditor can check: a record is in the signed tree (inclusion), and today's log
only grew from an older signed checkpoint (consistency) — RFC 6962 style."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lacuna_cli.audit import merkle
from lacuna_cli.store.audit_archive import checked_source, log_source
from lacuna_cli.audit.checkpoint import Checkpoint
from lacuna_cli.audit.keys import signature_valid
from lacuna_cli.audit.verify import Problem, TrustedKey, Verification
from lacuna_cli.errors import LacunaError
from lacuna_cli.store import audit_log as audit_store

if TYPE_CHECKING:
    import duckdb


def leaf_hashes(connection: duckdb.DuckDBPyConnection, source: str) -> list[bytes]:
    """Merkle leaves of the log `source` (archives, then live), in seq order."""
    return [merkle.leaf_hash(bytes.fromhex(value))
            for value in audit_store.hashes(connection, source)]


def hash_at(connection: duckdb.DuckDBPyConnection, folder: Path, seq: int) -> str | None:
    """The hash of record `seq`, wherever it is kept (archive or live table): only the files
    from the one holding it on are read."""
    return audit_store.hash_at(connection, log_source(connection, folder, seq - 1), seq)


def inclusion(connection: duckdb.DuckDBPyConnection, folder: Path, seq: int) -> dict[str, Any]:
    """The audit path of record `seq` in the tree of the latest checkpoint, checked here too."""
    latest = audit_store.latest_checkpoint(connection)
    if latest is None:
        raise LacunaError("the audit log has no checkpoint yet (run `lacuna check` first)")
    leaves = leaf_hashes(connection, log_source(connection, folder))[: latest.seq]
    if not 1 <= seq <= len(leaves):
        raise LacunaError(f"seq {seq} is not in the log (1..{len(leaves)})")
    proof = merkle.inclusion_proof(seq - 1, leaves)
    verified = merkle.verify_inclusion(seq - 1, len(leaves), leaves[seq - 1], proof,
                                       bytes.fromhex(latest.tree_root))
    return {"seq": seq, "leaf_index": seq - 1, "tree_size": len(leaves),
            "leaf_hash": leaves[seq - 1].hex(), "proof": [node.hex() for node in proof],
            "checkpoint": latest.as_json(), "verified": verified}


def load_checkpoint(path: Path) -> Checkpoint:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return Checkpoint(seq=int(raw["seq"]), head_hash=raw["head_hash"],
                          tree_root=raw["tree_root"], timestamp=raw["timestamp"],
                          key_id=raw.get("key_id", ""), signature=raw.get("signature", ""),
                          frontier="[]")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise LacunaError(f"{path}: not a checkpoint written by `lacuna audit checkpoint`: "
                          f"{exc}") from exc


def check_against(connection: duckdb.DuckDBPyConnection, folder: Path, path: Path,
                  trusted: TrustedKey | None, result: Verification) -> None:
    """Add a problem to `result` unless the log is a pure extension of the old checkpoint
    (over the archive files that can be read: verification reports the others)."""
    old = load_checkpoint(path)
    # An unsigned kept checkpoint (made before a key existed) is as good as the copy the
    # auditor kept; a signed one must verify with a trusted key.
    key = trusted.by_id().get(old.key_id) if trusted is not None else None
    checked = trusted is not None and bool(old.signature) and (trusted.complete or key is not None)
    if checked and (key is None or not signature_valid(key, old.signature, old.message())):
        result.problems.append(Problem(old.seq, "forged-checkpoint",
                                       f"{path} is not signed by the trusted key"))
        return
    leaves = leaf_hashes(connection, checked_source(connection, folder)[0])
    if len(leaves) < old.seq:
        result.problems.append(Problem(len(leaves) + 1, "truncated",
                                       f"the log has {len(leaves)} records, fewer than the "
                                       f"{old.seq} of the checkpoint in {path}"))
        return
    proof = merkle.consistency_proof(old.seq, leaves)
    if not merkle.verify_consistency(old.seq, len(leaves), bytes.fromhex(old.tree_root),
                                     merkle.root(leaves), proof):
        result.problems.append(Problem(1, "rewritten",
                                       f"the log is not an extension of the checkpoint in "
                                       f"{path} (consistency proof fails)"))
