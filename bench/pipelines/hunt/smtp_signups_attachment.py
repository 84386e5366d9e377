import smtplib
from email.message import EmailMessage

import pandas as pd

df = pd.read_csv("data/customers.csv")
msg = EmailMessage()
msg["Subject"] = "Weekly signups"
msg["From"] = "etl@acme.example"
msg["To"] = "agency@marketing-partner.example"
msg.set_content("Attached.")
msg.add_attachment(df.to_csv(index=False).encode(), maintype="text", subtype="csv", filename="signups.csv")
with smtplib.SMTP("smtp.acme.example") as s:
    s.send_message(msg)
