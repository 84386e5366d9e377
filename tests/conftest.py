"""Shared test fixtures: a private copy of the fixture project and a way to run the real CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"


def checkout_pythonpath(current: str | None) -> str:
    """`current` (a PYTHONPATH value) with this checkout first, so a child Python imports
    lacuna_cli from the code under test, not from whatever copy the environment installed."""
    rest = [part for part in (current or "").split(os.pathsep)
            if part and Path(part).resolve() != REPO]
    return os.pathsep.join([str(REPO), *rest])


# Every child process the tests start (python -m lacuna_cli, hook clients, pre-commit hooks,
# interpreters started by `lacuna run`) inherits this environment.
os.environ["PYTHONPATH"] = checkout_pythonpath(os.environ.get("PYTHONPATH"))


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


def lacuna_environment(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment `run_lacuna` gives the CLI: plain output, no trusted config, not CI, and
    this checkout first on the path (even when `env` sets a PYTHONPATH of its own)."""
    environment = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200",
                   "LACUNA_TRUSTED_CONFIG": os.devnull, **(env or {})}
    environment.pop("CI", None)
    environment["PYTHONPATH"] = checkout_pythonpath(environment.get("PYTHONPATH"))
    return environment


def run_lacuna(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
               timeout: float = 120) -> Run:
    """Run `python -m lacuna_cli ARGS` as a real process (exit codes, stdout, stderr). The
    machine's trusted config (~/.config/lacuna) is not read unless `env` names one."""
    completed = subprocess.run([sys.executable, "-m", "lacuna_cli", *args], cwd=cwd,
                               capture_output=True, text=True, env=lacuna_environment(env),
                               timeout=timeout)
    return Run(completed.returncode, completed.stdout, completed.stderr)


# A project rule file adding one column rule (a loyalty card number is personal): what a team
# writes in `rules/` of its repository.
LOYALTY_RULE = """version: 1
kind: columns
rules:
  - id: loyalty
    words: [loyalty_number]
    tier: PROPRIETARY
    tags: [PII, GDPR]
    confidence: 0.9
    reasoning: a loyalty card number singles out a customer
"""


def write_files(root: Path, files: dict[str, str]) -> Path:
    """A small project in `root`: each relative path with its text (folders made as needed)."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def outputs_by_line(lacuna, root: Path, files: dict[str, str]) -> dict[int, dict]:
    """Write a one-script project (layer 2 off) and check it, expecting a denial: the findings
    that write or send (`write`, `export`), by line."""
    write_files(root, {"lacuna.toml": "embeddings = false\n", **files})
    run = lacuna("check", "--format", "json", ".", cwd=root)
    assert run.code == 1, run.stderr
    return {f["operation"]["location"]["line"]: f for f in json.loads(run.stdout)["findings"]
            if f["operation"]["action"] in ("write", "export")}


def finding_at(report: dict, path: str, line: int, action: str) -> dict:
    """The one finding of a `check --format json` report at `path:line` doing `action`."""
    found = [f for f in report["findings"] if f["operation"]["location"]["path"] == path
             and f["operation"]["location"]["line"] == line
             and f["operation"]["action"] == action]
    assert len(found) == 1, [(f["operation"]["location"], f["operation"]["action"])
                             for f in report["findings"]]
    return found[0]


OperationRow = tuple[str, int, str, tuple[str, ...], str, bool]


def operation_rows(project: Path, *paths: str) -> list[OperationRow]:
    """(file, line, action, sources, destination, allowed) of every operation `check` finds in
    `paths` (the whole project by default); the check must analyse every file."""
    run = run_lacuna("check", *(paths or (".",)), "--format", "json", cwd=project)
    assert run.code in (0, 1), run.stderr
    document = json.loads(run.stdout)
    assert document["errors"] == [], document["errors"]
    return [(f["operation"]["location"]["path"], f["operation"]["location"]["line"],
             f["operation"]["action"], tuple(s["name"] for s in f["operation"]["sources"]),
             (f["operation"]["destination"] or {}).get("name", ""), f["decision"]["allowed"])
            for f in document["findings"]]


def source_columns(found: dict) -> dict[str, list[str]]:
    """A finding's sources by name, with the columns each is known to hold."""
    return {s["name"]: s["columns"] for s in found["operation"]["sources"]}


def postgres_dsn() -> str:
    """The DSN of the PostgreSQL server `.ci/run` starts, called at module level by the test
    modules that need one: without it they skip, except under CI, which must run them."""
    dsn = os.environ.get("LACUNA_TEST_PG_DSN")
    if not dsn:
        if os.environ.get("CI"):
            raise RuntimeError("LACUNA_TEST_PG_DSN is not set: .ci/run starts PostgreSQL for "
                               "these")
        pytest.skip("no PostgreSQL server (run `eval \"$(bash .ci/start-postgres)\"`)",
                    allow_module_level=True)
    return dsn


def copy_shop(parent: Path) -> Path:
    """A copy of fixtures/shop under `parent`, without any .lacuna database."""
    target = parent / "shop"
    shutil.copytree(FIXTURES / "shop", target, ignore=shutil.ignore_patterns(".lacuna"))
    return target


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """A fresh copy of fixtures/shop (its own .lacuna database) for one test."""
    return copy_shop(tmp_path)


@pytest.fixture
def lacuna():
    return run_lacuna


@contextmanager
def local_http_server(handler: type[BaseHTTPRequestHandler], lifetime: float = 30.0
                      ) -> Iterator[str]:
    """Serve `handler` on 127.0.0.1 (a free port) in a thread; yields the base URL. Stops when
    the block ends, and by itself after `lifetime` seconds at most."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    stopper = threading.Timer(lifetime, server.shutdown)
    stopper.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        stopper.cancel()
        server.shutdown()
        server.server_close()
        thread.join(5)
