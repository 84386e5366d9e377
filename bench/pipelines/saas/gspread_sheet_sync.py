"""Mirror the leads table into the sales team's Google Sheet (they live in Sheets...)."""
import gspread
import pandas as pd

SHEET_KEY = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"

gc = gspread.service_account(filename="secrets/gsheets-sa.json")
sh = gc.open_by_key(SHEET_KEY)
ws = sh.worksheet("Leads")

leads = pd.read_csv("data/leads.csv").fillna("")
ws.clear()
ws.update([leads.columns.values.tolist()] + leads.values.tolist())
sh.worksheet("Meta").update_acell("B1", f"{len(leads)} rows")
