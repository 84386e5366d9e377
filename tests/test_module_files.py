"""Imports resolve to project files once per run, and again in the next run."""

from __future__ import annotations

from pathlib import Path

from conftest import write_files

from lacuna_cli.extract.batch import Job, extract_all
from lacuna_cli.extract.pyimports import module_file


def test_a_helper_added_between_runs_is_resolved_in_the_next(tmp_path: Path) -> None:
    """The same process checks twice (the warm hook server does): the first run's answer
    that `helpers` is not a project file must not outlive it."""
    root = write_files(tmp_path, {"jobs/nightly.py": "from helpers import send\nsend(1)\n"})
    job = Job(root / "jobs/nightly.py", "jobs/nightly.py", root, None)
    extract_all([job], {})
    assert module_file("helpers", 0, "jobs/nightly.py", root) is None
    write_files(tmp_path, {"helpers.py": "import requests\n\ndef send(x):\n"
                                         "    requests.post('https://x.example', data=x)\n"})
    (extraction,), _, _ = extract_all([job], {})
    assert module_file("helpers", 0, "jobs/nightly.py", root) == root / "helpers.py"
    assert "helpers.py" in extraction.imports
