"""Renamed columns carry what they carried: selecting the new names of the e-mail and name
columns is not a projection that dropped every personal column. A selected name Lacuna cannot
trace to a column keeps everything, since what it holds cannot be told."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_lacuna, write_files

CUSTOMERS = "customer_id,email,full_name,phone,region\n1,ada@example.com,Ada,555,north\n"


def test_renamed_personal_columns_are_still_personal(tmp_path: Path) -> None:
    project = write_files(tmp_path, {"lacuna.toml": "embeddings = false\n",
                                     "data/customers.csv": CUSTOMERS, "job.py": '''\
import pandas as pd

raw = pd.read_csv("data/customers.csv")
slim = raw.rename(columns={"email": "contact", "full_name": "who"})
slim[["contact", "who"]].to_csv("/tmp/contacts.csv")
slim[["region"]].to_csv("/tmp/regions.csv")
raw.columns = ["cid", "c1", "c2", "c3", "c4"]
raw[["c1", "c2"]].to_csv("/tmp/positional.csv")
raw[["c4"]].to_csv("/tmp/positional_region.csv")
frame = pd.read_csv("data/customers.csv")
frame[["region", "segment"]].to_csv("/tmp/unknown_name.csv")
'''})
    run = run_lacuna("check", ".", "--format", "json", cwd=project)
    assert run.code == 1, run.stderr
    exports = {f["operation"]["destination"]["name"]: (f["classification"]["tier"],
                                                       f["decision"]["allowed"])
               for f in json.loads(run.stdout)["findings"] if f["operation"]["action"] == "export"}
    assert exports == {
        "/tmp/contacts.csv": ("PROPRIETARY", False),
        "/tmp/regions.csv": ("INTERNAL", True),
        "/tmp/positional.csv": ("PROPRIETARY", False),
        "/tmp/positional_region.csv": ("INTERNAL", True),
        "/tmp/unknown_name.csv": ("PROPRIETARY", False),
    }


def test_spark_renames_carry_the_columns(tmp_path: Path) -> None:
    """`withColumnRenamed("email", "contact")` and `toDF(...)` in order."""
    project = write_files(tmp_path, {"lacuna.toml": "embeddings = false\n",
                                     "data/customers.csv": CUSTOMERS, "job.py": '''\
from pyspark.sql import SparkSession

spark = SparkSession.builder.getOrCreate()
df = spark.read.csv("data/customers.csv", header=True)
df.withColumnRenamed("email", "contact").select("contact").write.csv("/tmp/spark_contacts")
df.toDF("a", "b", "c", "d", "e").select("e").write.csv("/tmp/spark_regions")
'''})
    run = run_lacuna("check", ".", "--format", "json", cwd=project)
    exports = {f["operation"]["destination"]["name"]: (f["classification"]["tier"],
                                                       f["decision"]["allowed"])
               for f in json.loads(run.stdout)["findings"] if f["operation"]["action"] == "export"}
    assert exports == {"/tmp/spark_contacts": ("PROPRIETARY", False),
                       "/tmp/spark_regions": ("INTERNAL", True)}


def test_names_made_from_the_old_ones_are_followed(tmp_path: Path) -> None:
    """Column names normalised the usual ways (`[c.upper() for c in df.columns]`,
    `df.columns.str.strip().str.upper()`, `rename(columns=str.upper)`, a lambda): the selected
    new names of non-personal columns are internal data, of personal ones personal."""
    project = write_files(tmp_path, {"lacuna.toml": "embeddings = false\n",
                                     "data/customers.csv": CUSTOMERS, "job.py": '''\
import pandas as pd

a = pd.read_csv("data/customers.csv")
a.columns = [c.upper() for c in a.columns]
a[["REGION"]].to_csv("/tmp/a_region.csv")
a[["EMAIL"]].to_csv("/tmp/a_email.csv")
b = pd.read_csv("data/customers.csv")
b.columns = b.columns.str.strip().str.upper()
b[["REGION"]].to_csv("/tmp/b_region.csv")
c = pd.read_csv("data/customers.csv").rename(columns=str.upper)
c[["REGION"]].to_csv("/tmp/c_region.csv")
d = pd.read_csv("data/customers.csv").rename(columns=lambda x: x.replace("_", "-"))
d[["full-name"]].to_csv("/tmp/d_name.csv")
'''})
    assert _exports(project) == {
        "/tmp/a_region.csv": ("INTERNAL", True), "/tmp/a_email.csv": ("PROPRIETARY", False),
        "/tmp/b_region.csv": ("INTERNAL", True), "/tmp/c_region.csv": ("INTERNAL", True),
        "/tmp/d_name.csv": ("PROPRIETARY", False)}


def test_personal_columns_removed_the_usual_ways_leave_internal_data(tmp_path: Path) -> None:
    """`read_csv(usecols=...)`, `drop(..., inplace=True)`, `del df[col]` in a loop, Spark's
    `drop("a", "b")`, a `pivot_table` by region: what is left holds no personal column; a
    pivot by e-mail keeps them."""
    project = write_files(tmp_path, {"lacuna.toml": "embeddings = false\n",
                                     "data/customers.csv": CUSTOMERS, "job.py": '''\
import pandas as pd
from pyspark.sql import SparkSession

PII = ["customer_id", "email", "full_name", "phone"]
pd.read_csv("data/customers.csv", usecols=["region"]).to_csv("/tmp/usecols.csv")
inplace = pd.read_csv("data/customers.csv")
inplace.drop(columns=PII, inplace=True)
inplace.to_csv("/tmp/inplace.csv")
deleted = pd.read_csv("data/customers.csv")
for column in PII:
    del deleted[column]
deleted.to_csv("/tmp/deleted.csv")
spark = SparkSession.builder.getOrCreate()
people = spark.read.csv("data/customers.csv", header=True)
people.drop("customer_id", "email", "full_name", "phone").write.csv("/tmp/spark_drop")
frame = pd.read_csv("data/customers.csv")
frame.pivot_table(index="region", values="phone", aggfunc="count").to_csv("/tmp/by_region.csv")
frame.pivot_table(index="email", values="region", aggfunc="count").to_csv("/tmp/by_email.csv")
'''})
    assert _exports(project) == {
        "/tmp/usecols.csv": ("INTERNAL", True), "/tmp/inplace.csv": ("INTERNAL", True),
        "/tmp/deleted.csv": ("INTERNAL", True), "/tmp/spark_drop": ("INTERNAL", True),
        "/tmp/by_region.csv": ("INTERNAL", True), "/tmp/by_email.csv": ("PROPRIETARY", False)}


def _exports(project: Path) -> dict[str, tuple[str, bool]]:
    run = run_lacuna("check", ".", "--format", "json", cwd=project)
    assert run.code in (0, 1), run.stderr
    return {f["operation"]["destination"]["name"]: (f["classification"]["tier"],
                                                    f["decision"]["allowed"])
            for f in json.loads(run.stdout)["findings"] if f["operation"]["action"] == "export"}


def test_spark_aggregates_written_with_column_functions_summarise(tmp_path: Path) -> None:
    """`agg(F.sum("qty").alias("units"), F.countDistinct("customer_id"))` by region summarises
    the people (a `.toPandas()` after it changes nothing); `F.collect_list("email")` lists
    them."""
    project = write_files(tmp_path, {"lacuna.toml": "embeddings = false\n",
                                     "data/customers.csv": CUSTOMERS, "job.py": '''\
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

spark = SparkSession.builder.getOrCreate()
people = spark.read.csv("data/customers.csv", header=True)
people.groupBy("region").agg(F.count("customer_id").alias("n"),
                             F.countDistinct("email")).toPandas().to_csv("/tmp/counts.csv")
people.groupBy("region").agg(F.collect_list("email").alias("emails")).write.csv("/tmp/lists")
'''})
    assert _exports(project) == {"/tmp/counts.csv": ("INTERNAL", True),
                                 "/tmp/lists": ("PROPRIETARY", False)}


def test_columns_selected_by_code_are_worked_out(tmp_path: Path) -> None:
    """`filter(items=...)`, `filter(regex=...)`, a comprehension over `df.columns` keeping what
    is not personal, `df.columns.difference(PII)`, polars' `pl.exclude(PII)` and a list joined
    with `+`: projections of the named columns; a comprehension keeping the personal ones, or
    one whose test cannot be told, keeps them."""
    project = write_files(tmp_path, {"lacuna.toml": "embeddings = false\n",
                                     "data/customers.csv": CUSTOMERS, "job.py": '''\
import pandas as pd
import polars as pl

PII = ["customer_id", "email", "full_name", "phone"]
SHARED = ["region"]
df = pd.read_csv("data/customers.csv")
df.filter(items=["region"]).to_csv("/tmp/items.csv")
df.filter(regex="^reg").to_csv("/tmp/regex.csv")
df[[c for c in df.columns if c not in PII]].to_csv("/tmp/comprehension.csv")
df[[c for c in df.columns if c in PII]].to_csv("/tmp/personal.csv")
df[[c for c in df.columns if keep(c)]].to_csv("/tmp/unknown_test.csv")
df[df.columns.difference(PII)].to_csv("/tmp/difference.csv")
df[SHARED + ["region"]].to_csv("/tmp/joined_lists.csv")
pl.read_csv("data/customers.csv").select(pl.exclude(PII)).write_csv("/tmp/exclude.csv")
'''})
    assert _exports(project) == {
        "/tmp/items.csv": ("INTERNAL", True), "/tmp/regex.csv": ("INTERNAL", True),
        "/tmp/comprehension.csv": ("INTERNAL", True),
        "/tmp/personal.csv": ("PROPRIETARY", False),
        "/tmp/unknown_test.csv": ("PROPRIETARY", False),
        "/tmp/difference.csv": ("INTERNAL", True), "/tmp/joined_lists.csv": ("INTERNAL", True),
        "/tmp/exclude.csv": ("INTERNAL", True)}


def test_one_column_of_a_frame_is_what_that_column_holds(tmp_path: Path) -> None:
    """`df["region"]`, `df.region.value_counts()`, `row.region` in a message: the region alone,
    internal; the e-mail column, a column copied from it, its value counts and counts grouped
    by it stay personal."""
    project = write_files(tmp_path, {"lacuna.toml": "embeddings = false\n",
                                     "data/customers.csv": CUSTOMERS, "job.py": '''\
import pandas as pd

df = pd.read_csv("data/customers.csv")
df["region"].to_csv("/tmp/region.csv")
df.region.value_counts().to_csv("/tmp/region_counts.csv")
df.email.value_counts().to_csv("/tmp/email_counts.csv")
df["contact"] = df["email"]
df["contact"].to_csv("/tmp/contact.csv")
df.groupby("email")["region"].count().to_csv("/tmp/per_email.csv")
for row in df.itertuples():
    print(f"{row.region}")
'''})
    assert _exports(project) == {
        "/tmp/region.csv": ("INTERNAL", True), "/tmp/region_counts.csv": ("INTERNAL", True),
        "/tmp/email_counts.csv": ("PROPRIETARY", False),
        "/tmp/contact.csv": ("PROPRIETARY", False), "/tmp/per_email.csv": ("PROPRIETARY", False),
        "stdout": ("INTERNAL", True)}


def test_a_helper_dropping_the_personal_columns_of_what_it_is_given(tmp_path: Path) -> None:
    """`def drop_pii(df): return df.drop(columns=PERSONAL)` called on the customers: what is
    left holds no personal column, as the same drop written inline leaves none; a helper
    dropping only the e-mail leaves the name and phone."""
    project = write_files(tmp_path, {"lacuna.toml": "embeddings = false\n",
                                     "data/customers.csv": CUSTOMERS, "job.py": '''\
import pandas as pd

PERSONAL = ["customer_id", "email", "full_name", "phone"]


def drop_pii(df):
    return df.drop(columns=PERSONAL)


def drop_email(df):
    return df.drop(columns=["email"])


customers = pd.read_csv("data/customers.csv")
drop_pii(customers).to_csv("/tmp/no_pii.csv")
drop_email(customers).to_csv("/tmp/no_email.csv")
'''})
    assert _exports(project) == {"/tmp/no_pii.csv": ("INTERNAL", True),
                                 "/tmp/no_email.csv": ("PROPRIETARY", False)}


def test_a_frame_rebuilt_from_its_values_under_new_names_keeps_everything(
        tmp_path: Path) -> None:
    """`pd.DataFrame(df.values, columns=[...])`: `.values` is the whole frame, not a column
    named `values`, so the new names selected afterwards may be any of its columns."""
    project = write_files(tmp_path, {"lacuna.toml": "embeddings = false\n",
                                     "data/customers.csv": CUSTOMERS, "job.py": '''\
import pandas as pd

df = pd.read_csv("data/customers.csv")
out = pd.DataFrame(df.values, columns=["k", "a", "b", "c", "r"])
out[["a", "b"]].to_csv("/tmp/rebuilt.csv")
'''})
    assert _exports(project) == {"/tmp/rebuilt.csv": ("PROPRIETARY", False)}


def test_a_column_hashed_by_a_function_of_the_file_is_pseudonymised(tmp_path: Path) -> None:
    """`df["key"] = df["email"].map(pseudo)` with `pseudo` hashing its argument: the new
    column is anonymized, so with the e-mail and name dropped nothing personal is left; a
    column copied by a function that does not hash stays the e-mail, even one named as a
    masking function (`mask_email`, a stub that returns its argument: it was taken for a
    mask by its name)."""
    project = write_files(tmp_path, {"lacuna.toml": "embeddings = false\n",
                                     "data/customers.csv": CUSTOMERS, "job.py": '''\
import hashlib

import pandas as pd


def pseudo(value):
    return hashlib.sha256(("salt" + str(value)).encode()).hexdigest()


def lower(value):
    return str(value).lower()


def mask_email(value):
    # TODO: mask
    return value


df = pd.read_csv("data/customers.csv")
df["key"] = df["email"].map(pseudo)
df["contact"] = df["email"].map(lower)
df["masked"] = df["email"].map(mask_email)
df.drop(columns=["email", "full_name", "phone", "contact", "masked"]).to_csv("/tmp/pseudo.csv")
df[["contact"]].to_csv("/tmp/contact.csv")
df[["masked"]].to_csv("/tmp/masked.csv")
'''})
    assert _exports(project) == {"/tmp/pseudo.csv": ("INTERNAL", True),
                                 "/tmp/contact.csv": ("PROPRIETARY", False),
                                 "/tmp/masked.csv": ("PROPRIETARY", False)}


def test_a_merge_names_the_columns_both_frames_hold_with_their_suffixes(tmp_path: Path) -> None:
    """pandas' merge on a key renames a column both frames hold: `region_x`/`region_y` (or
    the call's `suffixes=`) are the frames' regions, `email_y` the customers' e-mail; suffixes
    computed at run time leave the names unknown, so a selection keeps everything. A merge
    without keys joins on every shared column and renames none."""
    project = write_files(tmp_path, {
        "lacuna.toml": "embeddings = false\n", "data/customers.csv": CUSTOMERS,
        "data/orders.csv": "order_id,customer_id,region,amount,email\n1,1,north,3,a@b.example\n",
        "job.py": '''\
import os

import pandas as pd

customers = pd.read_csv("data/customers.csv")
orders = pd.read_csv("data/orders.csv")
merged = orders.merge(customers, on="customer_id")
merged[["region_x", "amount"]].to_csv("/tmp/regions.csv")
merged[["email_y", "amount"]].to_csv("/tmp/emails.csv")
named = pd.merge(orders, customers, on="customer_id", suffixes=("_order", "_customer"))
named[["region_customer", "amount"]].to_csv("/tmp/named_regions.csv")
named[["email_customer"]].to_csv("/tmp/named_emails.csv")
computed = orders.merge(customers, on="customer_id", suffixes=os.environ["SUFFIXES"])
computed[["region_a"]].to_csv("/tmp/computed.csv")
natural = orders.merge(customers)
natural[["region", "amount"]].to_csv("/tmp/natural.csv")
pd.merge(left=orders, right=customers, on="customer_id").to_csv("/tmp/keywords.csv")
'''})
    run = run_lacuna("check", ".", "--format", "json", cwd=project)
    assert run.code == 1, run.stderr
    exports = {f["operation"]["destination"]["name"]: f["classification"]["tier"]
               for f in json.loads(run.stdout)["findings"] if f["operation"]["action"] == "export"}
    assert exports == {"/tmp/regions.csv": "INTERNAL", "/tmp/emails.csv": "PROPRIETARY",
                       "/tmp/named_regions.csv": "INTERNAL",
                       "/tmp/named_emails.csv": "PROPRIETARY",
                       "/tmp/computed.csv": "PROPRIETARY", "/tmp/natural.csv": "INTERNAL",
                       "/tmp/keywords.csv": "PROPRIETARY"}



def test_columns_blanked_or_left_out_by_a_mask_are_gone(tmp_path: Path) -> None:
    """A column overwritten with a constant (`df["phone"] = "REDACTED"`, `= None`) holds
    nothing personal; `df.loc[:, ~df.columns.isin(PII)]` keeps the other columns,
    `df.loc[:, df.columns.isin(PII)]` only those named, `df.iloc[:, 4:5]` those at places
    written out against the known header."""
    project = write_files(tmp_path, {"lacuna.toml": "embeddings = false\n",
                                     "data/customers.csv": CUSTOMERS, "job.py": '''\
import pandas as pd

PII = ["customer_id", "email", "full_name", "phone"]
df = pd.read_csv("data/customers.csv")
blanked = df.copy()
blanked["phone"] = "REDACTED"
blanked["email"] = None
blanked["full_name"] = 0
blanked[["phone", "email", "full_name", "region"]].to_csv("/tmp/blanked.csv")
df.loc[:, ~df.columns.isin(PII)].to_csv("/tmp/regions.csv")
df.loc[:, df.columns.isin(PII)].to_csv("/tmp/people.csv")
df.iloc[:, 4:5].to_csv("/tmp/by_position.csv")
df.iloc[:, [1, 4]].to_csv("/tmp/emails_by_position.csv")
df["phone"] = df["email"]
df[["phone", "region"]].to_csv("/tmp/copied.csv")
'''})
    assert _exports(project) == {"/tmp/blanked.csv": ("INTERNAL", True),
                                 "/tmp/regions.csv": ("INTERNAL", True),
                                 "/tmp/people.csv": ("PROPRIETARY", False),
                                 "/tmp/by_position.csv": ("INTERNAL", True),
                                 "/tmp/emails_by_position.csv": ("PROPRIETARY", False),
                                 "/tmp/copied.csv": ("PROPRIETARY", False)}
