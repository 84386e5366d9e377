"""Expressions data hides in: an assignment expression (`:=`) and `x or default`.

`if (rows := df.to_dict("records")):` and `while chunk := src.read(n):` bind the data inside a
test; `cur.fetchall() or []` is the rows whenever there are any. Each was read as no data at
all, so the send or copy after it was allowed.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import write_files

JOB = '''import sqlite3

import pandas as pd
import requests

df = pd.read_csv("data/customers.csv")
if (rows := df.to_dict("records")):
    requests.post("https://partner.example/a", json=rows)

con = sqlite3.connect("warehouse/crm.db")
found = con.execute("SELECT email FROM customers").fetchall() or []
requests.post("https://partner.example/b", json=found)

with open("data/customers.csv") as src, open("/tmp/copy.csv", "w") as out:
    while chunk := src.read(65536):
        out.write(chunk)
'''


def test_data_bound_by_walrus_or_kept_by_or_still_flows(tmp_path: Path, lacuna) -> None:
    root = write_files(tmp_path, {"lacuna.toml": "embeddings = false\n", "job.py": JOB,
                                  "data/customers.csv": "customer_id,email\n"})
    run = lacuna("check", "--format", "json", ".", cwd=root)
    assert run.code == 1, run.stderr
    denied = {f["operation"]["location"]["line"]: f["operation"]["sources"]
              for f in json.loads(run.stdout)["findings"] if not f["decision"]["allowed"]}
    assert sorted(denied) == [8, 12, 16]
    assert [s["name"] for s in denied[12]] == ["customers"]
    assert [s["name"] for s in denied[16]] == ["data/customers.csv"]


LATER = '''import threading
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import requests

df = pd.read_csv("data/customers.csv")
records = df.to_dict("records")
with ThreadPoolExecutor(max_workers=4) as pool:
    pool.submit(requests.post, "https://partner.example/a", json=records)
worker = threading.Thread(target=requests.post, args=("https://partner.example/b",),
                          kwargs={"json": records}, daemon=True)
worker.start()
'''


def test_a_library_function_handed_to_a_pool_or_thread_sends_where_it_says(
        tmp_path: Path, lacuna) -> None:
    """`pool.submit(requests.post, URL, json=rows)` runs the post later: it is read as that
    post, at the line that hands it over (it was not seen at all)."""
    root = write_files(tmp_path, {"lacuna.toml": "embeddings = false\n", "job.py": LATER,
                                  "data/customers.csv": "customer_id,email\n"})
    run = lacuna("check", "--format", "json", ".", cwd=root)
    assert run.code == 1, run.stderr
    denied = {f["operation"]["location"]["line"]: f["operation"]["destination"]["name"]
              for f in json.loads(run.stdout)["findings"] if not f["decision"]["allowed"]}
    assert denied == {10: "https://partner.example/a", 11: "https://partner.example/b"}


PARTIAL = '''import functools

import pandas as pd
import requests

df = pd.read_csv("data/customers.csv")
post = functools.partial(requests.post, "https://partner.example/a", timeout=5)
post(json=df.to_dict("records"))
'''


def test_a_partial_of_a_send_still_sends(tmp_path: Path, lacuna) -> None:
    """`post = partial(requests.post, URL)` then `post(json=rows)`: the bound URL is not kept,
    so the post goes to a place known only at run time, which personal data may not."""
    root = write_files(tmp_path, {"lacuna.toml": "embeddings = false\n", "job.py": PARTIAL,
                                  "data/customers.csv": "customer_id,email\n"})
    run = lacuna("check", "--format", "json", ".", cwd=root)
    assert run.code == 1, run.stderr
    (posted,) = [f for f in json.loads(run.stdout)["findings"] if not f["decision"]["allowed"]]
    assert posted["operation"]["location"]["line"] == 8
    assert posted["operation"]["dynamic"] is True
    assert [s["name"] for s in posted["operation"]["sources"]] == ["data/customers.csv"]


CLIENT = '''import requests


def send(**kw):
    return requests.post(timeout=30, **kw)


def post_rows(url, rows):
    options = {"json": rows, "timeout": 30}
    return requests.post(url, **options)
'''


def test_a_send_given_its_arguments_as_kwargs_is_never_taken_to_send_nothing(
        tmp_path: Path, lacuna) -> None:
    """`requests.post(timeout=30, **kw)` may send anything anywhere: data of unknown origin
    to a destination known only at run time (LAC-UNK-001). A literal dict spread into the
    call sends what it holds under the data keywords."""
    root = write_files(tmp_path, {"lacuna.toml": "embeddings = false\n", "client.py": CLIENT})
    run = lacuna("check", "--format", "json", ".", cwd=root)
    assert run.code == 1, run.stderr
    findings = {f["operation"]["location"]["line"]: f for f in json.loads(run.stdout)["findings"]
                if f["operation"]["action"] in ("write", "export")}
    assert findings[5]["decision"]["policy_id"] == "LAC-UNK-001"
    assert [s["name"] for s in findings[5]["operation"]["sources"]] == ["**kw"]
    assert findings[10]["decision"]["allowed"] is True  # `rows` is its callers' to name


APPLY = '''from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import requests

URL = "https://partner.example/x"
df = pd.read_csv("data/customers.csv")


def push(row):
    requests.post(URL + "/f", json=row.to_dict())


df.apply(push, axis=1)
df.apply(lambda r: requests.post(URL + "/l", json=r.to_dict()), axis=1)
list(map(lambda r: requests.post(URL + "/m", json=r), df.to_dict("records")))
with ThreadPoolExecutor() as pool:
    list(pool.map(push, [df]))
keys = df["email"].map(lambda e: e.lower())
keys.to_csv("/tmp/keys.csv")
'''


def test_functions_and_lambdas_applied_to_the_data_are_called_with_it(tmp_path: Path,
                                                                      lacuna) -> None:
    """`df.apply(push, axis=1)`, `df.apply(lambda r: ...)`, `map(lambda ...)` and `pool.map`
    call the function with the data: the post in `push` carried no data (allowed as PUBLIC)
    and the lambdas' posts were not seen at all."""
    root = write_files(tmp_path, {"lacuna.toml": "embeddings = false\n", "job.py": APPLY,
                                  "data/customers.csv": "customer_id,email\n"})
    run = lacuna("check", "--format", "json", ".", cwd=root)
    assert run.code == 1, run.stderr
    denied = {(f["operation"]["location"]["line"], f["operation"]["destination"]["name"])
              for f in json.loads(run.stdout)["findings"] if not f["decision"]["allowed"]}
    assert denied == {(11, "https://partner.example/x/f"), (15, "https://partner.example/x/l"),
                      (16, "https://partner.example/x/m"), (20, "/tmp/keys.csv")}


