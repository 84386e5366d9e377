"""Pipelines written as class hierarchies: a base class's method (`export()`) calls a method
each subclass overrides (`self.write(frame)`), in one file or across a package. Each export
goes where the subclass's override takes it, with the data the instance was made with."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import operation_rows, write_files

PEOPLE = "customer_id,email,full_name\n"
BASE = '''\
class BaseExporter:
    def __init__(self, frame):
        self.frame = frame

    def export(self):
        cleaned = self.frame.dropna()
        self.write(cleaned)

    def write(self, frame):
        raise NotImplementedError
'''
SUBCLASSES = '''\
class ShareExporter(BaseExporter):
    def write(self, frame):
        frame.to_csv("/tmp/share/customers.csv")


class LakeExporter(BaseExporter):
    def write(self, frame):
        frame.to_parquet("warehouse/lake/customers.parquet")
'''
JOB = '''\
import pandas as pd
{imports}

df = pd.read_csv("data/customers.csv")
ShareExporter(df).export()
LakeExporter(df).export()
'''
EXPECTED = {("export", "/tmp/share/customers.csv", False),
            ("write", "warehouse/lake/customers.parquet", True)}

LAYOUTS = {
    # base, subclasses and job in one file
    "one file": {"job.py": BASE + "\n\n" + SUBCLASSES + "\n\n" + JOB.format(imports="")},
    # base and subclasses in one module of a package, the job imports them
    "one module": {"pkg/__init__.py": "", "pkg/exporters.py": BASE + "\n\n" + SUBCLASSES,
                   "job.py": JOB.format(
                       imports="from pkg.exporters import LakeExporter, ShareExporter")},
    # the base in one module, the subclasses in another, the job in a third
    "three modules": {"pkg/__init__.py": "", "pkg/base.py": BASE,
                      "pkg/exporters.py": "from pkg.base import BaseExporter\n\n\n" + SUBCLASSES,
                      "job.py": JOB.format(
                          imports="from pkg.exporters import LakeExporter, ShareExporter")},
    # the job derives its own exporters from a base of the package
    "subclassed here": {"pkg/__init__.py": "", "pkg/base.py": BASE, "job.py": JOB.format(
        imports="from pkg.base import BaseExporter\n\n\n" + SUBCLASSES)},
}


@pytest.mark.parametrize("files", LAYOUTS.values(), ids=LAYOUTS.keys())
def test_an_overridden_method_a_base_class_calls_writes_the_instances_data(
        tmp_path: Path, files: dict[str, str]) -> None:
    """(A base of the same file was not consulted: the share export was UNKNOWN data of a
    parameter; across files `export()` was found in no class, and nothing was reported.)"""
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, **files})
    rows = operation_rows(project, "job.py")
    assert {(action, destination, allowed) for _, _, action, sources, destination, allowed
            in rows if action != "read" and sources == ("data/customers.csv",)} == EXPECTED
    assert all(sources == ("data/customers.csv",) for _, _, _, sources, _, _ in rows)


def test_an_inherited_method_is_reported_where_it_is_written(tmp_path: Path) -> None:
    """A base of another file that writes what it keeps (`save()` to a path of its own): the
    write is located in the base's file, at its line."""
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "pkg/__init__.py": "",
                                     "pkg/base.py": '''\
class Saver:
    def __init__(self, frame):
        self.frame = frame

    def save(self):
        self.frame.to_csv("/tmp/saved/customers.csv")
''', "job.py": '''\
import pandas as pd
from pkg.base import Saver


class CustomerSaver(Saver):
    pass


CustomerSaver(pd.read_csv("data/customers.csv")).save()
'''})
    exports = [row for row in operation_rows(project, "job.py") if row[2] == "export"]
    assert exports == [("pkg/base.py", 6, "export", ("data/customers.csv",),
                        "/tmp/saved/customers.csv", False)]


def test_a_subclass_of_a_library_client_sends_through_its_methods(tmp_path: Path) -> None:
    """`class APISession(requests.Session)` and `class Notifier(WebClient)`: a method the
    class does not define is the library's (`api.post`, `self.chat_postMessage`), so what
    is put through it is sent, called on an instance or in a method no code calls (each was
    a call of an unknown method: no operation)."""
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "clients.py": '''\
import pandas as pd
import requests
from slack_sdk import WebClient


class APISession(requests.Session):
    pass


class Notifier(WebClient):
    def post_table(self, channel, frame):
        return self.chat_postMessage(channel=channel, text=frame.to_csv())

    def upload(self, frame):
        return self.files_upload_v2(channel="C0123", content=frame.to_csv())


customers = pd.read_csv("data/customers.csv")
APISession().post("https://api.partner.example.com/contacts", json=customers.to_dict("records"))
Notifier(token="xoxb").post_table("#ops", customers)
'''})
    sent = {line: (sources, allowed)
            for _, line, action, sources, _, allowed in operation_rows(project)
            if action == "export"}
    assert sent == {
        12: (("data/customers.csv",), False),
        15: (("parameter `frame` of `Notifier.upload()` (line 14)",), False),
        19: (("data/customers.csv",), False),
    }
