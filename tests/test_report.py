"""`lacuna audit report`: ISO 27001 / GDPR / HIPAA evidence from the log, in md, html, json."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest


@pytest.fixture
def checked(shop: Path, lacuna) -> Path:
    script = shop / "pipelines" / "customer_sales.py"
    lacuna("check", ".", cwd=shop)
    script.write_text(script.read_text().replace(
        "# must be BLOCKED", "# lacuna: allow[LAC-PII-001] DPO approved, ticket GOV-7"))
    lacuna("check", ".", cwd=shop)
    return shop


def report(lacuna, project: Path, *args: str) -> str:
    result = lacuna("audit", "report", *args, cwd=project)
    assert result.code == 0, result.stderr
    return result.stdout


def test_iso27001_json_counts_every_attempt_and_names_2013_and_2022_controls(
        checked: Path, lacuna) -> None:
    document = json.loads(report(lacuna, checked, "--standard", "iso27001", "-f", "json"))
    ids = {c["id"] for c in document["controls"]}
    assert {"A.9.4", "A.12.4", "A.8.3", "A.8.5", "A.8.15", "A.8.16", "A.5.28"} <= ids
    log = json.loads(lacuna("audit", "log", "--format", "json", cwd=checked).stdout)["records"]
    attempts = document["access_attempts"]
    assert attempts["decisions"] == len(log) == 56 and attempts["runs"] == 2
    # 28 operations decided twice; the export was denied in one run, waived in the other
    assert attempts["operations"] == 29 == len(document["operations"])
    assert attempts["denied"] == sum(r["result"] == "denied" for r in log) == 1
    assert attempts["suppressed"] == 1
    assert [v["resource"] for v in document["violations"]] == ["~/Downloads/export.csv"]
    assert "GOV-7" in document["exceptions"][0]["reasoning"]
    assert document["integrity"]["ok"] is True
    assert any(c["resource"] == "data/customers.csv" and c["tier"] == "PROPRIETARY"
               for c in document["classifications"])


def test_gdpr_scope_keeps_personal_data_only_and_hipaa_none_here(checked: Path, lacuna) -> None:
    gdpr = json.loads(report(lacuna, checked, "--standard", "gdpr", "-f", "json"))
    assert gdpr["access_attempts"]["operations"] > 0
    assert all({"PII", "GDPR"} & set(d["tags"]) for d in gdpr["operations"])
    hipaa = json.loads(report(lacuna, checked, "--standard", "hipaa", "-f", "json"))
    assert hipaa["access_attempts"]["operations"] == 0


def test_period_filter(checked: Path, lacuna) -> None:
    future = json.loads(report(lacuna, checked, "--standard", "iso27001", "-f", "json",
                               "--from", "2999-01-01"))
    assert future["access_attempts"]["operations"] == 0
    bad = lacuna("audit", "report", "--standard", "iso27001", "--to", "someday", cwd=checked)
    assert bad.code == 2 and "--to" in bad.stderr


def test_markdown_and_self_contained_html(checked: Path, lacuna, tmp_path: Path) -> None:
    markdown = report(lacuna, checked, "--standard", "iso27001")
    assert markdown.startswith("# Lacuna audit report — ISO/IEC 27001")
    assert "| A.9.4 (2022: A.8.3, A.8.5) |" in markdown
    assert "**Log integrity:** verified" in markdown
    target = tmp_path / "report.html"
    report(lacuna, checked, "--standard", "iso27001", "-f", "html", "-o", str(target))
    page = target.read_text()
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert not re.search(r"(src|href)=|https?://|<script", page)
    assert "~/Downloads/export.csv" in page and "class='denied'" in page


def test_a_tampered_log_says_so_in_the_report(checked: Path, lacuna) -> None:
    import duckdb
    with duckdb.connect(str(checked / ".lacuna" / "lacuna.duckdb")) as connection:
        connection.execute("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 3")
    failed = lacuna("audit", "report", "--standard", "iso27001", cwd=checked)
    assert failed.code == 1, failed.stderr  # as `audit verify` on the same log
    assert "**Log integrity:** FAILED at seq 3: edited" in failed.stdout


def test_re_runs_are_one_operation_with_first_and_last_seen_and_runs(shop: Path, lacuna) -> None:
    for _ in range(3):
        assert lacuna("check", ".", cwd=shop).code == 1
    gdpr = json.loads(report(lacuna, shop, "--standard", "gdpr", "-f", "json"))
    attempts = gdpr["access_attempts"]
    assert attempts["runs"] == 3 and attempts["decisions"] == 3 * attempts["operations"]
    (denied,) = gdpr["violations"]  # one denial, not one per run
    assert denied["resource"] == "~/Downloads/export.csv" and denied["runs"] == 3
    assert denied["first_seen"] < denied["last_seen"]
    assert all(o["runs"] == 3 for o in gdpr["operations"])
    markdown = report(lacuna, shop, "--standard", "gdpr")
    assert (f"**Access attempts:** {attempts['operations']} distinct operations "
            f"({attempts['decisions']} decisions in 3 runs) — ") in markdown
    assert markdown.count("~/Downloads/export.csv | PROPRIETARY | denied") == 2  # violations
    # and all operations: once each
