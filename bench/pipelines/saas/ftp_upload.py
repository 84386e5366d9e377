# The print shop only takes FTP. Mailing labels for the catalogue campaign.
from ftplib import FTP_TLS

import pandas as pd

customers = pd.read_csv("data/customers.csv")
labels = customers[["first_name", "last_name", "street_address", "city", "postcode", "country"]]
labels.to_csv("outbox/mailing_labels.csv", index=False)

ftp = FTP_TLS("ftp.printshop.example")
ftp.login("acme", "not-a-real-password")
ftp.prot_p()
with open("outbox/mailing_labels.csv", "rb") as fh:
    ftp.storbinary("STOR mailing_labels.csv", fh)
ftp.quit()
