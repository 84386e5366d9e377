"""Spark writes that do not end in a writer terminal with a path, through the CLI: Delta
merges (`DeltaTable.forPath(...).merge(...).execute()`), and structured-streaming sinks whose
path is an option, an argument of `start`, or a table (`toTable`). A sink with no path is a
destination computed at run time, never a silent one."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_lacuna, write_files

PAYMENTS = "txn_id,customer_id,card_number,amount\n"


def _writes(project: Path) -> dict[int, tuple[str, tuple[str, ...], bool]]:
    run = run_lacuna("extract", ".", "--format", "json", cwd=project)
    assert run.code == 0, run.stderr
    return {o["location"]["line"]: ((o["destination"] or {}).get("name", ""),
                                    tuple(s["name"] for s in o["sources"]), o["dynamic"])
            for o in json.loads(run.stdout)["operations"]
            if o["action"] in ("write", "export")}


def test_delta_merges_write_the_merged_rows_into_their_table_or_path(tmp_path: Path) -> None:
    project = write_files(tmp_path, {"data/payments.csv": PAYMENTS, "upsert.py": '''\
from delta.tables import DeltaTable
from pyspark.sql import SparkSession

spark = SparkSession.builder.getOrCreate()
staged = spark.read.option("header", True).csv("data/payments.csv")
lake = DeltaTable.forPath(spark, "s3a://lake/payments")
lake.alias("t").merge(staged.alias("s"), "t.txn_id = s.txn_id").whenMatchedUpdateAll().execute()
DeltaTable.forName(spark, "finance.payments").merge(
    staged.alias("s"), "t.txn_id = s.txn_id").whenNotMatchedInsertAll().execute()
DeltaTable.forPath(spark, spark.conf.get("target")).merge(staged, "x").execute()
'''})
    writes = _writes(project)
    assert writes[7] == ("s3a://lake/payments", ("data/payments.csv",), False)
    assert writes[9] == ("finance.payments", ("data/payments.csv",), False)
    assert writes[10][1:] == (("data/payments.csv",), True)  # a path known at run time


def test_streaming_sinks_write_to_their_path_option_start_path_or_table(tmp_path: Path
                                                                        ) -> None:
    project = write_files(tmp_path, {"data/payments.csv": PAYMENTS, "stream.py": '''\
from pyspark.sql import SparkSession

spark = SparkSession.builder.getOrCreate()
events = spark.readStream.option("header", True).csv("data/payments.csv")
(events.writeStream.format("parquet").option("path", "s3a://lake/raw/")
 .option("checkpointLocation", "s3a://lake/_chk/raw/").start())
events.writeStream.format("delta").start("s3a://lake/delta/")
events.writeStream.option("checkpointLocation", "s3a://lake/_chk/t/").toTable("lake.payments")
events.writeStream.format("kafka").option("topic", "payments").start()
'''})
    writes = _writes(project)
    source = ("data/payments.csv",)
    assert writes[6] == ("s3a://lake/raw/", source, False)
    assert writes[7] == ("s3a://lake/delta/", source, False)
    assert writes[8] == ("lake.payments", source, False)
    assert writes[9][1:] == (source, True)  # no path: computed at run time, still reported
