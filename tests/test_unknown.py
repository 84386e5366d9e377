"""Unknown is not INTERNAL: data from a place Lacuna cannot resolve is UNKNOWN, and what is not
data (constants, configuration, parameters nothing is passed to) does not block HTTP or mail.

Everything runs through the CLI: the text report, JSON, SARIF and Markdown show UNKNOWN and the
number of operations with an unresolved source or destination; the shipped policies deny
UNKNOWN data leaving governed storage (LAC-UNK-001) and allow it inside the project.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

HEADER = """import os
import sys
import pandas as pd
import requests
import smtplib
import sqlalchemy

con = sqlalchemy.create_engine("postgresql://db/crm")
"""


def _project(root: Path, code: str, **files: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "lacuna.toml").write_text("embeddings = false\n")
    (root / "data").mkdir(exist_ok=True)
    (root / "data" / "customers.csv").write_text("customer_id,email,phone,region\n")
    (root / "data" / "targets.csv").write_text("region,target\n")
    (root / "job.py").write_text(HEADER + code)
    for name, content in files.items():
        (root / name).write_text(content)
    return root


def _check(lacuna, root: Path) -> tuple[int, dict]:
    result = lacuna("check", ".", "--format", "json", cwd=root)
    assert result.code in (0, 1), result.stderr
    return result.code, json.loads(result.stdout)


def _at(document: dict, line: int, action: str | None = None) -> dict:
    """The finding of job.py at `line` of the code after HEADER."""
    wanted = HEADER.count("\n") + line
    found = [f for f in document["findings"] if f["operation"]["location"]["path"] == "job.py"
             and f["operation"]["location"]["line"] == wanted
             and action in (None, f["operation"]["action"])]
    assert len(found) == 1, [f["operation"]["action"] for f in found]
    return found[0]


UNRESOLVED_EXPORT = """rows = pd.read_csv(sys.argv[1])
rows.to_csv("/tmp/rows.csv")
"""


def test_an_unresolved_read_is_unknown_and_may_not_leave(tmp_path: Path, lacuna) -> None:
    root = _project(tmp_path, UNRESOLVED_EXPORT)
    code, document = _check(lacuna, root)
    assert code == 1
    read, export = _at(document, 1, "read"), _at(document, 2, "export")
    assert read["classification"]["tier"] == "UNKNOWN" and read["decision"]["allowed"]
    assert export["classification"]["tier"] == "UNKNOWN"
    assert "cannot be resolved" in export["classification"]["reasoning"]
    decision = export["decision"]
    assert decision["allowed"] is False and decision["policy_id"] == "LAC-UNK-001"
    assert decision["alternatives"][0].startswith("Read it from a literal path")
    assert "lacuna-classifications.yaml (resource: sys.argv[1])" in decision["alternatives"][1]
    assert decision["alternatives"][-1].startswith("Request an exception")
    assert document["version"] == 2
    assert document["summary"]["unresolved"] == 2
    assert document["summary"]["operations"] == 2

    text = lacuna("check", ".", cwd=root)
    assert text.code == 1
    assert "LAC-UNK-001 BLOCKED export of UNKNOWN data to /tmp/rows.csv" in text.stdout
    assert ("Classification:   UNKNOWN — sys.argv[1]: the place is computed at run time"
            in text.stdout)
    assert "2 with an unresolved source or destination;" in text.stdout.splitlines()[-1]


def test_sarif_and_markdown_show_unknown_and_the_coverage(tmp_path: Path, lacuna) -> None:
    root = _project(tmp_path, UNRESOLVED_EXPORT)
    result = lacuna("check", ".", "--format", "sarif", "-o", "markdown:summary.md", cwd=root)
    assert result.code == 1, result.stderr
    run = json.loads(result.stdout)["runs"][0]
    (finding,) = run["results"]
    assert finding["ruleId"] == "LAC-UNK-001"
    assert finding["properties"]["tier"] == "UNKNOWN"
    assert "Classification: UNKNOWN" in finding["message"]["text"]
    assert run["properties"] == {"operations": 2, "unresolved": 2}
    assert "LAC-UNK-001" in {rule["id"] for rule in run["tool"]["driver"]["rules"]}
    markdown = (root / "summary.md").read_text()
    assert "2 with an unresolved source or destination" in markdown
    assert "| UNKNOWN |" in markdown or "UNKNOWN" in markdown.split("LAC-UNK-001", 1)[1]


def test_unknown_data_stays_usable_inside_the_project(tmp_path: Path, lacuna) -> None:
    root = _project(tmp_path, """rows = pd.read_csv(os.environ["INPUT"])
