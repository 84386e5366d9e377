"""The progress bar: drawn on a terminal (a real pseudo-terminal here), silent in CI and hooks."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest


def _stderr_on_a_terminal(project: Path, **extra: str) -> str:
    controller, terminal = pty.openpty()
    env = {**os.environ, "COLUMNS": "120"}
    env.pop("CI", None)
    env.pop("PRE_COMMIT", None)
    env.update(extra)
    process = subprocess.Popen([sys.executable, "-m", "lacuna_cli", "check", "."], cwd=project,
                               env=env, stdout=subprocess.DEVNULL, stderr=terminal)
    os.close(terminal)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=120)
    os.close(controller)
    return b"".join(chunks).decode(errors="replace")


@pytest.fixture
def many_files(tmp_path: Path) -> Path:
    (tmp_path / "lacuna.toml").write_text("embeddings = false\n")  # no model load to wait for
    # Each file long enough that extraction spans several of the bar's refreshes (the pool's
    # workers start warm, so 25 one-line files would all be done before the first frame).
    for number in range(25):
        steps = "".join(f'frame_{step} = pd.read_csv("data/in_{number}_{step}.csv")\n'
                        f'frame_{step}.to_csv("reports/out_{number}_{step}.csv")\n'
                        for step in range(60))
        (tmp_path / f"job_{number:02}.py").write_text(f"import pandas as pd\n{steps}")
    return tmp_path


def test_a_long_scan_on_a_terminal_shows_progress(many_files: Path) -> None:
    drawn = _stderr_on_a_terminal(many_files)
    assert "extracting" in drawn and "eta" in drawn and "0:00:0" in drawn  # elapsed, estimate
    assert "/25" in drawn and "lineage, classification and decisions" in drawn


class _Running:
    """A future that reports it is running (what `_slowest` asks of each pending file)."""

    def running(self) -> bool:
        return True


def test_a_file_that_takes_long_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    from lacuna_cli.extract import pool

    first, second = _Running(), _Running()
    pending = {first: (0, "jobs/huge.py"), second: (1, "jobs/small.py")}
    clock = iter([100.0, 103.0, 107.5])
    monkeypatch.setattr(pool.time, "monotonic", lambda: next(clock))
    since: dict = {}
    assert pool._slowest(pending, since) is None  # both start being watched at 100 s
    assert pool._slowest(pending, since) is None  # 3 s: not slow yet
    assert pool._slowest(pending, since) == "jobs/huge.py (running for 8 s)"


@pytest.mark.parametrize("quiet", [{"CI": "true"}, {"PRE_COMMIT": "1"}])
def test_ci_and_hooks_stay_quiet(many_files: Path, quiet: dict[str, str]) -> None:
    assert "extracting" not in _stderr_on_a_terminal(many_files, **quiet)
