import duckdb

df = duckdb.sql(
    "SELECT first_name, last_name, email, phone FROM read_csv_auto('data/customers.csv') WHERE country = 'US'"
).df()
df.to_excel("/Users/Shared/us_customers.xlsx", index=False)
