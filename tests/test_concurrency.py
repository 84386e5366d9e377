"""Several `lacuna check` processes at once, and processes killed mid-run (SIGKILL)."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import run_lacuna


def spawn(project: Path) -> subprocess.Popen:
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("CI", None)
    return subprocess.Popen([sys.executable, "-m", "lacuna_cli", "check", "."], cwd=project,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)


def log(project: Path) -> list[dict]:
    result = run_lacuna("audit", "log", "--format", "json", cwd=project)
    assert result.code == 0, result.stderr
    return json.loads(result.stdout)["records"]


def verified(project: Path) -> dict:
    result = run_lacuna("audit", "verify", "--format", "json", cwd=project)
    document = json.loads(result.stdout)
    assert result.code == 0 and document["ok"], document
    return document


def test_parallel_checks_land_in_one_valid_chain(shop: Path) -> None:
    single = run_lacuna("check", ".", "--format", "json", cwd=shop)
    per_run = json.loads(single.stdout)["summary"]["operations"]
    processes = [spawn(shop) for _ in range(4)]
    for process in processes:
        _, stderr = process.communicate(timeout=180)
        assert process.returncode == 1, stderr.decode()
    records = log(shop)
    assert len(records) == 5 * per_run
    assert [r["seq"] for r in records] == list(range(1, 5 * per_run + 1))
    assert len({r["event_id"] for r in records}) == len(records)
    assert verified(shop)["checkpoints"] == 5


def test_sigkill_mid_run_loses_no_committed_record(shop: Path) -> None:
    assert run_lacuna("check", ".", cwd=shop).code == 1
    committed = log(shop)
    rng = random.Random(7)
    for _ in range(6):
        process = spawn(shop)
        time.sleep(rng.uniform(0.2, 1.2))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    document = verified(shop)
    records = log(shop)
    assert records[:len(committed)] == committed
    assert document["records"] == len(records)
    assert len(records) % len(committed) == 0  # whole runs only: never a partial transaction
    assert run_lacuna("check", ".", cwd=shop).code == 1
    verified(shop)
