"""A process that checks more than once (an IPython session, a program using the API) reads
again the project files a team edits between checks: its library catalog and its rules. Parsed
once per process, an edit was invisible until the session restarted."""

from __future__ import annotations

import time
from pathlib import Path

from conftest import LOYALTY_RULE, write_files
from test_catalog import PIPELINE, SDK_ROWS

from lacuna_cli.config import load_config
from lacuna_cli.results import CheckResult
from lacuna_cli.scan import check


def _check(root: Path) -> CheckResult:
    return check([root], load_config(root, root), None)


def _rewrite(path: Path, text: str) -> None:
    """`text` at `path`, a change time tick after what was there (as an editor saves)."""
    time.sleep(0.01)
    path.write_text(text)


def test_a_team_catalog_edited_between_two_checks_is_read_again(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "lacuna.toml": 'embeddings = false\napis = ["catalog/acme.yaml"]\n',
        "people.csv": "first_name,email,phone\n", "sync.py": PIPELINE,
        "catalog/acme.yaml": SDK_ROWS.replace("push_records", "pull_records")})
    before = _check(tmp_path)
    assert not [f for f in before.findings if f.operation.action == "export"]
    _rewrite(tmp_path / "catalog" / "acme.yaml", SDK_ROWS)
    after = _check(tmp_path)
    sent = [f for f in after.findings if f.operation.action == "export"]
    assert sent and not sent[0].decision.allowed
    assert sent[0].operation.destination is not None
    assert sent[0].operation.destination.name == "acme-insights:marketing"


def test_team_rules_edited_between_two_checks_are_read_again(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "lacuna.toml": 'embeddings = false\nrules = ["team-rules.yaml"]\n',
        "team-rules.yaml": LOYALTY_RULE.replace("loyalty_number", "loyalty_code"),
        "data/cards.csv": "card_id,loyalty_number\n",
        "job.py": "import pandas as pd\npd.read_csv('data/cards.csv').to_csv('/tmp/cards.csv')\n"})
    assert all(f.decision.allowed for f in _check(tmp_path).findings)
    _rewrite(tmp_path / "team-rules.yaml", LOYALTY_RULE)
    assert any(not f.decision.allowed for f in _check(tmp_path).findings)
