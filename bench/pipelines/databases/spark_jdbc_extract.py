"""Spark job: read customers over JDBC, join card transactions, drop to the fraud vendor's bucket."""
import sys

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

JDBC_URL = "jdbc:postgresql://crm-db:5432/crm"
PROPS = {"user": "spark_ro", "password": "***", "driver": "org.postgresql.Driver"}


def main(run_date):
    spark = (SparkSession.builder.appName("fraud-vendor-export")
             .config("spark.sql.shuffle.partitions", "64").getOrCreate())

    customers = spark.read.jdbc(JDBC_URL, "crm.customers", properties=PROPS)
    txns = (spark.read.format("jdbc")
            .option("url", JDBC_URL)
            .option("dbtable", "payments.transactions")
            .options(**PROPS)
            .load()
            .where(F.col("txn_date") == run_date))

    joined = txns.join(customers, "customer_id").select("txn_id", "card_number", "amount", "email", "phone")
    joined.write.mode("overwrite").csv(f"s3a://fraudwatch-inbound/acme/{run_date}/", header=True)
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "2024-06-30")
