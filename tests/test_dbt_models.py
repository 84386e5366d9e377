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


# ---- through the CLI: macros, broken project files, the adapter, the cache ----------------

MACROS = """{% macro cents_to_dollars(column_name, precision=2) %}
    ({{ column_name }} / 100)::numeric(16, {{ precision }})
{% endmacro %}

{% macro grant_select(role) %}
    {% set sql %}
        grant usage on schema {{ target.schema }} to role {{ role }};
    {% endset %}
    {% do run_query(sql) %}
{% endmacro %}
"""


def check_json(root: Path) -> tuple[int, dict]:
    from conftest import run_lacuna

    run = run_lacuna("check", ".", "--format", "json", cwd=root)
    assert "Traceback" not in run.stdout + run.stderr, run.stderr
    assert run.code in (0, 1), run.stderr
    return run.code, json.loads(run.stdout)


def built(document: dict) -> dict[str, set[str]]:
    """Model file -> the relations its operation reads."""
    return {f["operation"]["location"]["path"]: {s["name"] for s in f["operation"]["sources"]}
            for f in document["findings"]}


def test_a_clean_project_with_macros_passes(project: Path) -> None:
    (project / "macros").mkdir()
    (project / "macros" / "money.sql").write_text(MACROS)
    model = project / "models" / "staging" / "stg_orders.sql"
    model.write_text(model.read_text().replace(
        "amount,", "amount, {{ cents_to_dollars('amount') }} as amount_usd,"))
    code, document = check_json(project)
    assert (code, document["errors"]) == (0, [])
    assert len(built(document)) == 4  # the four models, nothing from the macro file


def test_a_source_without_a_name_is_one_error_naming_its_file(project: Path) -> None:
    sources = project / "models" / "staging" / "sources.yml"
    sources.write_text(sources.read_text().replace("  - name: crm\n", "  - description: x\n"))
    code, document = check_json(project)
    assert code == 1
    assert [(e["path"], e["message"]) for e in document["errors"]] == [
        ("models/staging/sources.yml", "sources[1] has no `name:`; skipped")]
    assert len(built(document)) == 4


@pytest.mark.parametrize(("file", "content"), [
    ("dbt_project.yml", "name: dbt_shop\nmodels: [\n"),
    ("dbt_project.yml", "- just\n- a list\n"),
    ("dbt_project.yml", "name: dbt_shop\nmodel-paths: 3\nmodels: {dbt_shop: [1]}\n"),
    ("models/staging/sources.yml", "sources: {crm: 1}\n"),
    ("models/staging/sources.yml", "sources:\n  - name: crm\n    tables: [1, {identifier: x}]\n"),
    ("models/staging/sources.yml", "sources:\n\t- name: crm\n"),
    ("target/manifest.json", '{"nodes": {"model.x": '),
    ("target/manifest.json", '{"nodes": [], "sources": {"s": 1}}'),
    ("target/manifest.json", ('{"nodes": {"m": {"resource_type": "model", '
                              '"original_file_path": "models/staging/stg_orders.sql", '
                              '"compiled_code": 5, "relation_name": ["x"]}}}')),
    ("target/manifest.json", "[" * 100_000),
])
def test_broken_project_files_never_end_the_run(project: Path, file: str, content: str) -> None:
    (project / file).parent.mkdir(parents=True, exist_ok=True)
    (project / file).write_text(content)
    (project / "export.sql").write_text(
        "COPY (SELECT email, phone FROM raw_crm.customers) TO '/tmp/contacts.csv';\n")
    code, document = check_json(project)
    assert len(built(document)) == 5  # every model, and the export beside the project
    assert code == 1 and any(not f["decision"]["allowed"] for f in document["findings"]
                             if f["operation"]["location"]["path"] == "export.sql")
    assert {e["path"] for e in document["errors"]} <= {file}
    assert all("\n" not in e["message"] for e in document["errors"])


def test_the_profiles_adapter_decides_the_dialect(project: Path) -> None:
    model = project / "models" / "staging" / "stg_orders.sql"
    model.write_text(model.read_text().replace(
        "from {{ source('shop', 'orders') }}", "from `acme-prod.shop.orders`"))
    _, document = check_json(project)
    codes = {f["operation"]["location"]["path"]: f["operation"]["code"]
             for f in document["findings"]}
    assert codes["models/staging/stg_orders.sql"].endswith("-- parsed as bigquery")
    (project / "profiles.yml").write_text(
        "dbt_shop:\n  target: prod\n  outputs:\n    prod:\n      type: bigquery\n"
        "      project: acme-prod\n")
    _, document = check_json(project)
    operation = next(f["operation"] for f in document["findings"]
                     if f["operation"]["location"]["path"] == "models/staging/stg_orders.sql")
    assert "parsed as" not in operation["code"]
    assert [s["name"] for s in operation["sources"]] == ["acme-prod.shop.orders"]


def test_a_renamed_source_schema_is_seen_by_the_next_run(project: Path) -> None:
    _, document = check_json(project)
    assert built(document)["models/staging/stg_customers.sql"] == {
        "raw_crm.customers", "raw_crm.customer_addresses"}
    sources = project / "models" / "staging" / "sources.yml"
    sources.write_text(sources.read_text().replace("schema: raw_crm", "schema: crm_v2"))
    _, document = check_json(project)  # the extraction cache in .lacuna is warm by now
    assert built(document)["models/staging/stg_customers.sql"] == {
        "crm_v2.customers", "crm_v2.customer_addresses"}
