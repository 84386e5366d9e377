# Name our customer segments with Gemini (marketing asked for "human" names)
from google import genai
from google.genai import types
from pathlib import Path
import pandas as pd

client = genai.Client()  # GEMINI_API_KEY

segments = pd.read_parquet("warehouse/customer_segments.parquet")
customers = pd.read_csv("data/customers.csv", usecols=["customer_id", "first_name", "email", "city", "plan"])
sample = customers.merge(segments, on="customer_id").groupby("segment").head(25)

prompt = """Here are example customers of each segment. Give every segment a catchy
two-word name and one sentence describing it. Return JSON {segment: {name, blurb}}.

""" + sample.head(50).to_csv(index=False)

resp = client.models.generate_content(
    model="gemini-2.0-flash",
    contents=prompt,
    config=types.GenerateContentConfig(temperature=0.4, response_mime_type="application/json"),
)
Path("reports/segment_names.json").write_text(resp.text)
