"""`lacuna-hook`: the same result as `lacuna`, through a warm server that goes away by itself."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

SCENARIO = "pipelines/customer_sales.py"


def _hook(shop: Path, runtime: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "LACUNA_HOOK_IDLE_SECONDS": "15",
           "NO_COLOR": "1", "COLUMNS": "200"}
    env.pop("CI", None)
    env.update(extra)
    return subprocess.run([sys.executable, "-m", "lacuna_cli.hook_client", *args], cwd=shop,
                          env=env, capture_output=True, text=True, timeout=120)


def test_hook_runs_through_a_warm_server_that_stops_when_idle(shop: Path, tmp_path: Path,
                                                              lacuna) -> None:
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    first = _hook(shop, runtime, "check", SCENARIO)  # no server yet: runs itself, then starts one
    sockets = list(runtime.glob("lacuna-hook-*/*.sock"))
    deadline = time.monotonic() + 30
    while not sockets and time.monotonic() < deadline:
        time.sleep(0.1)
        sockets = list(runtime.glob("lacuna-hook-*/*.sock"))
    assert sockets, "the hook server did not start"
    assert oct(sockets[0].parent.stat().st_mode & 0o777) == "0o700"
    served = _hook(shop, runtime, "check", SCENARIO, PRE_COMMIT="1")
    plain = lacuna("check", SCENARIO, cwd=shop)
    assert first.returncode == served.returncode == plain.code == 1

    def screen(text: str) -> str:
        return text.split("blocked: ")[0]

    assert screen(first.stdout) == screen(served.stdout) == screen(plain.stdout)
    assert "LAC-PII-001 BLOCKED" in served.stdout
    missing = _hook(shop, runtime, "check", "no-such-file.py")
    assert missing.returncode == 2
    assert missing.stderr == "lacuna: error: no-such-file.py: no such file or directory\n"
    deadline = time.monotonic() + 90
    while sockets[0].exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not sockets[0].exists(), "the idle server did not stop"


def test_no_server_in_ci(shop: Path, tmp_path: Path) -> None:
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    result = _hook(shop, runtime, "check", SCENARIO, CI="true")
    assert result.returncode == 1 and "LAC-PII-001 BLOCKED" in result.stdout
    time.sleep(0.5)
    assert not list(runtime.glob("lacuna-hook-*/*.sock"))
