"""A parameter annotated with a library's class is that class's object when its methods are
called: a FastAPI endpoint's `bg: BackgroundTasks` runs the task it is given, a helper's
`session: requests.Session` posts. A parameter annotated with a class that makes data
(`pd.DataFrame`) stays the data its callers pass."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_lacuna, write_files

PEOPLE = "customer_id,first_name,email,phone\n1,Ada,ada@example.com,555\n"
ENDPOINT = '''\
import httpx
import pandas as pd
from fastapi import BackgroundTasks, FastAPI

app = FastAPI()


def push(rows, url):
    httpx.post(url, json=rows)


@app.post("/sync")
def sync(background: "BackgroundTasks"):
    rows = pd.read_csv("data/customers.csv").to_dict("records")
    background.add_task(push, rows, "https://ingest.partner.example.org/rows")
    return {"queued": True}
'''
HELPERS = '''\
from typing import Optional

import pandas as pd
import requests


def post_rows(session: Optional[requests.Session], rows) -> None:
    session.post("https://api.partner.example.org/rows", json=rows)


def save(frame: pd.DataFrame) -> None:
    frame.to_csv("s3://partner-drop/customers.csv")


def run() -> None:
    customers = pd.read_csv("data/customers.csv")
    post_rows(requests.Session(), customers.to_dict("records"))
    save(customers)
'''


def _denied_lines(project: Path) -> dict[tuple[str, int], tuple[str, str]]:
    run = run_lacuna("check", ".", "--format", "json", cwd=project)
    assert run.code in (0, 1), run.stderr
    return {(f["operation"]["location"]["path"], f["operation"]["location"]["line"]):
            (f["decision"]["policy_id"], f["classification"]["tier"])
            for f in json.loads(run.stdout)["findings"] if not f["decision"]["allowed"]}


def test_an_endpoints_background_task_sends_what_it_is_given(tmp_path: Path) -> None:
    """The framework hands `sync` its `BackgroundTasks`; no project code calls `sync`. The
    task's post of the customers is blocked at `push`'s line, not missed."""
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "api.py": ENDPOINT})
    assert _denied_lines(project) == {("api.py", 9): ("LAC-EXT-001", "PROPRIETARY")}


def test_an_annotated_client_posts_and_an_annotated_frame_stays_data(tmp_path: Path) -> None:
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "helpers.py": HELPERS})
    denied = _denied_lines(project)
    assert denied[("helpers.py", 8)] == ("LAC-EXT-001", "PROPRIETARY")
    assert denied[("helpers.py", 12)] == ("LAC-EXT-001", "PROPRIETARY")


CLIENTS = '''\
from contextlib import closing

import aiohttp
import gspread
import httpx
import pandas as pd
import requests


def send(session, rows):
    session.post("https://api.partner.example.org/rows", json=rows)


async def push(session, rows):
    await session.post("https://api.partner.example.org/async", json=rows)


def client(timeout):
    return httpx.Client(timeout=timeout)


def sheet(name):
    return gspread.service_account().open(name).sheet1


rows = pd.read_csv("data/customers.csv").to_dict("records")
send(requests.Session(), rows)
client(10).post("https://api.partner.example.org/factory", json=rows)
sheet("Partner leads").update(rows)
with closing(requests.Session()) as session:
    session.post("https://api.partner.example.org/closing", json=rows)


async def main():
    async with aiohttp.ClientSession() as session:
        await push(session, rows)
'''


def test_a_session_handed_to_a_helper_or_made_by_one_is_still_a_session(tmp_path: Path) -> None:
    """The helper is called, so its parameters are what the call gives: a library's session
    (not data), whose post sends; a factory's client keeps its methods too."""
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "clients.py": CLIENTS})
    assert set(_denied_lines(project)) == {("clients.py", line) for line in (11, 15, 28, 29, 31)}
