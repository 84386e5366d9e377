# Tiny helper the analysts use: describe a table schema in words and get a starter query.
# Only the *schema* (column names we type in) goes to the model, never rows.
import argparse
import anthropic

SCHEMA = """
table analytics.daily_revenue(sale_date date, region text, sku text, units_sold int, revenue numeric)
table analytics.products(sku text, product_name text, category text, unit_price numeric)
"""

if __name__ == "__main__":
    p = argparse.ArgumentParser(description="draft SQL from a question")
    p.add_argument("question")
    args = p.parse_args()
    client = anthropic.Anthropic()
    msg = client.messages.create(
        model="claude-3-5-haiku-latest",
        max_tokens=600,
        messages=[{"role": "user", "content": f"Schema:\n{SCHEMA}\nWrite PostgreSQL for: {args.question}"}],
    )
    print(msg.content[0].text)
