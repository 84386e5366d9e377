"""Report formats of `lacuna check`: GitHub annotations, JUnit, Markdown, several in one run,
suppressions kept in SARIF, and one fingerprint that survives moved code."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import write_files

from lacuna_cli.output.github import escape_data, escape_property

SCENARIO = "pipelines/customer_sales.py"
ANNOTATION = ("::error file=pipelines/customer_sales.py,line=5,col=1,title=LAC-PII-001 export "
              "of PROPRIETARY data to ~/Downloads/export.csv::")


def test_github_annotations_one_line_per_denial(shop: Path, lacuna) -> None:
    result = lacuna("check", ".", "--format", "github", cwd=shop)
    assert result.code == 1
    (line,) = result.stdout.splitlines()
    assert line.startswith(ANNOTATION)
    message = line[len(ANNOTATION):]
    assert "%0AWhat to do instead:%0A1. Anonymize the personal columns" in message
    assert "data steward privacy-office@acme.example" in message


def test_github_paths_are_relative_to_the_workspace(shop: Path, lacuna) -> None:
    result = lacuna("check", ".", "--format", "github", cwd=shop,
                    env={"GITHUB_WORKSPACE": str(shop.parent)})
    assert result.stdout.startswith("::error file=shop/pipelines/customer_sales.py,line=5,")


def test_github_escaping_follows_the_actions_toolkit() -> None:
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c\n") == "a%3Ab%2Cc%0A"


def test_junit_one_case_per_operation(shop: Path, lacuna) -> None:
    result = lacuna("check", ".", "--format", "junit", cwd=shop)
    assert result.code == 1
    root = ET.fromstring(result.stdout)
    suites = {suite.get("name"): suite for suite in root.iter("testsuite")}
    scenario = suites[SCENARIO]
    assert scenario.get("failures") == "1" and root.get("failures") == "1"
    (failure,) = root.iter("failure")
    assert failure.get("type") == "LAC-PII-001"
    assert "What to do instead:" in failure.text and "fingerprint: " in failure.text
    assert int(root.get("tests")) == sum(int(s.get("tests")) for s in suites.values())


def test_several_reports_in_one_run(shop: Path, lacuna) -> None:
    result = lacuna("check", ".", "--output", "sarif:out/lacuna.sarif", "--output", "github",
                    "--output", "junit:out/junit.xml", "--output", "markdown:out/summary.md",
                    cwd=shop)
    assert result.code == 1, result.stderr
    assert result.stdout.startswith(ANNOTATION)  # only the github report on stdout
    sarif = json.loads((shop / "out" / "lacuna.sarif").read_text())
    assert sarif["runs"][0]["results"][0]["ruleId"] == "LAC-PII-001"
    ET.parse(shop / "out" / "junit.xml")
    summary = (shop / "out" / "summary.md").read_text()
    assert "| ⛔ blocked | `pipelines/customer_sales.py:5` | LAC-PII-001 v1.1.0 |" in summary
    log = json.loads(lacuna("audit", "log", "--format", "json", cwd=shop).stdout)["records"]
    assert len(log) == 28  # one run, audited once


def test_plain_output_file_still_receives_the_format_report(shop: Path, lacuna) -> None:
    result = lacuna("check", ".", "-f", "json", "-o", "report.json", cwd=shop)
    assert result.code == 1 and result.stdout == ""
    assert json.loads((shop / "report.json").read_text())["summary"]["denied"] == 1


def test_two_reports_on_stdout_is_a_usage_error(shop: Path, lacuna) -> None:
    result = lacuna("check", ".", "-f", "json", "--output", "sarif", cwd=shop)
    assert result.code == 2
    assert result.stderr.strip() == ("lacuna: error: --output: json and sarif would both go to "
                                     "standard output; give all but one a file (FORMAT:FILE)")


def test_suppressed_findings_stay_in_sarif_with_their_justification(shop: Path, lacuna) -> None:
    script = shop / SCENARIO
    script.write_text(script.read_text().replace(
        "# must be BLOCKED", "# lacuna: allow[LAC-PII-001] approved by the DPO, GOV-12"))
    result = lacuna("check", ".", "--format", "sarif", cwd=shop)
    assert result.code == 0
    (finding,) = json.loads(result.stdout)["runs"][0]["results"]
    assert finding["suppressions"] == [{"kind": "inSource", "status": "accepted",
                                        "justification": "approved by the DPO, GOV-12"}]
    assert lacuna("check", ".", "--format", "github", cwd=shop).stdout == ""


def test_fingerprints_survive_moved_code_and_agree_across_formats(shop: Path, lacuna) -> None:
    def fingerprints() -> tuple[str, str]:
        sarif = json.loads(lacuna("check", ".", "-f", "sarif", cwd=shop).stdout)
        github = lacuna("check", ".", "-f", "github", cwd=shop).stdout
        return (sarif["runs"][0]["results"][0]["partialFingerprints"]["lacunaFinding/v1"],
                github.split("fingerprint ")[1].rstrip(".\n"))

    before = fingerprints()
    script = shop / SCENARIO
    script.write_text("# moved down\n\n\n" + script.read_text())
    after = fingerprints()
    assert before == after and before[0] == before[1]


def test_fail_on_sets_the_severity_that_fails(shop: Path, lacuna) -> None:
    assert lacuna("check", ".", "--fail-on", "critical", cwd=shop).code == 0
    assert lacuna("check", ".", "--fail-on", "high", cwd=shop).code == 1


def test_text_reports_print_locations_like_line_100_as_written(tmp_path: Path, lacuna) -> None:
    """Rich reads `:100:` as an emoji code; a location must never turn into one."""
    root = write_files(tmp_path / "repo", {
        "lacuna.toml": "",
        "data/customers.csv": "customer_id,email,phone\n1,a@example.com,555\n",
        "export.py": "import pandas as pd\n" + "\n" * 98
                     + "pd.read_csv('data/customers.csv').to_csv('s3://partner-drop/c.csv')\n",
    })
    for report in ("text", "markdown"):
        output = tmp_path / f"report.{report}"
        checked = lacuna("check", ".", "--output", str(output), "--format", report, cwd=root)
        assert checked.code == 1, checked.stderr
        written = output.read_text()
        assert "export.py:100" in written and "\N{HUNDRED POINTS SYMBOL}" not in written, report
    assert "export.py:100:1: LAC-" in lacuna("check", ".", cwd=root).stdout
