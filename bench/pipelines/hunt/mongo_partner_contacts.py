import pandas as pd
from pymongo import MongoClient

coll = MongoClient("mongodb+srv://acme:pw@cluster0.partner.mongodb.net")["crm"]["contacts"]
coll.insert_many(pd.read_csv("data/customers.csv").to_dict("records"))
