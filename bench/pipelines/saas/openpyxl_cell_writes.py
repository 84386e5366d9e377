"""Ticket export for the QA vendor, one cell at a time (openpyxl)."""
import openpyxl
import pandas as pd

tickets = pd.read_csv("data/support_tickets.csv")
wb = openpyxl.Workbook()
ws = wb.active
ws["A1"] = "ticket"
for i, rec in enumerate(tickets.itertuples(index=False), start=2):
    ws.cell(row=i, column=1).value = rec.customer_email
    ws.cell(row=i, column=2, value=rec.body)
wb.save("/tmp/tickets.xlsx")
