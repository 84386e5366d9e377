"""The policy stage: annotations, decisions, batch evaluation, failing closed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lacuna_cli.errors import PolicyLoadError
from lacuna_cli.policy.decide import decision_for
from lacuna_cli.policy.embedded import EmbeddedEngine
from lacuna_cli.policy.engine import evaluate_unique, load_policy_set
from lacuna_cli.policy.inputs import destination_type
from lacuna_cli.policy.metadata import read_annotations
from lacuna_cli.models import Resource
from lacuna_cli.shipped import shipped_dir


def op_input(tier: str = "PROPRIETARY", tags=("PII",), dest_type: str = "unmanaged",
             path: str = "~/Downloads/x.csv", action: str = "export") -> dict:
    return {"action": action,
            "source": {"tier": tier, "tags": list(tags), "lineage": ["crm.customers"],
                       "columns": {"email": ["PII"], "phone": ["PII"]}},
            "destination": {"type": dest_type, "path": path, "kind": "file",
                            "encrypted": False, "reason": "", "parameter": False,
                            "service": "", "category": ""},
            "user": {"id": "u", "role": "analyst"},
            "context": {"purpose": None, "environment": "local"}, "dynamic": False}


@pytest.fixture(scope="module")
def shipped():
    policy_set = load_policy_set([shipped_dir("policies")])
    return policy_set, EmbeddedEngine(policy_set)


def test_annotations_give_id_version_steward_severity(shipped) -> None:
    policy_set, _ = shipped
    meta = policy_set.rule("pii_export")
    assert (meta.id, meta.version, meta.severity) == ("LAC-PII-001", "1.1.0", "high")
    assert meta.steward == "privacy-office@acme.example"
    assert policy_set.entry.id == "LACUNA-DEFAULT"
    text = "# METADATA\n# title: T\n# custom:\n#   id: X-1\n#   severity: extreme\npackage a.b\n"
    with pytest.raises(PolicyLoadError, match="severity"):
        read_annotations(text, Path("x.rego"))


@pytest.mark.parametrize("case, denied_by", [
    (op_input(), "LAC-PII-001"),
    (op_input(dest_type="project", path="out/x.csv", action="write"), None),
    (op_input(path="warehouse/x.csv", dest_type="unmanaged"), None),
    (op_input(tier="PROPRIETARY", tags=(), dest_type="http", path="https://x.example"),
     "LAC-EXT-001"),
    (op_input(tier="INTERNAL", tags=(), dest_type="email", path="mailto:a@b.c"),
     "LAC-INT-001"),
    (op_input(tier="PUBLIC", tags=(), dest_type="http", path="https://x.example"), None),
    (op_input(tags=(), dest_type="dynamic", path="sys.argv[1]", action="write"),
     "LAC-DYN-001"),
    (op_input(action="read", dest_type="none", path=""), None),
    (op_input(tier="INTERNAL", tags=("PHI",), dest_type="project", path="warehouse/v.parquet",
              action="write"), "LAC-ENC-001"),
    (op_input(tier="INTERNAL", tags=("PHI",), dest_type="cloud",
              path="s3://acme-governed/v.parquet", action="write"), None),
])
def test_shipped_rules_decide(shipped, case: dict, denied_by: str | None) -> None:
    policy_set, engine = shipped
    (violations,) = engine.evaluate([case])
    decision = decision_for("export", violations, policy_set)
    assert decision.allowed is (denied_by is None)
    assert decision.policy_id == (denied_by or "LACUNA-DEFAULT")
    if denied_by:
        assert decision.alternatives[-1].startswith("Request an exception")
        assert f"allow[{denied_by}]" in decision.alternatives[-1]


def test_pii_alternative_names_the_personal_columns(shipped) -> None:
    policy_set, engine = shipped
    (violations,) = engine.evaluate([op_input()])
    decision = decision_for("export", violations, policy_set)
    assert decision.alternatives[0].startswith("Anonymize the personal columns email, phone")
    assert decision.steward == "privacy-office@acme.example"


def test_batch_keeps_order_and_identical_inputs_are_evaluated_once(shipped) -> None:
    _, engine = shipped
    calls = []

    class Counting:
        def evaluate(self, inputs):
            calls.append(len(inputs))
            return engine.evaluate(inputs)

    inputs = [op_input(), op_input(tier="PUBLIC", tags=(), dest_type="project", path="a")] * 50
    results = evaluate_unique(Counting(), inputs)
    assert calls == [2]
    assert [bool(r) for r in results] == [True, False] * 50


def write_policy(folder: Path, body: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "team.rego").write_text(body)


def test_a_syntax_error_fails_closed_naming_file_and_line(tmp_path: Path) -> None:
    write_policy(tmp_path / "p", "package lacuna.rules.team\n\nimport rego.v1\n\n"
                                 "violations contains v if {\n  v := \n}\n")
    policy_set = load_policy_set([shipped_dir("policies"), tmp_path / "p"])
    with pytest.raises(PolicyLoadError, match=r"team\.rego:6:5: expecting"):
        EmbeddedEngine(policy_set)


def test_a_rule_without_metadata_fails_closed(tmp_path: Path) -> None:
    write_policy(tmp_path / "p", "package lacuna.rules.team\n\nimport rego.v1\n\n"
                                 "violations contains {\"index\": i} if {\n"
                                 "  some i, _ in input.operations\n}\n")
    policy_set = load_policy_set([shipped_dir("policies"), tmp_path / "p"])
    engine = EmbeddedEngine(policy_set)
    (violations,) = engine.evaluate([op_input()])
    with pytest.raises(PolicyLoadError, match="no METADATA"):
        decision_for("export", violations, policy_set)


def test_a_team_rule_package_is_picked_up_without_editing_main(tmp_path: Path, lacuna) -> None:
    (tmp_path / "lacuna.toml").write_text('policies = ["team-policies"]\n')
    write_policy(tmp_path / "team-policies", """# METADATA
