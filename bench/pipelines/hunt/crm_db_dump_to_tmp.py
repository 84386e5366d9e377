import pandas as pd
import sqlalchemy as sa

engine = sa.create_engine("postgresql://ro@db.internal/crm")
with engine.connect() as conn:
    df = pd.read_sql(sa.text("SELECT id, full_name, email, date_of_birth FROM customers"), conn)
df.to_csv("/tmp/crm_dump.csv", index=False)
