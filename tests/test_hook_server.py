"""`lacuna-hook`: the same result as `lacuna`, through a warm server that goes away by itself."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from lacuna_cli.hook_client import SOCKET_PATH_BYTES, socket_path

SCENARIO = "pipelines/customer_sales.py"


def _hook(shop: Path, runtime: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "LACUNA_HOOK_IDLE_SECONDS": "15",
           "NO_COLOR": "1", "COLUMNS": "200"}
    env.pop("CI", None)
    env.update(extra)
    return subprocess.run([sys.executable, "-m", "lacuna_cli.hook_client", *args], cwd=shop,
                          env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def runtime() -> Iterator[Path]:
    """A runtime folder shallow enough for a socket's path (at most 107 bytes): pytest's own
    temporary folders, named after the test and the worker, are not."""
    folder = Path(tempfile.mkdtemp(prefix="lh-"))
    folder.chmod(0o700)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_hook_runs_through_a_warm_server_that_stops_when_idle(shop: Path, runtime: Path,
                                                              lacuna) -> None:
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
    # an environment the server's child cannot take on (a variable with an empty name): the
    # child ends without an answer, the client checks in its own process, the server stays
    environment = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "NO_COLOR": "1",
                   "COLUMNS": "200"}
    environment.pop("CI", None)
    odd = subprocess.run(["env", "=odd", sys.executable, "-m", "lacuna_cli.hook_client", "check",
                          SCENARIO], cwd=shop, env=environment, capture_output=True, text=True,
                         timeout=120)
    assert odd.returncode == 1 and "LAC-PII-001 BLOCKED" in odd.stdout, odd.stderr
    assert sockets[0].exists(), "a child's failure removed the live server's socket"
    missing = _hook(shop, runtime, "check", "no-such-file.py")
    assert missing.returncode == 2
    assert missing.stderr == "lacuna: error: no-such-file.py: no such file or directory\n"
    deadline = time.monotonic() + 90
    while sockets[0].exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not sockets[0].exists(), "the idle server did not stop"


def test_a_runtime_folder_too_deep_for_a_socket_puts_it_in_tmp(monkeypatch) -> None:
    """A socket's path longer than 107 bytes cannot be bound: the server would never start."""
    monkeypatch.setenv("XDG_RUNTIME_DIR", "/run/user/" + "deep/" * 20)
    path = socket_path()
    assert path.startswith(f"/tmp/lacuna-hook-{os.getuid()}/")
    assert len(os.fsencode(path)) <= SOCKET_PATH_BYTES
    monkeypatch.setenv("XDG_RUNTIME_DIR", "/run/user/1000")
    assert socket_path().startswith(f"/run/user/1000/lacuna-hook-{os.getuid()}/")


def test_no_server_in_ci(shop: Path, tmp_path: Path) -> None:
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    result = _hook(shop, runtime, "check", SCENARIO, CI="true")
    assert result.returncode == 1 and "LAC-PII-001 BLOCKED" in result.stdout
    time.sleep(0.5)
    assert not list(runtime.glob("lacuna-hook-*/*.sock"))


WARM_CHECK = """
import os, sys
from pathlib import Path
from lacuna_cli import hook_server
from lacuna_cli.shipped import shipped_dir
if sys.argv[1] == "preloaded":
    hook_server.preload()
shipped = [shipped_dir("rules"), shipped_dir("policies")]
read = []
real_read_text = Path.read_text
def recording(path, *args, **kwargs):
    if any(path.is_relative_to(folder) for folder in shipped):
        read.append(path.name)
    return real_read_text(path, *args, **kwargs)
Path.read_text = recording
from lacuna_cli.cli import main
sys.argv = ["lacuna", "check", sys.argv[2]]
try:
    main()
except SystemExit as exc:
    print("exit", exc.code, "shipped files read:", sorted(set(read)), file=sys.stderr)
"""


def test_a_preloaded_server_leaves_its_children_only_the_project_to_read(shop: Path) -> None:
    """What `preload` reads once (the shipped rules and catalog) a forked check does not read
    again: the same check in a process that did not preload reads them."""
    from conftest import lacuna_environment

    def shipped_reads(mode: str) -> str:
        done = subprocess.run([sys.executable, "-c", WARM_CHECK, mode, SCENARIO], cwd=shop,
                              env=lacuna_environment(), capture_output=True, text=True,
                              timeout=120)
        assert "LAC-PII-001 BLOCKED" in done.stdout
        return done.stderr.strip().splitlines()[-1]

    cold = shipped_reads("plain")
    assert cold.startswith("exit 1 shipped files read: [") and ".yaml" in cold
    assert shipped_reads("preloaded").startswith("exit 1 shipped files read: [")
    warm_names = shipped_reads("preloaded").split("read: ")[1]
    assert ".yaml" not in warm_names, warm_names


def test_a_request_reaches_the_server_exactly_as_the_client_holds_it() -> None:
    """Arguments with spaces, `=` and non-UTF-8 bytes (kept by the file system's escape), an
    empty argument, an empty value: the child runs the client's very command line."""
    from lacuna_cli.hook_client import decode_request, encode_request

    argv = ["check", "my file.py", "--format=json", "", os.fsdecode(b"caf\xe9.py")]
    env = {"PATH": "/usr/bin:/bin", "EMPTY": "", "EQUALS": "a=b=c", "LANG": "C.UTF-8"}
    assert decode_request(encode_request(argv, "/work/some dir", env)) == \
        (argv, "/work/some dir", env)
    assert decode_request(encode_request([], "/", {})) == ([], "/", {})


def test_a_shipped_rule_removed_changes_the_servers_name(tmp_path: Path, monkeypatch) -> None:
    """A server keeps the rules it read: a rule file deleted (no file newer than before) must
    still lead the next commit to a new server."""
    from lacuna_cli import hook_client

    rules = tmp_path / "rules" / "apis"
    rules.mkdir(parents=True)
    for name in ("a.yaml", "b.yaml"):
        (rules / name).write_text("version: 1\n")
    old = os.stat(rules / "a.yaml").st_mtime_ns - 10_000_000_000
    for path in (rules / "a.yaml", rules / "b.yaml", rules, rules.parent):
        os.utime(path, ns=(old, old))
    monkeypatch.setattr(hook_client, "shipped_folder", lambda name: str(tmp_path / name))
    before = hook_client.socket_path()
    (rules / "b.yaml").unlink()
    assert hook_client.socket_path() != before
