"""The policy input document for one operation, following OPA conventions.

`{action, source{tier, tags, lineage, columns}, destination{type, path, kind, encrypted,
reason, parameter, service, category}, user{id, role}, context{purpose, environment}, dynamic}` —
documented in the README and checked by `input_schema`.
Where the operation happens (file, line) is deliberately left out: decisions must not depend on
it, and identical inputs are then evaluated once.
"""

from __future__ import annotations

from typing import Any

from lacuna_cli.models import Classification, Operation, Resource

CLOUD_SCHEMES = ("s3://", "s3a://", "gs://", "gcs://", "abfs://", "abfss://", "az://", "wasb://",
                 "wasbs://", "hdfs://")
ENCRYPTED_SUFFIXES = (".gpg", ".pgp", ".age", ".enc", ".aes")
# Every value `destination.type` takes (the schema in `input_schema` checks documents by it).
DESTINATION_TYPES = ("none", "project", "unmanaged", "http", "cloud", "email", "stream",
                     "database", "queue", "service", "dynamic")


# What a catalog category is as a destination type; the others are `service`.
CATEGORY_TYPES = {"cloud": "cloud", "mail": "email", "database": "database", "log": "stream",
                  "stream": "queue"}


def destination_type(resource: Resource | None) -> str:
    """One of DESTINATION_TYPES. A `queue` is the organisation's own message bus (Kafka,
    RabbitMQ, Spark streams): like a database, storage it governs itself. A service with no
    catalog category is a `service` (it was typed as a file of the project, and allowed)."""
    if resource is None:
        return "none"
    if resource.category:
        return CATEGORY_TYPES.get(resource.category, "service")
    name = resource.name.lower()
    if resource.kind == "unknown":
        return "dynamic"
    if resource.kind == "table":
        return "database"
    if resource.kind == "stream":
        return "stream"
    if resource.kind == "service":  # a service the catalog gives no category: still outside
        return "service"
    if resource.kind == "url":
        if name.startswith("mailto:"):
            return "email"
        return "cloud" if name.startswith(CLOUD_SCHEMES) else "http"
    if name.startswith(("~", "/", "..")):
        return "unmanaged"
    return "project"


def policy_input(
    operation: Operation, classification: Classification, user: dict[str, str],
    context: dict[str, str | None],
) -> dict[str, Any]:
    destination = operation.destination
    return {
        "action": operation.action,
        "source": {
            "tier": classification.tier.value,
            "tags": list(classification.tags),
            "lineage": sorted({s.name for s in operation.sources}
                              | set(classification.inherited_from)),
            "columns": {name: list(tags) for name, tags in
                        classification.sensitive_columns.items()},
        },
        "destination": {
            "type": destination_type(destination),
            "path": destination.name if destination else "",
            "kind": destination.kind if destination else "none",
            "encrypted": bool(destination and destination.name.lower().endswith(
                ENCRYPTED_SUFFIXES)),
            "reason": operation.dynamic_reason or "",
            "parameter": operation.to_parameter,
            "service": destination.service or "" if destination else "",
            "category": destination.category or "" if destination else "",
        },
        "user": user,
        "context": context,
        "dynamic": operation.dynamic,
    }
