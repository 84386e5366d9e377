"""Emails the monthly churned-customer list to the retention agency. Run on the 1st (cron)."""
import smtplib
import ssl
from email import encoders
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

import pandas as pd

SMTP_HOST = "smtp.office365.com"
FROM = "reports@acme.example"
TO = "team@winback-agency.example"
ATTACHMENT = "reports/churned_customers.csv"

churned = pd.read_csv("data/customers.csv")
churned = churned[churned.plan == "cancelled"]
churned[["first_name", "last_name", "email", "phone"]].to_csv(ATTACHMENT, index=False)

msg = MIMEMultipart()
msg["From"], msg["To"], msg["Subject"] = FROM, TO, "Churned customers"
msg.attach(MIMEText("Hi, attached is this month's list.", "plain"))
part = MIMEBase("application", "octet-stream")
with open(ATTACHMENT, "rb") as fh:
    part.set_payload(fh.read())
encoders.encode_base64(part)
part.add_header("Content-Disposition", "attachment; filename=churned_customers.csv")
msg.attach(part)

with smtplib.SMTP(SMTP_HOST, 587) as server:
    server.starttls(context=ssl.create_default_context())
    server.login(FROM, "app-password-from-vault")
    server.sendmail(FROM, TO, msg.as_string())
