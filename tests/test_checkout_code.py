"""The tests exercise this checkout's code: in the pytest process and in every child process
(a second clone or an installed copy of Lacuna must never be what passes the tests)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import REPO, lacuna_environment

import lacuna_cli

WHERE = "import lacuna_cli, sys; sys.stdout.write(lacuna_cli.__file__)"


def _inside_checkout(path: str) -> bool:
    return Path(path).resolve().is_relative_to(REPO)


def test_the_pytest_process_imports_the_checkout() -> None:
    assert _inside_checkout(lacuna_cli.__file__)


def test_a_child_started_from_elsewhere_imports_the_checkout(tmp_path: Path) -> None:
    child = subprocess.run([sys.executable, "-c", WHERE], cwd=tmp_path, capture_output=True,
                           text=True, env=dict(os.environ), check=True)
    assert _inside_checkout(child.stdout), child.stdout


def test_run_lacuna_puts_the_checkout_before_another_copy(tmp_path: Path) -> None:
    decoy = tmp_path / "decoy"
    (decoy / "lacuna_cli").mkdir(parents=True)
    (decoy / "lacuna_cli" / "__init__.py").write_text("")
    child = subprocess.run([sys.executable, "-c", WHERE], cwd=tmp_path, capture_output=True,
                           text=True, env=lacuna_environment({"PYTHONPATH": str(decoy)}),
                           check=True)
    assert _inside_checkout(child.stdout), child.stdout
    without = subprocess.run([sys.executable, "-c", WHERE], cwd=tmp_path, capture_output=True,
                             text=True, env={**os.environ, "PYTHONPATH": str(decoy)}, check=True)
    assert Path(without.stdout).resolve().is_relative_to(decoy)
