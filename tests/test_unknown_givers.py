"""Data whose origin the file cannot tell is never data from nowhere: a helper no project code
is seen to call sends whatever it is given, and a library the catalog does not know may return
the customers. Either leaving the company is blocked as data of unknown origin (LAC-UNK-001);
a caller that is seen replaces the helper's own line with the data it passes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_lacuna, write_files

PEOPLE = "customer_id,first_name,email,phone\n1,Ada,ada@example.com,555\n"
SENDER = '''\
import logging

import requests

log = logging.getLogger(__name__)
URL = "https://api.partner.example.com/v1/rows"


def send(df, label):
    requests.post(URL, json=df.to_dict("records"), timeout=30)
    log.info("sent %s", label)
'''


def _findings(project: Path, *paths: str) -> list[dict]:
    run = run_lacuna("check", *(paths or (".",)), "--format", "json", cwd=project)
    assert run.code in (0, 1), run.stderr
    return json.loads(run.stdout)["findings"]


def _at(findings: list[dict], path: str, line: int) -> list[tuple[str, str, bool]]:
    return sorted((f["decision"]["policy_id"], f["classification"]["tier"],
                   f["decision"]["allowed"]) for f in findings
                  if f["operation"]["location"] == {**f["operation"]["location"],
                                                    "path": path, "line": line})


def test_a_helper_no_code_calls_sends_data_of_unknown_origin(tmp_path: Path) -> None:
    """Its own analysis cannot tell what `df` holds: the send is blocked, naming the
    parameter; the log line of a label stays a message."""
    project = write_files(tmp_path, {"sender.py": SENDER})
    findings = _findings(project)
    assert _at(findings, "sender.py", 10) == [("LAC-UNK-001", "UNKNOWN", False)]
    sent = next(f for f in findings if f["operation"]["location"]["line"] == 10)
    assert "parameter `df` of `send()`" in sent["decision"]["reasoning"]
    assert all(f["decision"]["allowed"] for f in findings
               if f["operation"]["location"]["line"] == 11)


def test_a_caller_seen_in_the_project_decides_the_helpers_line(tmp_path: Path) -> None:
    """Checked alone, as the hook checks a changed helper: the job's customers go through
    it, and only that send is reported at its line."""
    project = write_files(tmp_path, {"lacuna.toml": "", "data/customers.csv": PEOPLE,
                                     "sender.py": SENDER, "job.py": '''\
import pandas as pd

from sender import send

send(pd.read_csv("data/customers.csv"), "customers")
'''})
    assert _at(_findings(project, "sender.py"), "sender.py", 10) == [
        ("LAC-EXT-001", "PROPRIETARY", False)]


def test_a_method_inherited_from_a_base_class_is_never_allowed_unseen(tmp_path: Path) -> None:
    """`PartnerSink().send(df)` runs `Sink.send`: followed or not, the send is blocked."""
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "sinks.py": '''\
import pandas as pd
import requests


class Sink:
    def send(self, df):
        requests.post("https://api.partner.example.com/v1/rows", json=df.to_dict("records"))


class PartnerSink(Sink):
    pass


PartnerSink().send(pd.read_csv("data/customers.csv"))
'''})
    assert [allowed for *_, allowed in _at(_findings(project), "sinks.py", 7)] == [False]


def test_what_an_unknown_library_returns_may_be_the_customers(tmp_path: Path) -> None:
    """`vendor_sdk` is in no catalog: its results sent or written outside are data of unknown
    origin. The standard library's are not, nor a name that only looks like a module (the
    result of a catalog call, `uploaded.id`)."""
    project = write_files(tmp_path, {"job.py": '''\
import datetime
import json

import pandas as pd
import requests
from openai import OpenAI
from vendor_sdk import fetch_customers, load

rows = fetch_customers()
requests.post("https://api.partner.example.com/in", json=rows)
load("customers").to_csv("/tmp/share/customers.csv")
requests.post("https://status.example.com/up", json=json.dumps({"at": str(datetime.date.today())}))
client = OpenAI()
up = client.files.create(file=open("build/requests.jsonl", "rb"), purpose="batch")
client.batches.create(input_file_id=up.id, endpoint="/v1/chat/completions", completion_window="24h")
'''})
    findings = _findings(project)
    assert _at(findings, "job.py", 10) == [("LAC-UNK-001", "UNKNOWN", False)]
    assert _at(findings, "job.py", 11) == [("LAC-UNK-001", "UNKNOWN", False)]
    unknown = next(f for f in findings if f["operation"]["location"]["line"] == 11)
    assert "vendor_sdk" in unknown["decision"]["reasoning"]
    assert all(f["decision"]["allowed"] for f in findings
               if f["operation"]["location"]["line"] in (12, 15))
