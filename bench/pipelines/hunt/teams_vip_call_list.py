import pandas as pd
import pymsteams

df = pd.read_csv("data/customers.csv")
vip = df.loc[df.country.isin(["US", "CA"]), ["first_name", "phone"]]
card = pymsteams.connectorcard("https://acme.webhook.office.com/webhookb2/xyz")
card.text("VIPs to call today:\n" + "\n".join(f"- {n}: {p}" for n, p in vip.itertuples(index=False)))
card.send()
