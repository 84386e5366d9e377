"""Data put into a list, dict or set of constants goes with it: an LLM chat history started
with a system prompt, Slack blocks started with a header, mail lines started with a title,
rows grouped by `setdefault(k, []).append(...)`, a set of emails, `body.update(rows=...)`.
Each was sent as PUBLIC; a count put into such a list stays a count."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_lacuna, write_files

PEOPLE = "customer_id,first_name,email,phone\n1,Ada,ada@example.com,555\n"
JOB = '''\
import json

import pandas as pd
import requests
from openai import OpenAI
from slack_sdk import WebClient

df = pd.read_csv("data/customers.csv")
messages = [{"role": "system", "content": "You are a churn analyst."}]
messages.append({"role": "user", "content": df.to_csv()})
OpenAI().chat.completions.create(model="gpt-4o", messages=messages)
blocks = [{"type": "header", "text": {"type": "plain_text", "text": "Signups"}}]
for row in df.to_dict("records"):
    blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": row["email"]}})
WebClient(token="x").chat_postMessage(channel="#sales", blocks=blocks)
by_domain = {}
for row in df.to_dict("records"):
    by_domain.setdefault(row["email"].split("@")[1], []).append(row["email"])
requests.post("https://api.partner.example.com/domains", data=json.dumps(by_domain))
emails = set()
emails.add(df["email"].iloc[0])
requests.post("https://api.partner.example.com/emails", json=list(emails))
body = {}
body.update(rows=df.to_dict("records"))
requests.post("https://api.partner.example.com/rows", json=body)
summary = ["Daily signups:"]
summary.append(f"{len(df)} new customers")
requests.post("https://hooks.partner.example.com/summary", json={"text": "\\n".join(summary)})
'''


def test_data_put_into_a_container_of_constants_goes_with_it(tmp_path: Path) -> None:
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "job.py": JOB})
    run = run_lacuna("check", ".", "--format", "json", cwd=project)
    assert run.code == 1, run.stderr
    findings = json.loads(run.stdout)["findings"]
    blocked = sorted(f["operation"]["location"]["line"] for f in findings
                     if not f["decision"]["allowed"])
    assert blocked == [11, 15, 19, 22, 25]
    (summary,) = [f for f in findings if f["operation"]["location"]["line"] == 28]
    assert summary["decision"]["allowed"] is True  # a count, not the rows
