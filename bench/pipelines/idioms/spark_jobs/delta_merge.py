# Upsert the day's CRM changes into the customer 360 Delta table.
import sys

from delta.tables import DeltaTable

from session import get_spark

spark = get_spark("c360-merge")
run_date = sys.argv[1] if len(sys.argv) > 1 else "2024-06-30"

updates = (spark.read.format("delta")
           .load("s3a://acme-governed/delta/crm_customer_updates")
           .where(f"change_date = '{run_date}'"))

target = DeltaTable.forName(spark, "analytics.customer_360")
(target.alias("t")
 .merge(updates.alias("s"), "t.customer_id = s.customer_id")
 .whenMatchedUpdateAll()
 .whenNotMatchedInsertAll()
 .execute())

spark.sql("OPTIMIZE analytics.customer_360 ZORDER BY (customer_id)")
