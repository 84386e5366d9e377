"""DataHub metadata change proposals as a file sink or `datahub get` writes them: a JSON list
of `{entityUrn, aspectName, aspect}`. Read: `globalTags` and `glossaryTerms` of a dataset, and
the fields' tags and terms in `schemaMetadata` / `editableSchemaMetadata`. The label is the
tag's or term's name (`urn:li:tag:PII` -> `PII`)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from lacuna_cli.catalog_import.tagged import Tagged, bad, keyed_items, table_name

_DATASET = re.compile(r"^urn:li:dataset:\(urn:li:dataPlatform:[^,]+,(?P<name>.+),[^,]+\)$")
_PREFIXES = ("urn:li:tag:", "urn:li:glossaryTerm:")


def proposals(document: object) -> list | None:
    if isinstance(document, list) and document and all(
            isinstance(e, dict) and "entityUrn" in e and "aspectName" in e for e in document):
        return document
    return None


def read(document: object, path: Path) -> list[Tagged]:
    found = proposals(document)
    if found is None:
        raise bad(str(path), "not a DataHub export (a list of entityUrn/aspectName entries)")
    rows: list[Tagged] = []
    for index, entry in enumerate(found):
        where = f"{path}: [{index}]"
        matched = _DATASET.match(str(entry["entityUrn"]))
        if matched is None:
            continue  # charts, dashboards, users: no data of their own
        resource = table_name(*matched["name"].split("."))
        aspect = _aspect(entry.get("aspect"), f"{where}.aspect")
        name = entry["aspectName"]
        if name in ("globalTags", "glossaryTerms"):
            labels = _labels(aspect, where)
            if labels:
                rows.append(Tagged(resource, None, labels, where))
        elif name in ("schemaMetadata", "editableSchemaMetadata"):
            key = "fields" if name == "schemaMetadata" else "editableSchemaFieldInfo"
            for here, field in keyed_items(aspect.get(key), f"{where}.aspect.{key}",
                                           "fieldPath", "field"):
                labels = (*_labels(field.get("globalTags"), here),
                          *_labels(field.get("glossaryTerms"), here))
                if labels:
                    rows.append(Tagged(resource, _column(field["fieldPath"]), labels, here))
    return rows


def _aspect(aspect: Any, where: str) -> dict:
    """The aspect's JSON: `{"json": {...}}`, or `{"value": "<JSON text>"}` in older files."""
    if isinstance(aspect, dict) and isinstance(aspect.get("json"), dict):
        return aspect["json"]
    if isinstance(aspect, dict) and isinstance(aspect.get("value"), str):
        try:
            value = json.loads(aspect["value"])
        except json.JSONDecodeError as exc:
            raise bad(f"{where}.value", f"invalid JSON: {exc.msg}") from exc
        if isinstance(value, dict):
            return value
    raise bad(where, "must hold `json` (an object) or `value` (JSON text)")


def _labels(holder: Any, where: str) -> tuple[str, ...]:
    if not isinstance(holder, dict):
        return ()
    labels = []
    for key, field in (("tags", "tag"), ("terms", "urn")):
        for _, item in keyed_items(holder.get(key), f"{where}.{key}", field, key[:-1]):
            urn = item[field]
            labels.append(next((urn[len(p):] for p in _PREFIXES if urn.startswith(p)), urn))
    return tuple(labels)


def _column(field_path: str) -> str:
    """`[version=2.0].[type=struct].address.email` -> `address` (the top-level column)."""
    parts = [p for p in field_path.split(".") if p and not p.startswith("[")]
    return (parts[0] if parts else field_path).lower()
