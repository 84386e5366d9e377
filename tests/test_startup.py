"""`lacuna --version` and `--help` answer without loading what a check needs (issue 18)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

# Libraries a check loads and a version or help query must not: each costs a noticeable part
# of a second on start-up, torch many seconds.
HEAVY = ("libcst", "duckdb", "networkx", "pydantic", "sqlglot", "yaml", "cryptography",
         "torch", "sentence_transformers")


def imported(*args: str) -> tuple[str, set[str]]:
    """stdout of `python -X importtime -m lacuna_cli ARGS` and the top-level packages it
    imported (importtime lists every module on stderr)."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "lacuna_cli", *args],
                          capture_output=True, text=True, timeout=120, check=True)
    names = {match.group(1).split(".")[0] for match in
             re.finditer(r"^import time:\s+\d+ \|\s+\d+ \|\s*(\S+)", done.stderr, re.MULTILINE)}
    return done.stdout, names


@pytest.mark.parametrize(("args", "allowed"), [
    (("--version",), set()),
    (("--help",), set()),
    # typer itself builds a command's parameters with pydantic to show their types.
    (("check", "--help"), {"pydantic"}),
])
def test_version_and_help_import_nothing_heavy(args: tuple[str, ...], allowed: set[str]
                                               ) -> None:
    stdout, names = imported(*args)
    assert "lacuna" in stdout
    assert not names & set(HEAVY) - allowed, sorted(names & set(HEAVY) - allowed)


def test_the_version_query_is_answered_before_the_app_is_built() -> None:
    stdout, names = imported("--version")
    assert stdout.strip().startswith("lacuna ")
    assert "typer" not in names and "rich" not in names
