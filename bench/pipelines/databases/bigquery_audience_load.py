"""Build the marketing audience in BigQuery from the CRM export + web events."""
from google.cloud import bigquery
import pandas as pd

PROJECT = "acme-marketing"
client = bigquery.Client(project=PROJECT)

events = client.query(
    "SELECT user_id, COUNT(*) AS visits FROM `acme-marketing.web.events` "
    "WHERE event_date >= DATE_SUB(CURRENT_DATE(), INTERVAL 30 DAY) GROUP BY user_id"
).to_dataframe()

users = pd.read_csv("data/users.csv")
audience = users.merge(events, on="user_id")

job = client.load_table_from_dataframe(
    audience, "acme-marketing.audiences.active_users",
    job_config=bigquery.LoadJobConfig(write_disposition="WRITE_TRUNCATE"),
)
job.result()

errors = client.insert_rows_json("acme-marketing.audiences.load_log",
                                 [{"table": "active_users", "rows": len(audience)}])
if errors:
    raise RuntimeError(errors)
