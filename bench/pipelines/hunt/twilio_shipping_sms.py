import pandas as pd
from twilio.rest import Client

client = Client("AC", "tok")
df = pd.read_csv("data/customers.csv")
for row in df.itertuples():
    client.messages.create(to=row.phone, from_="+15550000", body=f"Hi {row.first_name}, your order shipped!")
