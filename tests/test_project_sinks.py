"""Objects that keep data, and sinks inside helpers of other project files, through the CLI.

A workbook keeps what is appended to its sheets or assigned to its cells until it is saved; a
mail message keeps its parts; an index keeps the documents it was built from. A helper in
another file that mails or writes the frame it is given sends the caller's data, and the
caller's analysis reports it at the helper's line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import operation_rows, run_lacuna, write_files

PEOPLE = "customer_id,first_name,email,phone,city\n"




def test_workbooks_keep_rows_and_cells_until_saved(tmp_path: Path) -> None:
    project = write_files(tmp_path, {
        "data/customers.csv": PEOPLE,
        "book.py": (
            "import openpyxl\nimport pandas as pd\nimport xlsxwriter\n"
            "df = pd.read_csv('data/customers.csv')\n"
            "wb = openpyxl.Workbook()\n"
            "for city, group in df.groupby('city'):\n"
            "    ws = wb.create_sheet(title=str(city))\n"
            "    for row in group.itertuples(index=False):\n"
            "        ws.append(list(row))\n"
            "wb.save('/tmp/by_city.xlsx')\n"
            "cells = openpyxl.Workbook()\n"
            "sheet = cells.active\n"
            "sheet['A1'] = 'email'\n"
            "for i, rec in enumerate(df.itertuples(), start=2):\n"
            "    sheet.cell(row=i, column=1).value = rec.email\n"
            "cells.save('/tmp/emails.xlsx')\n"
            "book = xlsxwriter.Workbook('reports/people.xlsx')\n"
            "page = book.add_worksheet()\n"
            "for r, rec in enumerate(df.itertuples(index=False)):\n"
            "    page.write_row(r, 0, list(rec))\n"
            "book.close()\n"),
    })
    found = {(line, dest): (sources, allowed) for _, line, _, sources, dest, allowed
             in operation_rows(project)}
    assert found[(10, "/tmp/by_city.xlsx")] == (("data/customers.csv",), False)
    assert found[(16, "/tmp/emails.xlsx")] == (("data/customers.csv",), False)
    assert found[(21, "reports/people.xlsx")] == (("data/customers.csv",), True)


def test_mail_parts_and_index_documents_are_sent_with_their_holder(tmp_path: Path) -> None:
    project = write_files(tmp_path, {
        "data/customers.csv": PEOPLE,
        "mail.py": (
            "import smtplib\nfrom email.mime.multipart import MIMEMultipart\n"
            "from email.mime.text import MIMEText\nimport pandas as pd\n"
            "df = pd.read_csv('data/customers.csv')\n"
            "msg = MIMEMultipart()\n"
            "msg.attach(MIMEText(df.to_html()))\n"
            "server = smtplib.SMTP('smtp.acme.example')\n"
            "server.sendmail('a@acme.example', 'b@agency.example', msg.as_string())\n"),
        "index.py": (
            "import pandas as pd\nfrom llama_index.core import Document, VectorStoreIndex\n"
            "df = pd.read_csv('data/customers.csv')\n"
            "docs = [Document(text=r['email']) for r in df.to_dict('records')]\n"
            "index = VectorStoreIndex.from_documents(docs)\n"
            "index.storage_context.persist(persist_dir='/tmp/people_index')\n"
            "print(index.as_query_engine().query('who?'))\n"),
    })
    found = operation_rows(project)
    mailed = [f for f in found if f[0] == "mail.py" and f[4] == "mailto:b@agency.example"]
    assert [(f[3], f[5]) for f in mailed] == [(("data/customers.csv",), False)]
    index = {line: (dest, sources, allowed) for path, line, action, sources, dest, allowed
             in found if path == "index.py" and action == "export"}
    assert index[6] == ("/tmp/people_index", ("data/customers.csv",), False)
    assert index[7][1:] == (("data/customers.csv",), False)  # the query sends the documents


def test_a_helper_of_another_file_sends_the_callers_data(tmp_path: Path) -> None:
    project = write_files(tmp_path, {
        "data/customers.csv": PEOPLE,
        "helpers/mailer.py": (
            "import smtplib\nfrom email.message import EmailMessage\n\n\n"
            "def send_report(df, to):\n"
            "    msg = EmailMessage()\n"
            "    msg.set_content(df.to_csv(index=False))\n"
            "    with smtplib.SMTP('smtp.acme.example') as server:\n"
            "        server.send_message(msg, to_addrs=[to])\n\n\n"
            "class CsvExporter:\n"
            "    def __init__(self, folder):\n"
            "        self.folder = folder\n\n"
            "    def export(self, df, name):\n"
            "        df.to_csv(self.folder + '/' + name + '.csv')\n"),
        "job.py": (
            "import pandas as pd\n"
            "from helpers.mailer import CsvExporter, send_report\n"
            "people = pd.read_csv('data/customers.csv')\n"
            "send_report(people[['email']], 'x@agency.example')\n"
            "CsvExporter('/srv/share').export(people, 'people')\n"),
    })
    from_caller = [f for f in operation_rows(project)
                   if f[0] == "helpers/mailer.py" and f[3] == ("data/customers.csv",)]
    assert {(line, allowed) for _, line, _, _, _, allowed in from_caller} == {
        (9, False), (17, False)}


def test_each_call_of_a_helper_is_its_own_operation_and_the_data_free_twin_goes(
        tmp_path: Path) -> None:
    """Two calls passing different data to one helper line are two operations (two ids, two
    decisions): the later call cannot replace the earlier one's denial. The helper's own
    analysis of that line (a parameter, no data) is not reported beside them."""
    project = write_files(tmp_path, {
        "data/customers.csv": PEOPLE,
        "data/cities.csv": "city,country\nLyon,FR\n",
        "outbox.py": (
            "import requests\n\n\n"
            "def publish(frame):\n"
            "    requests.post('https://partner.example/upload', data=frame.to_csv())\n"),
        "job.py": (
            "import pandas as pd\n"
            "from outbox import publish\n"
            "publish(pd.read_csv('data/customers.csv'))\n"
            "publish(pd.read_csv('data/cities.csv'))\n"),
    })
    run = run_lacuna("check", ".", "--format", "json", cwd=project)
    document = json.loads(run.stdout)
    at_helper = [f for f in document["findings"]
                 if f["operation"]["location"]["path"] == "outbox.py"]
    decided = {tuple(s["name"] for s in f["operation"]["sources"]): f for f in at_helper}
    assert sorted(decided) == [("data/cities.csv",), ("data/customers.csv",)]
    assert not decided[("data/customers.csv",)]["decision"]["allowed"]
    assert "PII" in decided[("data/customers.csv",)]["classification"]["tags"]
    assert "PII" not in decided[("data/cities.csv",)]["classification"]["tags"]
    ids = [f["operation"]["id"] for f in document["findings"]]
    assert len(ids) == len(set(ids))
    assert run.code == 1


def test_a_helper_of_another_file_that_prints_what_it_is_given_logs_it(tmp_path: Path) -> None:
    """`def debug_dump(frame): print(frame.head())` in a shared module: the customers a job
    hands it reach the log. The helper touched no data of its own, so the call was never
    followed, and a helper that prints only a constant stays silent."""
    project = write_files(tmp_path, {
        "lacuna.toml": "", "data/customers.csv": PEOPLE,
        "etl/debugging.py": '''import logging

log = logging.getLogger(__name__)


def debug_dump(frame, rows=20):
    print(frame.head(rows).to_string())


def note(step):
    log.info("finished %s", step)
''',
        "etl/job.py": '''import pandas as pd

from etl.debugging import debug_dump, note

customers = pd.read_csv("data/customers.csv")
debug_dump(customers)
note("load")
'''})
    exports = {(path, line, dest, allowed) for path, line, action, _, dest, allowed
               in operation_rows(project, "etl/job.py") if action == "export"}
    assert exports == {("etl/debugging.py", 7, "stdout", False)}


def test_helpers_a_package_re_exports_are_followed_from_inside_it(tmp_path: Path) -> None:
    """`from . import load, save` in the package's `__main__.py`, the names re-exported by its
    `__init__.py` from `.io`: the customers written to the partner's share are reported."""
    project = write_files(tmp_path, {
        "lacuna.toml": "embeddings = false\n",
        "data/customers.csv": "customer_id,email,full_name\n1,ada@example.com,Ada\n",
        "acme_etl/__init__.py": "from .io import load, save\n",
        "acme_etl/io.py": '''\
import pandas as pd


def load(name):
    return pd.read_csv(f"data/{name}.csv")


def save(df, dest):
    df.to_csv(dest, index=False)
''',
        "acme_etl/__main__.py": '''\
from . import load, save

save(load("customers"), "/mnt/partner_share/customers.csv")
'''})
    rows = operation_rows(project)
    assert ("acme_etl/io.py", 9, "export", ("data/customers.csv",),
            "/mnt/partner_share/customers.csv", False) in rows


