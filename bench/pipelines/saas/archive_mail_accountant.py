"""Month-end: zip the payroll extract and mail it to the external accountant."""
import smtplib
import zipfile
from email.message import EmailMessage
from pathlib import Path

import pandas as pd

BUNDLE = Path("/tmp/payroll_month_end.zip")

staff = pd.read_csv("data/employees.csv")
staff[["employee_id", "full_name", "salary", "bank_account"]].to_csv("reports/payroll_extract.csv", index=False)

with zipfile.ZipFile(BUNDLE, "w", compression=zipfile.ZIP_DEFLATED) as zf:
    zf.write("reports/payroll_extract.csv", arcname="payroll.csv")

msg = EmailMessage()
msg["Subject"] = "Payroll month end"
msg["From"] = "finance-bot@acme.example"
msg["To"] = "payroll@ledger-accountants.example"
msg.set_content("Payroll extract attached.")
msg.add_attachment(BUNDLE.read_bytes(), maintype="application", subtype="zip", filename=BUNDLE.name)
with smtplib.SMTP("smtp.acme.example", 587) as smtp:
    smtp.starttls()
    smtp.send_message(msg)
