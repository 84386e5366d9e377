"""Which catalog export a file is, and reading it: by the option given, else by its content
(a dbt manifest's `nodes`, a fides `dataset:` list, a CSV's header, ...)."""

from __future__ import annotations

import json
from pathlib import Path

from lacuna_cli.catalog_import import (
    csvfile,
    datahub,
    dbt,
    fides,
    openmetadata,
    snowflake,
    unity,
)
from lacuna_cli.catalog_import.format_names import CatalogFormat
from lacuna_cli.catalog_import.tagged import Tagged, bad
from lacuna_cli.yamlfile import read_yaml


def read(path: Path, chosen: CatalogFormat | None = None) -> tuple[CatalogFormat, list[Tagged]]:
    """The file's format and its tagged tables and columns; one CatalogFileError otherwise."""
    suffix = path.suffix.lower()
    if suffix == ".csv" or chosen in (CatalogFormat.snowflake, CatalogFormat.unity):
        found = chosen or _csv_format(path)
        module = snowflake if found is CatalogFormat.snowflake else unity
        return found, module.read(path)
    if suffix == ".json" or chosen in (CatalogFormat.dbt_manifest, CatalogFormat.openmetadata,
                                       CatalogFormat.datahub):
        document = _json(path)
        found = chosen or _json_format(document, path)
        if found is CatalogFormat.dbt_manifest:
            if not isinstance(document, dict):
                raise bad(str(path), "a dbt manifest is a JSON object")
            return found, dbt.read_manifest(document, path)
        if found is CatalogFormat.datahub:
            return found, datahub.read(document, path)
        return found, openmetadata.read(document, path)
    document = read_yaml(path)  # a ConfigError naming the file and line
    found = chosen or (CatalogFormat.fides if fides.is_fides(document)
                       else CatalogFormat.dbt_schema)
    if found is CatalogFormat.fides:
        return found, fides.read(document, path)
    return found, dbt.read_schema_yml(document, path)


def _csv_format(path: Path) -> CatalogFormat:
    header = csvfile.header(path)
    if header >= snowflake.DETECT:
        return CatalogFormat.snowflake
    if header >= unity.DETECT:
        return CatalogFormat.unity
    raise bad(f"{path}:1", "a CSV header of neither Snowflake TAG_REFERENCES (TAG_NAME, "
                           "TAG_VALUE, OBJECT_NAME, DOMAIN) nor Unity Catalog column_tags "
                           "(catalog_name, schema_name, table_name, tag_name)")


def _json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise bad(f"{path}:{exc.lineno}", f"invalid JSON: {exc.msg}") from exc
    except RecursionError as exc:
        raise bad(str(path), "invalid JSON: nested too deeply") from exc
    except UnicodeDecodeError as exc:
        raise bad(str(path), f"not valid UTF-8 (byte {exc.start})") from exc
    except OSError as exc:
        raise bad(str(path), f"cannot read: {exc.strerror}") from exc


def _json_format(document: object, path: Path) -> CatalogFormat:
    if isinstance(document, dict) and isinstance(document.get("nodes"), dict):
        return CatalogFormat.dbt_manifest
    if datahub.proposals(document) is not None:
        return CatalogFormat.datahub
    if openmetadata.entities(document) is not None:
        return CatalogFormat.openmetadata
    raise bad(str(path), "JSON of no known catalog export (a dbt manifest.json, OpenMetadata "
                         "table entities, DataHub metadata change proposals)")
