"""How a lineage node is named in the central store, where every repository's nodes meet.

A table, a URL, a stream or an absolute path is the same place whichever repository names it,
so it keeps its lineage node id. A path relative to a repository (`data/x.csv`) and a step of
its code (`value:...`) are that repository's alone: `<repo>::<node id>`.
"""

from __future__ import annotations

from lacuna_cli.classify.known import table_suffixes
from lacuna_cli.models import LineageNode, Resource

SEPARATOR = "::"


def shared(resource: Resource) -> bool:
    if resource.kind == "unknown":
        return False
    if resource.kind != "file":
        return True
    return "://" in resource.name or resource.name.startswith(("/", "~"))


def central_key(repo: str, node: LineageNode) -> str:
    if node.resource is not None and shared(node.resource):
        return node.id
    return f"{repo}{SEPARATOR}{node.id}"


def asked_keys(resource: Resource) -> list[str]:
    """The keys a resource may be known by centrally: a table by the last parts of its name
    too (a catalog may say `analytics.customers` for `warehouse.analytics.customers`)."""
    if resource.kind != "table":
        return [resource.key]
    return [f"table:{suffix}" for suffix in table_suffixes(resource.name)]
