"""What a frame operation keeps of the data's values: counts keyed by a column are as
identifying as that column, a summary of each group is about the group, and a test of each
value (`notna()`, `str.contains`) selects rows without holding any of their values."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_lacuna, write_files

CUSTOMERS = "customer_id,email,full_name,phone,region\n1,ada@example.com,Ada,555,north\n"


def test_counts_by_the_datas_own_values_are_as_identifying_as_those_values(
        tmp_path: Path) -> None:
    """`pd.crosstab` counts by the series it is given, `groupby(...).apply(len)` by the group
    keys: keyed by a region they are internal summaries, keyed by the e-mail they list every
    e-mail. A function applied to each group that may return its members keeps them."""
    project = write_files(tmp_path, {"lacuna.toml": "embeddings = false\n",
                                     "data/customers.csv": "customer_id,email,region,plan\n"
                                                           "1,ada@example.com,north,pro\n",
                                     "job.py": '''\
import numpy as np
import pandas as pd

customers = pd.read_csv("data/customers.csv")
pd.crosstab(customers.region, customers.plan).to_csv("/tmp/crosstab.csv")
pd.crosstab(customers["email"], customers["region"]).to_csv("/tmp/crosstab_emails.csv")
customers.groupby("region").apply(len).to_csv("/tmp/sizes.csv")
customers.groupby("region")["customer_id"].apply(np.mean).to_csv("/tmp/means.csv")
customers.groupby("region").apply(lambda g: g.head(1)).to_csv("/tmp/firsts.csv")
customers.groupby("email").apply(len).to_csv("/tmp/per_email.csv")
pd.crosstab([customers.email, customers.region], customers.plan).to_csv("/tmp/listed.csv")


def count(group):  # the project's own function named like an aggregate
    return group[group.email.notna()]


customers.groupby("region").apply(count).to_csv("/tmp/own_count.csv")
'''})
    run = run_lacuna("check", ".", "--format", "json", cwd=project)
    assert run.code == 1, run.stderr
    exports = {f["operation"]["destination"]["name"]: f["classification"]["tier"]
               for f in json.loads(run.stdout)["findings"] if f["operation"]["action"] == "export"}
    assert exports == {"/tmp/crosstab.csv": "INTERNAL", "/tmp/crosstab_emails.csv": "PROPRIETARY",
                       "/tmp/sizes.csv": "INTERNAL", "/tmp/means.csv": "INTERNAL",
                       "/tmp/firsts.csv": "PROPRIETARY", "/tmp/per_email.csv": "PROPRIETARY",
                       "/tmp/listed.csv": "PROPRIETARY", "/tmp/own_count.csv": "PROPRIETARY"}


def test_a_test_of_each_value_selects_rows_but_holds_none_of_their_values(
        tmp_path: Path) -> None:
    """`df.email.notna()`, `.str.contains("@")`, Spark's `isNotNull()` are a boolean per row:
    logging whether all e-mails are present tells nothing about any customer, while the rows
    they select are still the customers."""
    project = write_files(tmp_path, {"lacuna.toml": "embeddings = false\n",
                                     "data/customers.csv": CUSTOMERS, "job.py": '''\
import logging

import pandas as pd
from pyspark.sql import SparkSession

log = logging.getLogger(__name__)
customers = pd.read_csv("data/customers.csv")
log.info("emails present: %s", customers["email"].notna().all())
log.info("well formed: %s", customers.email.str.contains("@").mean())
customers[customers.email.notna()].to_csv("/tmp/present.csv")
customers.loc[customers.email.str.contains("@"), ["email"]].to_csv("/tmp/formed.csv")
df = SparkSession.builder.getOrCreate().read.csv("data/customers.csv", header=True)
df.filter(df.email.isNotNull()).write.csv("/tmp/spark_present")
'''})
    run = run_lacuna("check", ".", "--format", "json", cwd=project)
    assert run.code == 1, run.stderr
    exports = {(f["operation"]["destination"]["name"], f["operation"]["location"]["line"]):
               f["classification"]["tier"] for f in json.loads(run.stdout)["findings"]
               if f["operation"]["action"] == "export"}
    assert exports == {("/tmp/present.csv", 10): "PROPRIETARY",
                       ("/tmp/formed.csv", 11): "PROPRIETARY",
                       ("/tmp/spark_present", 13): "PROPRIETARY"}


def test_summaries_that_return_members_values_keep_them(tmp_path: Path) -> None:
    """Row by row (`agg(" - ".join, axis=1)`, `sum(axis=1)`: one value per person), grouped by
    an index `set_index("email")` made (`groupby(level=0)` lists every e-mail), and `describe`
    of text (its `top` is the most frequent value) keep the members' values; `describe()` of a
    frame's numbers and a sum per region do not."""
    project = write_files(tmp_path, {"lacuna.toml": "embeddings = false\n",
                                     "data/customers.csv": CUSTOMERS.replace(
                                         "region\n", "region,amount\n").replace(
                                         "north\n", "north,3\n"),
                                     "job.py": '''\
import pandas as pd

df = pd.read_csv("data/customers.csv")
df[["full_name", "email"]].astype(str).agg(" - ".join, axis=1).to_csv("/tmp/lines.csv")
df.set_index("email").groupby(level=0).size().to_frame("n").to_csv("/tmp/per_email.csv")
df.describe(include="all").to_csv("/tmp/profile.csv")
df["email"].describe().to_csv("/tmp/email_profile.csv")
df.groupby("region")["email"].describe().to_csv("/tmp/email_by_region.csv")
df.describe().to_csv("/tmp/numbers.csv")
df.groupby("region")["amount"].sum().to_csv("/tmp/by_region.csv")
'''})
    run = run_lacuna("check", "--format", "json", ".", cwd=project)
    tiers = {f["operation"]["destination"]["name"]: f["classification"]["tier"]
             for f in json.loads(run.stdout)["findings"] if f["operation"]["action"] == "export"}
    assert tiers == {"/tmp/lines.csv": "PROPRIETARY", "/tmp/per_email.csv": "PROPRIETARY",
                     "/tmp/profile.csv": "PROPRIETARY", "/tmp/email_profile.csv": "PROPRIETARY",
                     "/tmp/email_by_region.csv": "PROPRIETARY", "/tmp/numbers.csv": "INTERNAL",
                     "/tmp/by_region.csv": "INTERNAL"}


