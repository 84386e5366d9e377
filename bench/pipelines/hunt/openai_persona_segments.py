import pandas as pd
from openai import OpenAI

client = OpenAI()
df = pd.read_csv("data/customers.csv")
table = df.head(50).to_markdown()
prompt = "Segment these customers by likely persona:\n" + table
resp = client.chat.completions.create(
    model="gpt-4o-mini",
    messages=[{"role": "user", "content": prompt}],
)
print(resp.choices[0].message.content)
