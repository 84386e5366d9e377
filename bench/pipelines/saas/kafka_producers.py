"""Publish customer change events to the internal event bus (self-hosted Kafka in our VPC)."""
import json
import logging

import pandas as pd
from confluent_kafka import Producer
from kafka import KafkaProducer

logging.basicConfig(level=logging.INFO)
TOPIC = "crm.customer_changes"

changes = pd.read_csv("data/customers.csv")

producer = KafkaProducer(bootstrap_servers=["kafka-1.internal:9092"],
                         value_serializer=lambda v: json.dumps(v, default=str).encode())
for rec in changes.to_dict("records"):
    producer.send(TOPIC, value=rec, key=str(rec["customer_id"]).encode())
producer.flush()

# the new services use confluent-kafka
p = Producer({"bootstrap.servers": "kafka-1.internal:9092"})
for row in changes.itertuples(index=False):
    p.produce("crm.customer_changes.v2", key=str(row.customer_id), value=json.dumps(row._asdict(), default=str))
p.flush()
