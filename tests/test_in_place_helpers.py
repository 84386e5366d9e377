"""Helpers that change what they are given in place instead of returning it: `add_contacts(
orders, people)` setting `frame["email"]`, `strip(df)` with `drop(..., inplace=True)`,
`collect(parts, df)` appending to the caller's list, a method of a class doing the same. The
caller's object holds the change afterwards: a leak through such a helper is blocked, and
personal columns it removes no longer count. Rebinding the parameter first (`df = df.copy()`)
changes nothing of the caller's."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import write_files

HELPERS = '''\
import hashlib


def add_contacts(frame, people):
    frame["email"] = people["email"]
    frame["phone"] = people["phone"]


def strip_contacts(df):
    df.drop(columns=["email", "phone"], inplace=True)


def pseudonymise(df):
    df["email"] = df["email"].map(lambda v: hashlib.sha256(v.encode()).hexdigest())
    df.drop(columns=["phone"], inplace=True)


def copy_then_strip(df):
    df = df.copy()
    df.drop(columns=["email", "phone"], inplace=True)
    return len(df)


def collect(out, frame):
    out.append(frame[["customer_id", "email"]])


def enrich_twice(frame, people):
    add_contacts(frame, people)


class Enricher:
    def __init__(self, people):
        self.people = people

    def apply(self, frame):
        frame["email"] = self.people["email"]
'''

JOB = '''\
import pandas as pd

from etl.features import (Enricher, add_contacts, collect, copy_then_strip, enrich_twice,
                          pseudonymise, strip_contacts)

orders = pd.read_csv("data/orders.csv")
customers = pd.read_csv("data/customers.csv")
add_contacts(orders, customers)
orders.to_csv("~/Downloads/orders_with_contacts.csv")
clean = pd.read_csv("data/customers.csv")
strip_contacts(clean)
clean.to_csv("~/Downloads/customers_without_contacts.csv")
kept = pd.read_csv("data/customers.csv")
copy_then_strip(kept)
kept.to_csv("~/Downloads/customers_still_whole.csv")
parts = []
collect(parts, pd.read_csv("data/customers.csv"))
pd.concat(parts).to_csv("~/Downloads/customer_parts.csv")
more = pd.read_csv("data/orders.csv")
enrich_twice(more, customers)
more.to_csv("~/Downloads/orders_enriched_twice.csv")
again = pd.read_csv("data/orders.csv")
Enricher(customers).apply(again)
again.to_csv("~/Downloads/orders_enriched_by_class.csv")
hashed = pd.read_csv("data/customers.csv")
pseudonymise(hashed)
hashed.to_csv("~/Downloads/customers_pseudonymised.csv")
'''

EXPECTED = {  # line -> (sources, tier, allowed)
    9: ({"data/orders.csv", "data/customers.csv"}, "PROPRIETARY", False),
    12: ({"data/customers.csv"}, "INTERNAL", True),
    15: ({"data/customers.csv"}, "PROPRIETARY", False),
    18: ({"data/customers.csv"}, "PROPRIETARY", False),
    21: ({"data/orders.csv", "data/customers.csv"}, "PROPRIETARY", False),
}
# A method of a class of the same file, run where it is called.
BY_METHOD = {24: ({"data/orders.csv", "data/customers.csv"}, "PROPRIETARY", False)}


def _exports(tmp_path: Path, lacuna, files: dict[str, str]) -> dict[int, tuple]:
    write_files(tmp_path, {
        "lacuna.toml": "embeddings = false\n",
        "data/orders.csv": "order_id,customer_id,amount\n",
        "data/customers.csv": "customer_id,email,phone,country\n",
        **files})
    run = lacuna("check", "--format", "json", ".", cwd=tmp_path)
    assert run.code == 1, run.stderr
    return {f["operation"]["location"]["line"]: (
        {s["name"] for s in f["operation"]["sources"]}, f["classification"]["tier"],
        f["decision"]["allowed"], sorted(f["classification"]["sensitive_columns"]))
        for f in json.loads(run.stdout)["findings"]
        if f["operation"]["action"] == "export" and f["operation"]["location"]["path"]
        == "etl/job.py"}


def test_a_helper_of_another_file_changes_the_callers_object(tmp_path: Path, lacuna) -> None:
    found = _exports(tmp_path, lacuna, {"etl/__init__.py": "", "etl/features.py": HELPERS,
                                        "etl/job.py": JOB})
    assert {line: found[line][:3] for line in EXPECTED} == EXPECTED
    assert "email" not in found[12][3] and "phone" not in found[12][3]
    # the hashed e-mail is no longer an e-mail; the phone is dropped
    assert found[27][1] != "PROPRIETARY" and found[27][2] is True, found[27]


def test_a_helper_of_the_same_file_changes_the_callers_object(tmp_path: Path, lacuna) -> None:
    """The same helpers defined in the job's own file (summarised there, or run inline for a
    method of a class)."""
    body = JOB.replace("from etl.features import (Enricher, add_contacts, collect, "
                       "copy_then_strip, enrich_twice,\n                          "
                       "pseudonymise, strip_contacts)\n", HELPERS)
    offset = body.count("\n") - JOB.count("\n")
    found = _exports(tmp_path, lacuna, {"etl/job.py": body})
    expected = {**EXPECTED, **BY_METHOD}
    assert {line: found[line + offset][:3] for line in expected} == expected
    assert found[27 + offset][2] is True, found[27 + offset]


ARGUMENT_FORMS = '''\
import pandas as pd

orders = pd.read_csv("data/orders.csv")
customers = pd.read_csv("data/customers.csv")


def strip(frame, other):
    frame.drop(columns=["email", "phone"], inplace=True)


def add(people, frame):
    frame["email"] = people["email"]
    return people


class Tool:
    def add(self, frame, people):
        frame["email"] = people["email"]

    def collect(self, out, frame):
        out.append(frame[["customer_id", "email"]])


def collect_more(out, frame):
    out.extend([frame[["email"]]])


def collect_default(frame, out=None, fresh=False):
    if out is None:
        out = []
    if fresh:
        frame = frame.copy()
    frame.drop(columns=["phone"], inplace=True)
    out.append(frame[["customer_id", "email"]])
    return out


spread = [orders]
strip(*spread, customers)
customers.to_csv("~/Downloads/after_spread.csv")
customers.pipe(add, orders)
orders.to_csv("~/Downloads/piped.csv")
tool = Tool()
first, second = pd.read_csv("data/orders.csv"), pd.read_csv("data/orders.csv")
tool.add(first, customers)
tool.add(second, customers)
second.to_csv("~/Downloads/second.csv")
parts, more, given = [], [], []
tool.collect(parts, customers)
pd.concat(parts).to_csv("~/Downloads/parts.csv")
collect_more(more, customers)
pd.concat(more).to_csv("~/Downloads/more.csv")
collect_default(customers, given)
pd.concat(given).to_csv("~/Downloads/given.csv")
customers.to_csv("~/Downloads/maybe_stripped.csv")
'''


def test_the_argument_changed_is_the_one_the_call_passes(tmp_path: Path, lacuna) -> None:
    """A `*spread` before the changed parameter leaves it untold (never another argument
    changed in its place); `df.pipe(f, x)` changes what `x` names; a method run again with the
    same arguments changes the second caller's object too; `extend` and a list appended to by
    a method change the caller's list; a parameter rebound in a branch that may not run
    (`if out is None: out = []`, `if fresh: frame = frame.copy()`) may still be the caller's,
    so both outcomes are kept (the phone dropped and not)."""
    found = _exports(tmp_path, lacuna, {"etl/job.py": ARGUMENT_FORMS})
    sensitive = {line: found[line][3] for line in found}
    assert {line: found[line][1:3] for line in found} == {
        line: ("PROPRIETARY", False) for line in (40, 42, 47, 50, 52, 54, 55)}
    assert "email" in sensitive[40] and "phone" in sensitive[40]  # not stripped in its place
    assert "email" in sensitive[42] and "email" in sensitive[47]
    assert "phone" in sensitive[55]  # maybe a copy was stripped, maybe the caller's



def test_a_method_changing_its_argument_changes_the_callers_object(tmp_path: Path,
                                                                   lacuna) -> None:
    """A class of another file whose method sets `frame["email"]` (its module then counts as
    handing data back, so its summary is asked for), and a class of the same file made inside
    a function that is given the data (kept by the slicer with the function)."""
    found = _exports(tmp_path, lacuna, {
        "etl/__init__.py": "",
        "etl/tools.py": 'class Tool:\n    def add(self, frame, people):\n'
                        '        frame["email"] = people["email"]\n',
        "etl/job.py": '''\
import pandas as pd

from etl.tools import Tool


class Local:
    def add(self, frame, people):
        frame["phone"] = people["phone"]


def enrich(frame, people):
    Local().add(frame, people)


customers = pd.read_csv("data/customers.csv")
orders = pd.read_csv("data/orders.csv")
Tool().add(orders, customers)
orders.to_csv("~/Downloads/by_other_file.csv")
more = pd.read_csv("data/orders.csv")
enrich(more, customers)
more.to_csv("~/Downloads/by_local_class.csv")
'''})
    assert {line: found[line][1:3] for line in found} == {
        18: ("PROPRIETARY", False), 21: ("PROPRIETARY", False)}
    assert "email" in found[18][3] and "phone" in found[21][3]


def test_a_change_through_another_name_of_the_object_is_its_change(tmp_path: Path,
                                                                  lacuna) -> None:
    """`alias = frame` names one object twice: a column set through `alias` is in `frame`
    (it was exported as the orders alone). A copy, and another read of the same file,
    are other objects."""
    exports = _exports(tmp_path, lacuna, {"etl/job.py": '''\
import pandas as pd

people = pd.read_csv("data/customers.csv")
frame = pd.read_csv("data/orders.csv")
alias = frame
alias["email"] = people["email"]
frame.to_csv("/mnt/share/orders.csv")
clean = frame.copy()
clean = clean.drop(columns=["email"])
clean.to_csv("/mnt/share/orders_clean.csv")
other = pd.read_csv("data/orders.csv")
other.to_csv("/mnt/share/orders_again.csv")
'''})
    assert exports[7][2] is False
    assert exports[10][2] is True
    assert exports[12][2] is True
