"""Builds the "customer book" workbook for the regional managers + caches frames for the app."""
import os
import pickle

import joblib
import numpy as np
import openpyxl
import pandas as pd
import xlsxwriter

customers = pd.read_csv("data/customers.csv")
transactions = pd.read_csv("data/transactions.csv")

# 1) openpyxl workbook, one sheet per city, saved to the manager's laptop sync folder
wb = openpyxl.Workbook()
wb.remove(wb.active)
for city, group in customers.groupby("city"):
    ws = wb.create_sheet(title=str(city)[:31])
    ws.append(list(group.columns))
    for row in group.itertuples(index=False):
        ws.append(list(row))
wb.save(os.path.expanduser("~/OneDrive/customer_book.xlsx"))

# 2) xlsxwriter version with formatting for the card team
book = xlsxwriter.Workbook("reports/card_transactions.xlsx")
sheet = book.add_worksheet("txns")
for r, rec in enumerate(transactions.itertuples(index=False)):
    sheet.write_row(r, 0, list(rec))
book.close()

# 3) caches for the Streamlit app (same server)
customers.to_pickle("warehouse/cache/customers.pkl")
with open("warehouse/cache/transactions.pkl", "wb") as fh:
    pickle.dump(transactions, fh)
joblib.dump(customers, "warehouse/cache/customers.joblib")
np.save("warehouse/cache/amounts.npy", transactions["amount"].to_numpy())