rows.to_csv("scratch/rows.csv")
rows.to_sql("staging_rows", con)
rows.to_parquet("warehouse/rows.parquet")
""")
    code, document = _check(lacuna, root)
    assert code == 0
    assert [f["classification"]["tier"] for f in document["findings"]] == ["UNKNOWN"] * 4
    assert document["summary"]["unresolved"] == 4


def test_joined_with_proprietary_it_is_proprietary_with_internal_it_stays_unknown(
        tmp_path: Path, lacuna) -> None:
    root = _project(tmp_path, """extra = pd.read_csv(sys.argv[1])
customers = pd.read_csv("data/customers.csv")
targets = pd.read_csv("data/targets.csv")
with_customers = extra.merge(customers, on="customer_id")
with_targets = extra.merge(targets, on="region")
by_region = with_targets.groupby("region").agg(total=("target", "sum"))
""")
    _, document = _check(lacuna, root)
    assert _at(document, 3, "read")["classification"]["tier"] == "INTERNAL"
    assert _at(document, 4, "join")["classification"]["tier"] == "PROPRIETARY"
    assert _at(document, 5, "join")["classification"]["tier"] == "UNKNOWN"
    # Aggregating data nobody has seen proves nothing about it: it stays UNKNOWN.
    assert _at(document, 6, "aggregate")["classification"]["tier"] == "UNKNOWN"


def test_dynamic_sql_and_helpers_reading_unresolved_paths_are_unknown(tmp_path: Path,
                                                                      lacuna) -> None:
    root = _project(tmp_path, """def load(path):
    return pd.read_csv(path)


def forward(path):
    requests.post("https://partner.example/in", data=pd.read_csv(path))


queried = pd.read_sql(os.environ["QUERY"], con)
queried.to_csv("/tmp/queried.csv")
load(sys.argv[1]).to_json("https://partner.example/loaded")
""")
    code, document = _check(lacuna, root)
    assert code == 1
    denied = {(f["operation"]["location"]["line"] - HEADER.count("\n"),
               f["decision"]["policy_id"], f["classification"]["tier"])
              for f in document["findings"] if not f["decision"]["allowed"]}
    assert denied == {(6, "LAC-UNK-001", "UNKNOWN"), (10, "LAC-UNK-001", "UNKNOWN"),
                      (11, "LAC-UNK-001", "UNKNOWN")}


NOT_DATA = """SETTINGS = {"timeout": 3, "retries": 2}


def notify(server, body):
    server.sendmail("ops@acme.example", "partner@example.org", body)


def ping(url, payload):
    return requests.post(url, json=payload)


def relay(server, message):
    server.send_message(message)


