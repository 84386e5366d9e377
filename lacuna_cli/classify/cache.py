"""Layer 2 and 3 results kept in the DuckDB file, so a warm run never loads a model or calls
an LLM: values (JSON) by kind and a key that hashes everything the value depends on."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

import orjson

from lacuna_cli.store.caches import cached_results, store_results

if TYPE_CHECKING:
    import duckdb


def key(*parts: str) -> str:
    """SHA-256 over the parts (model id, text, ...), unambiguous by length-prefixing."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode()
        digest.update(f"{len(data)}:".encode())
        digest.update(data)
    return digest.hexdigest()


class Cache:
    """A view of the `classify_cache` table; without a connection it only remembers in memory."""

    def __init__(self, connection: duckdb.DuckDBPyConnection | None) -> None:
        self._connection = connection
        self._memory: dict[tuple[str, str], Any] = {}

    @property
    def connection(self) -> duckdb.DuckDBPyConnection | None:
        return self._connection

    def get_many(self, kind: str, keys: list[str]) -> dict[str, Any]:
        found = {k: self._memory[(kind, k)] for k in keys if (kind, k) in self._memory}
        wanted = sorted(set(keys) - set(found))
        if wanted and self._connection is not None:
            for k, value in cached_results(self._connection, kind, wanted):
                found[k] = self._memory[(kind, k)] = orjson.loads(value)
        return found

    def put_many(self, kind: str, values: dict[str, Any]) -> None:
        fresh = {k: v for k, v in values.items() if (kind, k) not in self._memory}
        for k, v in fresh.items():
            self._memory[(kind, k)] = v
        if fresh and self._connection is not None:
            store_results(self._connection, kind,
                          {k: orjson.dumps(v).decode() for k, v in fresh.items()})