def test_counts_by_birth_date_or_street_list_them_counts_by_birth_year_do_not(
        tmp_path: Path) -> None:
    """A date of birth and a street address single a person out: a count per value lists
    every one (kept personal); a count per birth year is a histogram (summarised)."""
    project = write_files(tmp_path, {"lacuna.toml": "embeddings = false\n",
                                     "data/customers.csv": "customer_id,full_name,"
                                     "date_of_birth,birth_year,street_address,region\n",
                                     "job.py": '''\
import pandas as pd

cust = pd.read_csv("data/customers.csv")
cust.groupby("date_of_birth").size().to_csv("/tmp/by_dob.csv")
cust.groupby("street_address").size().to_csv("/tmp/by_street.csv")
cust.groupby("birth_year").size().to_csv("/tmp/by_year.csv")
cust.groupby("region").size().to_csv("/tmp/by_region.csv")
'''})
    run = run_lacuna("check", "--format", "json", ".", cwd=project)
    tiers = {f["operation"]["destination"]["name"]: f["classification"]["tier"]
             for f in json.loads(run.stdout)["findings"] if f["operation"]["action"] == "export"}
    assert tiers == {"/tmp/by_dob.csv": "PROPRIETARY", "/tmp/by_street.csv": "PROPRIETARY",
                     "/tmp/by_year.csv": "INTERNAL", "/tmp/by_region.csv": "INTERNAL"}


