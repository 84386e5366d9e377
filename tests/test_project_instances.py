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