server = smtplib.SMTP("localhost")
notify(server, "nightly job finished")
ping("https://partner.example/ping", SETTINGS)
requests.post("https://partner.example/status", json={"status": "ok"}, timeout=5)
smtplib.SMTP("localhost").sendmail("a@acme.example", "b@example.org", "hello")
"""


def test_values_that_are_not_data_do_not_block_http_or_mail(tmp_path: Path, lacuna) -> None:
    """Constants, configuration dicts and parameters of functions called only with them carry
    no data: the calls are reported and allowed. A function no code calls sends whatever it
    will be given: `relay()`'s message is data of unknown origin, to a destination known only
    at run time, and blocked."""
    root = _project(tmp_path, NOT_DATA)
    code, document = _check(lacuna, root)
    assert code == 1
    exports = [f for f in document["findings"] if f["operation"]["action"] == "export"]
    assert len(exports) == 5
    relayed = [f for f in exports if f["operation"]["location"]["line"] == 21]
    others = [f for f in exports if f not in relayed]
    assert [(f["classification"]["tier"], f["decision"]["policy_id"]) for f in relayed] == [
        ("UNKNOWN", "LAC-UNK-001")]
    assert "parameter `message` of `relay()`" in relayed[0]["decision"]["reasoning"]
    assert {f["classification"]["tier"] for f in others} == {"PUBLIC"}
    assert all(f["decision"]["allowed"] for f in others)
    assert all("no data flows into" in f["classification"]["reasoning"] for f in others)
    assert document["summary"]["unresolved"] == 1  # relay() never called: destination unknown


def test_a_parameter_data_does_flow_into_still_carries_it(tmp_path: Path, lacuna) -> None:
    root = _project(tmp_path, NOT_DATA + 'notify(server, pd.read_csv("data/customers.csv"))\n')
    code, document = _check(lacuna, root)
    assert code == 1
    sent = _at(document, 5, "export")
    assert sent["classification"]["tier"] == "PROPRIETARY"
    assert sent["decision"]["allowed"] is False


@pytest.mark.parametrize("how", ["literal", "override", "allow"])
def test_each_way_of_making_it_known_lifts_the_denial(tmp_path: Path, lacuna, how: str) -> None:
    code = UNRESOLVED_EXPORT
    files: dict[str, str] = {}
    if how == "literal":
        code = code.replace("sys.argv[1]", '"data/targets.csv"')
    elif how == "override":
        files["lacuna-classifications.yaml"] = (
            "version: 1\noverrides:\n  - resource: sys.argv[1]\n    tier: INTERNAL\n"
            "    reason: the nightly extract of sales targets\n"
            "    reviewed_by: dpo@acme.example\n")
    else:
        code = code.replace('"/tmp/rows.csv")', '"/tmp/rows.csv")  '
                            '# lacuna: allow[LAC-UNK-001] targets only, ticket GOV-7')
    root = _project(tmp_path, code, **files)
    status, document = _check(lacuna, root)
    assert status == 0
    export = _at(document, 2, "export")
    if how == "allow":
        assert export["suppression"]["policy_id"] == "LAC-UNK-001"
        assert export["classification"]["tier"] == "UNKNOWN"
    else:
        assert export["classification"]["tier"] == "INTERNAL"
        assert export["decision"]["allowed"] is True


def test_nobody_assigns_unknown(tmp_path: Path, lacuna) -> None:
    root = _project(tmp_path, UNRESOLVED_EXPORT)
    cli = lacuna("classify", "override", "data/targets.csv", "--tier", "UNKNOWN",
                 "--reason", "not sure", cwd=root)
    assert cli.code == 2 and "--tier" in cli.stderr
    (root / "lacuna-classifications.yaml").write_text(
        "version: 1\noverrides:\n  - resource: data/targets.csv\n    tier: UNKNOWN\n"
        "    reason: not sure\n    reviewed_by: dpo@acme.example\n")
    checked = lacuna("check", ".", cwd=root)
    assert checked.code == 2
    assert "overrides.0.tier" in checked.stderr and "UNKNOWN cannot be assigned" in checked.stderr


def test_policy_eval_denies_an_unknown_export(tmp_path: Path, lacuna) -> None:
    document = {
        "action": "export",
        "source": {"tier": "UNKNOWN", "tags": [], "lineage": ["sys.argv[1]"], "columns": {}},
        "destination": {"type": "http", "path": "https://partner.example/x", "kind": "url",
                        "encrypted": False, "reason": "", "parameter": False,
                        "service": "", "category": ""},
        "user": {"id": "ana@acme.example", "role": "analyst"},
        "context": {"purpose": None, "environment": "local"},
        "dynamic": False,
    }
    (tmp_path / "op.json").write_text(json.dumps(document))
    denied = lacuna("policy", "eval", "--input", str(tmp_path / "op.json"), "--format", "json",
                    cwd=tmp_path)
    assert denied.code == 1, denied.stderr
    assert json.loads(denied.stdout)["policy_id"] == "LAC-UNK-001"
    document["destination"] = {"type": "project", "path": "scratch/x.csv", "kind": "file",
                               "encrypted": False, "reason": "", "parameter": False,
                               "service": "", "category": ""}
    (tmp_path / "op.json").write_text(json.dumps(document))
    inside = lacuna("policy", "eval", "--input", str(tmp_path / "op.json"), cwd=tmp_path)
    assert inside.code == 0, inside.stdout + inside.stderr


def test_unknown_data_to_a_destination_computed_at_run_time_is_denied(tmp_path: Path,
                                                                      lacuna) -> None:
    # nothing is known at either end: the script copies whatever it is given wherever it is told
    root = _project(tmp_path, """rows = pd.read_csv(sys.argv[1])
