"""Each file's analysis is kept in a file of its own beside the database, named by its content
(`store/caches.py`): written once, replaced analyses deleted, a lost or damaged one analysed
again, and a database of an older Lacuna (analyses in a table) moves to it."""

from __future__ import annotations

import json
from pathlib import Path

from lacuna_cli.config import load_config
from lacuna_cli.extract import batch, stamps
from lacuna_cli.scan import check
from lacuna_cli.store import open_store
from lacuna_cli.store.caches import analyses_folder

from conftest import write_files

JOB = ("import pandas as pd\n\ncustomers = pd.read_csv('data/customers.csv')\n"
       "customers.to_csv('~/Downloads/customers.csv')\n")
PROJECT = {"lacuna.toml": "embeddings = false\n", "data/customers.csv": "id,email\n",
           "export.py": JOB, "stage.py": JOB.replace("~/Downloads", "warehouse")}


def blocked(root: Path) -> list[str]:
    result = check([root], load_config(root, root), None)
    return sorted(f"{f.operation.location.path}:{f.operation.location.line}"
                  for f in result.findings if not f.decision.allowed)


def analysis_files(root: Path) -> dict[str, Path]:
    folder = analyses_folder(root / ".lacuna" / "lacuna.duckdb")
    return {path.stem: path for path in folder.glob("*/*.json")}


def index(root: Path) -> dict[str, str]:
    with open_store(root / ".lacuna" / "lacuna.duckdb") as connection:
        return dict(connection.execute("SELECT path, analysis FROM analysis_index").fetchall())


def test_each_analysis_is_a_file_named_by_its_content_and_a_replaced_one_is_deleted(
        tmp_path: Path) -> None:
    root = write_files(tmp_path, PROJECT)
    assert blocked(root) == ["export.py:4"]
    files = analysis_files(root)
    assert set(index(root).values()) == set(files)
    assert json.loads(files[index(root)["export.py"]].read_text())["extraction"]["path"] \
        == "export.py"
    before = index(root)["export.py"]
    write_files(root, {"export.py": "\n" + JOB})
    assert blocked(root) == ["export.py:5"]
    assert index(root)["export.py"] != before
    assert set(analysis_files(root)) == set(index(root).values())  # the old one is gone


def test_a_lost_or_damaged_analysis_is_analysed_again(tmp_path: Path,
                                                      monkeypatch) -> None:
    root = write_files(tmp_path, PROJECT)
    assert blocked(root) == ["export.py:4"]
    files = analysis_files(root)
    files[index(root)["export.py"]].unlink()
    files[index(root)["stage.py"]].write_text('{"extraction": {"path": 3')
    analysed: list[str] = []
    run = batch.Job.run
    monkeypatch.setattr(batch.Job, "run", lambda job: analysed.append(job.relpath) or run(job))
    assert blocked(root) == ["export.py:4"]
    assert sorted(analysed) == ["export.py", "stage.py"]
    analysed.clear()
    assert blocked(root) == ["export.py:4"]
    assert analysed == []  # written again, used again


def test_what_a_killed_write_left_is_deleted_when_its_folder_is_written_again(
        tmp_path: Path) -> None:
    """A check killed while writing leaves `.<id>.json.<pid>` (never a truncated analysis);
    the next check that writes into that folder deletes it. Analyses stay."""
    root = write_files(tmp_path, PROJECT)
    assert blocked(root) == ["export.py:4"]
    analysis = analysis_files(root)[index(root)["export.py"]]
    leftover = analysis.with_name(f".{analysis.name}.99999999")
    leftover.write_text('{"extraction": ')
    analysis.unlink()  # as if the check was killed before its analysis was in place
    assert blocked(root) == ["export.py:4"]
    assert not leftover.exists()
    assert set(analysis_files(root)) == set(index(root).values())


def test_a_leftover_that_cannot_be_deleted_does_not_stop_the_check(tmp_path: Path) -> None:
    root = write_files(tmp_path, PROJECT)
    assert blocked(root) == ["export.py:4"]
    analysis = analysis_files(root)[index(root)["export.py"]]
    stuck = analysis.with_name(f".{analysis.name}.99999998")
    stuck.mkdir()  # unlink refuses a folder, as it would a file it may not delete
    analysis.unlink()
    assert blocked(root) == ["export.py:4"]
    assert stuck.is_dir() and analysis.exists()


def test_a_database_that_kept_analyses_in_a_table_moves_to_files(tmp_path: Path) -> None:
    root = write_files(tmp_path, PROJECT)
    assert blocked(root) == ["export.py:4"]
    with open_store(root / ".lacuna" / "lacuna.duckdb", write=True) as connection:
        connection.execute("CREATE TABLE extraction_cache (path VARCHAR PRIMARY KEY, "
                           "digest VARCHAR NOT NULL, payload VARCHAR NOT NULL)")
        connection.execute("UPDATE meta SET value = 'older' WHERE key = 'schema_digest'")
    assert blocked(root) == ["export.py:4"]
    with open_store(root / ".lacuna" / "lacuna.duckdb") as connection:
        assert connection.execute("SELECT count(*) FROM information_schema.tables "
                                  "WHERE table_name = 'extraction_cache'").fetchone() == (0,)


def stamped(root: Path) -> set[str]:
    with open_store(root / ".lacuna" / "lacuna.duckdb") as connection:
        return {path for (path,) in connection.execute("SELECT path FROM file_stamps").fetchall()}


def test_a_deleted_file_s_analysis_and_stamp_are_forgotten(tmp_path: Path,
                                                           monkeypatch) -> None:
    monkeypatch.setattr(stamps, "RACY_SECONDS", 0.0)  # every file settled: its stamp is kept
    root = write_files(tmp_path, PROJECT)
    assert blocked(root) == ["export.py:4"]
    stage = index(root)["stage.py"]
    assert "stage.py" in stamped(root)
    (root / "stage.py").unlink()
    assert blocked(root) == ["export.py:4"]
    assert "stage.py" not in index(root)
    assert stage not in analysis_files(root)
    assert stamped(root) == {"export.py"}
