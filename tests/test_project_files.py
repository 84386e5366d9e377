"""What one process remembers of the project's other files (`extract/project_files.py`).

The warm hook server analyses file after file in one process, so what it remembers of a
helper module must follow the helper when it changes between runs, and never within one.
"""

from __future__ import annotations

from pathlib import Path

from lacuna_cli.extract import extract_file
from lacuna_cli.extract.project_files import digest_of, parsed
from lacuna_cli.extract.pyimports import forget_module_files

JOB = """import requests
from helpers import load

requests.post("https://partner.example.com/upload", json=load())
"""
HELPER_BEFORE = """def load():
    return [1, 2, 3]
"""
HELPER_AFTER = """import pandas as pd


def load():
    return pd.read_csv("data/customers.csv").to_dict("records")
"""


def _sent(root: Path) -> set[str]:
    """The sources of the job's send, as one analysis in this process sees them."""
    extraction = extract_file(root / "job.py", "job.py", root, None, ())
    return {source.name for op in extraction.operations if op.destination is not None
            and op.destination.name.startswith("https:")
            for source in op.sources}


def test_a_helper_changed_between_two_runs_of_one_process_is_read_again(tmp_path: Path
                                                                         ) -> None:
    (tmp_path / "job.py").write_text(JOB)
    (tmp_path / "helpers.py").write_text(HELPER_BEFORE)
    forget_module_files()
    assert "data/customers.csv" not in _sent(tmp_path)
    (tmp_path / "helpers.py").write_text(HELPER_AFTER)
    forget_module_files()  # what every run does first (`extract_all`)
    assert "data/customers.csv" in _sent(tmp_path)


def test_within_a_run_a_file_keeps_the_digest_it_was_first_read_with(tmp_path: Path) -> None:
    helper = tmp_path / "helpers.py"
    helper.write_text(HELPER_BEFORE)
    forget_module_files()
    first = digest_of(helper)
    helper.write_text(HELPER_AFTER)
    assert digest_of(helper) == first  # every reader of this run keys on the same content
    forget_module_files()
    assert digest_of(helper) not in (first, None)
    assert digest_of(tmp_path / "missing.py") is None


def test_trees_are_shared_by_path_and_digest(tmp_path: Path) -> None:
    tree = parsed(HELPER_BEFORE, (str(tmp_path / "helpers.py"), "a"))
    assert parsed(HELPER_BEFORE, (str(tmp_path / "helpers.py"), "a")) is tree
    other = parsed(HELPER_AFTER, (str(tmp_path / "helpers.py"), "b"))
    assert other is not tree and [type(s).__name__ for s in other.body] == [
        "Import", "FunctionDef"]
