"""Signed checkpoints: at the end of each run, the log's size, head hash and Merkle tree head.

A checkpoint lets verification catch what a hash chain alone cannot: a truncated tail (the
checkpoint names records that are gone), a log rewritten with recomputed hashes (the head or
tree head no longer matches a signed value) and records appended outside a run (a run's
records carry the timestamp of the checkpoint that seals them). The frontier stored with it
makes the next run's tree head incremental; it is not in the signed bytes, but its subtree
sizes follow from the signed seq and its nodes fold into the signed tree head, so
`frontier_problem` authenticates it against the signature.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from lacuna_cli.audit import merkle
from lacuna_cli.audit.keys import key_id

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

COLUMNS = ("seq", "head_hash", "tree_root", "timestamp", "key_id", "signature", "frontier")


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    head_hash: str
    tree_root: str
    timestamp: str
    key_id: str
    signature: str
    frontier: str

    def message(self) -> bytes:
        """The signed bytes: canonical JSON of everything but the signature and frontier."""
        return orjson.dumps({"seq": self.seq, "head_hash": self.head_hash,
                             "tree_root": self.tree_root, "timestamp": self.timestamp,
                             "key_id": self.key_id}, option=orjson.OPT_SORT_KEYS)

    def as_json(self) -> dict:
        return {name: getattr(self, name) for name in COLUMNS if name != "frontier"}


def decode_frontier(text: str) -> list[tuple[int, bytes]]:
    return [(int(size), bytes.fromhex(node)) for size, node in orjson.loads(text)]


def encode_frontier(frontier: list[tuple[int, bytes]]) -> str:
    return orjson.dumps([[size, node.hex()] for size, node in frontier]).decode()


def frontier_problem(checkpoint: Checkpoint) -> str | None:
    """Why the stored frontier is not the right edge of the signed tree, or None.

    The right edge of a tree of n leaves is one perfect subtree per set bit of n, largest
    first, and folding their roots gives the tree head — so sizes and nodes are both fixed by
    the signed (seq, tree_root).
    """
    try:
        frontier = decode_frontier(checkpoint.frontier)
    except (ValueError, TypeError) as exc:
        return f"its frontier is not a list of [size, hash] pairs ({exc})"
    sizes = [1 << bit for bit in reversed(range(checkpoint.seq.bit_length()))
             if checkpoint.seq >> bit & 1]
    if [size for size, _ in frontier] != sizes:
        return f"its frontier's subtree sizes do not add up to its {checkpoint.seq} records"
    if merkle.frontier_root(frontier).hex() != checkpoint.tree_root:
        return "its frontier does not fold into its signed tree head"
    return None


def extend(previous: Checkpoint | None, records: list[dict[str, Any]], timestamp: str,
           key: Ed25519PrivateKey | None) -> Checkpoint:
    """The checkpoint after appending `records` to the log `previous` described."""
    return seal(decode_frontier(previous.frontier) if previous else [], records, timestamp, key)


def seal(frontier: list[tuple[int, bytes]], records: list[dict[str, Any]], timestamp: str,
         key: Ed25519PrivateKey | None) -> Checkpoint:
    """The checkpoint after appending `records` to the tree whose right edge is `frontier`."""
    frontier = merkle.extend(frontier, merkle.leaf_hashes(bytes.fromhex(record["hash"])
                                                          for record in records))
    unsigned = Checkpoint(seq=records[-1]["seq"], head_hash=records[-1]["hash"],
                          tree_root=merkle.frontier_root(frontier).hex(), timestamp=timestamp,
                          key_id=key_id(key.public_key()) if key else "", signature="",
                          frontier=encode_frontier(frontier))
    if key is None:
        return unsigned
    signature = key.sign(unsigned.message()).hex()
    return Checkpoint(**{**unsigned.__dict__, "signature": signature})
