# Two ways we send the HR report, depending on which box it runs on.
import base64
import os

import pandas as pd
import yagmail
from sendgrid import SendGridAPIClient
from sendgrid.helpers.mail import Attachment, Disposition, FileContent, FileName, FileType, Mail

REPORT = "reports/new_hires.xlsx"

hires = pd.read_csv("data/employees.csv")
hires.to_excel(REPORT, index=False)

if os.environ.get("USE_SENDGRID"):
    with open(REPORT, "rb") as f:
        encoded = base64.b64encode(f.read()).decode()
    message = Mail(from_email="hr-reports@acme.example", to_emails="payroll@outsourced-payroll.example",
                   subject="New hires", html_content="<p>See attachment</p>")
    message.attachment = Attachment(FileContent(encoded), FileName("new_hires.xlsx"),
                                    FileType("application/vnd.ms-excel"), Disposition("attachment"))
    SendGridAPIClient(os.environ["SENDGRID_API_KEY"]).send(message)
else:
    yag = yagmail.SMTP("hr.reports.acme@gmail.com")
    yag.send(to="payroll@outsourced-payroll.example", subject="New hires", contents="See attachment",
             attachments=[REPORT])
