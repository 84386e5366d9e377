"""The product's core scenario end to end through the real CLI: block, explain, exit 1, audit."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO

SCENARIO = "pipelines/customer_sales.py"


def _check_json(lacuna, project: Path, *extra: str) -> dict:
    result = lacuna("check", ".", "--format", "json", *extra, cwd=project)
    assert result.code == 1, result.stderr
    return json.loads(result.stdout)


# The scenario the product is built around, as the operations `lacuna extract` must find in
# the fixture (line, action, sources, destination): two reads, a join that carries the customer
# data into `analysis`, its export to an unmanaged folder, an aggregate by region and the write
# of that aggregate into governed storage.
BOTH = ["data/customers.csv", "warehouse/sales.parquet"]
SCENARIO_OPERATIONS = [
    (2, "read", ["data/customers.csv"], None),
    (3, "read", ["warehouse/sales.parquet"], None),
    (4, "join", BOTH, None),
    (5, "export", BOTH, "~/Downloads/export.csv"),
    (6, "aggregate", BOTH, None),
    (7, "write", BOTH, "reports/summary.csv"),
]


def test_the_fixture_holds_the_scenario(shop: Path, lacuna) -> None:
    result = lacuna("extract", SCENARIO, "--format", "json", cwd=shop)
    assert result.code == 0, result.stderr
    operations = json.loads(result.stdout)["operations"]
    found = [(op["location"]["line"], op["action"], sorted(s["name"] for s in op["sources"]),
              op["destination"] and op["destination"]["name"]) for op in operations]
    assert found == SCENARIO_OPERATIONS
    customers = operations[0]["sources"][0]["columns"]
    assert {"email", "phone"} <= set(customers)  # the personal columns the export carries


def test_export_is_blocked_with_a_full_explanation(shop: Path, lacuna, snapshot) -> None:
    result = lacuna("check", ".", cwd=shop)
    assert result.code == 1
    screen = result.stdout
    assert (f"{SCENARIO}:5:1: LAC-PII-001 BLOCKED export of PROPRIETARY data to "
            "~/Downloads/export.csv") in screen
    assert "inherited from data/customers.csv" in screen
    for column in ("email", "phone"):
        assert column in screen.split("Personal columns:")[1].splitlines()[0]
    assert "1. Anonymize the personal columns" in screen
    assert "2. Save to a governed location" in screen
    assert "3. Request an exception" in screen
    assert "LAC-PII-001 v1.1.0" in screen
    assert "Data steward:     privacy-office@acme.example" in screen
    assert "1 blocked" in screen
    denial = screen.split("\n\n")[0]
    assert denial == snapshot


def test_json_contract_and_the_allowed_summary(shop: Path, lacuna) -> None:
    document = _check_json(lacuna, shop)
    assert document["version"] == 2
    assert set(document) == {"version", "findings", "errors", "summary"}
    assert set(document["summary"]) == {"files", "operations", "denied", "allowed",
                                        "suppressed", "errors", "unresolved"}
    by_line = {f["operation"]["location"]["line"]: f for f in document["findings"]
               if f["operation"]["location"]["path"] == SCENARIO}
    export, summary = by_line[5], by_line[7]
    assert set(export) == {"operation", "classification", "decision", "suppression"}
    assert export["operation"]["action"] == "export"
    assert export["operation"]["destination"] == {"kind": "file",
                                                  "name": "~/Downloads/export.csv",
                                                  "columns": []}
    assert {s["name"] for s in export["operation"]["sources"]} == {
        "data/customers.csv", "warehouse/sales.parquet"}
    assert export["classification"]["tier"] == "PROPRIETARY"
    assert export["classification"]["inherited_from"] == ["data/customers.csv"]
    assert "PII" in export["classification"]["tags"]
    assert export["decision"]["allowed"] is False
    assert export["decision"]["policy_id"] == "LAC-PII-001"
    assert export["decision"]["steward"] == "privacy-office@acme.example"
    assert len(export["decision"]["alternatives"]) == 3
    assert summary["operation"]["destination"]["name"] == "reports/summary.csv"
    assert summary["decision"]["allowed"] is True
    assert summary["classification"]["tier"] == "INTERNAL"
    assert "DERIVED_FROM_PROPRIETARY" in summary["classification"]["tags"]
    assert "PII" not in summary["classification"]["tags"]
    assert document["summary"]["denied"] == 1
    assert document["summary"]["allowed"] == document["summary"]["operations"] - 1


def test_same_decision_lands_in_the_audit_log(shop: Path, lacuna) -> None:
    _check_json(lacuna, shop)
    log = lacuna("audit", "log", "--format", "json", "--result", "denied", cwd=shop)
    assert log.code == 0, log.stderr
    (record,) = json.loads(log.stdout)["records"]
    assert record["resource"] == "~/Downloads/export.csv"
    assert record["policy_id"] == "LAC-PII-001"
    assert record["tier"] == "PROPRIETARY"
    assert record["location"] == f"{SCENARIO}:5"


def test_clean_project_exits_zero(tmp_path: Path, lacuna) -> None:
    (tmp_path / "lacuna.toml").write_text("")
    (tmp_path / "report.py").write_text(
        'import pandas as pd\nsummary = pd.read_csv("data/regions.csv")\n'
        'summary.to_csv("reports/regions.csv")\n')
    result = lacuna("check", ".", cwd=tmp_path)
    assert result.code == 0, result.stdout + result.stderr
    assert "clean: 1 file, 2 operations" in result.stdout


def test_inline_exception_with_reason_suppresses_and_is_audited(shop: Path, lacuna) -> None:
    script = shop / SCENARIO
    script.write_text(script.read_text().replace(
        "# must be BLOCKED", "# lacuna: allow[LAC-PII-001] approved by DPO, ticket GOV-12"))
    document = json.loads(lacuna("check", ".", "--format", "json", cwd=shop).stdout)
    export = next(f for f in document["findings"]
                  if f["operation"]["location"]["path"] == SCENARIO
                  and f["operation"]["location"]["line"] == 5)
    assert export["suppression"] == {"kind": "inline", "policy_id": "LAC-PII-001",
                                     "reason": "approved by DPO, ticket GOV-12"}
    assert document["summary"]["denied"] == 0 and document["summary"]["suppressed"] == 1
    log = json.loads(lacuna("audit", "log", "--format", "json", "--result", "suppressed",
                            cwd=shop).stdout)["records"]
    assert [r["event_type"] for r in log] == ["suppression"]
    assert "GOV-12" in log[0]["reasoning"]


def test_dialect_option_is_validated_and_passed(shop: Path, lacuna) -> None:
    result = lacuna("extract", "sql", "--dialect", "snowflake", "--format", "json", cwd=shop)
    assert result.code == 0, result.stderr
    targets = {op["destination"]["name"] for op in json.loads(result.stdout)["operations"]
               if op["destination"]}
    assert "analytics.region_ltv" in targets


def _multitool() -> str | None:
    local = REPO / ".ci" / "node" / "node_modules" / ".bin" / "sarif-multitool"
    if local.exists():
        return str(local)
    return shutil.which("sarif-multitool")


def test_sarif_passes_the_microsoft_validator(shop: Path, lacuna, tmp_path: Path,
                                              snapshot) -> None:
    result = lacuna("check", ".", "--format", "sarif", cwd=shop)
    assert result.code == 1
    sarif = json.loads(result.stdout)
    run = sarif["runs"][0]
    (finding,) = run["results"]
    assert finding["ruleId"] == "LAC-PII-001"
    assert finding["locations"][0]["physicalLocation"]["region"]["startLine"] == 5
    rule = run["tool"]["driver"]["rules"][finding["ruleIndex"]]
    assert rule["id"] == "LAC-PII-001" and rule["help"]["text"]
    run["originalUriBaseIds"]["%SRCROOT%"]["uri"] = "file:///project/"
    assert sarif == snapshot
    tool = _multitool()
    if tool is None:
        if os.environ.get("CI"):
            pytest.fail("sarif-multitool is not installed (.ci/run installs it)")
        pytest.skip("sarif-multitool not installed; .ci/run installs it")
    path = tmp_path / "lacuna.sarif"
    path.write_text(result.stdout)
    validated = subprocess.run([tool, "validate", str(path)], capture_output=True, text=True,
                               timeout=300)
    output = validated.stdout + validated.stderr
    assert validated.returncode == 0, output
    assert ": error " not in output, output
