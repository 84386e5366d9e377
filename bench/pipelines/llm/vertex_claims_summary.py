"""Summarise last week's insurance claims per patient for the care team (Vertex AI)."""
import logging
import sys

import vertexai
from google.cloud import bigquery
from vertexai.generative_models import GenerationConfig, GenerativeModel

PROJECT = "acme-health-prod"
LOCATION = "europe-west4"

QUERY = """
SELECT p.patient_id, p.full_name, p.date_of_birth, c.diagnosis_code, c.claim_amount, c.claim_date
FROM `acme-health-prod.clinical.patients` p
JOIN `acme-health-prod.clinical.claims` c USING (patient_id)
WHERE c.claim_date >= DATE_SUB(CURRENT_DATE(), INTERVAL 7 DAY)
"""

logging.basicConfig(stream=sys.stdout, level=logging.INFO)


def fetch_claims():
    bq = bigquery.Client(project=PROJECT)
    return bq.query(QUERY).to_dataframe()


def summarise(df):
    vertexai.init(project=PROJECT, location=LOCATION)
    model = GenerativeModel("gemini-1.5-pro-002")
    summaries = {}
    for patient_id, rows in df.groupby("patient_id"):
        text = "\n".join(
            f"{r.full_name} (born {r.date_of_birth}): {r.diagnosis_code} on {r.claim_date}, {r.claim_amount} EUR"
            for r in rows.itertuples()
        )
        out = model.generate_content(
            "Summarise these claims for a nurse in two sentences:\n" + text,
            generation_config=GenerationConfig(temperature=0.2),
        )
        summaries[patient_id] = out.text
    return summaries


if __name__ == "__main__":
    claims = fetch_claims()
    logging.info("claims fetched: %s", len(claims))
    for pid, s in summarise(claims).items():
        logging.info("patient %s summarised (%d chars)", pid, len(s))