def test_a_function_mapped_over_several_iterables_or_their_pairs_gets_each(
        tmp_path: Path, lacuna) -> None:
    """`map(f, urls, rows)` gives `f` an item of each iterable (the rows went to the URL
    parameter and nothing was posted with them); `starmap(post, [(url, row), ...])` spreads
    each item over the parameters (it was a send of nothing to a place named by the list);
    `map(load, PATHS)` reads each path of a literal list."""
    root = write_files(tmp_path, {"lacuna.toml": "embeddings = false\n", "job.py": '''\
import itertools

import pandas as pd
import requests

URLS = ["https://partner.example/in"]
rows = pd.read_csv("data/customers.csv").to_dict("records")


def post(url, payload):
    return requests.post(url, json=payload)


def load(path):
    return pd.read_csv(path)


list(map(post, URLS, rows))
list(itertools.starmap(post, [(URLS[0], row) for row in rows]))
frames = list(map(load, ["data/customers.csv", "data/sales.csv"]))
pd.concat(frames).to_csv("/tmp/all.csv")
''', "data/customers.csv": "customer_id,email\n", "data/sales.csv": "sku,qty\n"})
    run = lacuna("check", "--format", "json", ".", cwd=root)
    assert run.code == 1, run.stderr
    findings = json.loads(run.stdout)["findings"]
    sends = [f for f in findings if f["operation"]["location"]["line"] == 11]
    assert sends and all(not f["decision"]["allowed"] for f in sends)
    assert any(f["operation"]["destination"]["name"] == "https://partner.example/in"
               for f in sends)
    everything = [f for f in findings if f["operation"]["action"] == "export"
                  and f["operation"]["destination"]["name"] == "/tmp/all.csv"]
    assert {s["name"] for s in everything[0]["operation"]["sources"]} == {
        "data/customers.csv", "data/sales.csv"}
