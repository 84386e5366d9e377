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
