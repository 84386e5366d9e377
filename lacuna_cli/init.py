"""`lacuna init`: what a project needs to start, written without overwriting anything.

A `[tool.lacuna]` table (in pyproject.toml when the project has one, else a lacuna.toml), a
policy folder holding a copy of the shipped `data.json` (governed locations, approved
destinations, stewards: what a team edits first) and a policy test that pins the behaviour the
team relies on, and `.lacuna/` in .gitignore (the local audit database is not source).
"""

from __future__ import annotations

import shutil
import tomllib
from collections.abc import Callable
from pathlib import Path

from lacuna_cli.shipped import shipped_dir

CONFIG = """\
# Lacuna: data-governance checks (see its README, "Configuration").
policies = ["{policies}"]  # the team's Rego rules and data.json, merged over the shipped ones
exclude = []  # glob patterns of project paths not to analyse, e.g. "tests/fixtures/**"
# dialect = "snowflake"  # default SQL dialect (a sqlglot dialect name)
# role = "analyst"       # input.user.role for the policies
"""

POLICY_TEST = """\
package team.defaults_test

import rego.v1

import data.lacuna.main
import data.lacuna.testdata_test.batch
import data.lacuna.testdata_test.op

# What this team relies on; `lacuna policy test` (and the lacuna-policy-test hook) runs it.
test_personal_data_to_downloads_is_denied if {
\tsome v in main.violations with input as batch([op("export", "PROPRIETARY", ["PII"], "unmanaged", "~/Downloads/x.csv")])
\tv.rule == "pii_export"
}

test_aggregates_in_reports_are_allowed if {
\tcount(main.violations) == 0 with input as batch([op("write", "INTERNAL", [], "project", "reports/summary.csv")])
}
"""

PRE_COMMIT_SNIPPET = """\
# .pre-commit-config.yaml
repos:
  - repo: <URL of the Lacuna repository>
    rev: v0.1.0
    hooks:
      - id: lacuna              # staged Python, notebooks and SQL
      - id: lacuna-policy-test  # when a .rego file changes
"""

ACTIONS_SNIPPET = """\
# .github/workflows/lacuna.yml
name: lacuna
on: [push, pull_request]
permissions: {contents: read, security-events: write}
jobs:
  lacuna:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with: {fetch-depth: 0}
      - uses: actions/setup-python@v5
        with: {python-version: "3.12"}
      - uses: <owner>/lacuna@v0.1.0
        with:
          diff-base: ${{ github.event_name == 'pull_request' && format('origin/{0}', github.base_ref) || '' }}
      - uses: github/codeql-action/upload-sarif@v3
        if: always()
        with: {sarif_file: lacuna.sarif}
"""


def _has_lacuna_table(pyproject: Path) -> bool:
    try:
        return "lacuna" in tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {})
    except (tomllib.TOMLDecodeError, OSError):
        return True  # leave a file we cannot read alone; `lacuna check` will name the problem


def _config(root: Path, policies: str) -> str:
    pyproject, standalone = root / "pyproject.toml", root / "lacuna.toml"
    if standalone.exists():
        return "kept lacuna.toml"
    body = CONFIG.format(policies=policies)
    if pyproject.exists():
        if _has_lacuna_table(pyproject):
            return "kept [tool.lacuna] in pyproject.toml"
        text = pyproject.read_text(encoding="utf-8")
        separator = "" if text.endswith("\n\n") else ("\n" if text.endswith("\n") else "\n\n")
        pyproject.write_text(f"{text}{separator}[tool.lacuna]\n{body}", encoding="utf-8")
        return "added [tool.lacuna] to pyproject.toml"
    standalone.write_text(body, encoding="utf-8")
    return "wrote lacuna.toml"


def _write_new(root: Path, relative: str, write: Callable[[Path], object]) -> str:
    path = root / relative
    if path.exists():
        return f"kept {relative}"
    path.parent.mkdir(parents=True, exist_ok=True)
    write(path)
    return f"wrote {relative}"


def _gitignore(root: Path) -> str:
    path = root / ".gitignore"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if any(line.strip().rstrip("/") in (".lacuna", "/.lacuna") for line in text.splitlines()):
        return "kept .gitignore"
    path.write_text(text + ("" if not text or text.endswith("\n") else "\n") + ".lacuna/\n",
                    encoding="utf-8")
    return "added .lacuna/ to .gitignore"


def scaffold(root: Path, policies: str = "policies") -> list[str]:
    """Create what is missing; returns one line per step, saying what was done or kept."""
    return [
        _config(root, policies),
        _write_new(root, f"{policies}/data.json", lambda path: shutil.copyfile(
            shipped_dir("policies") / "data.json", path)),
        _write_new(root, f"{policies}/team_test.rego", lambda path: path.write_text(
            POLICY_TEST, encoding="utf-8")),
        _gitignore(root),
    ]