def test_a_helper_of_another_module_writes_where_its_defaults_say(tmp_path: Path) -> None:
    """`write_table(df, "customers")` of a helper whose `fmt="csv"` the call leaves out: the
    path it builds from the name and that default is known, so the write is judged where it
    goes (a share outside governed storage), not as a place computed at run time."""
    project = write_files(tmp_path, {
        "lacuna.toml": "embeddings = false\n",
        "data/customers.csv": "customer_id,email\n1,ada@example.com\n",
        "io_pkg/__init__.py": "",
        "io_pkg/writers.py": '''\
import os


def write_table(df, name, fmt="csv"):
    path = os.path.join("/mnt/partner", f"{name}.{fmt}")
    df.to_csv(path)
''',
        "job.py": '''\
import pandas as pd

from io_pkg.writers import write_table

write_table(pd.read_csv("data/customers.csv"), "customers")
'''})
    assert ("io_pkg/writers.py", 6, "export", ("data/customers.csv",),
            "/mnt/partner/customers.csv", False) in operation_rows(project)


def test_a_package_loader_left_to_its_default_path_feeds_a_sending_helper(
        tmp_path: Path) -> None:
    """`src/acme_etl/jobs/export.py` calls `load_customers()` of `io.py`, whose `path`
    defaults to a config constant built from `__file__`, and hands the rows to
    `post_records` of the same module: the load was data of unknown origin and the post of
    it was never reported where the job calls it (only the helper's own line, allowed)."""
    project = write_files(tmp_path, {
        "data/customers.csv": PEOPLE,
        "src/acme_etl/__init__.py": "",
        "src/acme_etl/config.py": '''\
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CUSTOMERS_CSV = ROOT / "data" / "customers.csv"
''',
        "src/acme_etl/io.py": '''\
import pandas as pd
import requests

from .config import CUSTOMERS_CSV


def load_customers(path=CUSTOMERS_CSV):
    return pd.read_csv(path)


def post_records(records, url):
    for start in range(0, len(records), 500):
        requests.post(url, json={"contacts": records[start:start + 500]}, timeout=30)
''',
        "src/acme_etl/jobs/__init__.py": "",
        "src/acme_etl/jobs/export.py": '''\
from acme_etl.io import load_customers, post_records


def main():
    customers = load_customers()
    customers.to_csv("/tmp/customers.csv")
    post_records(customers.to_dict(orient="records"), "https://api.partner.example/contacts")


if __name__ == "__main__":
    main()
'''})
    flows = {(path, dest): (sources, allowed)
             for path, _, action, sources, dest, allowed in operation_rows(project)
             if action == "export"}
    assert flows[("src/acme_etl/jobs/export.py", "/tmp/customers.csv")] == (
        ("data/customers.csv",), False)
    assert flows[("src/acme_etl/io.py", "https://api.partner.example/contacts")] == (
        ("data/customers.csv",), False)


