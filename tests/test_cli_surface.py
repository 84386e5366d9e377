"""What a user sees at the edges of the command line: one-line usage errors, plain help,
report names that are checked, errors that name the real problem, counts in good English."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from lacuna_cli.plural import counted


@pytest.mark.parametrize("argv", [
    ["classify", "override"],           # a missing argument
    ["check", "--no-such-option"],      # an unknown option
    ["audit", "verify", "--since"],     # an option without its value
    ["no-such-command"],
])
def test_a_usage_error_is_one_line_with_exit_2(argv: list[str], shop: Path, lacuna) -> None:
    run = lacuna(*argv, cwd=shop)
    assert run.code == 2, run
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("lacuna: error: "), run.stderr
    assert "--help" in lines[0] and "╭" not in run.stderr and run.stdout == ""


def test_help_is_plain_text_without_type_placeholders_on_flags(lacuna) -> None:
    run = lacuna("classify", "override", "--help")
    assert run.code == 0
    assert "<bool>" not in run.stdout and "╭" not in run.stdout
    assert "--tier" in run.stdout and "--reason" in run.stdout


def test_lacuna_alone_prints_its_help(lacuna) -> None:
    run = lacuna()
    assert "Usage: lacuna" in run.stdout + run.stderr and "check" in run.stdout + run.stderr


def test_an_unknown_report_format_is_refused_not_written_as_a_file(shop: Path, lacuna) -> None:
    run = lacuna("check", "-o", "xml:foo.xml", ".", cwd=shop)
    assert run.code == 2
    assert "unknown report format 'xml'" in run.stderr and "sarif" in run.stderr
    assert not (shop / "xml:foo.xml").exists()
    literal = lacuna("check", "--format", "json", "-o", "./xml:foo.xml", ".", cwd=shop)
    assert literal.code == 1 and (shop / "xml:foo.xml").is_file()


def test_running_a_missing_script_names_the_missing_file(shop: Path, lacuna) -> None:
    run = lacuna("run", "--", "./missing.py", cwd=shop)
    assert run.code == 2
    assert "./missing.py: no such file" in run.stderr and "#!" not in run.stderr


def test_counts_agree_with_their_number(shop: Path, lacuna) -> None:
    assert counted(1, "checkpoint") == "1 checkpoint"
    assert counted(2, "file") == "2 files" and counted(0, "analysis", "analyses") == "0 analyses"
    lacuna("check", ".", cwd=shop)
    verify = lacuna("audit", "verify", cwd=shop)
    assert verify.code == 0 and "1 checkpoint;" in verify.stdout, verify.stdout


def test_a_reader_that_stops_early_is_not_a_failure(shop: Path, lacuna) -> None:
    for _ in range(3):
        lacuna("check", ".", cwd=shop)
    env = {**os.environ, "NO_COLOR": "1", "LACUNA_TRUSTED_CONFIG": os.devnull}
    piped = subprocess.run(
        f"{shlex.quote(sys.executable)} -m lacuna_cli audit log | head -n 2 >/dev/null; "
        "echo ${PIPESTATUS[0]}", shell=True, executable="/bin/bash", cwd=shop, env=env,
        capture_output=True, text=True, timeout=120)
    assert piped.stdout.strip() == "0", piped.stdout + piped.stderr
    assert "Traceback" not in piped.stderr


def test_a_bad_environment_value_is_one_line_naming_the_variable(shop: Path, lacuna) -> None:
    run = lacuna("check", ".", cwd=shop, env={"LACUNA_LOCK_TIMEOUT": "soon"})
    assert run.code == 2
    assert run.stderr.strip() == ("lacuna: error: LACUNA_LOCK_TIMEOUT (environment): 'soon' is "
                                  "not a number of seconds")
    assert "pyproject" not in run.stderr


def test_an_unknown_dialect_is_one_line_naming_where_it_was_set(shop: Path, lacuna) -> None:
    from_env = lacuna("check", ".", cwd=shop, env={"LACUNA_DIALECT": "ddb"})
    assert from_env.code == 2 and from_env.stderr.startswith(
        "lacuna: error: LACUNA_DIALECT: dialect: unknown SQL dialect 'ddb' (known: ")
    pyproject = shop / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace(
        "[tool.lacuna]\n", '[tool.lacuna]\ndialects = {"sql/*" = "snowflak"}\n', 1))
    from_file = lacuna("check", ".", cwd=shop)
    assert from_file.code == 2 and len(from_file.stderr.strip().splitlines()) == 1
    assert "pyproject.toml [tool.lacuna]: dialects.sql/*: unknown SQL dialect 'snowflak'" in (
        from_file.stderr)
