"""A check opens the database once when the cache answers for nearly every file, and lets it go
while it analyses many files, so other lacuna processes can read it meanwhile."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import lacuna_cli.store as store
from lacuna_cli.config import load_config
from lacuna_cli.extract.batch import Job
from lacuna_cli.scan import HELD_WHILE_ANALYSING, check
from lacuna_cli.errors import LacunaError
from lacuna_cli.store import StoreError, open_store

SCENARIO = "pipelines/customer_sales.py"


def _counting_connects(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """The read_only flag of every database open from now on."""
    opened: list[bool] = []
    connect = store._connect

    def counted(db_path: Path, read_only: bool):
        opened.append(read_only)
        return connect(db_path, read_only)

    monkeypatch.setattr(store, "_connect", counted)
    return opened


def test_a_one_file_check_opens_the_database_once(shop: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    config = load_config(root=shop)
    check([shop], config, None)  # every file analysed and cached
    (shop / SCENARIO).write_text((shop / SCENARIO).read_text() + "\n# changed\n")
    opened = _counting_connects(monkeypatch)
    result = check([shop / SCENARIO], config, None)
    assert [f.decision.policy_id for f in result.findings if not f.decision.allowed] \
        == ["LAC-PII-001"]
    assert opened == [False]  # one open, for writing


def test_a_check_analysing_many_files_lets_other_readers_in_meanwhile(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "project"
    (root / "jobs").mkdir(parents=True)
    (root / "lacuna.toml").write_text("")
    for index in range(HELD_WHILE_ANALYSING + 1):
        (root / "jobs" / f"job_{index}.py").write_text(
            "import pandas as pd\n"
            f"pd.read_csv('data/in_{index}.csv').to_parquet('warehouse/out_{index}.parquet')\n")
    config = load_config(root=root)
    check([root / "jobs" / "job_0.py"], config, None)  # the database exists, nothing cached
    for path in (root / "jobs").iterdir():
        path.write_text(path.read_text() + "# changed\n")
    monkeypatch.setenv("LACUNA_LOCK_TIMEOUT", "0")
    readable: list[bool] = []
    run = Job.run

    def reading_meanwhile(job: Job):
        try:
            with open_store(config.db_path):
                readable.append(True)
        except StoreError:
            readable.append(False)
        return run(job)

    monkeypatch.setattr(Job, "run", reading_meanwhile)
    opened = _counting_connects(monkeypatch)
    result = check([root / "jobs" / "job_0.py"], config, None)
    assert len(result.findings) == 2  # the read and the write of job_0
    assert readable and all(readable)
    assert opened.count(False) == 2  # opened to read the cache, again to record the decisions


def test_a_first_check_stopped_by_a_bad_policy_leaves_no_database(tmp_path: Path) -> None:
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "broken.rego").write_text("package lacuna.rules.broken\nnot rego\n")
    (tmp_path / "lacuna.toml").write_text('policies = ["policies"]\n')
    (tmp_path / "job.py").write_text("import pandas as pd\n"
                                     "pd.read_csv('in.csv').to_csv('out.csv')\n")
    config = load_config(root=tmp_path)
    with pytest.raises(LacunaError, match=r"broken\.rego"):
        check([tmp_path], config, None)
    assert not config.db_path.exists()



# What DuckDB's Python client turns on outside pytest (it is off under pytest's capture).
ASK_PROGRESS_BAR = """
import sys
from pathlib import Path
from lacuna_cli.store import open_store
with open_store(Path(sys.argv[1]), write=True) as connection:
    for asking in (connection, connection.cursor()):
        print(asking.execute("SELECT current_setting('enable_progress_bar')").fetchone()[0])
"""


def test_no_query_draws_a_progress_bar_into_the_report(tmp_path: Path) -> None:
    """DuckDB draws a progress bar on standard output once a query runs past two seconds, into
    reports that may be JSON (`audit verify -f json` of a million records showed one)."""
    answered = subprocess.run([sys.executable, "-c", ASK_PROGRESS_BAR,
                               str(tmp_path / "lacuna.duckdb")],
                              capture_output=True, text=True, check=True)
    assert answered.stdout.split() == ["False", "False"]
