"""Depot capacity for the facilities dashboard (no personal data)."""
import etl.io

depots = etl.io.read_table("depots")
depots.groupby("city").capacity.sum().to_csv("reports/depot_capacity.csv")