# title: No writes to the scratch folder
# custom:
#   id: TEAM-001
#   version: 2.1.0
#   steward: team-lead@acme.example
#   severity: low
package lacuna.rules.no_scratch

import rego.v1

violations contains v if {
\tsome i, op in input.operations
\tstartswith(op.destination.path, "scratch/")
\tv := {"index": i, "reason": "scratch is wiped nightly", "alternatives": ["use reports/"]}
}
""")
    (tmp_path / "job.py").write_text("import pandas as pd\npd.read_csv('a.csv')"
                                     ".to_csv('scratch/a.csv')\n")
    result = lacuna("check", ".", "--format", "json", cwd=tmp_path)
    assert result.code == 1, result.stderr
    (denied,) = [f for f in json.loads(result.stdout)["findings"]
                 if not f["decision"]["allowed"]]
    assert denied["decision"]["policy_id"] == "TEAM-001"
    assert denied["decision"]["policy_version"] == "2.1.0"
    assert denied["decision"]["severity"] == "low"


def test_policy_eval_command(tmp_path: Path, lacuna) -> None:
    (tmp_path / "op.json").write_text(json.dumps(op_input()))
    result = lacuna("policy", "eval", "--input", str(tmp_path / "op.json"), "--format", "json",
                    cwd=tmp_path)
    assert result.code == 1, result.stderr
    decision = json.loads(result.stdout)
    assert decision["allowed"] is False and decision["policy_id"] == "LAC-PII-001"
    (tmp_path / "bad.json").write_text("{not json")
    bad = lacuna("policy", "eval", "--input", str(tmp_path / "bad.json"), cwd=tmp_path)
    assert bad.code == 2 and len(bad.stderr.strip().splitlines()) == 1


def test_a_team_data_file_deep_merges_over_the_shipped_one(tmp_path: Path) -> None:
    team = tmp_path / "team"
    team.mkdir()
    (team / "data.json").write_text(json.dumps({"lacuna": {"config": {
        "governed_locations": ["/mnt/secure/"], "stewards": {"PII": "dpo@team.example"}}}}))
    policy_set = load_policy_set([shipped_dir("policies"), team])
    config = policy_set.data["lacuna"]["config"]
    assert config["governed_locations"] == ["/mnt/secure/"]  # lists are replaced, not appended
    assert config["stewards"]["PII"] == "dpo@team.example"
    assert config["stewards"]["FINANCIAL"] == "finance-data@acme.example"  # kept
    engine = EmbeddedEngine(policy_set)
    home, secure = engine.evaluate([op_input(), op_input(path="/mnt/secure/x.csv")])
    assert [v["steward"] for v in home] == ["dpo@team.example"]
    assert secure == []


def test_shipped_policy_tests_pass(lacuna, tmp_path: Path) -> None:
    result = lacuna("policy", "test", "--format", "json", cwd=tmp_path)
    assert result.code == 0, result.stdout + result.stderr
    tests = json.loads(result.stdout)["tests"]
    assert len(tests) >= 20 and {t["outcome"] for t in tests} == {"PASS"}
    covered = {t["name"].split(".")[-2] for t in tests}
    assert {"pii_export_test", "external_transfer_test", "internal_egress_test",
            "dynamic_destination_test", "unencrypted_storage_test", "main_test"} <= covered


def test_policy_test_reports_failures_errors_and_todos_like_opa(lacuna, tmp_path: Path) -> None:
    write_policy(tmp_path / "team", "")
    (tmp_path / "team" / "team.rego").unlink()
    (tmp_path / "team" / "x_test.rego").write_text(
        "package team.x_test\n\nimport rego.v1\n\n"
        "test_passes if { 1 == 1 }\n\ntest_fails if { 1 == 2 }\n\n"
        "test_errors if { 1 / 0 }\n\ntodo_test_later if { false }\n")
    result = lacuna("policy", "test", str(tmp_path / "team"), cwd=tmp_path)
    assert result.code == 1
    lines = result.stdout.splitlines()
    assert any(line.endswith("data.team.x_test.test_fails: FAIL") or
               "data.team.x_test.test_fails: FAIL (" in line for line in lines)
    assert any("data.team.x_test.test_errors: ERROR" in line for line in lines)
    assert any("divide by zero" in line for line in lines)
    assert lines[-1] == "FAIL: 1/3 (SKIPPED: 1)"
    only = lacuna("policy", "test", str(tmp_path / "team"), "--run", "passes$", cwd=tmp_path)
    assert only.code == 0 and only.stdout.splitlines()[-1] == "PASS: 1/1"


def test_a_service_without_a_catalog_category_is_a_service_not_a_project_file() -> None:
    """A send row of kind `service` with no category (an Airflow HTTP connection) was typed
    `project`, as if written into the repository, and every rule let it pass."""
    assert destination_type(Resource(kind="service", name="airflow-http:/v1/bulk")) == "service"
    assert destination_type(Resource(kind="service", name="openai:gpt-4o",
                                     category="llm")) == "service"
    assert destination_type(Resource(kind="file", name="reports/x.csv")) == "project"
