"""The RFC 6962 Merkle tree against its recursive definition, and its proofs."""

from __future__ import annotations

import hashlib

import pytest

from lacuna_cli.audit import merkle


def reference(data: list[bytes]) -> bytes:
    """MTH exactly as RFC 6962 §2.1 defines it."""
    if not data:
        return hashlib.sha256(b"").digest()
    if len(data) == 1:
        return merkle.leaf_hash(data[0])
    k = 1
    while k * 2 < len(data):
        k *= 2
    return merkle.node_hash(reference(data[:k]), reference(data[k:]))


@pytest.mark.parametrize("size", range(0, 70))
def test_roots_frontier_and_proofs_agree_with_the_definition(size: int) -> None:
    data = [i.to_bytes(2, "big") for i in range(size)]
    leaves = [merkle.leaf_hash(d) for d in data]
    expected = reference(data)
    assert merkle.root(leaves) == expected
    frontier: list = []
    for leaf in leaves:
        frontier = merkle.append(frontier, leaf)
    assert merkle.frontier_root(frontier) == expected
    for index in range(size):
        proof = merkle.inclusion_proof(index, leaves)
        assert merkle.verify_inclusion(index, size, leaves[index], proof, expected)
        assert not merkle.verify_inclusion(index, size, merkle.leaf_hash(b"forged"), proof,
                                           expected)
    for old in range(1, size):
        proof = merkle.consistency_proof(old, leaves)
        assert merkle.verify_consistency(old, size, reference(data[:old]), expected, proof)
        assert not merkle.verify_consistency(old, size, merkle.leaf_hash(b"x"), expected, proof)
