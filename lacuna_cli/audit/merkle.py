"""An RFC 6962 (Certificate Transparency) Merkle tree over the audit records.

Leaves are the records' chain hashes. A checkpoint signs the tree head, so an auditor holding
an old checkpoint can ask for a consistency proof that today's log only *grew* from it, and
anyone can get an inclusion proof that a record is in a signed tree. Appends are incremental:
a checkpoint keeps the tree's right edge ("frontier", at most log2(n) hashes), so adding k
records costs O(k log n) hashes, not a pass over the whole log.

Algorithms follow RFC 6962 §2.1 (MTH, PATH, PROOF/SUBPROOF) and the verification procedures
of RFC 9162 §2.1.3.2 and §2.1.4.2.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (RFC 6962's k)."""
    return 1 << ((n - 1).bit_length() - 1)


def root(leaves: Sequence[bytes]) -> bytes:
    """MTH over already-hashed leaves, level by level: pairing neighbours and promoting a
    lone last node gives exactly RFC 6962's left-balanced tree, with no per-leaf bookkeeping.
    The node hash is written out inline: a call per node was a third of verifying a log."""
    level = list(leaves)
    if not level:
        return EMPTY_ROOT
    sha256 = hashlib.sha256
    while len(level) > 1:
        # A lone last node has no partner (`strict=False`): it is promoted below.
        paired = [sha256(b"\x01" + left + right).digest()
                  for left, right in zip(level[0::2], level[1::2], strict=False)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


def leaf_hashes(values: Iterable[bytes]) -> list[bytes]:
    """`leaf_hash` of each value, in order (inline, for a whole log)."""
    sha256 = hashlib.sha256
    return [sha256(b"\x00" + value).digest() for value in values]


def append(frontier: list[tuple[int, bytes]], leaf: bytes) -> list[tuple[int, bytes]]:
    """Add one hashed leaf to a frontier of (subtree size, subtree root), largest first."""
    return extend(frontier, (leaf,))


def extend(frontier: list[tuple[int, bytes]], leaves: Iterable[bytes]
           ) -> list[tuple[int, bytes]]:
    """Add hashed leaves in order, merging equal-sized subtrees as they complete (one list for
    the whole run: a run seals a hundred thousand records at once)."""
    sha256 = hashlib.sha256
    stack = list(frontier)
    for leaf in leaves:
        size, node = 1, leaf
        while stack and stack[-1][0] == size:
            left_size, left = stack.pop()
            node = sha256(b"\x01" + left + node).digest()
            size += left_size
        stack.append((size, node))
    return stack


def frontier_root(frontier: list[tuple[int, bytes]]) -> bytes:
    """The tree head from the right edge: fold the perfect subtrees right to left."""
    if not frontier:
        return EMPTY_ROOT
    node = frontier[-1][1]
    for _, left in reversed(frontier[:-1]):
        node = node_hash(left, node)
    return node


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n]): the audit path of leaf `index` in the tree of `leaves`."""
    n = len(leaves)
    if n <= 1:
        return []
    k = _split(n)
    if index < k:
        return [*inclusion_proof(index, leaves[:k]), root(leaves[k:])]
    return [*inclusion_proof(index - k, leaves[k:]), root(leaves[:k])]


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes],
                     expected_root: bytes) -> bool:
    """RFC 9162 §2.1.3.2."""
    if index >= size:
        return False
    fn, sn, node = index, size - 1, leaf
    for sibling in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            node = node_hash(sibling, node)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            node = node_hash(node, sibling)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and node == expected_root


def consistency_proof(old_size: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PROOF(m, D[n]): hashes proving the first `old_size` leaves are a prefix of `leaves`."""
    if not 0 < old_size <= len(leaves):
        raise ValueError("old size must be between 1 and the current size")
    return _subproof(old_size, leaves, True)


def _subproof(m: int, leaves: Sequence[bytes], complete: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if complete else [root(leaves)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, leaves[:k], complete), root(leaves[k:])]
    return [*_subproof(m - k, leaves[k:], False), root(leaves[:k])]


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes,
                       proof: Sequence[bytes]) -> bool:
    """RFC 9162 §2.1.4.2."""
    if old_size == new_size:
        return old_root == new_root and not proof
    if not 0 < old_size < new_size or not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is itself a node
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == old_root and sr == new_root
