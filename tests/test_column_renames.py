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
