"""Table lineage of SQL constructs: one test per construct, asserting sources and targets."""

from __future__ import annotations

import pytest

from lacuna_cli.extract.sql import analyse_script, analyse_sql


def flows(sql: str, dialect: str | None = None) -> list[tuple[str, set[str], str | None]]:
    statements, problems = analyse_sql(sql, dialect)
    assert not problems, problems
    return [(s.kind, {r.name for r in s.sources}, s.target.name if s.target else None)
            for s in statements]


@pytest.mark.parametrize(("sql", "dialect", "expected"), [
    ("INSERT OVERWRITE TABLE mart.t PARTITION (dt='x') SELECT * FROM raw.e", "hive",
     ("insert", {"raw.e"}, "mart.t")),
    ("INSERT OVERWRITE DIRECTORY 'hdfs://out/dir' SELECT * FROM raw.e", "hive",
     ("insert", {"raw.e"}, "hdfs://out/dir")),
    ("CREATE TABLE a.t2 CLONE a.t1", "snowflake", ("create", {"a.t1"}, "a.t2")),
    ("CREATE TABLE t2 LIKE t1", None, ("create", {"t1"}, "t2")),
    ("SELECT * INTO recent FROM films UNION ALL SELECT * FROM films_old", "postgres",
     ("select", {"films", "films_old"}, "recent")),
    ("SELECT * FROM parquet.`lake/events/`", "spark", ("select", {"lake/events"}, None)),
    ("SELECT * FROM read_csv('data/x.csv')", "duckdb", ("select", {"data/x.csv"}, None)),
    ("COPY INTO crm.customers FROM 's3://bucket/customers/'", "snowflake",
     ("copy", {"s3://bucket/customers/"}, "crm.customers")),
    ("COPY INTO @exports/customers FROM (SELECT * FROM crm.customers)", "snowflake",
     ("copy", {"crm.customers"}, "@exports/customers")),
    ("EXPORT DATA OPTIONS (uri='gs://b/out-*.csv', format='CSV') AS SELECT * FROM d.t",
     "bigquery", ("export", {"d.t"}, "gs://b/out-*.csv")),
    ("DELETE FROM crm.customers WHERE id IN (SELECT id FROM crm.optouts)", None,
     ("delete", {"crm.optouts"}, "crm.customers")),
    # where the rows go when it is not a table: the URL a command names, a location quoted
    # as a name, ClickHouse's table functions (all were tables, or nothing)
    (("COPY (SELECT email FROM crm.customers) TO PROGRAM 'curl -sS --data-binary @- "
      "https://api.partner.example.com/in'"), "postgres",
     ("copy", {"crm.customers"}, "https://api.partner.example.com/in")),
    ("COPY crm.customers TO PROGRAM 'gzip > /mnt/share/c.gz'", "postgres",
     ("copy", {"crm.customers"}, "program `gzip > /mnt/share/c.gz`")),
    ("COPY INTO 's3://partner-bucket/acme/' FROM (SELECT email FROM crm.customers)", None,
     ("copy", {"crm.customers"}, "s3://partner-bucket/acme/")),
    (("INSERT INTO FUNCTION s3('https://partner.s3.amazonaws.com/c.csv', 'CSV') "
      "SELECT email FROM crm.customers"), "clickhouse",
     ("insert", {"crm.customers"}, "https://partner.s3.amazonaws.com/c.csv")),
    (("INSERT INTO FUNCTION remote('ch.partner.example.com:9000', 'db', 't') "
      "SELECT email FROM crm.customers"), "clickhouse",
     ("insert", {"crm.customers"}, "remote://ch.partner.example.com/db/t")),
    ("INSERT INTO FUNCTION remote('ch-2:9000', 'db', 't') SELECT email FROM crm.customers",
     "clickhouse", ("insert", {"crm.customers"}, "db.t")),
])
def test_statement_targets_and_sources(sql: str, dialect: str | None,
                                       expected: tuple[str, set[str], str | None]) -> None:
    assert flows(sql, dialect) == [expected]


