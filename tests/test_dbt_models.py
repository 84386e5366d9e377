"""dbt models: relations named the way dbt names them, Jinja handled without dbt, manifest."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from lacuna_cli.extract import extract_file
from lacuna_cli.extract.dbt import load_project, render

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "dbt_shop"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    copy = tmp_path / "dbt_shop"
    shutil.copytree(FIXTURE, copy)
    return copy


def operations(root: Path, model: str):
    path = next(root.rglob(f"{model}.sql"))
    extraction = extract_file(path, path.relative_to(root).as_posix(), root, None)
    assert not extraction.errors, extraction.errors
    return extraction.operations


def test_sources_resolve_through_the_sources_yaml(project: Path) -> None:
    (op,) = operations(project, "stg_customers")
    assert op.action == "write" and op.destination.name == "stg_customers"
    assert [s.name for s in op.sources] == ["raw_crm.customers", "raw_crm.customer_addresses"]
    assert op.location.line == 2 and op.code.startswith("select c.id as customer_id")
    (op,) = operations(project, "stg_orders")
    assert op.destination.name == "orders"  # config(alias=...)
    assert [s.name for s in op.sources] == ["warehouse.raw_shop.orders"]


def test_refs_use_the_referenced_models_names_and_folder_schema(project: Path) -> None:
    (op,) = operations(project, "customer_orders")
    assert op.destination.name == "marts.customer_orders"  # +schema: marts for the folder
    assert {s.name for s in op.sources} == {"orders", "stg_customers"}
    (op,) = operations(project, "regional_revenue")
    assert op.destination.name == "marts.revenue_by_region"
    assert [s.name for s in op.sources] == ["marts.customer_orders"]


def test_jinja_blocks_keep_line_numbers_and_skip_the_incremental_branch() -> None:
    project = load_project(FIXTURE)
    text = (FIXTURE / "models/marts/customer_orders.sql").read_text()
    rendered, config = render(text, project, "customer_orders")
    assert config == {"materialized": "incremental", "unique_key": "customer_id"}
    assert rendered.count("\n") == text.count("\n")
    assert "is_incremental" not in rendered and "last_order_at)" not in rendered
    loop, _ = render("{% for m in ['a'] %}sum({{ m }}){% endfor %} {{ var('d', '1') }}",
                     project, "x")
    assert loop == "sum({{ m }}) 1"  # unresolved expressions stay holes for sql_holes


def test_a_manifest_supplies_compiled_sql_and_relation_names(project: Path) -> None:
    manifest = {"nodes": {"model.dbt_shop.stg_orders": {
        "resource_type": "model", "name": "stg_orders",
        "original_file_path": "models/staging/stg_orders.sql",
        "relation_name": '"analytics"."staging"."orders"',
        "compiled_code": "select id from \"raw\".\"shop\".\"orders\" where status != 'x'",
    }}, "sources": {}}
    (project / "target").mkdir()
    (project / "target" / "manifest.json").write_text(json.dumps(manifest))
    (op,) = operations(project, "stg_orders")
    assert op.destination.name == "analytics.staging.orders"
    assert [s.name for s in op.sources] == ["raw.shop.orders"]
    (op,) = operations(project, "customer_orders")
    assert "analytics.staging.orders" in {s.name for s in op.sources}


def test_sql_outside_model_paths_is_plain_sql(project: Path) -> None:
    (project / "analyses").mkdir()
    (project / "analyses" / "adhoc.sql").write_text("select * from raw_crm.customers")
    (op,) = operations(project, "adhoc")
    assert op.action == "query" and op.destination is None
