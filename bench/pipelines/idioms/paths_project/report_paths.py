# Weekly customer address report. Old-style paths (os.path + format strings) on purpose:
# this file predates our move to pathlib.
import datetime
import os

import pandas as pd

BASE_DIR = os.path.abspath(os.path.dirname(__file__))
DATA_DIR = os.path.join(BASE_DIR, "data")
REPORT_NAME = "addresses"

customers = pd.read_csv(f"{DATA_DIR}/customers.csv")
addresses = customers[["customer_id", "first_name", "street_address"]]

out_dir = os.path.expanduser("~/reports")
addresses.to_csv("{}/{}.csv".format(out_dir, REPORT_NAME), index=False)
addresses.to_json(os.path.join(BASE_DIR, "out", REPORT_NAME + ".json"), orient="records")
print("report written", datetime.date.today())