rows.to_csv(sys.argv[2])
rows.to_json(f"{os.environ['OUT_DIR']}/rows.json")
""")
    code, document = _check(lacuna, root)
    assert code == 1
    for line in (2, 3):
        decision = _at(document, line, "write")["decision"]
        assert (decision["allowed"], decision["policy_id"]) == (False, "LAC-UNK-001")
    assert "a destination computed at run time: command-line arguments" in \
        _at(document, 2, "write")["decision"]["reasoning"]


HELPERS = """import pandas as pd
from pathlib import Path


def convert(src, dst):
    pd.read_csv(src).to_parquet(dst)


def copy_text(src, dst):
    Path(dst).write_text(Path(src).read_text())
"""


def test_a_helper_copying_one_parameter_to_another_is_decided_where_it_is_called(
        tmp_path: Path, lacuna) -> None:
    # alone, the helper's places are its callers' to name: not a denial of every utility module
    alone = _project(tmp_path / "alone", "", **{"fileio.py": HELPERS})
    code, document = _check(lacuna, alone)
    assert code == 0, [f["decision"]["reasoning"] for f in document["findings"]]
    # called: each call is checked with the places it passes, at the helper's line
    called = _project(tmp_path / "called", """from fileio import convert, copy_text

convert("data/customers.csv", "/tmp/customers.parquet")
copy_text(sys.argv[1], sys.argv[2])
convert("data/targets.csv", "warehouse/targets.parquet")
""", **{"fileio.py": HELPERS})
    code, document = _check(lacuna, called)
    assert code == 1
    denied = {(f["operation"]["location"]["line"], f["operation"]["destination"]["name"],
               tuple(s["name"] for s in f["operation"]["sources"]), f["decision"]["policy_id"])
              for f in document["findings"] if not f["decision"]["allowed"]}
    assert denied == {(6, "/tmp/customers.parquet", ("data/customers.csv",), "LAC-PII-001"),
                      (10, "sys.argv[2]", ("sys.argv[1]",), "LAC-UNK-001")}
    copied = [f for f in document["findings"] if f["operation"]["location"]["line"] == 10
              and f["operation"]["action"] == "write"]
    assert copied[0]["operation"]["called_from"]["path"] == "job.py"
    assert "command-line arguments" in copied[0]["operation"]["dynamic_reason"]


def test_records_of_a_model_not_known_stay_in_the_applications_database(tmp_path: Path,
                                                                        lacuna) -> None:
    # the table is named at run time, the place is not: the application's own database
    root = _project(tmp_path, """from app import db


def erase(payload):
    db.session.delete(db.session.merge(payload))
""", **{"app.py": "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n"})
    code, document = _check(lacuna, root)
    written = [f for f in document["findings"] if f["operation"]["action"] == "write"]
    assert len(written) == 2  # merged, then deleted
    for stored in written:
        assert stored["operation"]["dynamic"] is True
        assert stored["decision"]["allowed"] is True
    erased = [f for f in written if "deletes" in f["operation"]["dynamic_reason"]]
    assert erased[0]["classification"]["tier"] == "UNKNOWN"
    assert code == 0
