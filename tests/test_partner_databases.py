"""Rows written into a database outside the organisation however the code spells it: SQL an
f-string, `.format()` or `%` splices the rows into, SQLAlchemy Core's `insert(table)` through
a partner's engine, and an engine whose URL comes from the environment with a partner's
server as the fallback (a URL from the environment alone stays the deployment's own
database), and psycopg's composed `sql.SQL(...).format(sql.Identifier(...))`."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import operation_rows, run_lacuna, write_files

PEOPLE = "customer_id,first_name,email,phone\n1,Ada,ada@example.com,555\n"
JOB = '''\
import csv
import os

import pandas as pd
import psycopg2
from psycopg2 import sql
from sqlalchemy import Column, MetaData, String, Table, create_engine, insert

cur = psycopg2.connect("host=db.partner.example.com dbname=crm").cursor()
for r in csv.DictReader(open("data/customers.csv")):
    cur.execute(f"INSERT INTO leads (email) VALUES ('{r['email']}')")
    cur.execute("INSERT INTO phones (phone) VALUES ('{}')".format(r["phone"]))
    cur.execute("INSERT INTO names (name) VALUES ('%s')" % r["first_name"])
engine = create_engine("postgresql://etl@db.partner.example.com/crm")
leads = Table("leads", MetaData(), Column("email", String))
with engine.begin() as conn:
    conn.execute(insert(leads), pd.read_csv("data/customers.csv")[["email"]].to_dict("records"))
fallback = create_engine(os.environ.get("DB_URL", "postgresql://etl@db.partner.example.com/crm"))
pd.read_csv("data/customers.csv").to_sql("customers", fallback)
own = create_engine(os.environ.get("DB_URL", "postgresql://etl@localhost/crm"))
pd.read_csv("data/customers.csv").to_sql("customers_copy", own)
rows = [(r["email"],) for r in csv.DictReader(open("data/customers.csv"))]
# the same cursor, after it ran a statement: still the partner's server
cur.executemany(sql.SQL("INSERT INTO {} (email) VALUES (%s)").format(sql.Identifier("t")), rows)
'''


def test_rows_written_into_a_partners_database_are_blocked(tmp_path: Path) -> None:
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "load.py": JOB})
    run = run_lacuna("check", ".", "--format", "json", cwd=project)
    assert run.code == 1, run.stderr
    writes = {f["operation"]["location"]["line"]: (f["operation"]["destination"]["name"],
                                                    f["decision"]["allowed"])
              for f in json.loads(run.stdout)["findings"]
              if f["operation"]["action"] in ("write", "export")}
    assert writes == {
        11: ("postgresql://db.partner.example.com/crm/leads", False),
        12: ("postgresql://db.partner.example.com/crm/phones", False),
        13: ("postgresql://db.partner.example.com/crm/names", False),
        17: ("postgresql://db.partner.example.com/crm/leads", False),
        19: ("postgresql://db.partner.example.com/crm/customers", False),
        21: ("customers_copy", True),
        24: ("postgresql://db.partner.example.com/crm/t", False),
    }


def test_an_engine_made_from_a_url_object_is_that_servers(tmp_path: Path) -> None:
    """`create_engine(URL.create("postgresql", host=...))` and `make_url(text)`: the engine's
    server is the URL's (the tables written through them were the organisation's own)."""
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "load.py": '''\
import pandas as pd
from sqlalchemy import create_engine
from sqlalchemy.engine import URL, make_url

people = pd.read_csv("data/customers.csv")
partner = create_engine(URL.create("postgresql+psycopg2", username="acme", password="x",
                                   host="db.partner-crm.example", database="inbound"))
people.to_sql("contacts", partner, if_exists="append")
reseller = create_engine(make_url("mysql+pymysql://u:p@mysql.reseller.example/inbound"))
people.to_sql("people", reseller)
ours = create_engine(URL.create("postgresql", host="10.2.0.4", database="crm"))
people.to_sql("people", ours)
'''})
    writes = {(line, dest, allowed) for _, line, action, _, dest, allowed in operation_rows(project)
              if action in ("write", "export")}
    assert writes == {(8, "postgresql://db.partner-crm.example/contacts", False),
                      (10, "mysql://mysql.reseller.example/inbound/people", False),
                      (12, "people", True)}


def test_batch_helpers_write_through_the_cursor_they_are_given(tmp_path: Path) -> None:
    """psycopg2's `execute_values(cur, sql, rows)` and `execute_batch`: the cursor is an
    argument, not the object called on, and its partner server was lost (the table was the
    organisation's own, and allowed)."""
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "load.py": '''\
import pandas as pd
import psycopg2
from psycopg2.extras import execute_batch, execute_values

rows = pd.read_csv("data/customers.csv").values.tolist()
partner = psycopg2.connect(host="db.partner.example.com", dbname="shared").cursor()
execute_values(partner, "INSERT INTO contacts VALUES %s", rows)
execute_batch(partner, "INSERT INTO leads VALUES (%s, %s, %s, %s)", rows)
ours = psycopg2.connect(host="10.2.0.4", dbname="crm").cursor()
execute_values(ours, "INSERT INTO contacts VALUES %s", rows)
'''})
    writes = {(line, dest, allowed) for _, line, action, _, dest, allowed in operation_rows(project)
              if action in ("write", "export")}
    assert writes == {(7, "postgresql://db.partner.example.com/contacts", False),
                      (8, "postgresql://db.partner.example.com/leads", False),
                      (10, "contacts", True)}


def test_a_database_file_outside_the_project_is_that_file(tmp_path: Path) -> None:
    """Tables written into an SQLite or DuckDB file under /tmp or the home folder are that
    file (they were the project's tables, allowed): a copy of the customers outside governed
    storage. A database file of the project and one in memory stay the project's tables."""
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "scratch.py": '''\
import sqlite3
from pathlib import Path

import duckdb
import pandas as pd
from sqlalchemy import create_engine

customers = pd.read_csv("data/customers.csv")
customers.to_sql("customers", sqlite3.connect("/tmp/scratch.db"), if_exists="replace")
customers.to_sql("people", create_engine("sqlite:////tmp/engine.db"))
ddb = duckdb.connect(str(Path.home() / "analysis.duckdb"))
ddb.execute("CREATE TABLE people AS SELECT * FROM customers")
customers.to_sql("crm_customers", sqlite3.connect("warehouse/crm.db"))
customers.to_sql("scratch_customers", sqlite3.connect(":memory:"))
'''})
    written = {line: (destination, allowed)
               for _, line, action, _, destination, allowed in operation_rows(project)
               if action in ("write", "export")}
    assert written == {9: ("/tmp/scratch.db", False), 10: ("/tmp/engine.db", False),
                       12: ("~/analysis.duckdb", False), 13: ("crm_customers", True),
                       14: ("scratch_customers", True)}
