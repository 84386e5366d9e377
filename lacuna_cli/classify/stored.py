"""Resource verdicts kept across runs, so a warm run re-classifies only what changed.

What a resource's own name and columns say (`pipeline.own_sensitivity`) depends on the resource
(kind, name, columns, the catalog's service and category) and on nothing else but what this
module digests: the shipped and project rule files (column and resource rules, the entity
vocabulary, layer 2's labeled examples), the layers in use (embeddings on or off, the LLM's
endpoint and model), the reviewed classifications file, the overrides in force and Lacuna's own
classification code. The digest names the cache's kind, so a change of any of them starts an
empty cache (and the entries of every other digest are dropped): a stale verdict is never read.
Overrides and what catalogs or the central store know are looked up before this cache, every
run, and a run whose layers were degraded (layer 2's extra missing, an LLM that gave no verdict)
stores nothing, so a verdict made without a layer is never kept for a run that has it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lacuna_cli import __version__
from lacuna_cli.classify.cache import key
from lacuna_cli.classify.inherit import ColumnSensitivity, Sensitivity
from lacuna_cli.models import Resource, Tier
from lacuna_cli.shipped import shipped_dir
from lacuna_cli.store.caches import drop_result_kinds

if TYPE_CHECKING:
    from lacuna_cli.classify.cache import Cache
    from lacuna_cli.classify.overrides import Override
    from lacuna_cli.config import Config

KIND_PREFIX = "resource:"
# The code whose behaviour the stored verdicts capture: a change to it is a change of verdicts.
_CODE = Path(__file__).resolve().parent


def decision_digest(config: Config, overrides: Iterable[Override]) -> str:
    """SHA-256 over everything besides the resource that decides its own verdict."""
    settings = config.settings
    shipped_rules = sorted(shipped_dir("rules").glob("*.yaml"))
    files = [*shipped_rules, *config.rule_files, config.classifications_path,
             *sorted(_CODE.glob("*.py")), _CODE.parent / "models.py"]
    parts = [__version__, str(settings.embeddings), settings.llm_url or "",
             settings.llm_model or ""]
    for path in files:
        parts += [str(path), _content(path)]
    parts += sorted(f"{o.source}:{o.digest}" for o in overrides)
    return key(*parts)


def _content(path: Path) -> str:
    """The file's SHA-256, or `absent` (an unreadable rule file stops the run before this)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "absent"


class StoredVerdicts:
    """Resource -> its own Sensitivity, read from and written to `classify_cache` in batches."""

    def __init__(self, cache: Cache, digest: str) -> None:
        self._cache = cache
        self._kind = KIND_PREFIX + digest
        self._found: dict[str, Sensitivity] = {}
        self._fresh: dict[str, Sensitivity] = {}
        self._asked: set[str] = set()  # spellings looked up in the database already

    def fetch(self, resources: Iterable[Resource]) -> list[Resource]:
        """Load the stored verdicts of `resources` in one query; the resources without one."""
        wanted = {_spelling(r): r for r in resources}
        stored = self._cache.get_many(self._kind, sorted(wanted.keys() - self._asked))
        self._asked.update(wanted)
        self._found.update((spelling, _decoded(value)) for spelling, value in stored.items())
        return [r for spelling, r in wanted.items() if spelling not in self._found]

    def get(self, resource: Resource) -> Sensitivity | None:
        """The verdict stored or put for `resource`. One never fetched (a resource classified
        outside the graph's batch, as the resource history does first) is looked up alone:
        computed again and put, it would be stored a second time."""
        spelling = _spelling(resource)
        if spelling not in self._asked:
            self.fetch([resource])
        return self._found.get(spelling) or self._fresh.get(spelling)

    def put(self, resource: Resource, sensitivity: Sensitivity) -> None:
        self._fresh[_spelling(resource)] = sensitivity

    def save(self) -> None:
        """Store this run's new verdicts, and forget those of every other digest."""
        if self._fresh:
            drop_result_kinds(self._cache.connection, KIND_PREFIX, keep=self._kind)
            self._cache.put_many(self._kind, {s: _encoded(v) for s, v in self._fresh.items()})
            self._found.update(self._fresh)
            self._fresh = {}


def _spelling(resource: Resource) -> str:
    return "\x1f".join((resource.kind, resource.name, resource.service or "",
                        resource.category or "", *resource.columns))


def _encoded(sensitivity: Sensitivity) -> dict[str, Any]:
    """The fields of a resource's own verdict (never inherited: no steps, never anonymized)."""
    return {"base_tier": sensitivity.base_tier.value, "base_tags": sorted(sensitivity.base_tags),
            "columns": [[name, _column(c)] for name, c in sensitivity.columns.items()],
            "origins": sorted(sensitivity.origins), "confidence": sensitivity.confidence,
            "layer": sensitivity.layer, "reasons": list(sensitivity.reasons),
            "steps": list(sensitivity.steps), "anonymized": sensitivity.anonymized,
            "unresolved": sensitivity.unresolved}


def _column(column: ColumnSensitivity) -> list[Any]:
    return [column.tier.value, sorted(column.tags), column.identifier, column.why, column.layer,
            column.confidence, column.data_type, column.fideslang, column.about_record]


def _decoded(value: dict[str, Any]) -> Sensitivity:
    columns = {}
    for name, (tier, tags, identifier, why, layer, confidence, data_type, fideslang,
               about_record) in value["columns"]:
        columns[name] = ColumnSensitivity(Tier(tier), frozenset(tags), identifier, why, layer,
                                          confidence, data_type, fideslang, about_record)
    return Sensitivity(base_tier=Tier(value["base_tier"]), base_tags=frozenset(value["base_tags"]),
                       columns=columns, origins=frozenset(value["origins"]),
                       confidence=value["confidence"], layer=value["layer"],
                       reasons=tuple(value["reasons"]), steps=tuple(value["steps"]),
                       anonymized=value["anonymized"], unresolved=value["unresolved"])