def test_update_from_resolves_the_alias_to_the_real_table_and_is_not_its_own_source() -> None:
    sql = ("UPDATE sr SET sr.name = wo.reason FROM production.scrapreason AS sr "
           "JOIN production.workorder AS wo ON sr.id = wo.reason_id")
    assert flows(sql, "tsql") == [("update", {"production.workorder"}, "production.scrapreason")]
    assert flows("UPDATE a x JOIN b y ON x.id = y.id SET x.v = y.v", "mysql") == [
        ("update", {"b"}, "a")]


def test_merge_reads_its_using_query_and_writes_its_target() -> None:
    sql = ("MERGE INTO mart.c t USING (SELECT id, max(v) v FROM raw.c GROUP BY id) s "
           "ON t.id = s.id WHEN MATCHED THEN UPDATE SET t.v = s.v "
           "WHEN NOT MATCHED THEN INSERT (id, v) VALUES (s.id, s.v)")
    assert flows(sql) == [("merge", {"raw.c"}, "mart.c")]


def test_subqueries_anywhere_are_sources() -> None:
    sql = ("SELECT a.id FROM a JOIN b ON b.id = a.id AND b.x IN (SELECT x FROM c) "
           "GROUP BY a.id HAVING count(*) > (SELECT count(*) FROM d) "
           "QUALIFY row_number() OVER (ORDER BY a.id) <= (SELECT max(n) FROM e)")
    assert flows(sql, "snowflake") == [("select", {"a", "b", "c", "d", "e"}, None)]
    assert flows("UPDATE t SET v = (SELECT max(v) FROM s)") == [("update", {"s"}, "t")]


def test_cte_names_are_scoped_and_never_tables() -> None:
    assert flows("WITH orders AS (SELECT * FROM orders) SELECT * FROM orders") == [
        ("select", {"orders"}, None)]  # inside its own body the name is the real table
    assert flows("WITH a AS (SELECT * FROM s.t) SELECT * FROM a CROSS JOIN db.a") == [
        ("select", {"s.t", "db.a"}, None)]


def test_rename_swap_and_exchange_move_data_between_tables() -> None:
    assert flows("ALTER TABLE a RENAME TO b") == [("rename", {"a"}, "b")]
    assert flows("RENAME TABLE a TO b, c TO d", "mysql") == [
        ("rename", {"a"}, "b"), ("rename", {"c"}, "d")]
    assert flows("ALTER TABLE t1 EXCHANGE PARTITION (p='1') WITH TABLE t2", "hive") == [
        ("exchange", {"t2"}, "t1")]
    assert flows("ALTER TABLE t1 SWAP WITH t2", "snowflake") == [
        ("swap", {"t2"}, "t1"), ("swap", {"t1"}, "t2")]


def test_ddl_without_data_is_not_an_operation() -> None:
    sql = ("DROP TABLE IF EXISTS t; SET x = 1; USE db; SHOW TABLES; "
           "CREATE FUNCTION f AS 'Cls' USING JAR '/tmp/f.jar'; ANALYZE t")
    assert flows(sql, "spark") == []
    found, _ = analyse_script("DROP TABLE a, b", None)
    assert [(s.kind, s.target.name) for s in found] == [("drop", "a"), ("drop", "b")]


def test_procedure_bodies_are_reparsed_with_their_lines() -> None:
    sql = ("CREATE PROCEDURE load()\nAS\nBEGIN\n  INSERT INTO t2 SELECT * FROM t1;\n"
           "  IF @x IS NULL\n    INSERT INTO t3 SELECT * FROM t2;\nEND")
    statements, problems = analyse_sql(sql, "tsql")
    assert not problems
    assert [(s.line, {r.name for r in s.sources}, s.target.name) for s in statements] == [
        (4, {"t1"}, "t2"), (6, {"t2", "t1"}, "t3")]
    assert {s.statement for s in statements} == {0}


