"""What a user sees at the edges of the command line: one-line usage errors, plain help,
report names that are checked, errors that name the real problem, counts in good English."""

from __future__ import annotations

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
