"""Weekly: the opted-out customers go to the agency that runs the campaigns."""
import pandas as pd

from mailer import send_report

customers = pd.read_csv("data/customers.csv")
send_report(customers[["email", "first_name"]])
