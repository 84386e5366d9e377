"""Readers shared by the customer jobs."""


def extract_customers(spark, path):
    return (spark.read.option("header", True)
            .option("inferSchema", True)
            .csv(path))


def extract_orders(spark):
    return spark.table("sales.orders")
