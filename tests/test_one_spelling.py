"""Every output and the audit log name a place, an operation's target and the run's counts the
same way (models.Location.display, Operation.target, results.Summary), through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_lacuna
from test_notebook import EXPORT_LINE, notebook, write

PLACE = "notebooks/leak.ipynb:cell_2:2"  # the export: second line of the second cell
TARGET = "~/Downloads/customers.csv"


def test_a_notebook_place_and_target_are_spelled_alike_everywhere(shop: Path) -> None:
    write(shop, "notebooks/leak.ipynb", notebook(
        "import pandas as pd\n",
        ['customers = pd.read_csv("data/customers.csv")\n', EXPORT_LINE]))

    run = run_lacuna("check", "notebooks/leak.ipynb", "--format", "text",
                     "--output", "markdown:out.md", "--output", "junit:out.xml",
                     "--output", "github:out.txt", cwd=shop)
    assert run.code == 1, run.stderr
    audit = run_lacuna("audit", "log", "--result", "denied", "--format", "json", cwd=shop)
    (record,) = json.loads(audit.stdout)["records"]

    assert f"{PLACE}:1: LAC-PII-001 BLOCKED export of PROPRIETARY data to {TARGET}" in run.stdout
    assert f"`{PLACE}`" in (shop / "out.md").read_text()
    assert f'name="cell_2:2:1 export {TARGET}"' in (shop / "out.xml").read_text()
    assert f"({PLACE}:1)" in (shop / "out.txt").read_text()
    assert (record["location"], record["resource"]) == (PLACE, TARGET)


def test_every_format_states_the_same_counts(shop: Path) -> None:
    run = run_lacuna("check", ".", "--format", "json", "--output", "markdown:out.md", cwd=shop)
    summary = json.loads(run.stdout)["summary"]
    markdown = (shop / "out.md").read_text()

    assert summary["denied"] == 1 and summary["operations"] > summary["denied"]
    assert (f"{summary['files']} files, {summary['operations']} operations — "
            f"**{summary['denied']} blocked**, {summary['allowed']} allowed, "
            f"{summary['suppressed']} suppressed, {summary['errors']} errors; "
            f"{summary['unresolved']} with an unresolved source or destination") in markdown
