"""`lacuna check` asks the central store about what this repository reads but does not produce.

One batched query per run for every such resource (`central_url` set): what the repositories
producing it pushed (tier, tags, sensitive columns, where it was written and from what) and the
catalogs imported with `--central`. The answer is cached in the DuckDB file with the time it was
fetched; when the store cannot be reached, the cache decides and a one-line warning says how
old it is. With no cache, `central_unreachable` decides: `warn` (default) goes on with this
repository's own knowledge, `fail` stops the check.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from lacuna_cli.catalog_import.in_project import project_known
from lacuna_cli.central import keys as central_keys
from lacuna_cli.central.db import CentralUnreachable, connect, first_line
from lacuna_cli.store import known as known_store
from lacuna_cli.classify.known import CENTRAL_LAYER, Known, KnownIndex
from lacuna_cli.config import Config
from lacuna_cli.errors import LacunaError, warn
from lacuna_cli.models import Tier

if TYPE_CHECKING:
    import duckdb
    import networkx as nx

    from lacuna_cli.classify.pipeline import Classifier

QUERY = """SELECT key, repo, tier, tags, sensitive_columns, layer, reasoning, written_by,
       inherited_from
FROM lacuna.current_nodes WHERE key = ANY(%s) AND (produced OR layer = 'catalog')"""


def read_not_produced(graph: nx.MultiDiGraph) -> list[str]:
    """The keys to ask about: resources nothing in this repository writes."""
    wanted: dict[str, None] = {}
    for node_id, node in graph.nodes(data="node"):
        if node.resource is None or graph.in_degree(node_id) or not central_keys.shared(
                node.resource):
            continue
        wanted.update(dict.fromkeys(central_keys.asked_keys(node.resource)))
    return list(wanted)


def fetch(url: str, asked: list[str], timeout: float) -> list[Known]:
    """The central store's entries for `asked`, in one query."""
    import psycopg

    with connect(url, timeout) as connection:
        try:
            rows = connection.execute(QUERY, [asked]).fetchall()
        except psycopg.errors.UndefinedTable as exc:
            raise CentralUnreachable("the central store has no lineage schema (run `lacuna "
                                     "audit init-central --to ...`)") from exc
        except psycopg.Error as exc:
            raise CentralUnreachable(f"the central store: {first_line(exc)}") from exc
    return [entry(*row) for row in rows]


def entry(key: str, repo: str, tier: str, tags: list[str], columns: object, layer: str,
          reasoning: str, written_by: list[str], inherited_from: list[str]) -> Known:
    """One central row as knowledge: where it was learned names the repository and files."""
    sensitive = columns if isinstance(columns, dict) else json.loads(str(columns))
    if layer == "catalog":
        origin, why = f"{repo}: {reasoning}", f"central store, catalog imported by {repo}"
    else:
        origin = f"{repo}: {', '.join(written_by)}"
        sources = f" from {', '.join(inherited_from)}" if inherited_from else ""
        why = f"central store: {repo} writes it at {', '.join(written_by)}{sources} ({reasoning})"
    return Known(key, Tier(tier), tuple(tags), {c: tuple(t) for c, t in sensitive.items()},
                 CENTRAL_LAYER, origin, why)


def apply(connection: duckdb.DuckDBPyConnection, graph: nx.MultiDiGraph,
          classifier: Classifier, config: Config, ask: bool = True,
          notify: Callable[[str], None] = warn) -> None:
    """Give the classifier what catalogs (imported, and the repository's own dbt projects)
    and the central store know. `ask`: query the store (a check); otherwise the cache only (a
    push, an explanation)."""
    entries = [*known_store.load(connection, known_store.CATALOG),
               *project_known(graph, config.root)]
    url = config.settings.central_url
    # Without asking (a push, an explanation) what the last check learned from the store is
    # used even where no URL is set now: the pushed view is the one the check decided on.
    asked = read_not_produced(graph) if url or not ask else []
    if asked:
        entries.extend(_central(connection, asked, config, ask and url is not None, notify))
    classifier.known = KnownIndex(entries)


def _central(connection: duckdb.DuckDBPyConnection, asked: list[str], config: Config,
             ask: bool, notify: Callable[[str], None]) -> list[Known]:
    if ask:
        assert config.settings.central_url is not None
        try:
            found = fetch(config.settings.central_url, asked, config.settings.central_timeout)
        except CentralUnreachable as exc:
            return _offline(connection, asked, config, str(exc), notify)
        now = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        known_store.cache_central(connection, asked, found, now)
        known_store.mark_fetch(connection, now)
        return found
    return known_store.cached_central(connection, asked)


def _offline(connection: duckdb.DuckDBPyConnection, asked: list[str], config: Config,
             problem: str, notify: Callable[[str], None]) -> list[Known]:
    fetched = known_store.last_fetch(connection)
    if fetched is None:
        if config.settings.central_unreachable == "fail":
            raise LacunaError(f"{problem}; no cached answer, and central_unreachable = fail")
        notify(f"{problem}; no cached answer: resources other repositories produce are "
               "classified from this repository alone (central_unreachable = warn)")
        return []
    cached = known_store.cached_central(connection, asked)
    notify(f"{problem}; using the answer cached {age(fetched)} ago ({fetched}, "
           f"{len(cached)} resources)")
    return cached


def age(fetched: str) -> str:
    seconds = max(0, int((datetime.now(UTC) - datetime.fromisoformat(
        fetched)).total_seconds()))
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"

