"""Push new leads to the HubSpot CRM through their contacts API (PythonOperator + op_kwargs)."""
import json
import logging
from datetime import datetime

import pandas as pd
import requests
from airflow import DAG
from airflow.models import Variable
from airflow.operators.python import PythonOperator

log = logging.getLogger(__name__)


def push_contacts(path, url, batch_size=100):
    token = Variable.get("hubspot_token")
    leads = pd.read_csv(path)
    records = leads[["email", "first_name", "last_name", "phone", "company"]].to_dict("records")
    for i in range(0, len(records), batch_size):
        chunk = records[i:i + batch_size]
        body = {"inputs": [{"properties": r} for r in chunk]}
        resp = requests.post(url, data=json.dumps(body),
                             headers={"Authorization": f"Bearer {token}",
                                      "Content-Type": "application/json"}, timeout=30)
        resp.raise_for_status()
    log.info("pushed %d contacts", len(records))


with DAG("hubspot_contacts_push", start_date=datetime(2024, 3, 1), schedule="@hourly", catchup=False) as dag:
    PythonOperator(
        task_id="push",
        python_callable=push_contacts,
        op_kwargs={"path": "data/leads.csv",
                   "url": "https://api.hubapi.com/crm/v3/objects/contacts/batch/create"},
    )