def test_rows_a_helper_of_another_file_returns_are_data_in_a_payload_or_a_loop(
        tmp_path: Path) -> None:
    """`{"members": query("customers")}` (SQL the helper reads from `sql/customers.sql`),
    `[list(r) for r in query("customers")]` and a prompt built row by row in another module:
    each was PUBLIC, "no data flows into it", and allowed."""
    project = write_files(tmp_path, {
        "app/__init__.py": "",
        "app/sql/customers.sql": "SELECT email, phone, full_name FROM crm.customers\n",
        "app/db.py": '''\
import os
from pathlib import Path

import psycopg2

SQL_DIR = Path(__file__).parent / "sql"


def query(name):
    sql = (SQL_DIR / f"{name}.sql").read_text()
    with psycopg2.connect(os.environ["CRM_DSN"]) as conn, conn.cursor() as cur:
        cur.execute(sql)
        cols = [c.name for c in cur.description]
        return [dict(zip(cols, row)) for row in cur.fetchall()]
''',
        "app/prompts.py": '''\
ROW = "- {full_name} ({email})"


def build_prompt(rows):
    return "Who will churn?\\n" + "\\n".join(ROW.format(**r) for r in rows)
''',
        "app/sync.py": '''\
import gspread
import httpx
from openai import OpenAI

from .db import query
from .prompts import build_prompt

httpx.post("https://api.mailblast.example.com/members", json={"members": query("customers")})
sheet = gspread.service_account().open("Review").sheet1
sheet.append_rows([list(r.values()) for r in query("customers")])
OpenAI().chat.completions.create(model="gpt-4o-mini", messages=[
    {"role": "user", "content": build_prompt(query("customers"))}])
'''})
    exports = {dest: (sources, allowed)
               for _, _, action, sources, dest, allowed in operation_rows(project)
               if action == "export"}
    assert exports["https://api.mailblast.example.com/members"] == (("crm.customers",), False)
    assert exports["google-sheets"][1] is False
    assert exports["openai:gpt-4o-mini"] == (("crm.customers",), False)


