"""Changed code only: `lacuna baseline` + `check --baseline`, and `check --diff-base REF`."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from lacuna_cli.diff import parse_unified

SCENARIO = "pipelines/customer_sales.py"
LEAK = ('import pandas as pd\nbatch = pd.read_parquet("warehouse/batch_17.parquet")\n'
        'batch.to_csv("~/Desktop/batch.csv")\n')
PREPARE = ('import pandas as pd\npeople = pd.read_csv("data/customers.csv")\n'
           'people.to_parquet("warehouse/batch_17.parquet")\n')


def _denied(lacuna, project: Path, *args: str) -> tuple[int, list[tuple[str, int]], str]:
    result = lacuna("check", ".", "--format", "json", *args, cwd=project)
    document = json.loads(result.stdout)
    places = [(f["operation"]["location"]["path"], f["operation"]["location"]["line"])
              for f in document["findings"] if f["decision"]["allowed"] is False]
    return result.code, places, result.stderr


def test_baseline_accepts_known_findings_and_reports_new_and_stale_ones(shop: Path, lacuna):
    written = lacuna("baseline", cwd=shop)
    assert written.code == 0, written.stderr
    document = json.loads((shop / ".lacuna-baseline.json").read_text())
    (entry,) = document["findings"]
    assert entry["policy_id"] == "LAC-PII-001" and entry["path"] == SCENARIO
    assert "line" not in entry and len(entry["fingerprint"]) == 32

    script = shop / SCENARIO
    script.write_text("# a header pushes every line down\n\n" + script.read_text())
    code, places, stderr = _denied(lacuna, shop, "--baseline", ".lacuna-baseline.json")
    assert (code, places) == (0, [])
    assert "1 finding(s) matched the baseline" in stderr

    (shop / "pipelines" / "leak.py").write_text(PREPARE + 'people.to_csv("/tmp/people.csv")\n')
    code, places, _ = _denied(lacuna, shop, "--baseline", ".lacuna-baseline.json")
    assert (code, places) == (1, [("pipelines/leak.py", 4)])

    script.write_text(script.read_text().replace('analysis.to_csv("~/Downloads/export.csv")',
                                                 'analysis.to_csv("reports/export.csv")'))
    (shop / "pipelines" / "leak.py").unlink()
    code, places, stderr = _denied(lacuna, shop, "--baseline", ".lacuna-baseline.json")
    assert (code, places) == (0, [])
    assert (f"lacuna: warning: .lacuna-baseline.json: baseline entry LAC-PII-001 export to "
            f"~/Downloads/export.csv in {SCENARIO}") in stderr
    assert "no longer matches 1 of 1 finding(s)" in stderr


def test_a_broken_baseline_is_a_usage_error(shop: Path, lacuna):
    (shop / "base.json").write_text('{"version": 1, "findings": [{"path": "x"}]}')
    result = lacuna("check", ".", "--baseline", "base.json", cwd=shop)
    assert result.code == 2 and "not a Lacuna baseline" in result.stderr


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=a@b.c", "-c", "user.name=a", *args], cwd=cwd,
                   check=True, capture_output=True)


@pytest.fixture
def repo(shop: Path) -> Path:
    (shop / "jobs").mkdir()
    (shop / "jobs" / "prepare.py").write_text(PREPARE)
    _git(shop, "init", "-q")
    _git(shop, "add", ".")
    _git(shop, "commit", "-qm", "base")
    _git(shop, "checkout", "-qb", "feature")
    return shop


def test_diff_base_reports_changed_lines_with_whole_project_lineage(repo: Path, lacuna):
    shutil.rmtree(repo / ".lacuna", ignore_errors=True)  # no stored lineage to lean on
    (repo / "jobs" / "share.py").write_text(LEAK)
    code, places, _ = _denied(lacuna, repo, "--diff-base", "master")
    # the scenario's export is old code: not reported; the new file's is, and it is
    # PROPRIETARY only because jobs/prepare.py (unchanged) wrote customer data there.
    assert (code, places) == (1, [("jobs/share.py", 3)])
    log = json.loads(lacuna("audit", "log", "--format", "json", cwd=repo).stdout)["records"]
    assert {r["location"].split(":")[0] for r in log} == {"jobs/share.py"}


def test_diff_base_reports_a_changed_line_of_an_old_file(repo: Path, lacuna):
    script = repo / SCENARIO
    script.write_text(script.read_text().replace("# must be BLOCKED", "# still blocked"))
    _git(repo, "commit", "-qam", "touch line 5")
    code, places, _ = _denied(lacuna, repo, "--diff-base", "master")
    assert (code, places) == (1, [(SCENARIO, 5)])
    assert _denied(lacuna, repo, "--diff-base", "HEAD")[:2] == (0, [])


def test_diff_base_reports_an_unchanged_helpers_send_that_a_changed_call_feeds(
        repo: Path, lacuna):
    """The pull request changes one line of a job: it now hands customers to a helper whose
    post to a partner has not changed. The denial is at the helper's line, reached from the
    changed one, and the report says so."""
    helper = ("import requests\n\n\ndef send_report(df):\n"
              "    requests.post('https://partner.example/upload', data=df.to_csv())\n")
    (repo / "jobs" / "partner.py").write_text(helper)
    (repo / "jobs" / "nightly.py").write_text(
        "import pandas as pd\n\nfrom jobs.partner import send_report\n\n"
        "people = pd.read_csv('data/customers.csv')\nprint(len(people))\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "helpers")
    assert _denied(lacuna, repo, "--diff-base", "HEAD")[:2] == (0, [])
    nightly = repo / "jobs" / "nightly.py"
    nightly.write_text(nightly.read_text().replace("print(len(people))", "send_report(people)"))
    code, places, _ = _denied(lacuna, repo, "--diff-base", "HEAD")
    assert (code, places) == (1, [("jobs/partner.py", 5)])
    text = lacuna("check", ".", "--diff-base", "HEAD", cwd=repo).stdout
    assert "Called from:      jobs/nightly.py:6:1" in text, text


def test_diff_base_names_a_bad_revision(repo: Path, lacuna):
    result = lacuna("check", ".", "--diff-base", "no-such-branch", cwd=repo)
    assert result.code == 2 and result.stderr.startswith("lacuna: error: git merge-base")


def test_unified_diff_parsing():
    diff = ("diff --git a/a.py b/a.py\n--- a/a.py\n+++ b/a.py\n@@ -3,0 +4,2 @@\n+x\n+y\n"
            "@@ -9 +11 @@\n-old\n+new\n@@ -20,2 +22,0 @@\n-gone\n-gone\n"
            "--- a/b.sql\n+++ /dev/null\n")
    assert parse_unified(diff) == {"a.py": {4, 5, 11}}
