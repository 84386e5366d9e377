"""Rows kept somewhere other than a local name still carry what was read into them.

Pipelines park data in module-level lists and dicts that one function fills and another sends,
in class attributes, on objects through `setattr`, behind a `@property`, `__getitem__` or
`__iter__` of their own classes, in a decorator that hands the frame to the job, and in batching
generators of another module. Each form lost the link to the read, so the send carried no data
and passed as public; each is denied here with the customers' classification. The controls
keep constants in the same places and pass.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_lacuna, write_files

CUSTOMERS = "customer_id,email,full_name,phone\n1,ada@example.com,Ada Lovelace,555\n"
URL = "https://api.enrichment-partner.example.com/v1/upload"

FORMS = {
    "module list filled in a function": f'''\
import csv
import requests

BUFFER = []


def collect():
    with open("data/customers.csv") as fh:
        BUFFER.extend(csv.DictReader(fh))


def ship():
    requests.post("{URL}", json={{"items": BUFFER}})


collect()
ship()
''',
    "module dict item set in a function": f'''\
import pandas as pd
import requests

state = {{}}


def extract():
    state["customers"] = pd.read_csv("data/customers.csv")


def load():
    requests.post("{URL}", json=state["customers"].to_dict("records"))


extract()
load()
''',
    "class attribute set in a function": f'''\
import pandas as pd
import requests


class Cache:
    customers = None


def warm():
    Cache.customers = pd.read_csv("data/customers.csv")


def report():
    requests.post("{URL}", json=Cache.customers.to_dict("records"))


warm()
report()
''',
    "name declared global": f'''\
import pandas as pd
import requests

FRAME = None


def warm():
    global FRAME
    FRAME = pd.read_csv("data/customers.csv")


def report():
    requests.post("{URL}", data=FRAME.to_csv())


warm()
report()
''',
    "setattr on an object": f'''\
import pandas as pd
import requests


class Ctx:
    pass


ctx = Ctx()
setattr(ctx, "df", pd.read_csv("data/customers.csv"))
requests.post("{URL}", json=ctx.df.to_dict("records"))
''',
    "property": f'''\
import pandas as pd
import requests


class CustomerSource:
    @property
    def frame(self):
        return pd.read_csv("data/customers.csv")


source = CustomerSource()
requests.post("{URL}", json=source.frame.to_dict("records"))
''',
    "__getitem__": f'''\
import csv
import requests


class Table:
    def __init__(self, path):
        with open(path) as fh:
            self.rows = list(csv.DictReader(fh))

    def __getitem__(self, index):
        return self.rows[index]


table = Table("data/customers.csv")
requests.post("{URL}", json=table[0])
''',
    "__iter__": f'''\
import csv
import requests


class CustomerFile:
    def __iter__(self):
        with open("data/customers.csv", newline="") as fh:
            yield from csv.DictReader(fh)


for record in CustomerFile():
    requests.post("{URL}", data=record)
''',
    "decorator handing the frame": f'''\
import functools

import pandas as pd
import requests


def with_customers(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(pd.read_csv("data/customers.csv"), *args, **kwargs)
    return wrapper


@with_customers
def push(df):
    requests.post("{URL}", data=df.to_json(orient="records"))


push()
''',
}
READERS = '''\
import csv


def read_customers():
    with open("data/customers.csv", newline="") as fh:
        yield from csv.DictReader(fh)


def batched(rows, size=100):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
'''


def _send_of(project: Path, path: str) -> tuple[str, bool]:
    """(tier, allowed) of the one send to the partner in `path`."""
    run = run_lacuna("check", ".", "--format", "json", cwd=project)
    assert run.code in (0, 1), run.stderr
    sends = [(f["classification"]["tier"], f["decision"]["allowed"])
             for f in json.loads(run.stdout)["findings"]
             if f["operation"]["location"]["path"] == path
             and (f["operation"]["destination"] or {}).get("name", "").startswith(URL)]
    assert len(sends) == 1, sends
    return sends[0]


@pytest.mark.parametrize("form", sorted(FORMS))
def test_rows_kept_elsewhere_are_still_the_customers(tmp_path: Path, form: str) -> None:
    project = write_files(tmp_path, {"lacuna.toml": "embeddings = false\n",
                                     "data/customers.csv": CUSTOMERS, "job.py": FORMS[form]})
    assert _send_of(project, "job.py") == ("PROPRIETARY", False)


def test_rows_batched_by_a_generator_of_another_module_are_the_customers(
        tmp_path: Path) -> None:
    """`batched(read_customers())` from `readers.py`: the batching generator fills a list
    with what it is given and yields the list, so it hands its argument back."""
    project = write_files(tmp_path, {
        "lacuna.toml": "embeddings = false\n", "data/customers.csv": CUSTOMERS,
        "etl/readers.py": READERS, "etl/run.py": f'''\
import requests

from readers import batched, read_customers

for batch in batched(read_customers()):
    requests.post("{URL}", json=batch)
'''})
    assert _send_of(project, "etl/run.py") == ("PROPRIETARY", False)


def test_constants_kept_in_the_same_places_pass(tmp_path: Path) -> None:
    """A module list filled with constants, a property returning one and a decorator handing
    a constant: nothing read, nothing personal sent."""
    project = write_files(tmp_path, {"lacuna.toml": "embeddings = false\n", "job.py": f'''\
import requests

BEATS = []


def collect():
    BEATS.append({{"status": "ok"}})


class Health:
    @property
    def status(self):
        return "green"


def with_region(fn):
    def wrapper():
        return fn("eu-west-1")
    return wrapper


@with_region
def ping(region):
    requests.post("{URL}", json={{"beats": BEATS, "status": Health().status, "region": region}})


collect()
ping()
'''})
    run = run_lacuna("check", ".", cwd=project)
    assert run.code == 0, run.stdout


def test_an_instance_of_a_class_of_another_module_is_iterated_and_indexed_by_its_methods(
        tmp_path: Path) -> None:
    """`for row in CustomerFile()` and `CustomerFile()[0]` with the class in `sources.py`: what
    its `__iter__` yields and its `__getitem__` returns, as its `@property` is what it
    returns."""
    project = write_files(tmp_path, {
        "lacuna.toml": "embeddings = false\n", "data/customers.csv": CUSTOMERS,
        "sources.py": '''\
import csv

import pandas as pd


class CustomerFile:
    @property
    def frame(self):
        return pd.read_csv("data/customers.csv")

    def __iter__(self):
        with open("data/customers.csv", newline="") as fh:
            yield from csv.DictReader(fh)

    def __getitem__(self, index):
        return pd.read_csv("data/customers.csv").iloc[index]
''', "job.py": f'''\
import requests

from sources import CustomerFile

for row in CustomerFile():
    requests.post("{URL}/rows", json=row)
requests.post("{URL}/first", json=CustomerFile()[0].to_dict())
requests.post("{URL}/all", json=CustomerFile().frame.to_dict("records"))
'''})
    run = run_lacuna("check", ".", "--format", "json", cwd=project)
    assert run.code == 1, run.stderr
    sends = {f["operation"]["location"]["line"]: (f["classification"]["tier"],
                                                  f["decision"]["allowed"])
             for f in json.loads(run.stdout)["findings"]
             if f["operation"]["location"]["path"] == "job.py"}
    assert sends == {6: ("PROPRIETARY", False), 7: ("PROPRIETARY", False),
                     8: ("PROPRIETARY", False)}


def test_a_method_bound_to_an_instance_and_handed_to_an_executor_sends(tmp_path: Path) -> None:
    """`ex.map(pusher.push, records)`: the method runs with `self` the instance, so its PUT of
    each record to the partner is the customers'."""
    project = write_files(tmp_path, {"lacuna.toml": "embeddings = false\n",
                                     "data/customers.csv": CUSTOMERS, "job.py": f'''\
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import requests


class Pusher:
    def __init__(self, base):
        self.session = requests.Session()
        self.base = base

    def push(self, record):
        return self.session.put(f"{{self.base}}/contacts", json=record)


records = pd.read_csv("data/customers.csv").to_dict("records")
pusher = Pusher("{URL}")
with ThreadPoolExecutor(max_workers=8) as ex:
    list(ex.map(pusher.push, records))
'''})
    assert _send_of(project, "job.py") == ("PROPRIETARY", False)
