"""Exceptions: inline allows, the exceptions file, missing reasons, unused and expired waivers."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from lacuna_cli.errors import ConfigError
from lacuna_cli.extract.allow_comments import find_allows
from lacuna_cli.models import (
    Classification, Decision, Finding, InlineAllow, Location, Operation, Resource,
)
from lacuna_cli.policy.waivers import (
    MISSING_REASON_ID, FileException, apply_exceptions, glob_match, load_exceptions,
)

TODAY = date(2026, 11, 20)


def finding(line: int, policy_id: str | None = "LAC-PII-001", path: str = "jobs/export.py",
            destination: str = "~/Downloads/x.csv") -> Finding:
    op = Operation(id=f"op-{line}", action="export", location=Location(path=path, line=line,
                                                                       column=1),
                   code="df.to_csv(...)", sources=(Resource(kind="file", name="data/c.csv"),),
                   destination=Resource(kind="file", name=destination))
    decision = Decision(allowed=policy_id is None, policy_id=policy_id or "LACUNA-DEFAULT",
                        policy_version="1.0.0", reasoning="r", severity="high")
    return Finding(operation=op, classification=Classification(
        tier="PROPRIETARY", tags=("PII",), confidence=1, layer="heuristic", reasoning="r"),
        decision=decision)


def entry(**changes) -> FileException:
    fields = {"policy": "LAC-PII-001", "path": "jobs/**", "reason": "quarterly DPA-approved "
              "extract", "approver": "dpo@acme.example", "expires": date(2026, 12, 31)}
    return FileException(**{**fields, **changes})


def apply(findings, allows=(), entries=()):
    by_path = {"jobs/export.py": tuple(allows)} if allows else {}
    return apply_exceptions(list(findings), by_path, list(entries), TODAY,
                            "lacuna-exceptions.yaml", "data-governance@acme.example")


def test_allow_comments_are_parsed_with_or_without_a_reason() -> None:
    text = ("x = 1  # lacuna: allow[LAC-PII-001, LAC-EXT-001] approved by DPO, ticket 42\n"
            "-- lacuna: allow[LAC-INT-001]\n# lacuna: allow[] nothing named\n")
    allows, errors = find_allows(text, "a.py")
    assert [(a.line, a.policy_ids, a.reason) for a in allows] == [
        (1, ("LAC-PII-001", "LAC-EXT-001"), "approved by DPO, ticket 42"),
        (2, ("LAC-INT-001",), "")]
    assert [(e.line, "names no policy id" in e.message) for e in errors] == [(3, True)]


def test_an_inline_allow_waives_its_line_and_the_line_below_only() -> None:
    allow = InlineAllow(line=10, policy_ids=("LAC-PII-001",), reason="approved, ticket 7")
    outcome = apply([finding(10), finding(11), finding(12)], [allow])
    waived = [f.suppression for f in outcome.findings]
    assert waived[0] is not None and waived[0].kind == "inline"
    assert waived[0].reason == "approved, ticket 7" and waived[1] is not None
    assert waived[2] is None
    assert outcome.notices == [] and outcome.errors == []


def test_an_allow_for_another_policy_waives_nothing_and_is_reported_unused() -> None:
    allow = InlineAllow(line=10, policy_ids=("LAC-EXT-001",), reason="not this one")
    outcome = apply([finding(10)], [allow])
    assert outcome.findings[0].blocking
    (notice,) = outcome.notices
    assert (notice.path, notice.line) == ("jobs/export.py", 10)
    assert "unused exception `allow[LAC-EXT-001]`" in notice.message


def test_a_missing_reason_is_a_finding_of_its_own_and_waives_nothing() -> None:
    allow = InlineAllow(line=10, policy_ids=("LAC-PII-001",), reason="")
    outcome = apply([finding(10)], [allow])
    original, missing = outcome.findings
    assert original.blocking
    assert missing.blocking and missing.decision.policy_id == MISSING_REASON_ID
    assert missing.operation == original.operation
    assert "gives no reason" in missing.decision.reasoning
    assert missing.decision.alternatives[0].startswith("Add the reason")
    # Even on an allowed operation, a waiver without a reason fails the run.
    (allowed, flagged) = apply([finding(10, policy_id=None)], [allow]).findings
    assert not allowed.blocking and flagged.blocking
    # And with nothing to attach to, it is an error (which also fails the run).
    stray = apply([finding(30)], [allow])
    assert [e.line for e in stray.errors] == [10] and len(stray.findings) == 1


def test_an_exceptions_file_entry_waives_with_approver_and_expiry() -> None:
    outcome = apply([finding(10), finding(10, path="other/x.py")], entries=[entry()])
    waived, other = outcome.findings
    assert waived.suppression is not None and waived.suppression.kind == "exceptions_file"
    assert waived.suppression.reason == ("quarterly DPA-approved extract (approved by "
                                         "dpo@acme.example, expires 2026-12-31)")
    assert other.blocking


def test_resource_globs_narrow_an_entry() -> None:
    narrow = entry(resource="~/Downloads/*.csv")
    assert apply([finding(1)], entries=[narrow]).findings[0].suppression is not None
    elsewhere = apply([finding(1, destination="~/Desktop/x.csv")], entries=[narrow])
    assert elsewhere.findings[0].blocking
    assert "unused exception: exceptions[0]" in elsewhere.notices[0].message


def test_expired_entries_no_longer_apply_and_are_reported() -> None:
    outcome = apply([finding(10)], entries=[entry(expires=date(2026, 11, 19))])
    assert outcome.findings[0].blocking
    (notice,) = outcome.notices
    assert notice.path == "lacuna-exceptions.yaml"
    assert "expired on 2026-11-19" in notice.message and "dpo@acme.example" in notice.message
    still_valid_today = apply([finding(10)], entries=[entry(expires=TODAY)])
    assert not still_valid_today.findings[0].blocking


@pytest.mark.parametrize("pattern, name, expected", [
    ("jobs/**", "jobs/a/b/export.py", True),
    ("jobs/*.py", "jobs/a/export.py", False),
    ("**/export.py", "export.py", True),
    ("**/export.py", "a/b/export.py", True),
    ("s3://bucket/*", "s3://bucket/x.csv", True),
    ("jobs/ex?ort.py", "jobs/export.py", True),
])
def test_globs(pattern: str, name: str, expected: bool) -> None:
    assert glob_match(pattern, name) is expected


@pytest.mark.parametrize("text, message", [
    (("exceptions:\n  - policy: LAC-PII-001\n    path: a.py\n    reason: r\n"
      "    expires: 2027-01-01\n"), r"exceptions\[0\]\.approver: Field required"),
    (("exceptions:\n  - policy: X\n    path: a.py\n    reason: r\n    approver: a\n"
      "    expires: soon\n"), r"exceptions\[0\]\.expires: "),
    ("exceptions:\n  - {policy: X, path: a, reason: '', approver: a, expires: 2027-01-01}\n",
     r"exceptions\[0\]\.reason: "),
    (("exceptions:\n  - {policy: X, path: a, reason: r, approver: a, expires: 2027-01-01,"
      " colour: red}\n"), r"exceptions\[0\]\.colour: Extra inputs"),
    ("exceptions: [\n", r"lacuna-exceptions\.yaml:\d+: invalid YAML"),
    ("- just a list\n", r"top level: "),
])
def test_the_exceptions_file_is_validated_naming_the_key(tmp_path: Path, text: str,
                                                         message: str) -> None:
    path = tmp_path / "lacuna-exceptions.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_exceptions(path, "lacuna-exceptions.yaml")


def test_a_missing_exceptions_file_means_no_exceptions(tmp_path: Path) -> None:
    assert load_exceptions(tmp_path / "none.yaml", "none.yaml") == []


def _scenario_with(shop: Path, comment: str) -> None:
    script = shop / "pipelines" / "customer_sales.py"
    lines = script.read_text().splitlines()
    lines[4] += f"  {comment}"
    script.write_text("\n".join(lines) + "\n")


def test_check_records_an_inline_waiver_in_the_audit_log(shop: Path, lacuna) -> None:
    _scenario_with(shop, "# lacuna: allow[LAC-PII-001, LAC-EXT-001] DPO approved, GOV-12")
    result = lacuna("check", ".", "--format", "json", cwd=shop)
    assert result.code == 0, result.stdout + result.stderr
    summary = json.loads(result.stdout)["summary"]
    assert (summary["denied"], summary["suppressed"]) == (0, 1)
    assert "unused exception `allow[LAC-EXT-001]`" in result.stderr
    log = json.loads(lacuna("audit", "log", "--format", "json", cwd=shop).stdout)["records"]
    (waived,) = [r for r in log if r["event_type"] == "suppression"]
    assert waived["result"] == "suppressed" and waived["policy_id"] == "LAC-PII-001"
    assert "DPO approved, GOV-12" in waived["reasoning"]


def test_check_fails_on_a_reasonless_allow_and_honours_the_exceptions_file(shop: Path,
                                                                          lacuna) -> None:
    _scenario_with(shop, "# lacuna: allow[LAC-PII-001]")
    result = lacuna("check", ".", "--format", "json", cwd=shop)
    assert result.code == 1
    denied = {f["decision"]["policy_id"] for f in json.loads(result.stdout)["findings"]
              if not f["decision"]["allowed"] and f["suppression"] is None}
    assert denied == {"LAC-PII-001", MISSING_REASON_ID}
    (shop / "lacuna-exceptions.yaml").write_text(
        "exceptions:\n"
        "  - {policy: LAC-PII-001, path: 'pipelines/*.py', resource: '~/Downloads/*',\n"
        "     reason: regulator extract, approver: dpo@acme.example, expires: 2999-12-31}\n"
        "  - {policy: LAC-EXT-001, path: '**', reason: old, approver: a@acme.example,\n"
        "     expires: 2020-01-01}\n")
    script = shop / "pipelines" / "customer_sales.py"
    script.write_text(script.read_text().replace("  # lacuna: allow[LAC-PII-001]", ""))
    waived = lacuna("check", ".", "--format", "json", cwd=shop)
    assert waived.code == 0, waived.stdout + waived.stderr
    (finding,) = [f for f in json.loads(waived.stdout)["findings"] if f["suppression"]]
    assert finding["suppression"]["kind"] == "exceptions_file"
    assert "approved by dpo@acme.example, expires 2999-12-31" in finding["suppression"]["reason"]
    assert "exceptions[1] (LAC-EXT-001 for **) expired on 2020-01-01" in waived.stderr


def test_sarif_describes_the_missing_reason_rule(shop, lacuna) -> None:
    script = shop / "pipelines" / "customer_sales.py"
    script.write_text(script.read_text().replace("# must be BLOCKED",
                                                 "# lacuna: allow[LAC-PII-001]"))
    result = lacuna("check", ".", "--format", "sarif", cwd=shop)
    run = json.loads(result.stdout)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    missing = next(r for r in run["results"] if r["ruleId"] == "LAC-EXC-001")
    assert rules[missing["ruleIndex"]]["id"] == "LAC-EXC-001"
    assert rules[missing["ruleIndex"]]["shortDescription"]["text"] == "Exception without a reason"
