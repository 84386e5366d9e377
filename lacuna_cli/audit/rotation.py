"""Putting a signing key in use — the first one, or a rotation — as an event of the log itself.

`lacuna audit keygen` on a log with records appends one `key` record naming the new key (and
the one it replaces) and seals it with a checkpoint signed by the new key. That checkpoint's
signed tree head covers every record before it, so a log that existed before the key verifies
with the key at once (`audit verify --pubkey`), and the records say from which seq on which key
signs.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lacuna_cli.audit import log
from lacuna_cli.store import audit_log as audit_store
from lacuna_cli.audit.keys import generate, key_id, load_public, public_path
from lacuna_cli.gitinfo import RunIdentity

if TYPE_CHECKING:
    import duckdb

KEY_EVENT = "key"


def put_in_use(connection: duckdb.DuckDBPyConnection, key_path: Path, identity: RunIdentity,
               replace: bool) -> tuple[str, str | None, dict[str, Any] | None]:
    """Create the key (replacing the old one when `replace`) and, when the log has records for
    it to vouch for, record it; returns (new key id, replaced key id or None, the key record or
    None — on an empty log the first run's checkpoint is the key's first signature)."""
    old_public = public_path(key_path)
    previous = key_id(load_public(old_public)) if replace and old_public.is_file() else None
    new_id = key_id(generate(key_path, overwrite=replace))
    if audit_store.head(connection)[0] == 0:
        return new_id, previous, None
    now = log.utc_now()
    replaces = f"; replaces key {previous}" if previous else ""
    entry = {
        "event_id": str(uuid.uuid4()), "timestamp": now, "actor": identity.actor,
        "repo": identity.repo, "commit": identity.commit, "event_type": KEY_EVENT,
        "resource": f"signing key {new_id}", "action": "keygen", "tier": "", "tags": [],
        "result": "allowed", "policy_id": "signing-key", "policy_version": "1",
        "reasoning": f"checkpoints from this record on are signed by key {new_id}{replaces}",
        "location": old_public.name,
    }
    (record,) = log.record_events(connection, lambda: [entry], now, key_path)
    return new_id, previous, record
