"""An instance of a class of another project file keeps a place on `self` in `__init__` and
writes there in a method, through the CLI: the caller's analysis tells the place from the
constructor arguments it gives (or the defaults) and the method's constant arguments; a
constructor argument known only at run time leaves the place computed at run time."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_lacuna, write_files

PEOPLE = "customer_id,first_name,email\n"
EXPORTER = '''\
import os


class ReportWriter:
    def __init__(self, target_dir="~/exports"):
        self.target_dir = os.path.expanduser(target_dir)

    def write(self, frame, label):
        frame.to_csv(os.path.join(self.target_dir, label + ".csv"), index=False)
'''


def test_a_place_kept_on_self_is_told_where_another_file_calls_the_method(
        tmp_path: Path) -> None:
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "exporter.py": EXPORTER,
                                     "run.py": '''\
import sys

import pandas as pd

from exporter import ReportWriter

customers = pd.read_csv("data/customers.csv")
ReportWriter().write(customers, "active")
ReportWriter(target_dir="/mnt/shared").write(customers, "shared")
ReportWriter(sys.argv[1]).write(customers, "elsewhere")
'''})
    run = run_lacuna("check", ".", "--format", "json", cwd=project)
    assert run.code in (0, 1), run.stderr
    exports = [f for f in json.loads(run.stdout)["findings"]
               if f["operation"]["location"] == {**f["operation"]["location"],
                                                  "path": "exporter.py", "line": 9}
               and f["operation"]["sources"]]
    by_place = {f["operation"]["destination"]["name"]: f for f in exports}
    assert {"~/exports/active.csv", "/mnt/shared/shared.csv"} <= set(by_place)
    for place in ("~/exports/active.csv", "/mnt/shared/shared.csv"):
        found = by_place[place]
        assert [s["name"] for s in found["operation"]["sources"]] == ["data/customers.csv"]
        assert found["decision"]["allowed"] is False
    # the folder from the command line: the same write, to a place computed at run time
    dynamic = [f for f in exports if f["operation"]["dynamic"]]
    assert len(dynamic) == 1
    assert dynamic[0]["decision"]["allowed"] is False


HOLDER = '''\
import requests


class Exporter:
    """Keeps the frame it is made with; its methods send, save and extend it."""

    def __init__(self, frame, url="https://hooks.partner.example/in"):
        self.frame = frame
        self.url = url

    def to_partner(self):
        requests.post(self.url, json=self.frame.to_dict("records"))

    def save(self, path):
        self.frame.to_csv(path)

    def add_contacts(self, orders):
        orders["email"] = self.frame["email"]
'''


def test_an_instance_made_with_data_sends_saves_and_changes_what_it_holds(
        tmp_path: Path) -> None:
    """`Exporter(customers)` holds the customers: its methods in another file that post
    `self.frame`, save it or copy a column of it into a frame they are given act on the
    customers where this file calls them (the instance was once just data of unknown use)."""
    project = write_files(tmp_path, {
        "data/customers.csv": PEOPLE, "data/orders.csv": "order_id,customer_id,amount\n",
        "exporter.py": HOLDER, "run.py": '''\
import pandas as pd
from exporter import Exporter

customers = pd.read_csv("data/customers.csv")
orders = pd.read_csv("data/orders.csv")
ex = Exporter(customers)
ex.to_partner()
ex.save("/mnt/share/customers.csv")
ex.add_contacts(orders)
orders.to_csv("/mnt/share/orders.csv")
Exporter(orders[["order_id", "amount"]]).save("/mnt/share/amounts.csv")
'''})
    run = run_lacuna("check", ".", "--format", "json", cwd=project)
    assert run.code == 1, run.stderr
    findings = json.loads(run.stdout)["findings"]
    denied = {f["operation"]["destination"]["name"] for f in findings
              if f["decision"]["allowed"] is False and f["operation"]["destination"]}
    assert {"https://hooks.partner.example/in", "/mnt/share/customers.csv",
            "/mnt/share/orders.csv"} <= denied
    told = [f for f in findings if f["operation"]["destination"] and f["operation"][
        "destination"]["name"] == "https://hooks.partner.example/in"]
    assert [s["name"] for s in told[0]["operation"]["sources"]] == ["data/customers.csv"]
    # an instance made with the orders' non-personal columns saves them where it likes
    amounts = [f for f in findings if f["operation"]["destination"] and f["operation"][
        "destination"]["name"] == "/mnt/share/amounts.csv"]
    assert amounts and all(f["decision"]["allowed"] for f in amounts)
