# Compare two vendors on intent classification of support tickets.
# quick experiment - do not schedule (yes I know it is in the repo)
import os
import pandas as pd
import cohere
from mistralai import Mistral

LABELS = ["refund", "bug", "login", "other"]
tickets = pd.read_csv("data/support_tickets.csv").sample(200, random_state=7)

mistral = Mistral(api_key=os.environ["MISTRAL_API_KEY"])
co = cohere.ClientV2(os.environ["CO_API_KEY"])

results = []
for t in tickets.itertuples(index=False):
    text = f"From: {t.customer_name} <{t.customer_email}>\nSubject: {t.subject}\n\n{t.body}"
    m = mistral.chat.complete(
        model="mistral-small-latest",
        messages=[{"role": "user", "content": f"Classify into {LABELS}: {text}"}],
    )
    c = co.chat(
        model="command-r",
        messages=[{"role": "user", "content": f"Classify into {LABELS}: {text}"}],
    )
    results.append((t.ticket_id, m.choices[0].message.content, c.message.content[0].text))

agreement = pd.DataFrame(results, columns=["ticket_id", "mistral", "cohere"])
print((agreement.mistral == agreement.cohere).mean())
