"""What is known about a resource from outside this repository's code: a team's catalog (layer
`catalog`) and what other repositories pushed to the central store (layer `central`).

Both say the same kind of thing — a tier, tags, the sensitive columns, and where it was learned
— and both beat the rules, the models and the defaults; only an override beats them. A resource
this repository writes is still at least what its code writes into it (`pipeline.py`).

Table names are matched by their last parts too: a catalog says `analytics.customers` (or just
`customers`, from a dbt `schema.yml`) where the code reads `warehouse.analytics.customers`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lacuna_cli.classify.inherit import ColumnSensitivity, Sensitivity
from lacuna_cli.models import Resource, Tier

CATALOG_LAYER = "catalog"
CENTRAL_LAYER = "central"


@dataclass(frozen=True)
class Known:
    """One resource as a catalog or the central store describes it."""

    key: str  # lineage node id: `table:analytics.customers`, `file:s3://bucket/x.csv`
    tier: Tier
    tags: tuple[str, ...]
    columns: dict[str, tuple[str, ...]]  # sensitive column -> its tags
    layer: str  # CATALOG_LAYER or CENTRAL_LAYER
    origin: str  # where it was learned: `repo-a: models/x.sql:3` or `catalog.json:12`
    why: str

    def sensitivity(self, name: str) -> Sensitivity:
        """The resource's sensitivity as this entry gives it. Columns carry their own tags, so
        dropping or hashing them downstream removes what they carried, as for columns the
        rules found; tags no column carries belong to the data set as a whole."""
        column_tags = {tag for tags in self.columns.values() for tag in tags}
        whole = frozenset(self.tags) - column_tags
        columns = {column: ColumnSensitivity(self.tier, frozenset(tags), False,
                                             f"{self.layer}: {self.origin}", layer=self.layer,
                                             confidence=1.0)
                   for column, tags in self.columns.items() if tags}
        base_tier = self.tier if whole or not columns else Tier.INTERNAL
        where = f"{name} ({self.origin})" if self.layer == CENTRAL_LAYER else name
        return Sensitivity(base_tier=base_tier, base_tags=whole, columns=columns,
                           origins=frozenset({where}), confidence=1.0, layer=self.layer,
                           reasons=(f"{name}: {self.why}",))


def merged(entries: list[Known]) -> Known:
    """Several entries for one resource (two catalogs, two producing repositories): the
    strictest tier, every tag and sensitive column, every origin named."""
    if len(entries) == 1:
        return entries[0]
    columns: dict[str, set[str]] = {}
    for entry in entries:
        for column, tags in entry.columns.items():
            columns.setdefault(column, set()).update(tags)
    layers = {e.layer for e in entries}
    return Known(entries[0].key, max(e.tier for e in entries),
                 tuple(sorted({t for e in entries for t in e.tags})),
                 {c: tuple(sorted(t)) for c, t in sorted(columns.items())},
                 CENTRAL_LAYER if CENTRAL_LAYER in layers else CATALOG_LAYER,
                 ", ".join(dict.fromkeys(e.origin for e in entries)),
                 "; ".join(dict.fromkeys(e.why for e in entries)))


def table_suffixes(name: str) -> list[str]:
    """`a.b.c` -> [`a.b.c`, `b.c`, `c`]: the names a catalog may know the table by."""
    parts = name.split(".")
    return [".".join(parts[i:]) for i in range(len(parts))]


def _index_keys(key: str) -> list[str]:
    """A table known as `db.schema.table` is also found as `schema.table` (code rarely names
    the database); never by its last part alone, which many schemas share."""
    kind, _, name = key.casefold().partition(":")
    parts = name.split(".")
    if kind != "table" or len(parts) < 3:
        return [key.casefold()]
    return [key.casefold(), f"table:{'.'.join(parts[-2:])}"]


class KnownIndex:
    """Entries by resource, looked up by node id, then (tables) by the name's last parts."""

    def __init__(self, entries: Iterable[Known] = ()) -> None:
        grouped: dict[str, list[Known]] = {}
        for entry in entries:
            for key in _index_keys(entry.key):
                grouped.setdefault(key, []).append(entry)
        self._entries = {key: merged(found) for key, found in grouped.items()}

    def __bool__(self) -> bool:
        return bool(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def lookup(self, resource: Resource) -> Known | None:
        if resource.kind != "table":
            return self._entries.get(resource.key.casefold())
        found = list({id(entry): entry for entry in (
            self._entries[key] for key in (f"table:{suffix}".casefold()
                                           for suffix in table_suffixes(resource.name))
            if key in self._entries)}.values())
        if not found:
            return None
        return merged(found) if len(found) > 1 else found[0]
