"""Monthly ticket counts per priority for the support lead's workbook (counts only)."""
import pandas as pd
import xlsxwriter

tickets = pd.read_csv("data/support_tickets.csv")
counts = tickets.groupby("priority").size()

book = xlsxwriter.Workbook("reports/ticket_counts.xlsx")
sheet = book.add_worksheet("counts")
sheet.write_row(0, 0, ["priority", "tickets"])
for r, (priority, n) in enumerate(counts.items(), start=1):
    sheet.write_row(r, 0, [priority, int(n)])
book.close()
