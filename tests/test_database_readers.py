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
