"""Queries through drivers and readers the catalog learned from real jobs: asyncpg's
`await conn.fetch(q)` and polars' `read_database_uri(q, uri)`. Their rows carry the table's
classification wherever they go; before, the query was not seen and the rows went out as PUBLIC
(or not at all)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_lacuna, write_files

SCHEMA = "CREATE TABLE crm.customers (customer_id BIGINT, email VARCHAR, phone VARCHAR);\n"


def test_rows_an_async_driver_fetches_carry_their_table(tmp_path: Path) -> None:
    project = write_files(tmp_path, {"schema.sql": SCHEMA, "leads.py": '''\
import asyncio

import asyncpg
import polars as pl
import requests


async def main():
    pool = await asyncpg.create_pool("postgresql://etl@warehouse/crm")
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT email, phone FROM crm.customers WHERE country = $1", "DE")
    requests.post("https://api.leadgen.example.com/v1/leads", json=[dict(r) for r in rows])


asyncio.run(main())
contacts = pl.read_database_uri("SELECT email FROM crm.customers", "postgresql://etl@warehouse/crm")
contacts.write_csv("/tmp/share/contacts.csv")
'''})
    run = run_lacuna("check", ".", "--format", "json", cwd=project)
    assert run.code == 1, run.stderr
    out = {f["operation"]["location"]["line"]: f for f in json.loads(run.stdout)["findings"]
           if f["operation"]["action"] in ("write", "export")}
    for line in (12, 17):
        assert out[line]["decision"]["allowed"] is False
        assert "crm.customers" in out[line]["classification"]["inherited_from"]
        assert "PII" in out[line]["classification"]["tags"]


def test_a_query_is_sql_however_it_is_laid_out_or_misspelt(tmp_path: Path) -> None:
    """`SELECT` then a new line (how most queries are written), a comment first, a stored
    procedure (`EXEC`, `CALL`, `callproc`) and a misspelt keyword: the first two read their
    table; the others are data of unknown origin, the typo also an error line. Each of them
    was sent as PUBLIC."""
    project = write_files(tmp_path, {"schema.sql": SCHEMA, "push.py": '''\
import pandas as pd
import psycopg2
import requests

URL = "https://api.partner.example.com/in"
con = psycopg2.connect("dbname=crm")
layout = pd.read_sql("""SELECT
    email, phone
FROM crm.customers""", con)
requests.post(URL, json=layout.to_dict("records"))
commented = pd.read_sql("-- contacts for the partner\\nSELECT email FROM crm.customers", con)
requests.post(URL, json=commented.to_dict("records"))
procedure = pd.read_sql("EXEC dbo.get_customer_contacts @region = 'EU'", con)
requests.post(URL, json=procedure.to_dict("records"))
cur = con.cursor()
cur.callproc("crm.export_contacts", ("EU",))
requests.post(URL, json=cur.fetchall())
typo = pd.read_sql("SELEC email, phone FROM crm.customers", con)
requests.post(URL, json=typo.to_dict("records"))
'''})
    run = run_lacuna("check", ".", "--format", "json", cwd=project)
    assert run.code == 1, run.stderr
    document = json.loads(run.stdout)
    sent = {f["operation"]["location"]["line"]: f for f in document["findings"]
            if f["operation"]["action"] == "export"}
    for line in (10, 12):
        assert "crm.customers" in sent[line]["classification"]["inherited_from"]
        assert sent[line]["decision"]["allowed"] is False
    for line in (14, 17, 19):
        assert (sent[line]["classification"]["tier"], sent[line]["decision"]["policy_id"]) == (
            "UNKNOWN", "LAC-UNK-001")
    assert [e["line"] for e in document["errors"]] == [18]
