"""SQL extraction: sources, targets, CTEs, statement lines, bad statements."""

from __future__ import annotations

from lacuna_cli.extract.sql import analyse_sql, extract_sql


def lineage_of(sql: str, dialect: str | None = None) -> list[tuple[str, set[str], str | None]]:
    statements, problems = analyse_sql(sql, dialect)
    assert not problems, problems
    return [(s.action, {r.name for r in s.sources}, s.target.name if s.target else None)
            for s in statements]


def test_select_insert_ctas_view_and_cte_names_are_not_tables() -> None:
    sql = """
    WITH recent AS (SELECT * FROM sales.orders WHERE day > '2024-01-01')
    INSERT INTO mart.recent_orders SELECT r.*, c.region FROM recent r JOIN crm.customers c
      ON r.customer_id = c.id;
    SELECT email FROM "CRM"."Customers";
    CREATE TABLE tmp.x AS SELECT * FROM a.b;
    CREATE VIEW v.y AS SELECT * FROM tmp.x;
    """
    assert lineage_of(sql) == [
        ("write", {"sales.orders", "crm.customers"}, "mart.recent_orders"),
        ("query", {"crm.customers"}, None),
        ("write", {"a.b"}, "tmp.x"),
        ("write", {"tmp.x", "a.b"}, "v.y"),  # tmp.x was built from a.b earlier in the script
    ]


def test_copy_to_a_file_is_an_export_and_file_tables_are_files() -> None:
    sql = ("COPY (SELECT * FROM crm.customers) TO '/tmp/all.csv';\n"
           "CREATE TABLE t AS SELECT * FROM read_parquet('lake/events.parquet');")
    assert lineage_of(sql, "duckdb") == [
        ("export", {"crm.customers"}, "/tmp/all.csv"),
        ("write", {"lake/events.parquet"}, "t"),
    ]


def test_group_by_is_an_aggregate_with_keys() -> None:
    (statement,), _ = analyse_sql(
        "SELECT region, SUM(amount) AS total FROM orders GROUP BY region", None)
    assert statement.transform == "aggregate"
    assert statement.keys == ("region",)
    assert statement.columns == ("region", "total")


def test_a_bad_statement_is_reported_at_its_line_and_the_rest_goes_on() -> None:
    sql = "SELECT a FROM t1;\n\nSELEC b FRM t2;\nINSERT INTO t3 SELECT * FROM t4;\n"
    extraction = extract_sql(sql, "models/x.sql", None)
    assert [op.location.line for op in extraction.operations] == [1, 4]
    (error,) = extraction.errors
    assert error.path == "models/x.sql" and error.line == 3
    assert error.message.startswith("cannot parse SQL")


def test_dialect_falls_back_to_generic_before_failing() -> None:
    statements, problems = analyse_sql("SELECT * FROM a.b", "tsql")
    assert not problems and statements[0].sources[0].name == "a.b"


def test_operations_carry_statement_snippets_and_lineage_edges() -> None:
    extraction = extract_sql("-- header\nINSERT INTO x SELECT * FROM y;", "q.sql", None)
    (op,) = extraction.operations
    assert op.location.line == 2 and op.code == "INSERT INTO x SELECT * FROM y"
    assert {(e.source, e.transform) for e in extraction.edges} >= {("table:y", "derive")}