def test_a_helper_running_the_sql_it_is_given_reads_what_the_callers_sql_says(
        tmp_path: Path) -> None:
    """`fetch_rows(REGION_SALES)` of `plugins/helpers.py` runs the SQL constant the DAG
    passes: a summary by region goes to /tmp (it was data of unknown origin there, "SQL
    from parameter `sql`", blocked), the customers' contacts do not."""
    project = write_files(tmp_path, {
        "dags/sql/__init__.py": "",
        "dags/sql/queries.py": '''\
REGION_SALES = "SELECT region, SUM(qty) AS units FROM sales.order_lines GROUP BY region"
CONTACTS = "SELECT email, phone FROM crm.customers"
''',
        "plugins/__init__.py": "",
        "plugins/helpers.py": '''\
import csv

from airflow.providers.postgres.hooks.postgres import PostgresHook


def fetch_rows(sql, conn_id="crm_pg"):
    with PostgresHook(postgres_conn_id=conn_id).get_conn().cursor() as cur:
        cur.execute(sql)
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r)) for r in cur.fetchall()]


def dump_csv(rows, path):
    with open(path, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0].keys()))
        writer.writerows(rows)
''',
        "dags/region_report.py": '''\
from plugins.helpers import dump_csv, fetch_rows
from sql.queries import CONTACTS, REGION_SALES

dump_csv(fetch_rows(REGION_SALES, conn_id="sales_pg"), "/tmp/region_sales.csv")
dump_csv(fetch_rows(CONTACTS), "/tmp/contacts.csv")
'''})
    exports = {dest: (sources, allowed)
               for _, _, action, sources, dest, allowed in operation_rows(project)
               if action == "export"}
    assert exports["/tmp/region_sales.csv"] == (("sales.order_lines",), True)
    assert exports["/tmp/contacts.csv"] == (("crm.customers",), False)
