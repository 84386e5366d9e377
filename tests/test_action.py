"""The GitHub Action's script in a simulated Actions environment: GITHUB_* variables, INPUT_*
as action.yml sets them, a step-summary file and an output file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO


def _run_action(project: Path, tmp_path: Path, **inputs: str
                ) -> tuple[subprocess.CompletedProcess, str, str]:
    summary, outputs = tmp_path / "step_summary.md", tmp_path / "github_output"
    env = {**os.environ, "GITHUB_ACTIONS": "true", "CI": "true", "NO_COLOR": "1",
           "GITHUB_WORKSPACE": str(project), "GITHUB_REPOSITORY": f"acme/{tmp_path.name}",
           "GITHUB_SHA": "0123456789abcdef0123456789abcdef01234567", "GITHUB_ACTOR": "ana",
           "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(outputs),
           **{f"INPUT_{name.replace('_', '-').upper()}": value
              for name, value in inputs.items()}}
    completed = subprocess.run([sys.executable, "-m", "lacuna_cli.action"], cwd=project, env=env,
                               capture_output=True, text=True, timeout=300)
    return (completed, summary.read_text() if summary.exists() else "",
            outputs.read_text() if outputs.exists() else "")


def test_action_yml_is_a_composite_action_passing_every_input() -> None:
    action = yaml.safe_load((REPO / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {"paths", "args", "baseline", "diff-base",
                                     "fail-on", "sarif-file", "audit-push-url", "shard",
                                     "shard-dir", "from-shards", "cache-path"}
    check = next(step for step in action["runs"]["steps"] if step.get("id") == "check")
    assert check["run"] == "python -m lacuna_cli.action"
    assert {f"INPUT_{name.upper()}" for name in action["inputs"]
            if name not in {"cache-path"}} == set(check["env"])


def test_the_cache_is_restored_first_and_saved_last_keyed_by_the_commit() -> None:
    """Shard jobs restore the newest cache (most files unchanged since); only the job that
    decides saves it, under this commit's key."""
    steps = yaml.safe_load((REPO / "action.yml").read_text())["runs"]["steps"]
    restore, save = steps[0], steps[-1]
    assert restore["uses"] == "actions/cache/restore@v4"
    assert save["uses"] == "actions/cache/save@v4"
    assert restore["with"]["key"] == save["with"]["key"] == \
        "lacuna-${{ runner.os }}-${{ github.sha }}"
    assert restore["with"]["restore-keys"] == "lacuna-${{ runner.os }}-"
    assert restore["with"]["path"] == save["with"]["path"] == "${{ inputs.cache-path }}"
    assert "inputs.shard == ''" in save["if"] and save["if"].startswith("always()")


def test_a_matrix_of_shard_jobs_and_one_decide_job(shop: Path, tmp_path: Path) -> None:
    """Extract jobs write shard files and no report; the decide job's SARIF and summary are
    those of a single run."""
    single, single_summary, _ = _run_action(shop, tmp_path, sarif_file="single.sarif")
    for job in ("job1", "job2", "decide"):
        (tmp_path / job).mkdir()
    for index in (1, 2):
        completed, summary, outputs = _run_action(shop, tmp_path / f"job{index}",
                                                  shard=f"{index}/2", shard_dir="../shards")
        assert completed.returncode == 0, completed.stdout + completed.stderr
        assert summary == "" and outputs == "exit-code=0\n"
        assert "::error" not in completed.stdout
    completed, summary, outputs = _run_action(shop, tmp_path / "decide", from_shards="../shards",
                                              sarif_file="merged.sarif")
    assert completed.returncode == single.returncode == 1, completed.stderr
    assert completed.stdout.count("::error") == single.stdout.count("::error") == 1
    assert summary == single_summary
    assert json.loads((shop / "merged.sarif").read_text()) == json.loads(
        (shop / "single.sarif").read_text())


def test_blocked_scenario_annotates_writes_sarif_and_summary(shop: Path, tmp_path: Path) -> None:
    completed, summary, outputs = _run_action(shop, tmp_path, sarif_file="out/lacuna.sarif")
    assert completed.returncode == 1, completed.stderr
    assert ("::error file=pipelines/customer_sales.py,line=5,col=1,title=LAC-PII-001 export "
            "of PROPRIETARY data to ~/Downloads/export.csv::") in completed.stdout
    sarif = json.loads((shop / "out" / "lacuna.sarif").read_text())
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["LAC-PII-001"]
    assert summary.startswith("### Lacuna data-governance check: ⛔ blocked")
    assert "| ⛔ blocked | `pipelines/customer_sales.py:5` | LAC-PII-001 v1.1.0 |" in summary
    assert outputs == "sarif-file=out/lacuna.sarif\nexit-code=1\n"


def test_fail_on_and_baseline_inputs(shop: Path, tmp_path: Path, lacuna) -> None:
    completed, summary, _ = _run_action(shop, tmp_path, fail_on="critical")
    assert completed.returncode == 0 and "1 blocked" in summary
    assert lacuna("baseline", cwd=shop).code == 0
    completed, summary, _ = _run_action(shop, tmp_path, baseline=".lacuna-baseline.json")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "::error" not in completed.stdout and "✅ clean" in summary


def test_a_tool_error_still_leaves_a_summary(shop: Path, tmp_path: Path) -> None:
    completed, summary, outputs = _run_action(shop, tmp_path, args="--dialect nonsense")
    assert completed.returncode == 2
    assert "stopped with exit code 2" in summary and "exit-code=2" in outputs


def test_failed_audit_push_fails_the_step_without_showing_the_url(shop: Path,
                                                                  tmp_path: Path) -> None:
    url = "postgresql://lacuna:s3cret@127.0.0.1:1/audit"
    completed, _, _ = _run_action(shop, tmp_path, audit_push_url=url, fail_on="never")
    assert completed.returncode == 2
    assert f"::add-mask::{url}" in completed.stdout
    assert "::error title=Lacuna audit push::" in completed.stdout
    assert "s3cret" not in completed.stdout.replace(f"::add-mask::{url}", "")


@pytest.mark.skipif(not os.environ.get("LACUNA_TEST_PG_DSN"), reason="no PostgreSQL server")
def test_audit_push_to_the_central_store(shop: Path, tmp_path: Path) -> None:
    central = os.environ["LACUNA_TEST_PG_DSN"]
    init = subprocess.run([sys.executable, "-m", "lacuna_cli", "audit", "init-central", "--to",
                           central], capture_output=True, text=True)
    assert init.returncode == 0, init.stderr
    completed, _, _ = _run_action(shop, tmp_path, audit_push_url=central)
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert "pushed 28 records" in completed.stdout