def test_unload_and_execute_immediate_strings_are_sql() -> None:
    sql = "UNLOAD ('select * from venue') TO 's3://b/venue_' IAM_ROLE 'arn:x'"
    assert flows(sql, "redshift") == [("unload", {"venue"}, "s3://b/venue_")]
    assert flows("EXECUTE IMMEDIATE 'INSERT INTO a SELECT * FROM b'", "snowflake") == [
        ("insert", {"b"}, "a")]


def test_intermediate_tables_resolve_to_their_sources() -> None:
    sql = ("CREATE TEMPORARY TABLE tmp AS SELECT * FROM crm.customers;\n"
           "INSERT INTO mart.x SELECT * FROM tmp;\nDROP TABLE tmp;")
    statements, _ = analyse_sql(sql, None)
    assert statements[0].temporary
    assert [s.name for s in statements[1].sources] == ["tmp", "crm.customers"]


def test_tsql_batches_without_semicolons_are_split() -> None:
    assert flows("insert into t1 select * from a\ninsert into t2 select * from b\nGO\n"
                 "select 1", "tsql") == [
        ("insert", {"a"}, "t1"), ("insert", {"b"}, "t2"), ("select", set(), None)]


def test_related_dialect_is_tried_before_the_generic_one() -> None:
    assert flows("SELECT * FROM `db`.`t`", "athena") == [("select", {"db.t"}, None)]


def test_vertica_partition_functions_move_data() -> None:
    assert flows("SELECT swap_partitions_between_tables('stage', 'a', 'b', 'target')") == [
        ("partition", {"stage"}, "target")]


@pytest.mark.parametrize(("sql", "dialect", "expected"), [
    ("COPY INTO raw.events FROM (SELECT $1, $2 FROM @landing/events/2024)", "snowflake",
     [("copy", {"@landing/events/2024"}, "raw.events")]),
    ("SELECT t.$1:id FROM @ns.events_stage t", "snowflake",
     [("select", {"@ns.events_stage"}, None)]),
    ("COPY INTO a.b FROM @~/uploads", "snowflake", [("copy", {"@~/uploads"}, "a.b")]),
    ("CREATE STAGE IF NOT EXISTS ns.landing URL='gcs://acme/landing/' FILE_FORMAT=(TYPE=CSV)",
     "snowflake", [("stage", {"gcs://acme/landing/"}, "ns.landing")]),
    ("PUT file:///tmp/contacts.csv @ns.landing", "snowflake",
     [("put", {"/tmp/contacts.csv"}, "@ns.landing")]),
    ("GET @ns.landing/contacts.csv file:///home/me/", "snowflake",
     [("get", {"@ns.landing/contacts.csv"}, "/home/me")]),
    ("LOAD DATA LOCAL INFILE '/tmp/c.csv' INTO TABLE crm.customers FIELDS TERMINATED BY ','",
     "mysql", [("load", {"/tmp/c.csv"}, "crm.customers")]),
    ("LOAD DATA INPATH '/landing/c' OVERWRITE INTO TABLE crm.customers", "hive",
     [("load", {"/landing/c"}, "crm.customers")]),
    ("SELECT email FROM crm.customers INTO OUTFILE '/tmp/c.csv' FIELDS TERMINATED BY ','",
     "mysql", [("export", {"crm.customers"}, "/tmp/c.csv")]),
    ("SELECT email INTO OUTFILE '/tmp/c.csv' FROM crm.customers", "mysql",
     [("export", {"crm.customers"}, "/tmp/c.csv")]),
    ("SELECT name, email INTO v_name, v_email FROM crm.customers WHERE id = 1", "postgres",
     [("select", {"crm.customers"}, None)]),
    ("SELECT email INTO :v_email FROM crm.customers", "snowflake",
     [("select", {"crm.customers"}, None)]),
    ("SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM vip)) FROM orders", "postgres",
     [("select", {"orders", "vip"}, None)]),
    ("SELECT sum(amount) FILTER (WHERE id IN (SELECT id FROM vip)) FROM orders", None,
     [("select", {"orders", "vip"}, None)]),
    (("SELECT * FROM t WHERE name LIKE 'a!%' ESCAPE '!' "
      "AND code NOT ILIKE (SELECT p FROM pats) ESCAPE '#'"), "postgres",
     [("select", {"t", "pats"}, None)]),
    (("UPDATE sr SET sr.name += ' (scrapped)' FROM production.scrapreason AS sr "
      "JOIN production.workorder AS wo ON sr.id = wo.reason_id"), "tsql",
     [("update", {"production.workorder"}, "production.scrapreason")]),
    ("COPY INTO a.b FROM 'azure://acct/container/x.csv'", "snowflake",
     [("copy", {"azure://acct/container/x.csv"}, "a.b")]),
    ("ALTER TABLE IF EXISTS ONLY tab ADD COLUMN a TEXT, ADD COLUMN b INT", "postgres",
     [("alter", set(), "tab")]),
])
def test_stages_loads_unloads_and_variables(sql: str, dialect: str | None,
                                            expected: list[tuple[str, set[str], str | None]]
                                            ) -> None:
    assert flows(sql, dialect) == expected