def test_a_count_per_value_is_a_summary_of_values_that_single_no_one_out(
        tmp_path: Path) -> None:
    """`value_counts()` lists the values it counts: per e-mail or per date of birth it lists
    people (it was read as a list of values whatever they were, so a count per year of birth
    was blocked too); the year or month of a date of birth (`dt.year`, `dt.to_period`) is a part
    that singles no one out, and a named aggregation keeps each output column's own values:
    the latest sign-up date per country is a summary, the largest e-mail per country is not."""
    project = write_files(tmp_path, {"lacuna.toml": "embeddings = false\n",
                                     "data/customers.csv": "customer_id,email,full_name,"
                                     "date_of_birth,signup_date,country\n",
                                     "job.py": '''\
import pandas as pd

c = pd.read_csv("data/customers.csv", parse_dates=["date_of_birth", "signup_date"])
c["email"].value_counts().to_csv("/tmp/per_email.csv")
c["country"].value_counts().to_csv("/tmp/per_country.csv")
c["date_of_birth"].value_counts().to_csv("/tmp/per_dob.csv")
c["date_of_birth"].dt.year.value_counts().to_csv("/tmp/per_birth_year.csv")
c["date_of_birth"].dt.to_period("M").value_counts().to_csv("/tmp/per_birth_month.csv")
c.groupby("country")["email"].value_counts().to_csv("/tmp/emails_per_country.csv")
c.groupby("country").agg(latest=("signup_date", "max"), n=("customer_id", "count")).to_csv(
    "/tmp/latest.csv")
c.groupby("country").agg(top=("email", "max")).to_csv("/tmp/top_email.csv")
c.groupby("country").agg({"signup_date": "min", "customer_id": "nunique"}).to_csv(
    "/tmp/first.csv")
'''})
    run = run_lacuna("check", "--format", "json", ".", cwd=project)
    tiers = {f["operation"]["destination"]["name"]: f["classification"]["tier"]
             for f in json.loads(run.stdout)["findings"] if f["operation"]["action"] == "export"}
    assert tiers == {"/tmp/per_email.csv": "PROPRIETARY", "/tmp/per_country.csv": "INTERNAL",
                     "/tmp/per_dob.csv": "PROPRIETARY", "/tmp/per_birth_year.csv": "INTERNAL",
                     "/tmp/per_birth_month.csv": "INTERNAL",
                     "/tmp/emails_per_country.csv": "PROPRIETARY",
                     "/tmp/latest.csv": "INTERNAL", "/tmp/top_email.csv": "PROPRIETARY",
                     "/tmp/first.csv": "INTERNAL"}


def test_a_fitted_models_score_is_a_summary_of_its_rows(tmp_path: Path) -> None:
    """`model.fit(X, y)` then `model.score(X, y)`, and the chained `.fit(X, y).score(X, y)`:
    one number about the customers' rows, an aggregate derived from them, not their personal
    values (it carried the rows' PII to the tracker)."""
    project = write_files(tmp_path, {"data/customers.csv":
                                     "customer_id,email,date_of_birth,zip,plan,tenure\n",
                                     "train.py": '''\
import pandas as pd
import wandb
from sklearn.linear_model import LogisticRegression

df = pd.read_csv("data/customers.csv")
X, y = df[["date_of_birth", "zip", "tenure"]], df["plan"]
model = LogisticRegression()
model.fit(X, y)
run = wandb.init(project="churn")
run.log({"accuracy": model.score(X, y)})
run.log({"r2": LogisticRegression().fit(X, y).score(X, y)})
'''})
    run = run_lacuna("check", ".", "--format", "json", cwd=project)
    logged = [f for f in json.loads(run.stdout)["findings"]
              if f["operation"]["action"] == "export"]
    assert [(f["operation"]["location"]["line"], f["classification"]["tier"],
             f["classification"]["tags"]) for f in logged] == [
        (10, "INTERNAL", ["DERIVED_FROM_PROPRIETARY"]),
        (11, "INTERNAL", ["DERIVED_FROM_PROPRIETARY"])]
