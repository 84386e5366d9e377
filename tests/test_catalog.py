"""The library catalog as data: rows load and index, a team's own file teaches Lacuna its
in-house SDK without code, and a bad row is one error line naming the file and the key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lacuna_cli.errors import ConfigError
from lacuna_cli.extract.catalog import ENTRY_EFFECTS, catalog_files, load_catalog
from lacuna_cli.extract.prefilter import may_hold_operations
from tests.conftest import run_lacuna

SDK_ROWS = """\
version: 1
library: acme-sdk
service: acme-insights
category: saas
modules: [acme_sdk]
functions:
  - match: "acme_sdk.**.push_records"
    does: send
    kind: service
    data: [[0, records]]
    target: [dataset]
    name: "acme-insights:{0}"
"""

PIPELINE = """\
import pandas as pd
import acme_sdk

client = acme_sdk.Client(token="...")
people = pd.read_csv("people.csv")
client.tables.push_records(people.to_dict("records"), dataset="marketing")
"""


def _project(tmp_path: Path, rows: str = SDK_ROWS) -> Path:
    (tmp_path / "people.csv").write_text("first_name,email,phone\n")
    (tmp_path / "sync.py").write_text(PIPELINE)
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "acme.yaml").write_text(rows)
    (tmp_path / "pyproject.toml").write_text('[tool.lacuna]\napis = ["catalog/acme.yaml"]\n')
    return tmp_path


def test_every_shipped_file_loads_and_patterns_resolve() -> None:
    catalog = load_catalog()
    assert len(catalog.files) == len(catalog_files()) >= 20
    sent = catalog.function("openai.OpenAI.chat.completions.create")
    assert sent is not None and (sent.service, sent.category) == ("openai", "llm")
    # a client of any origin is known by its method chain, after rows naming a module
    assert catalog.function("self.client.chat.completions.create") is not None
    uploaded = catalog.function("huggingface_hub.HfApi.upload_file")
    assert uploaded is not None and uploaded.service == "huggingface"
    assert catalog.function("boto3.client.upload_file").service == "s3"  # type: ignore[union-attr]
    assert catalog.function("mymodule.helper") is None


def test_a_team_file_teaches_its_sdk_and_is_checked(tmp_path: Path) -> None:
    project = _project(tmp_path)
    run = run_lacuna("check", ".", "--format", "json", cwd=project)
    assert run.code == 1, run.stderr
    sent = [f for f in json.loads(run.stdout)["findings"]
            if f["operation"]["action"] == "export"]
    assert sent[0]["operation"]["destination"]["name"] == "acme-insights:marketing"
    assert sent[0]["decision"]["policy_id"] == "LAC-SVC-001"


def test_without_the_team_file_the_sdk_call_is_not_an_export(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / "pyproject.toml").write_text("[tool.lacuna]\n")
    run = run_lacuna("check", ".", "--format", "json", cwd=project)
    actions = {f["operation"]["action"] for f in json.loads(run.stdout)["findings"]}
    assert "export" not in actions


def test_the_prefilter_learns_modules_from_the_team_file(tmp_path: Path) -> None:
    project = _project(tmp_path)
    source = "import acme_sdk\nacme_sdk.Client().tables.push_records(rows)\n"
    assert not may_hold_operations(source, load_catalog())
    assert may_hold_operations(source, load_catalog((project / "catalog" / "acme.yaml",)))


@pytest.mark.parametrize(("broken", "where"), [
    (SDK_ROWS.replace("does: send", "does: sned"), "functions.0.does"),
    (SDK_ROWS.replace('match: "acme_sdk.**.push_records"', 'match: "acme sdk(push)"'),
     "functions.0.match"),
    (SDK_ROWS.replace("    kind: service\n", "    kind: service\n    colour: red\n"),
     "functions.0.colour"),
    (SDK_ROWS.replace("version: 1", "version: 7"), "version"),
])
def test_a_bad_row_is_one_line_naming_file_and_key(tmp_path: Path, broken: str,
                                                   where: str) -> None:
    project = _project(tmp_path, broken)
    run = run_lacuna("check", ".", cwd=project)
    assert run.code == 2
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, run.stderr
    assert "catalog/acme.yaml" in lines[0] and where in lines[0]
    assert "Traceback" not in run.stderr


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("version: 1\nlibrary: x\nfunctions: [\n")
    with pytest.raises(ConfigError, match=r"bad\.yaml:\d+: invalid YAML"):
        load_catalog((path,))


def test_a_row_broken_after_a_clean_run_still_stops_the_next_one(tmp_path: Path) -> None:
    """Every file then comes from the extraction cache, yet the catalog is parsed: the cache is
    keyed by the catalog's text, so a changed file misses it."""
    project = _project(tmp_path)
    assert run_lacuna("check", ".", cwd=project).code == 1
    catalog = project / "catalog" / "acme.yaml"
    catalog.write_text(SDK_ROWS.replace("does: send", "does: sned"))
    for args in ((".",), ("sync.py",)):
        run = run_lacuna("check", *args, cwd=project)
        assert run.code == 2, run.stderr
        lines = [line for line in run.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and "catalog/acme.yaml: functions.0.does" in lines[0], lines



@pytest.mark.parametrize("qualname", ["requests", "boto3.client", "smtplib.SMTP",
                                      "pandas", "openai.OpenAI", "sqlite3", "os"])
def test_the_members_a_dynamic_call_may_reach_are_found_trying_only_their_librarys_rows(
        qualname: str) -> None:
    """`getattr(obj, name)(...)` may call any method of obj's library that starts an
    operation: the catalog tries only the rows of that library, and finds what trying every
    row's last name finds."""
    catalog = load_catalog(())
    root, prefix = qualname.split(".", 1)[0], qualname + "."
    every = {key[len(prefix):] for key in catalog.exact if key.startswith(prefix)}
    every.update(catalog.by_last)
    tried = sorted(name for name in every if "." not in name and "*" not in name
                   and (api := catalog.function(prefix + name)) is not None
                   and api.row.does in ENTRY_EFFECTS
                   and any(pattern.split(".", 1)[0] == root for pattern in api.row.match))
    assert catalog.members(qualname) == tuple(tried)
