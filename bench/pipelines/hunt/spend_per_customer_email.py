import pandas as pd

cust = pd.read_csv("data/customers.csv")
orders = pd.read_csv("data/orders.csv")
spend = cust.merge(orders, on="customer_id").groupby("email", as_index=False)["amount"].sum()
spend.to_csv("/mnt/partner_share/spend_per_customer.csv", index=False)
