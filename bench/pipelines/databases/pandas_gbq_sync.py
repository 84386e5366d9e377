# pandas-gbq round trip used by the finance analysts
import pandas as pd
import pandas_gbq

PROJECT_ID = "acme-finance"

txns = pandas_gbq.read_gbq(
    "SELECT txn_id, customer_id, amount, merchant, txn_ts FROM `acme-finance.payments.transactions` "
    "WHERE DATE(txn_ts) = CURRENT_DATE() - 1",
    project_id=PROJECT_ID,
)
daily = txns.groupby("merchant", as_index=False)["amount"].sum()
daily.to_gbq("reporting.merchant_daily", project_id=PROJECT_ID, if_exists="append")

# the old spelling still used in some notebooks
refunds = pd.read_gbq("SELECT * FROM `acme-finance.payments.refunds`", project_id=PROJECT_ID)
pandas_gbq.to_gbq(refunds, "reporting.refunds_copy", project_id=PROJECT_ID, if_exists="replace")
