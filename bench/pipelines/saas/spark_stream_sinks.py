"""Streaming jobs of the events team: raw orders from Kafka to the lake and to a table."""
from pyspark.sql import SparkSession
from pyspark.sql.functions import col, from_json

spark = SparkSession.builder.appName("orders-stream").getOrCreate()

orders = (spark.readStream.format("kafka")
          .option("kafka.bootstrap.servers", "kafka-1.internal:9092")
          .option("subscribe", "shop.orders")
          .load()
          .select(from_json(col("value").cast("string"), "order_id STRING, customer_email STRING, total DOUBLE").alias("o"))
          .select("o.*"))

raw = (orders.writeStream
       .format("delta")
       .option("checkpointLocation", "s3a://acme-governed/checkpoints/orders_raw/")
       .start("s3a://acme-governed/lake/orders_raw/"))

curated = (orders.where(col("total") > 0)
           .writeStream
           .option("checkpointLocation", "s3a://acme-governed/checkpoints/orders/")
           .toTable("lake.orders"))

spark.streams.awaitAnyTermination()
