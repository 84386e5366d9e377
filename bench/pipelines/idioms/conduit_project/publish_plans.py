"""Price list for the website build: plans and fees only, kept in the repository."""
from common.fileio import ROOT, csv_to_parquet, snapshot

csv_to_parquet(ROOT / "data" / "plans.csv", ROOT / "site" / "plans.parquet")
snapshot(ROOT / "data" / "plans.csv", ROOT / "site")
