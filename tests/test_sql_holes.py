"""Placeholders and template holes never make a statement unparseable, and names come back as
written: driver parameters, Jinja, `${var}`, `$(var)`, `%var%` and Python format fields."""

from __future__ import annotations

import pytest

from lacuna_cli.extract.sql import analyse_sql


def only(sql: str, dialect: str | None = None):
    statements, problems = analyse_sql(sql, dialect)
    assert not problems, problems
    (statement,) = statements
    return statement


@pytest.mark.parametrize("values", [
    "(%s, %s)", "(%(email)s, %(phone)s)", "(:email, :phone)", "(?, ?)", "($1, $2)",
    "(@email, @phone)", "({{ email }}, '{{ phone }}')", "(${email}, ${phone})",
    "({email}, {phone!r})", "({0}, {1})", "(%email%, %phone%)", "($(email), $(phone))",
])
def test_value_placeholders_keep_the_insert(values: str) -> None:
    statement = only(f"INSERT INTO crm.contacts (email, phone) VALUES {values}")
    assert statement.action == "write" and statement.target.name == "crm.contacts"
    assert statement.snippet == f"INSERT INTO crm.contacts (email, phone) VALUES {values}"


def test_placeholders_in_conditions_lists_and_limits() -> None:
    sql = ("SELECT email FROM crm.customers WHERE region = %s AND id IN %s "
           "AND name LIKE %(pattern)s AND note LIKE '%s%' LIMIT %s")
    statement = only(sql)
    assert [s.name for s in statement.sources] == ["crm.customers"]
    assert statement.columns == ("email",)


def test_holes_in_names_are_kept_as_written() -> None:
    statement = only(
        "INSERT INTO {{ params.schema }}.contacts SELECT email FROM ${env}_crm.customers")
    assert statement.target.kind == "table"
    assert statement.target.name == "{{ params.schema }}.contacts"
    assert [s.name for s in statement.sources] == ["${env}_crm.customers"]
    assert only("SELECT * FROM %db%.customers").sources[0].name == "%db%.customers"


def test_a_name_that_is_only_a_hole_is_unknown() -> None:
    statement = only("INSERT INTO %s SELECT email FROM crm.customers")
    assert statement.target.kind == "unknown"
    assert statement.target.name == "table named by `%s`"
    export = only("COPY (SELECT email FROM crm.customers) TO {path}", "postgres")
    assert export.action == "export" and export.target.kind == "unknown"


def test_an_unload_of_a_table_named_by_a_hole_is_of_unknown_data() -> None:
    """`COPY INTO 's3://..' FROM {table}` (the generic dialect reads the table as a bare
    name): the unload's source is the table the hole names, unknown, never no data."""
    for sql in ("COPY INTO 's3://agency/vips/' FROM {table};",
                "COPY INTO 's3://agency/vips/' FROM ${TABLE};"):
        (statement,), problems = analyse_sql(sql, None)
        assert not problems
        assert statement.action == "export" and statement.target.name == "s3://agency/vips/"
        assert [source.kind for source in statement.sources] == ["unknown"], sql
    (named,), _ = analyse_sql("COPY INTO 's3://agency/vips/' FROM crm_customers;", None)
    assert [source.name for source in named.sources] == ["crm_customers"]


def test_jinja_control_flow_outside_dbt() -> None:
    sql = ("{% if params.full %}\nINSERT INTO mart.t SELECT * FROM raw.t\n{% else %}\n"
           "INSERT INTO mart.t SELECT * FROM raw.t_delta\n{% endif %};\n"
           "{# a comment #}\nSELECT * FROM raw.t WHERE ds = '{{ ds }}';")
    statements, problems = analyse_sql(sql, None)
    assert not problems
    assert [(s.line, [r.name for r in s.sources]) for s in statements] == [
        (2, ["raw.t"]), (7, ["raw.t"])]


def test_arithmetic_is_not_a_hole() -> None:
    statement = only("SELECT a%b AS r, a % 2 AS s FROM t WHERE x%y%z = 0")
    assert statement.columns == ("r", "s")


def test_a_hole_standing_as_a_statement_is_no_statement() -> None:
    statements, problems = analyse_sql("{{ set_query_tag() }}\nSELECT id FROM orders", None)
    assert not problems and [s.line for s in statements] == [2]


def test_errors_name_the_hole_as_written() -> None:
    _, problems = analyse_sql("SELECT * FROM t WHERE a = 1 {{ x }} {{ y }} )", None)
    message = "cannot parse SQL: Invalid expression / Unexpected token near '{{ x }}'"
    assert problems == [(1, message)]


def test_python_format_fields_with_expressions_are_holes_and_sql_braces_are_not() -> None:
    statement = only("SELECT * FROM {cfg['schema']}.customers WHERE id = {get_id('x')}")
    assert [s.name for s in statement.sources] == ["{cfg['schema']}.customers"]
    statement = only("SELECT {'a': 1} AS s, {fn NOW()} AS n FROM t", "duckdb")
    assert statement.columns == ("s", "n") and statement.dialect is None


def test_a_hole_after_a_comment_at_the_start_is_no_statement_either() -> None:
    statements, problems = analyse_sql("-- pre-hook\n{{ set_query_tag() }}\nSELECT id FROM t", None)
    assert not problems and [s.line for s in statements] == [3]
