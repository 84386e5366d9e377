"""A helper of another project file that drops, hashes, renames or keeps personal columns does to the
caller's data what it does in its own file: `from etl.privacy import drop_pii` then
`drop_pii(customers)` sent to a partner is the customers without their personal columns, as
it would be with `drop_pii` defined beside the call. What the helper keeps stays personal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_lacuna, write_files

HELPERS = '''import hashlib

import pandas as pd

PII = ["email", "full_name"]


def drop_pii(df):
    return df.drop(columns=PII)


def drop_names(df):
    return df.drop(columns=["full_name"])


def pseudonymise(df):
    out = df.copy()
    out["email"] = out["email"].map(lambda v: hashlib.sha256(v.encode()).hexdigest())
    return out.drop(columns=["full_name"])


def regions_only():
    return pd.read_csv("data/customers.csv").drop(columns=PII)


def tidy(df):
    return df.rename(columns=str.lower)


def contacts(df):
    out = df.rename(columns={"email": "contact"})
    return out[["contact", "region"]]
'''


@pytest.fixture(scope="module")
def sent(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """The classification of what each helper's result is sent as, by the helper's name."""
    calls = ("drop_pii(customers)", "drop_names(customers)", "pseudonymise(customers)",
             "regions_only()", "tidy(customers)", "contacts(customers)")
    script = ["import pandas as pd", "import requests", "",
              "from etl.privacy import (drop_pii, drop_names, pseudonymise, regions_only, tidy,",
              "                         contacts)",
              "", 'customers = pd.read_csv("data/customers.csv")']
    script += [f'requests.post("https://api.partner.example.com/{call.split("(")[0]}", '
               f'json={call}.to_dict("records"))' for call in calls]
    project = write_files(tmp_path_factory.mktemp("helpers"), {
        "lacuna.toml": "embeddings = false\n", "etl/__init__.py": "",
        "etl/privacy.py": HELPERS, "etl/export.py": "\n".join(script) + "\n",
        "data/customers.csv": "email,full_name,region,amount\na@b.example,A B,eu,3\n"})
    run = run_lacuna("check", "--format", "json", ".", cwd=project)
    assert run.code in (0, 1), run.stderr
    return {f["operation"]["destination"]["name"].rsplit("/", 1)[1]: f["classification"]
            for f in json.loads(run.stdout)["findings"] if f["operation"]["action"] == "export"}


@pytest.mark.parametrize("helper", ["drop_pii", "pseudonymise", "regions_only"])
def test_a_helper_that_removes_the_personal_columns_removes_them_for_its_callers(
        sent: dict[str, dict], helper: str) -> None:
    assert sent[helper]["tier"] == "INTERNAL", sent[helper]
    assert "PII" not in sent[helper]["tags"]


@pytest.mark.parametrize("helper", ["drop_names", "tidy", "contacts"])
def test_what_a_helper_keeps_stays_personal(sent: dict[str, dict], helper: str) -> None:
    """`contacts` renames the e-mail then selects it under its new name: still an e-mail."""
    assert sent[helper]["tier"] == "PROPRIETARY", sent[helper]
    assert "PII" in sent[helper]["tags"]
