from pyspark.sql import SparkSession


def get_spark(app_name, shuffle_partitions=200):
    return (
        SparkSession.builder.appName(app_name)
        .config("spark.sql.shuffle.partitions", shuffle_partitions)
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .enableHiveSupport()
        .getOrCreate()
    )