def test_altering_or_deleting_from_a_table_keeps_what_it_was_built_from() -> None:
    sql = ("CREATE TABLE tmp AS SELECT id, email FROM crm.customers;\n"
           "ALTER TABLE tmp ADD COLUMN note TEXT;\n"
           "DELETE FROM tmp WHERE id IN (SELECT id FROM crm.optouts);\n"
           "INSERT INTO mart.x SELECT email FROM tmp;")
    statements, _ = analyse_sql(sql, None)
    last = statements[-1]
    assert [s.name for s in last.sources] == ["tmp", "crm.customers"]
    assert last.column_lineage[0].sources == (("crm.customers", "email"),)


def test_a_stage_created_in_the_script_resolves_to_its_url() -> None:
    sql = ("CREATE STAGE landing URL='s3://acme-governed/landing/';\n"
           "COPY INTO raw.events FROM @landing/2024/events.csv;")
    statements, problems = analyse_sql(sql, "snowflake")
    assert not problems
    stage, copy = statements
    assert stage.action == "read" and stage.target.name == "landing"  # names, moves nothing
    assert [s.name for s in copy.sources] == [
        "@landing/2024/events.csv", "s3://acme-governed/landing/2024/events.csv"]


def test_psql_copy_meta_command_is_an_export_and_other_meta_commands_go() -> None:
    sql = ("\\set region 'EU'\n"
           "\\copy (SELECT email FROM crm.customers) TO '/tmp/c.csv' CSV HEADER\n"
           "SELECT id FROM orders;\n")
    statements, problems = analyse_sql(sql, "postgres")
    assert not problems
    assert [(s.line, s.action, s.target.name if s.target else None) for s in statements] == [
        (2, "export", "/tmp/c.csv"), (3, "query", None)]


def test_psql_output_redirections_send_query_rows_to_their_file() -> None:
    """`\\o file` sends every later query's rows there until `\\o` alone; `\\g file` sends
    the query before it; `\\o | command` pipes them into a program (a place computed at run
    time). A script run with `psql -f` exports those rows."""
    sql = ("\\o /tmp/customer_export.csv\n"
           "SELECT email, phone FROM crm.customers WHERE active;\n"
           "SELECT id FROM crm.orders;\n"
           "\\o\n"
           "SELECT count(*) FROM crm.orders;\n"
           "SELECT customer_id, email FROM crm.customers\n"
           "\\g '/tmp/g_export.csv'\n"
           "SELECT 1;\n"
           "\\o | gzip > /tmp/x.gz\n"
           "SELECT phone FROM crm.customers;\n")
    statements, problems = analyse_sql(sql, "postgres")
    assert not problems
    assert [(s.line, s.action, s.target.name if s.target else None) for s in statements] == [
        (2, "export", "/tmp/customer_export.csv"), (3, "export", "/tmp/customer_export.csv"),
        (5, "query", None), (6, "export", "/tmp/g_export.csv"), (8, "query", None),
        (10, "export", "psql output piped to `gzip > /tmp/x.gz`")]


