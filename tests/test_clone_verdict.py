"""The pre-commit verdict is the same in every clone: it never depends on what one machine's
`.lacuna/` (git-ignored) remembers. Two clones of one repository, one with a warm database
(possibly stale), one with none, run the hook's entry on the same staged change."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES

GIT = ["git", "-c", "user.email=ana@acme.example", "-c", "user.name=Ana"]
PREPARE = ('import pandas as pd\npeople = pd.read_csv("data/{source}")\n'
           'people.to_parquet("warehouse/batch_17.parquet")\n')
SHARE = ('import pandas as pd\nbatch = pd.read_parquet("warehouse/batch_17.parquet")\n'
         'batch.to_csv("~/Desktop/batch.csv")\n')


def _git(cwd: Path, *args: str) -> None:
    subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True)


def _hook(clone: Path, *files: str) -> subprocess.CompletedProcess:
    """The hook's entry (`lacuna-hook check FILES`) as pre-commit runs it, in-process."""
    env = {**os.environ, "NO_COLOR": "1", "LACUNA_HOOK_SERVER": "0",
           "LACUNA_TRUSTED_CONFIG": os.devnull, "PRE_COMMIT": "1"}
    return subprocess.run([sys.executable, "-m", "lacuna_cli.hook_client", "check", *files],
                          cwd=clone, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    """A repository whose committed producer fills a parquet file from products.csv."""
    root = tmp_path / "origin"
    (root / "data").mkdir(parents=True)
    (root / "jobs").mkdir()
    for name in ("customers.csv", "products.csv"):
        (root / "data" / name).write_bytes((FIXTURES / "shop" / "data" / name).read_bytes())
    (root / "pyproject.toml").write_text("[tool.lacuna]\n")
    (root / ".gitignore").write_text(".lacuna/\n")
    (root / "jobs" / "prepare.py").write_text(PREPARE.format(source="products.csv"))
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "producer")
    return root


def _clone(origin: Path, name: str) -> Path:
    target = origin.parent / name
    _git(origin.parent, "clone", "-q", str(origin), name)
    return target


def _same_verdict(warm: Path, fresh: Path, expected: int) -> str:
    for clone in (warm, fresh):
        (clone / "jobs" / "share.py").write_text(SHARE)
        _git(clone, "add", "jobs/share.py")
    in_warm, in_fresh = _hook(warm, "jobs/share.py"), _hook(fresh, "jobs/share.py")
    assert (in_warm.returncode, in_fresh.returncode) == (expected, expected), (
        in_warm.stdout + in_warm.stderr, in_fresh.stdout + in_fresh.stderr)
    assert in_warm.stdout == in_fresh.stdout
    return in_fresh.stdout


def test_a_fresh_clone_refuses_what_a_warm_clone_refuses(origin: Path) -> None:
    """The blocking context (customer data in the parquet file) comes from a committed file
    that is not staged; the fresh clone has no .lacuna at all."""
    (origin / "jobs" / "prepare.py").write_text(PREPARE.format(source="customers.csv"))
    _git(origin, "commit", "-qam", "customers")
    warm, fresh = _clone(origin, "warm"), _clone(origin, "fresh")
    assert _hook(warm, "jobs/prepare.py").returncode == 0  # stores the producer's lineage
    assert not (fresh / ".lacuna").exists()
    output = _same_verdict(warm, fresh, expected=1)
    assert "jobs/share.py:3:1: LAC-PII-001 BLOCKED export of PROPRIETARY data" in output
    assert "inherited from data/customers.csv" in output


def test_stale_stored_lineage_does_not_decide(origin: Path) -> None:
    """The warm clone stored the producer when it read products.csv; the producer now reads
    customers.csv (pulled, never checked there): both clones refuse."""
    warm = _clone(origin, "warm")
    assert _hook(warm, "jobs/prepare.py").returncode == 0
    (origin / "jobs" / "prepare.py").write_text(PREPARE.format(source="customers.csv"))
    _git(origin, "commit", "-qam", "customers")
    _git(warm, "pull", "-q")
    output = _same_verdict(warm, _clone(origin, "fresh"), expected=1)
    assert "inherited from data/customers.csv" in output


def test_a_clean_change_passes_in_both_clones(origin: Path) -> None:
    warm, fresh = _clone(origin, "warm"), _clone(origin, "fresh")
    assert _hook(warm, "jobs/prepare.py").returncode == 0
    output = _same_verdict(warm, fresh, expected=0)
    assert "LAC-" not in output
