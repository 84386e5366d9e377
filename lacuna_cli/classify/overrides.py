"""Classification overrides: a person's word beats every layer, and is audited.

Two sources: `lacuna classify override` (stored in the DuckDB file, source `cli`) and the
reviewed classifications file kept with the code (`lacuna-classifications.yaml`), which wins
over the CLI because it went through review. Every new, changed or withdrawn override becomes
one `override` event in the audit log — a file entry when a check first sees it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from lacuna_cli.classify.cache import key
from lacuna_cli.classify.declared_columns import DeclaredColumn
from lacuna_cli.errors import ConfigError, LacunaError
from lacuna_cli.gitinfo import RunIdentity
from lacuna_cli.models import AssignedTier, Tier
from lacuna_cli.store.overrides import delete_override, override_rows, replace_overrides
from lacuna_cli.yamlfile import read_yaml

if TYPE_CHECKING:
    import duckdb


CLI_SOURCE = "cli"


class FileEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    resource: str = Field(min_length=1)
    tier: AssignedTier
    tags: list[str] = Field(default_factory=list)
    reason: str = Field(min_length=1)
    reviewed_by: str = Field(min_length=1)


class ClassificationsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: Literal[1]
    overrides: list[FileEntry] = Field(default_factory=list)
    # `TABLE.COLUMN` -> its declared data type (`declared_columns.py`).
    columns: dict[str, DeclaredColumn] = Field(default_factory=dict)


@dataclass(frozen=True)
class Override:
    resource: str
    tier: Tier
    tags: tuple[str, ...]
    reason: str
    actor: str
    source: str

    @property
    def digest(self) -> str:
        return key(self.resource, self.tier.value, ",".join(self.tags), self.reason, self.actor)

    def describe(self) -> str:
        return f"override by {self.actor} ({self.source}): {self.reason}"


def read_file(path: Path) -> ClassificationsFile:
    """The reviewed file (empty when there is none); a file that is not of its shape is one
    error naming the file and key."""
    if not path.is_file():
        return ClassificationsFile(version=1)
    try:
        return ClassificationsFile.model_validate(read_yaml(path))
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ConfigError(f"{path}: {'.'.join(map(str, first['loc']))}: {first['msg']}") from exc


def load_file(path: Path, parsed: ClassificationsFile, known_tags: frozenset[str]
              ) -> list[Override]:
    """The reviewed file's overrides, checked as `lacuna classify override` checks its flags:
    a tier that is not assignable or a tag no rule gives is one error naming the file and key
    — a typo must not become a classification nobody notices."""
    found = []
    for index, entry in enumerate(parsed.overrides):
        tags = tuple(sorted({tag.strip().upper() for tag in entry.tags}))
        unknown = [tag for tag in tags if tag not in known_tags]
        if unknown:
            raise ConfigError(f"{path}: overrides.{index}.tags: unknown tag "
                              f"{', '.join(unknown)}; valid tags: {', '.join(sorted(known_tags))}")
        found.append(Override(entry.resource, entry.tier, tags, entry.reason, entry.reviewed_by,
                              path.name))
    return found


def stored(connection: duckdb.DuckDBPyConnection) -> list[Override]:
    return [Override(r, Tier(t), tuple(tags), reason, actor, source)
            for source, r, t, tags, reason, actor in override_rows(connection)]


def effective(file_overrides: list[Override], stored_overrides: list[Override]
              ) -> dict[str, Override]:
    """Resource -> the override in force: the reviewed file first, then the CLI. Keys are
    case-folded (`lookup`) because table names are reported lower-cased."""
    result = {o.resource.casefold(): o for o in stored_overrides if o.source == CLI_SOURCE}
    result.update({o.resource.casefold(): o for o in file_overrides})
    return result


def lookup(overrides: dict[str, Override], resource: str) -> Override | None:
    return overrides.get(resource.casefold())


def pending(file_overrides: list[Override], stored_overrides: list[Override]
            ) -> tuple[list[Override], list[Override]]:
    """(new or changed file entries, stored file entries no longer in the file)."""
    known = {(o.source, o.resource): o.digest for o in stored_overrides}
    changed = [o for o in file_overrides if known.get((o.source, o.resource)) != o.digest]
    present = {(o.source, o.resource) for o in file_overrides}
    gone = [o for o in stored_overrides if o.source != CLI_SOURCE
            and (o.source, o.resource) not in present]
    return changed, gone


def record(connection: duckdb.DuckDBPyConnection, changed: list[Override], gone: list[Override],
           identity: RunIdentity, timestamp: str) -> list[dict]:
    """Store the changes and return their audit entries; the caller owns the transaction."""
    replace_overrides(connection, [(o.source, o.resource) for o in [*changed, *gone]], [
        {"source": o.source, "resource": o.resource, "tier": o.tier.value, "tags": list(o.tags),
         "reason": o.reason, "actor": o.actor, "timestamp": timestamp, "digest": o.digest}
        for o in changed])
    return ([audit_entry(o, identity, timestamp, withdrawn=False) for o in changed]
            + [audit_entry(o, identity, timestamp, withdrawn=True) for o in gone])


def audit_entry(override: Override, identity: RunIdentity, timestamp: str,
                withdrawn: bool) -> dict:
    """One `override` event in the audit log's record format (metadata only)."""
    what = "withdrawn" if withdrawn else f"set to {override.tier.value}"
    return {
        "event_id": str(uuid.uuid4()), "timestamp": timestamp, "actor": identity.actor,
        "repo": identity.repo, "commit": identity.commit, "event_type": "override",
        "resource": override.resource, "action": "classify", "tier": override.tier.value,
        "tags": list(override.tags), "result": "allowed", "policy_id": "classification-override",
        "policy_version": "1",
        "reasoning": f"classification {what} by {override.actor}: {override.reason}",
        "location": override.source,
    }


def withdraw(connection: duckdb.DuckDBPyConnection, resource: str, reason: str,
             identity: RunIdentity, timestamp: str) -> list[dict]:
    """Remove the CLI override of `resource` and return its `override` (withdrawn) audit entry;
    the caller owns the transaction. One in the reviewed file is withdrawn by editing it."""
    current = {o.resource.casefold(): o for o in stored(connection) if o.source == CLI_SOURCE}
    override = current.get(resource.casefold())
    if override is None:
        in_file = any(o.resource.casefold() == resource.casefold() for o in stored(connection))
        raise LacunaError(f"{resource}: no override set with `lacuna classify override`"
                          + ("; it comes from the reviewed file: remove it there"
                             if in_file else ""))
    delete_override(connection, CLI_SOURCE, override.resource)
    entry = audit_entry(override, identity, timestamp, withdrawn=True)
    entry["reasoning"] = (f"classification override ({override.tier.value}) withdrawn by "
                          f"{identity.actor}: {reason} (set by {override.actor}: "
                          f"{override.reason})")
    return [entry]

