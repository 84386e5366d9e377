"""Foreign data wrappers and dblink: a table of another organisation's server reached from SQL
is that server's, judged as a place outside; a server of our own network stays ours."""

from __future__ import annotations

from lacuna_cli.extract.sql import analyse_sql

AGENCY = """CREATE SERVER partner_srv FOREIGN DATA WRAPPER postgres_fdw
  OPTIONS (host 'db.marketing-agency.example.com', dbname 'leads', port '5432');
CREATE SERVER own_srv FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'crm-db.internal');
CREATE FOREIGN TABLE partner_leads (full_name text, email text)
  SERVER partner_srv OPTIONS (schema_name 'inbound', table_name 'leads');
CREATE FOREIGN TABLE crm_copy (email text) SERVER own_srv;
IMPORT FOREIGN SCHEMA public FROM SERVER partner_srv INTO agency;
INSERT INTO partner_leads SELECT full_name, email FROM crm.customers;
INSERT INTO agency.contacts SELECT email FROM crm.customers;
INSERT INTO crm_copy SELECT email FROM crm.customers;
"""


def _targets(sql: str) -> list[tuple[int, str, str]]:
    statements, problems = analyse_sql(sql, "postgres")
    assert problems == []
    return [(s.line, s.action, s.target.name) for s in statements if s.target is not None]


def test_a_foreign_table_of_a_server_outside_is_that_servers_table() -> None:
    assert _targets(AGENCY) == [
        (8, "export", "postgresql://db.marketing-agency.example.com/leads/inbound.leads"),
        (9, "export", "postgresql://db.marketing-agency.example.com/leads/public.contacts"),
        (10, "write", "crm_copy"),
    ]


def test_dblink_exec_sends_what_its_query_reads_to_the_server_it_names() -> None:
    sql = ("SELECT dblink_exec('host=db.marketing-agency.example.com dbname=leads user=acme',\n"
           "  format('INSERT INTO leads(email) VALUES (%L)', c.email))\nFROM crm.customers c;\n"
           "SELECT dblink_exec('host=localhost dbname=crm', 'VACUUM') FROM crm.customers;\n")
    statements, _ = analyse_sql(sql, "postgres")
    sent = [(s.target.name, [r.name for r in s.sources]) for s in statements
            if s.target is not None]
    assert sent == [("postgresql://db.marketing-agency.example.com/leads", ["crm.customers"])]


def test_a_database_attached_from_another_server_holds_that_servers_tables() -> None:
    """DuckDB's `ATTACH 'host=...' AS partner (TYPE postgres)`: `partner.public.t` is the
    agency's table; a database attached from the organisation's own host or a local file
    stays ours."""
    sql = """ATTACH 'host=db.agency.example.com dbname=intake' AS partner (TYPE postgres);
ATTACH 'host=crm-db.internal dbname=crm' AS own (TYPE postgres);
ATTACH 'local.duckdb' AS scratch;
INSERT INTO partner.public.contacts SELECT email FROM crm.customers;
INSERT INTO own.public.contacts SELECT email FROM crm.customers;
INSERT INTO scratch.contacts SELECT email FROM crm.customers;
"""
    statements, problems = analyse_sql(sql, "duckdb")
    assert problems == []
    assert [(s.line, s.target.name) for s in statements if s.target is not None] == [
        (4, "postgresql://db.agency.example.com/intake/public.contacts"),
        (5, "own.public.contacts"), (6, "scratch.contacts")]


def test_a_four_part_name_is_a_table_of_a_linked_server() -> None:
    """T-SQL's `[SERVER].[db].[schema].[table]` names a table of a linked server, never one
    of the project's database."""
    statements, problems = analyse_sql(
        "INSERT INTO [PAYROLL_VENDOR].[intake].[dbo].[staff] (email)\n"
        "SELECT email FROM dbo.employees;\n", "tsql")
    assert problems == []
    assert [s.target.name for s in statements if s.target is not None] == [
        "mssql://payroll_vendor/intake.dbo.staff"]
