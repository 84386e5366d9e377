"""Ed25519 keys that sign checkpoints (cryptography).

The private key signs each run's checkpoint; auditors keep the public key elsewhere and pass it
to `lacuna audit verify --pubkey`, so a log rewritten and re-signed with another key is caught.
cryptography is imported by the functions that handle a key, never with this module: every
`lacuna` command imports the audit modules, and most runs (no signing key) never touch a key.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from lacuna_cli.errors import LacunaError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey, Ed25519PublicKey,
    )


def key_id(public: Ed25519PublicKey) -> str:
    """A short fingerprint of a public key (SHA-256 of its raw bytes, 16 hex digits)."""
    from cryptography.hazmat.primitives import serialization

    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_path(private_path: Path) -> Path:
    return private_path.with_name(private_path.name + ".pub")


def generate(path: Path, overwrite: bool = False) -> Ed25519PublicKey:
    """Write a new private key (mode 0600) and its public key beside it (`<path>.pub`)."""
    if path.exists() and not overwrite:
        raise LacunaError(f"{path}: a key already exists (use --force to replace it)")
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    public = private.public_key()
    public_path(path).write_bytes(public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    return public


def load_private(path: Path) -> Ed25519PrivateKey:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise LacunaError(f"{path}: cannot load the signing key: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise LacunaError(f"{path}: not an Ed25519 private key")
    return key


def load_public(path: Path) -> Ed25519PublicKey:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise LacunaError(f"{path}: cannot load the public key: {exc}") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise LacunaError(f"{path}: not an Ed25519 public key")
    return key


def signature_valid(public: Ed25519PublicKey, signature_hex: str, message: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature

    try:
        public.verify(bytes.fromhex(signature_hex), message)
    except (InvalidSignature, ValueError):
        return False
    return True
