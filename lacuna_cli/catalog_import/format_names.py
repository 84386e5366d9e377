"""The catalog export formats `lacuna catalog import` reads, by name. Kept apart from their
readers so the command line can offer the choice without importing them (`--help` stays
light)."""

from __future__ import annotations

from enum import Enum


class CatalogFormat(str, Enum):
    dbt_manifest = "dbt-manifest"
    dbt_schema = "dbt-schema"
    snowflake = "snowflake"
    unity = "unity"
    openmetadata = "openmetadata"
    datahub = "datahub"
    fides = "fides"
