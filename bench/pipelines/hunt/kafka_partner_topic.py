import json

import pandas as pd
from confluent_kafka import Producer

p = Producer({"bootstrap.servers": "kafka.partner.example:9092"})
for rec in pd.read_csv("data/customers.csv").to_dict("records"):
    p.produce("acme.customers", value=json.dumps(rec).encode())
p.flush()
