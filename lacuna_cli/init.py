"""`lacuna init`: what a project needs to start, written without overwriting anything.

A `[tool.lacuna]` table (in pyproject.toml when the project has one, else a lacuna.toml) whose
`policies` names the team's policy folder (added to an existing config that lacks it), that
folder with a policy test pinning the behaviour the team relies on, and `.lacuna/` and the HTML
report in .gitignore (local state, not source). The organisation's policy data (governed
locations, approved destinations, stewards) is not copied into the project: a repository's own
`data.json` may not change it (see the README's trust model), so `lacuna init` says where it
goes instead (`DATA_NOTICE`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from pathlib import Path

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
# .pre-commit-config.yaml (the hooks run the `lacuna` installed where pre-commit runs)
repos:
  - repo: local
    hooks:
      - id: lacuna              # staged Python, notebooks and SQL
        name: lacuna (data-governance check)
        entry: lacuna-hook check
        language: system
        types_or: [python, sql, jupyter]
        require_serial: true
      - id: lacuna-policy-test  # when a .rego file changes
        name: lacuna policy test
        entry: lacuna policy test
        language: system
        files: \\.rego$
        pass_filenames: false
        require_serial: true
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
        with: {fetch-depth: 0, submodules: true}
      - uses: actions/setup-python@v5
        with: {python-version: "3.12"}
      - uses: ./tools/lacuna  # Lacuna's repository, a git submodule at tools/lacuna
        with:
          diff-base: ${{ github.event_name == 'pull_request' && format('origin/{0}', github.base_ref) || '' }}
      - uses: github/codeql-action/upload-sarif@v3
        if: always()
        with: {sarif_file: lacuna.sarif}
"""


DATA_NOTICE = """\
The governed locations, approved destinations and stewards in force are the shipped examples
(acme.example). Set your organisation's in a trusted policy folder outside the repository, e.g.
~/.config/lacuna/policies/data.json with `policies = ["policies"]` in
~/.config/lacuna/config.toml (README: "Trusted config"); a project's own data.json may add keys
for its own rules but not change these.
"""

IGNORED = (".lacuna/", "lacuna-report.html")


def _lacuna_table(config: Path) -> dict[str, object] | None:
    """The file's Lacuna settings (None when it has none, or cannot be read: `lacuna check`
    names that problem; init leaves such a file alone)."""
    try:
        data = tomllib.loads(config.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError):
        return None
    table = data.get("tool", {}).get("lacuna") if config.name == "pyproject.toml" else data
    return table if isinstance(table, dict) else None


def _name_policies(config: Path, policies: str) -> str:
    """Make the existing config name the policy folder: a missing `policies` key is added, a
    one-line list gains the folder; anything else is left for the user, with what to write."""
    table = _lacuna_table(config)
    if table is None:
        return f"kept {config.name}"
    folders = table.get("policies")
    if isinstance(folders, list) and policies in folders:
        return f"kept {config.name}"
    text = config.read_text(encoding="utf-8")
    if folders is None:
        line = f'policies = ["{policies}"]\n'
        header = re.search(r"^\[tool\.lacuna\][ \t]*\n", text, re.M)
        if config.name == "pyproject.toml" and header is None:
            return f"kept {config.name} (add policies = [\"{policies}\"] to [tool.lacuna])"
        at = header.end() if header else 0
        config.write_text(text[:at] + line + text[at:], encoding="utf-8")
        return f"added policies = [\"{policies}\"] to {config.name}"
    one_line = re.compile(r'^(policies\s*=\s*\[)([^\]\n]*)\]', re.M)
    match = one_line.search(text)
    if match is None or not isinstance(folders, list):
        return f"kept {config.name} (add \"{policies}\" to its policies list)"
    items = match.group(2).rstrip().rstrip(",")
    joined = f'{items}, "{policies}"' if items.strip() else f'"{policies}"'
    config.write_text(text[:match.start()] + f"{match.group(1)}{joined}]" + text[match.end():],
                      encoding="utf-8")
    return f"added \"{policies}\" to the policies of {config.name}"


def _pyproject_tools(pyproject: Path) -> dict[str, object]:
    """pyproject's [tool] table; an unreadable file counts as configured, so init leaves it
    alone and `lacuna check` names the problem."""
    try:
        tools = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {})
    except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError):
        return {"lacuna": None}
    return tools if isinstance(tools, dict) else {"lacuna": None}


def _config(root: Path, policies: str) -> str:
    pyproject, standalone = root / "pyproject.toml", root / "lacuna.toml"
    if standalone.exists():
        return _name_policies(standalone, policies)
    body = CONFIG.format(policies=policies)
    if pyproject.exists():
        if "lacuna" in _pyproject_tools(pyproject):
            return _name_policies(pyproject, policies)
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
    present = {line.strip().strip("/") for line in text.splitlines()}
    missing = [entry for entry in IGNORED if entry.strip("/") not in present]
    if not missing:
        return "kept .gitignore"
    path.write_text(text + ("" if not text or text.endswith("\n") else "\n")
                    + "".join(f"{entry}\n" for entry in missing), encoding="utf-8")
    return f"added {' and '.join(missing)} to .gitignore"


def scaffold(root: Path, policies: str = "policies") -> list[str]:
    """Create what is missing; returns one line per step, saying what was done or kept."""
    return [
        _config(root, policies),
        _write_new(root, f"{policies}/team_test.rego", lambda path: path.write_text(
            POLICY_TEST, encoding="utf-8")),
        _gitignore(root),
    ]