def test_statements_another_dialect_reads_are_retried_and_say_so() -> None:
    (statement,), problems = analyse_sql("SELECT [id] FROM [crm].[customers]", "redshift")
    assert not problems and statement.sources[0].name == "crm.customers"
    assert statement.dialect == "tsql" and statement.snippet.endswith("-- parsed as tsql")
    (statement,), _ = analyse_sql("SELECT email FROM `acme-prod.crm.customers`", None)
    assert statement.dialect == "bigquery"
    (statement,), _ = analyse_sql("SELECT email FROM `acme-prod.crm.customers`", "bigquery")
    assert statement.dialect is None and "parsed as" not in statement.snippet


def test_an_opaque_command_is_kept_only_when_no_dialect_reads_more() -> None:
    sql = "COPY (SELECT email FROM crm.customers) TO '/tmp/c.csv' (FORMAT CSV)"
    (statement,), problems = analyse_sql(sql, "snowflake")  # snowflake: an opaque command
    assert not problems and statement.target.name == "/tmp/c.csv"
    assert statement.action == "export" and statement.dialect is not None


def test_statements_nothing_understands_are_problems_not_silence() -> None:
    sql = ("SHOW TABLES;\nSET x = 1;\n"
           "FROBNICATE crm.customers INTO 's3://elsewhere/x';\n"
           "SELECT id FROM orders;\n"
           "SUMMARIZE crm.customers;\n")
    statements, problems = analyse_sql(sql, None)
    assert [s.line for s in statements] == [4]
    assert [line for line, _ in problems] == [3, 5]
    assert all(message.startswith("cannot") for _, message in problems)


def test_commands_of_metadata_words_that_move_data_are_problems() -> None:
    """A procedure called with a query's rows, a table granted to a data share and accounts
    added to one move data; plain grants and calls do not (all were ignored)."""
    sql = ("CALL SYSTEM$SEND_EMAIL('int', 'ops@partner.example', 'c',\n"
           "  (SELECT LISTAGG(email, ',') FROM crm.customers));\n"
           "GRANT SELECT ON TABLE crm.patients TO SHARE partner_share;\n"
           "ALTER SHARE partner_share ADD ACCOUNTS = partnerorg.acct;\n"
           "GRANT SELECT ON TABLE crm.patients TO ROLE analyst;\n"
           "CALL refresh_marts();\n")
    statements, problems = analyse_sql(sql, "snowflake")
    assert statements == []
    assert [line for line, _ in problems] == [1, 3, 4]


def test_deep_nesting_is_a_problem_at_its_line() -> None:
    sql = ("SELECT id FROM orders;\nSELECT " + "(" * 3000 + "1" + ")" * 3000 + " FROM t;\n"
           "SELECT " + "CASE WHEN a = 1 THEN " * 200 + "1" + " END" * 200 + " FROM t;\n")
    statements, problems = analyse_sql(sql, None)
    assert [s.line for s in statements] == [1]
    assert problems == [(2, "cannot parse SQL: nested too deeply to analyse"),
                        (3, "cannot parse SQL: nested too deeply to analyse")]


def test_an_external_table_keeps_what_is_written_into_it_at_its_location() -> None:
    sql = ("CREATE EXTERNAL TABLE partner.contacts_ext (email STRING) STORED AS PARQUET "
           "LOCATION 's3://partner-bkt/acme/ext/'")
    assert flows(sql, "hive") == [("create", set(), "partner.contacts_ext"),
                                  ("copy", {"partner.contacts_ext"}, "s3://partner-bkt/acme/ext/")]
