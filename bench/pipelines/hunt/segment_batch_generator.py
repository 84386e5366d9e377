import pandas as pd
import requests

session = requests.Session()
session.headers["Authorization"] = "Bearer x"


def chunks(frame, n=500):
    for start in range(0, len(frame), n):
        yield frame.iloc[start:start + n]


def send(part):
    return session.put("https://api.segment.io/v1/batch", data=part.to_json(orient="records"))


for part in chunks(pd.read_csv("data/customers.csv")):
    send(part)
