# churn_explainer.py -- personalised "why are you leaving" emails drafted by the LLM
# TODO(jk): move prompt into a template file, this is getting long
import os
import logging
import pandas as pd
import openai

logger = logging.getLogger(__name__)

openai.api_key = os.getenv("OPENAI_API_KEY")
client = openai.OpenAI()

customers = pd.read_csv("data/customers.csv")
scores = pd.read_parquet("warehouse/churn_scores.parquet")
at_risk = customers.merge(scores, on="customer_id")
at_risk = at_risk[at_risk.churn_probability > 0.7]

drafts = []
for _, row in at_risk.iterrows():
    prompt = (
        f"Write a short, friendly retention email to {row['first_name']} {row['last_name']} "
        f"({row['email']}). They signed up on {row['signup_date']} and are on the "
        f"{row['plan']} plan. Offer 20% off the next 3 months."
    )
    completion = client.chat.completions.create(
        model="gpt-4o",
        messages=[
            {"role": "system", "content": "You write marketing emails for Acme."},
            {"role": "user", "content": prompt},
        ],
        max_tokens=400,
    )
    drafts.append({"customer_id": row["customer_id"], "draft": completion.choices[0].message.content})

out = pd.DataFrame(drafts)
out.to_parquet("warehouse/retention_drafts.parquet")
logger.info("wrote %s drafts", len(out))
