import anthropic
import pandas as pd

df = pd.read_csv("data/customers.csv")
emails = df["email"].str.cat(sep=", ")
client = anthropic.Anthropic()
client.messages.create(
    model="claude-3-5-sonnet-latest",
    max_tokens=500,
    messages=[{"role": "user", "content": f"Which of these look like disposable domains? {emails}"}],
)
