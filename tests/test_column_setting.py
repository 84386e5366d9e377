"""Columns a frame takes from another frame, in each of the ways pandas code sets them:
`loc`/`at` with a row selector, several columns at once, `insert`, `update`, `assign`, a
lookup through `map`, and a dict filled through a second name. Each was exported as the
non-personal frame alone (allowed). `pop` takes a column out: what is left is the rest, what
it returns is that column."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import write_files

PEOPLE = "customer_id,email,phone,full_name\n"
ORDERS = "order_id,customer_id,amount\n"


def _decisions(tmp_path: Path, lacuna, code: str) -> dict[int, bool]:
    """Whether each export of `job.py` (by line) is allowed."""
    write_files(tmp_path, {"lacuna.toml": "embeddings = false\n", "data/people.csv": PEOPLE,
                           "data/orders.csv": ORDERS, "job.py": code})
    run = lacuna("check", "--format", "json", ".", cwd=tmp_path)
    assert run.code in (0, 1), run.stderr
    return {f["operation"]["location"]["line"]: f["decision"]["allowed"]
            for f in json.loads(run.stdout)["findings"] if f["operation"]["action"] == "export"}


def test_columns_set_from_another_frame_in_every_form_carry_it(tmp_path: Path,
                                                              lacuna) -> None:
    allowed = _decisions(tmp_path, lacuna, '''\
import pandas as pd
import requests

people = pd.read_csv("data/people.csv")
a = pd.read_csv("data/orders.csv")
a.loc[:, "email"] = people["email"].values
a.to_csv("/mnt/share/a.csv")
b = pd.read_csv("data/orders.csv")
b[["email", "phone"]] = people[["email", "phone"]]
b.to_csv("/mnt/share/b.csv")
c = pd.read_csv("data/orders.csv")
c.insert(0, "email", people["email"])
c.to_csv("/mnt/share/c.csv")
d = pd.read_csv("data/orders.csv")
d.update(people[["email"]])
d.to_csv("/mnt/share/d.csv")
e = pd.read_csv("data/orders.csv")
e.assign(email=people["email"]).to_csv("/mnt/share/e.csv")
f = pd.read_csv("data/orders.csv")
f["email"] = f["customer_id"].map(people.set_index("customer_id")["email"])
f.to_csv("/mnt/share/f.csv")
g = pd.read_csv("data/orders.csv")
g.loc[g["amount"] > 100] = people
g.to_csv("/mnt/share/g.csv")
payload = {"source": "crm"}
p = payload
p["people"] = people.to_dict("records")
requests.post("https://hooks.partner.example/in", json=payload)
h = pd.read_csv("data/orders.csv")
h.loc[:, "amount"] = h["amount"].round(2)
h.assign(total=h["amount"] * 2).to_csv("/mnt/share/h.csv")
''')
    assert {line: allowed[line] for line in (7, 10, 13, 16, 18, 21, 24, 28)} == dict.fromkeys(
        (7, 10, 13, 16, 18, 21, 24, 28), False)
    assert allowed[31] is True  # its own columns only


def test_a_popped_column_leaves_the_frame_and_is_what_pop_returns(tmp_path: Path,
                                                                 lacuna) -> None:
    allowed = _decisions(tmp_path, lacuna, '''\
import pandas as pd

df = pd.read_csv("data/people.csv")
emails = df.pop("email")
df.pop("phone")
df.pop("full_name")
df.to_csv("/mnt/share/rest.csv")
emails.to_csv("/mnt/share/emails.csv")
''')
    assert allowed == {7: True, 8: False}
