"""Column-level lineage: sources per output column, aggregates, anonymization, and the edges."""

from __future__ import annotations

from lacuna_cli.extract.sql import analyse_sql, extract_sql


def columns_of(sql: str, dialect: str | None = None, schema: dict | None = None, at: int = -1
               ) -> dict[str, set[tuple[str, str]]]:
    statements, problems = analyse_sql(sql, dialect, schema)
    assert not problems, problems
    return {c.column: set(c.sources) for c in statements[at].column_lineage}


def test_aliases_joins_derived_tables_and_ctes_resolve_to_real_columns() -> None:
    sql = """
    WITH recent AS (SELECT id, email AS contact FROM crm.customers WHERE active)
    INSERT INTO mart.c (customer, reach, region)
    SELECT r.id, upper(r.contact), d.region
    FROM recent r
    JOIN (SELECT customer_id, region FROM geo.addresses) d ON d.customer_id = r.id
    """
    assert columns_of(sql) == {
        "customer": {("crm.customers", "id")},
        "reach": {("crm.customers", "email")},
        "region": {("geo.addresses", "region")},
    }


def test_aggregates_and_windows_are_marked_and_count_star_reads_the_table() -> None:
    statements, _ = analyse_sql(
        "SELECT region, sum(amount) AS total, count(*) AS n, "
        "row_number() OVER (PARTITION BY region ORDER BY day) AS rn FROM sales GROUP BY 1", None)
    lineage = {c.column: c for c in statements[0].column_lineage}
    assert not lineage["region"].aggregate
    assert lineage["total"].aggregate and lineage["total"].sources == (("sales", "amount"),)
    assert lineage["n"].sources == (("sales", "*"),)
    assert set(lineage["rn"].sources) == {("sales", "region"), ("sales", "day")}
    assert statements[0].keys == ("region",)


def test_union_columns_merge_by_position() -> None:
    assert columns_of("SELECT a AS x FROM t1 UNION ALL SELECT b FROM t2") == {
        "x": {("t1", "a"), ("t2", "b")}}


def test_star_expands_through_a_known_schema_and_passes_names_through_otherwise() -> None:
    schema = {"crm.customers": ["id", "email"]}
    assert columns_of("INSERT INTO t SELECT * FROM crm.customers", schema=schema) == {
        "id": {("crm.customers", "id")}, "email": {("crm.customers", "email")}}
    assert columns_of("SELECT s.email FROM (SELECT * FROM crm.customers) s") == {
        "email": {("crm.customers", "email")}}


def test_update_and_merge_assignments_are_target_columns() -> None:
    assert columns_of("UPDATE t SET name = s.full_name FROM src s WHERE s.id = t.id") == {
        "name": {("src", "full_name")}}
    sql = ("MERGE INTO tgt t USING src s ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = s.v "
           "WHEN NOT MATCHED THEN INSERT (id, v) VALUES (s.id, s.w)")
    assert columns_of(sql) == {"v": {("src", "v"), ("src", "w")}, "id": {("src", "id")}}


def test_lateral_aliases_and_correlated_scalar_subqueries() -> None:
    assert columns_of("SELECT first || ' ' AS n, n || last AS full FROM p") == {
        "n": {("p", "first")}, "full": {("p", "first"), ("p", "last")}}
    assert columns_of("SELECT (SELECT a + b) AS s FROM t") == {"s": {("t", "a"), ("t", "b")}}


def test_columns_resolve_through_tables_written_earlier_in_the_script() -> None:
    sql = ("CREATE VIEW v AS SELECT id, email FROM crm.customers;\n"
           "INSERT INTO mart.m SELECT v.email AS contact FROM v")
    assert columns_of(sql) == {"contact": {("crm.customers", "email")}}


def test_hashed_columns_make_an_anonymize_edge_for_that_source_column() -> None:
    extraction = extract_sql(
        "CREATE TABLE mart.x AS SELECT sha2(email, 256) AS email_key, region FROM crm.c",
        "x.sql", None)
    edge = next(e for e in extraction.edges if e.source == "table:crm.c")
    assert edge.transform == "anonymize"
    assert edge.anonymized == ("email",)
    assert {(f.column, f.sources) for f in edge.column_flows} == {
        ("email_key", ("email",)), ("region", ("region",))}
