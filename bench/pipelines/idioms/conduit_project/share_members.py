"""Hand this month's member list to the mailing vendor's drop folder (MKT-88)."""
from common.fileio import ROOT, csv_to_parquet

csv_to_parquet(ROOT / "data" / "members.csv", "/mnt/vendor_drop/members.parquet")
