"""Structured streaming: click events from Kafka -> parquet in the governed lake."""
from pyspark.sql import SparkSession
from pyspark.sql.functions import col, from_json
from pyspark.sql.types import StringType, StructField, StructType, TimestampType

schema = StructType([
    StructField("user_id", StringType()),
    StructField("page", StringType()),
    StructField("ts", TimestampType()),
])

spark = SparkSession.builder.appName("clicks-stream").getOrCreate()

clicks = (spark.readStream.format("kafka")
          .option("kafka.bootstrap.servers", "kafka-1.internal:9092")
          .option("subscribe", "web.clicks")
          .load()
          .select(from_json(col("value").cast("string"), schema).alias("e"))
          .select("e.*"))

query = (clicks.writeStream.format("parquet")
         .option("path", "s3a://acme-governed/lake/clicks/")
         .option("checkpointLocation", "s3a://acme-governed/checkpoints/clicks/")
         .outputMode("append")
         .start())
query.awaitTermination()
