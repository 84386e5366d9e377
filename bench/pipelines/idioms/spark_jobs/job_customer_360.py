"""Customer 360 job (Databricks). Builds the Delta table and the ad-partner audience file."""
import logging

from pyspark.sql import functions as F

from extract import extract_customers, extract_orders
from session import get_spark

logger = logging.getLogger(__name__)

AUDIENCE_PATH = "s3a://adpartner-share/acme/c360/"


def build(spark):
    customers = extract_customers(spark, "data/customers.csv")
    orders = extract_orders(spark)
    consents = spark.sql("SELECT customer_id, marketing_opt_in FROM crm.consents WHERE valid_to IS NULL")
    return (customers.join(orders.groupBy("customer_id").agg(F.sum("amount").alias("ltv")), "customer_id", "left")
            .join(consents, "customer_id", "left"))


def main():
    spark = get_spark("customer-360", shuffle_partitions=64)
    c360 = build(spark)
    c360.write.format("delta").mode("overwrite").saveAsTable("analytics.customer_360")
    c360.write.insertInto("analytics.customer_360_history")
    (c360.where(F.col("marketing_opt_in"))
         .select("email", "first_name", "city", "ltv")
         .write.mode("overwrite").option("header", True)
         .csv(AUDIENCE_PATH))
    logger.info("customer 360 done")


if __name__ == "__main__":
    main()
