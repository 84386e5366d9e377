"""Findings do not depend on where a project is checked out: the same code gets the same
operations, classifications and decisions in every folder. `__file__` is the one way the
folder reaches the analysis, as text; the letters of a folder once decided whether
`self.open(__file__, "rb")` read or wrote."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import FIXTURES

from lacuna_cli.config import load_config
from lacuna_cli.output.json import check_document
from lacuna_cli.scan import check

SELF_AWARE = {
    "jobs/paths.py": (
        "import os\nfrom pathlib import Path\nimport pandas as pd\n"
        "HERE = Path(__file__).parent\n"
        "customers = pd.read_csv(HERE.parent / 'data' / 'customers.csv')\n"
        "customers.to_csv(os.path.join(os.path.dirname(__file__), 'extract.csv'))\n"
        "with open(__file__, 'rb') as me:\n    me.read()\n"),
    "jobs/checks.py": (
        "import pandas as pd\n\nclass Checks:\n    def test_reads_itself(self):\n"
        "        with self.open(__file__, 'rb') as f:\n            f.readline()\n\n"
        "    def test_export(self, fs):\n"
        "        rows = pd.read_csv('data/customers.csv')\n"
        "        with fs.open('/tmp/rows.csv', 'w') as out:\n"
        "            out.write(rows.to_csv())\n"),
}


def _report(project: Path) -> dict:
    result = check([project], load_config(project, project), None)
    document = json.loads(json.dumps(check_document(result)))
    document["findings"].sort(key=lambda f: json.dumps(f, sort_keys=True))
    return document


def test_the_same_project_in_folders_of_other_letters_gets_the_same_findings(
        tmp_path: Path) -> None:
    reports = []
    for folder in ("wax+draw", "plot"):
        project = tmp_path / folder / "shop"
        shutil.copytree(FIXTURES / "shop", project, ignore=shutil.ignore_patterns(".lacuna"))
        for relpath, text in SELF_AWARE.items():
            (project / relpath).parent.mkdir(exist_ok=True)
            (project / relpath).write_text(text)
        reports.append(_report(project))
    first, second = reports
    assert first["findings"] == second["findings"]
    assert first["summary"] == second["summary"]
    lines = {(f["operation"]["location"]["path"], f["operation"]["location"]["line"],
              f["operation"]["action"]) for f in first["findings"]}
    assert {("jobs/checks.py", 5, "read"), ("jobs/checks.py", 11, "export"),
            ("jobs/paths.py", 7, "read")} <= lines
