"""SQL as real projects write it, through the CLI: driver placeholders, another dialect than the
configured one, statements nothing understands, and inputs deep or long enough to break a
parser. Never a silent drop: every statement is analysed or is an error line `file:line`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, Run, run_lacuna


def check_json(project: Path, *args: str) -> tuple[Run, dict]:
    run = run_lacuna("check", *args, "--format", "json", cwd=project)
    assert "Traceback" not in run.stderr + run.stdout, run.stderr
    assert run.code in (0, 1), f"exit {run.code}\nstderr: {run.stderr}"
    return run, json.loads(run.stdout)


def denials(document: dict) -> list[tuple[str, int, str]]:
    return [(f["operation"]["location"]["path"], f["operation"]["location"]["line"],
             f["decision"]["policy_id"]) for f in document["findings"]
            if not f["decision"]["allowed"]]


def test_a_psycopg_script_keeps_its_insert_and_its_export_is_blocked(shop: Path) -> None:
    (shop / "pipelines" / "load_contacts.py").write_text(
        "import csv\n"
        "import psycopg2\n"
        "conn = psycopg2.connect('dbname=crm')\n"
        "cur = conn.cursor()\n"
        "with open('data/customers.csv') as handle:\n"
        "    for row in csv.DictReader(handle):\n"
        "        cur.execute('INSERT INTO crm.contacts (email, phone) VALUES (%s, %s)',\n"
        "                    (row['email'], row['phone']))\n"
        "cur.execute('SELECT email, phone FROM crm.contacts WHERE region = %(region)s',\n"
        "            {'region': 'EU'})\n"
        "rows = cur.fetchall()\n"
        "with open('/tmp/contacts.csv', 'w') as out:\n"
        "    csv.writer(out).writerows(rows)\n")
    run, document = check_json(shop, "pipelines/load_contacts.py")
    assert document["errors"] == []
    operations = [f["operation"] for f in document["findings"]]
    assert any(op["destination"] and op["destination"]["name"] == "crm.contacts"
               and op["location"]["line"] == 7 for op in operations), operations
    assert run.code == 1 and ("pipelines/load_contacts.py", 13, "LAC-PII-001") in \
        denials(document)


def test_bigquery_sql_under_the_default_dialect_is_analysed_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "sql").mkdir()
    (tmp_path / "sql" / "contacts.sql").write_text(
        "CREATE OR REPLACE TABLE `acme-prod.marketing.contacts` AS\n"
        "SELECT email, phone FROM `acme-prod.crm.customers`\n"
        "WHERE created_at > TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL 7 DAY);\n"
        "EXPORT DATA OPTIONS (uri = 'gs://partner-drop/contacts-*.csv', format = 'CSV') AS\n"
        "SELECT email, phone FROM `acme-prod.marketing.contacts`;\n")
    run, document = check_json(tmp_path, ".")
    assert document["errors"] == []
    operations = {f["operation"]["location"]["line"]: f["operation"]
                  for f in document["findings"]}
    assert sorted(operations) == [1, 4]
    assert operations[1]["destination"]["name"] == "acme-prod.marketing.contacts"
    assert all(op["code"].endswith("-- parsed as bigquery") for op in operations.values())
    assert run.code == 1 and ("sql/contacts.sql", 4, "LAC-EXT-001") in denials(document)


@pytest.mark.parametrize("options", ["", " (FORMAT CSV)"])
def test_snowflake_copy_of_personal_data_to_a_file_is_blocked(shop: Path, options: str) -> None:
    (shop / "sql" / "contacts.sql").write_text(
        f"COPY (SELECT email, phone FROM crm.customers) TO '/tmp/contacts.csv'{options};\n")
    run, document = check_json(shop, "sql/contacts.sql", "--dialect", "snowflake")
    assert run.code == 1
    assert denials(document) == [("sql/contacts.sql", 1, "LAC-PII-001")]


def test_tsql_brackets_under_redshift(tmp_path: Path) -> None:
    (tmp_path / "q.sql").write_text(
        "INSERT INTO [mart].[contacts] SELECT [email] FROM [crm].[customers];\n")
    run = run_lacuna("extract", ".", "--dialect", "redshift", "--format", "json", cwd=tmp_path)
    assert run.code == 0, run.stdout + run.stderr
    (operation,) = json.loads(run.stdout)["operations"]
    assert operation["destination"]["name"] == "mart.contacts"
    assert [s["name"] for s in operation["sources"]] == ["crm.customers"]
    assert operation["code"].endswith("-- parsed as tsql")


def test_statements_nothing_reads_are_error_lines_and_the_rest_is_checked(shop: Path) -> None:
    (shop / "sql" / "odd.sql").write_text(
        "SET search_path = crm;\n"
        "FROBNICATE crm.customers INTO 's3://elsewhere/contacts';\n"
        "COPY (SELECT email FROM crm.customers) TO '/tmp/emails.csv';\n")
    run, document = check_json(shop, ".")
    assert run.code == 1
    assert [(e["path"], e["line"]) for e in document["errors"]] == [("sql/odd.sql", 2)]
    found = denials(document)
    assert ("sql/odd.sql", 3, "LAC-PII-001") in found
    assert ("pipelines/customer_sales.py", 5, "LAC-PII-001") in found


def test_deep_and_long_sql_is_one_error_line_per_statement_and_the_run_goes_on(
        shop: Path) -> None:
    (shop / "sql" / "deep.sql").write_text(
        "SELECT " + "(" * 3000 + "1" + ")" * 3000 + " FROM t;\n")
    (shop / "sql" / "cases.sql").write_text(
        "SELECT id FROM orders;\nSELECT " + "CASE WHEN a = 1 THEN " * 200 + "1"
        + " END" * 200 + " FROM t;\n")
    (shop / "sql" / "long.sql").write_text(
        "CREATE TABLE mart.picked AS SELECT * FROM crm.orders WHERE "
        + " AND ".join(f"c{i} = {i}" for i in range(5000)) + ";\n")
    run, document = check_json(shop, "sql")
    assert run.code == 1
    assert sorted((e["path"], e["line"]) for e in document["errors"]) == [
        ("sql/cases.sql", 2), ("sql/deep.sql", 1)]
    assert all("nested too deeply" in e["message"] for e in document["errors"])
    lines = {(f["operation"]["location"]["path"], f["operation"]["location"]["line"])
             for f in document["findings"]}
    assert {("sql/cases.sql", 1), ("sql/long.sql", 1), ("sql/exports.sql", 2)} <= lines


def test_the_lineage_bench_says_so_and_exits_0_without_its_corpora(tmp_path: Path) -> None:
    bench = subprocess.run(
        [sys.executable, str(REPO / "bench" / "sql_lineage.py")], check=False,
        capture_output=True, text=True, timeout=120,
        env={"PYTHONPATH": str(REPO), "PATH": "", "LACUNA_CORPORA": str(tmp_path / "absent")})
    assert bench.returncode == 0, bench.stderr
    assert bench.stdout.startswith("sql_lineage.py: skipped: it measures against")
