"""The lineage map describes the current code; data at rest keeps what was learned about it.

Through the CLI: a deleted script's job leaves `lineage export` and `lineage show`, while the
parquet file it filled from customers.csv stays classified as before — marked historical,
with when and where it was learned — so a script reading it is still refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, run_lacuna

PARQUET = "warehouse/batch_17.parquet"
PREPARE = ('import pandas as pd\npeople = pd.read_csv("data/customers.csv")\n'
           f'people.to_parquet("{PARQUET}")\n')
SHARE = (f'import pandas as pd\nbatch = pd.read_parquet("{PARQUET}")\n'
         'batch.to_csv("~/Desktop/batch.csv")\n')


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    (root / "jobs").mkdir()
    shutil.copy(FIXTURES / "shop" / "data" / "customers.csv", root / "data")
    (root / "pyproject.toml").write_text("[tool.lacuna]\n")
    (root / "jobs" / "prepare.py").write_text(PREPARE)
    return root


def _jobs(project: Path) -> dict[str, dict]:
    result = run_lacuna("lineage", "export", cwd=project)
    assert result.code == 0, result.stderr
    return {event["job"]["name"]: event for event in map(json.loads, result.stdout.splitlines())}


def test_a_deleted_script_leaves_the_map_and_its_output_stays_classified(project: Path) -> None:
    (project / "jobs" / "share.py").write_text(SHARE)
    assert run_lacuna("check", ".", cwd=project).code == 1
    assert set(_jobs(project)) == {"jobs/prepare.py", "jobs/share.py"}
    (project / "jobs" / "prepare.py").unlink()

    refused = run_lacuna("check", ".", cwd=project)
    assert refused.code == 1, refused.stdout + refused.stderr
    assert "jobs/share.py:3:1: LAC-PII-001 BLOCKED export of PROPRIETARY data" in refused.stdout
    assert "historical: PROPRIETARY" in refused.stdout
    assert "written by jobs/prepare.py:3 from data/customers.csv" in refused.stdout

    jobs = _jobs(project)
    assert set(jobs) == {"jobs/share.py"}
    (read,) = jobs["jobs/share.py"]["inputs"]
    facet = read["facets"]["lacunaClassification"]
    assert (read["name"], facet["tier"]) == (PARQUET, "PROPRIETARY")
    assert "PII" in facet["tags"]
    assert facet["historical"]["writtenBy"] == ["jobs/prepare.py:3"]
    assert facet["historical"]["sources"] == ["data/customers.csv"]
    assert facet["historical"]["learnedAt"].startswith("20")
    for drawing in ("dot", "mermaid"):
        result = run_lacuna("lineage", "export", "-f", drawing, cwd=project)
        assert "customers.csv" not in result.stdout and "people" not in result.stdout

    shown = run_lacuna("lineage", "show", PARQUET, cwd=project)
    assert shown.code == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0].startswith(f"{PARQUET}  PROPRIETARY [")
    assert "historical classification, no code in the project writes it now" in lines[1]
    assert "learned 20" in lines[2]
    assert "written by jobs/prepare.py:3 from data/customers.csv" in lines[3]
    assert "customers.csv  " not in shown.stdout  # no source left on the map


def test_with_no_code_left_the_data_keeps_its_history(project: Path) -> None:
    assert run_lacuna("check", ".", cwd=project).code == 0
    (project / "jobs" / "prepare.py").unlink()
    (project / "jobs" / "other.py").write_text("print('nothing to do with data')\n")
    assert run_lacuna("check", ".", cwd=project).code == 0
    assert _jobs(project) == {}
    shown = run_lacuna("lineage", "show", PARQUET, cwd=project)
    assert shown.code == 0, shown.stderr
    assert shown.stdout.startswith(f"{PARQUET}  PROPRIETARY [")
    assert "no code in the project writes or reads it now" in shown.stdout
    assert run_lacuna("lineage", "show", "data/customers.csv", cwd=project).code == 2


def test_a_rewritten_writer_is_the_current_truth(project: Path) -> None:
    """History is a floor only for data no current code writes: a writer that now drops the
    personal columns is what the map shows."""
    assert run_lacuna("check", ".", cwd=project).code == 0
    (project / "jobs" / "prepare.py").write_text(
        'import pandas as pd\npeople = pd.read_csv("data/customers.csv")\n'
        f'people[["customer_id"]].groupby("customer_id").size().to_frame().to_parquet("{PARQUET}")\n')
    assert run_lacuna("check", ".", cwd=project).code == 0
    shown = run_lacuna("lineage", "show", PARQUET, cwd=project)
    assert "historical" not in shown.stdout


def test_an_ipython_session_is_never_a_job(shop: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A `%%lacuna` cell is checked with the project as context, but the session is code that
    exists nowhere: it never appears on the stored map."""
    interactive = pytest.importorskip("IPython.core.interactiveshell")
    monkeypatch.chdir(shop)
    shell = interactive.InteractiveShell.instance()
    try:
        shell.run_cell("%load_ext lacuna_cli", store_history=True)
        shell.run_cell('%%lacuna\nimport pandas as pd\n'  # refused, so never run
                       'pd.read_csv("data/customers.csv").to_csv("~/Downloads/session.csv")\n',
                       store_history=True)
    finally:
        interactive.InteractiveShell.clear_instance()
    jobs = _jobs(shop)
    assert not [name for name in jobs if not (shop / name).is_file()], sorted(jobs)
    assert "pipelines/customer_sales.py" in jobs  # the project's files, from the cell's check
