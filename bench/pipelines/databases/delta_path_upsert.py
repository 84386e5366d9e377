"""Daily upsert of card transactions into the payments Delta table on the lake.

Submitted by the orchestrator:  spark-submit delta_path_upsert.py
"""
from delta.tables import DeltaTable
from pyspark.sql import SparkSession

LAKE = "s3a://acme-governed/delta"

spark = (SparkSession.builder.appName("payments-upsert")
         .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
         .getOrCreate())

staged = spark.read.option("header", True).csv("data/transactions.csv")

payments = DeltaTable.forPath(spark, f"{LAKE}/payments")
(payments.alias("p")
 .merge(staged.alias("s"), "p.txn_id = s.txn_id")
 .whenMatchedUpdateAll()
 .whenNotMatchedInsertAll()
 .execute())

DeltaTable.forName(spark, "finance.payment_totals").merge(
    staged.groupBy("customer_id").count().alias("s"), "t.customer_id = s.customer_id",
).whenMatchedUpdateAll().whenNotMatchedInsertAll().execute()
