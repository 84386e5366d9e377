"""Nightly extract of top-rated riders for the insurance partner."""
import etl
from etl import partner

riders = etl.read_table("riders", dtype={"home_zip": str})
top = riders[riders.rating >= 4.8]
partner.upload(top, etl.slugify("Top Riders") + ".csv")
partner.upload(top[["rider_id", "rating"]], "top_rider_ids.csv")
