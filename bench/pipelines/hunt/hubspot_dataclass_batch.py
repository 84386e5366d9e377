import csv
from dataclasses import asdict, dataclass

import httpx


@dataclass
class Contact:
    email: str
    phone: str
    country: str


def load():
    with open("data/customers.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            yield Contact(row["email"], row["phone"], row["country"])


with httpx.Client(base_url="https://api.hubapi.com") as client:
    batch = [asdict(c) for c in load()]
    client.post("/crm/v3/objects/contacts/batch/create", json={"inputs": batch})
