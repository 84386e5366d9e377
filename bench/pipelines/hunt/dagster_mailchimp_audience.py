import mailchimp_marketing as mc
import pandas as pd
from dagster import asset


@asset
def raw_customers():
    return pd.read_csv("data/customers.csv")


@asset
def mailchimp_audience(raw_customers):
    client = mc.Client()
    client.set_config({"api_key": "k", "server": "us1"})
    members = [{"email_address": e, "status": "subscribed"} for e in raw_customers["email"]]
    client.lists.batch_list_members("list123", {"members": members})
