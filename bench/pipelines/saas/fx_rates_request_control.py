"""Control: fetches public FX rates through `request("GET", ...)` and converts the daily sales
totals; nothing personal is read and only governed reports are written."""
import pandas as pd
import requests

RATES_URL = "https://api.exchange-rates.example/latest?base=GBP"

rates = requests.request("GET", RATES_URL, timeout=20).json()["rates"]
sales = pd.read_csv("data/sales_daily.csv")
by_region = sales.groupby("region", as_index=False)["revenue"].sum()
by_region["revenue_eur"] = by_region["revenue"] * rates["EUR"]
by_region.to_csv("reports/revenue_by_region_eur.csv", index=False)
