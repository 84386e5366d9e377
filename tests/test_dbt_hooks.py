"""SQL a dbt model runs besides its SELECT is analysed with it: hooks set in `config()` or in
`dbt_project.yml`, `run_query(...)` and `{% call statement %}` blocks, and an `external`
materialisation's location. A hook or a location Lacuna cannot read is an error at its line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_lacuna, write_files

PROJECT = """name: acme
profile: acme
models:
  acme:
    partner:
      +post-hook:
        - "unload ('select * from {{ this }}') to 's3://partner-loyalty-co/feeds/' {ROLE} csv"
""".replace("{ROLE}", "iam_role 'arn:aws:iam::1:role/u'")
SOURCES = """version: 2
sources:
  - name: crm
    tables: [{name: customers}]
"""
SCHEMA = ("CREATE TABLE crm.customers (customer_id INT, full_name TEXT, email TEXT, "
          "phone TEXT);\n")
SELECT = "select customer_id, full_name, email, phone from {{ source('crm', 'customers') }}\n"
MODELS = {
    # the folder's post-hook unloads the model to a partner's bucket
    "models/partner/feed.sql": SELECT,
    # a config() hook concatenating `this` with Jinja's `~`
    "models/loyalty.sql": "{{ config(materialized='table', post_hook=[\"copy into "
                          "'s3://partner-loyalty-co/loyalty/' from (select * from \" ~ this ~ "
                          "\") file_format=(type=csv)\"]) }}\n" + SELECT,
    "models/export.sql": "{{ config(materialized='external', "
                         "location='s3://partner-loyalty-co/acme/customers.parquet') }}\n" + SELECT,
    "models/statement.sql": "{% call statement('unload', fetch_result=False) %}\n"
                            "  unload ('select full_name, email from crm.customers') to "
                            "'s3://partner-loyalty-co/statement/' iam_role 'arn:aws:iam::1:role/u'"
                            "\n"
                            "{% endcall %}\nselect 1 as one\n",
    "models/query.sql": "select customer_id from {{ source('crm', 'customers') }}\n"
                        "{% do run_query(\"unload ('select email from crm.customers') to "
                        "'s3://partner-loyalty-co/query/' iam_role 'arn:aws:iam::1:role/u'\") %}\n",
    # a grant names `{{ this }}` inside the config() string: read, nothing leaves
    "models/granted.sql": "{{ config(post_hook=\"grant select on {{ this }} to role reporter\") }}"
                          "\n" + SELECT,
    "models/macro_hook.sql": "{{ config(post_hook=\"{{ unload_partner(this) }}\") }}\n" + SELECT,
    "models/variable_hook.sql": "{{ config(post_hook=[var('export_sql')]) }}\n" + SELECT,
    # an external location built from a variable: where the model is written is not known
    "models/variable_location.sql": "{{ config(materialized='external', "
                                    "location=var('share_root') ~ '/contacts.parquet') }}\n"
                                    + SELECT,
}


def _report(tmp_path: Path) -> dict:
    project = write_files(tmp_path, {"dbt_project.yml": PROJECT, "models/sources.yml": SOURCES,
                                     "schema.sql": SCHEMA, **MODELS})
    run = run_lacuna("check", ".", "--format", "json", cwd=project)
    assert run.code == 1, run.stderr
    return json.loads(run.stdout)


def test_what_a_model_runs_besides_its_select_is_checked(tmp_path: Path) -> None:
    report = _report(tmp_path)
    blocked = {(f["operation"]["location"]["path"], f["operation"]["location"]["line"]):
               f["operation"]["destination"]["name"]
               for f in report["findings"] if not f["decision"]["allowed"]}
    assert blocked == {
        ("models/partner/feed.sql", 1): "s3://partner-loyalty-co/feeds/",
        ("models/loyalty.sql", 1): "s3://partner-loyalty-co/loyalty/",
        ("models/export.sql", 2): "s3://partner-loyalty-co/acme/customers.parquet",
        ("models/statement.sql", 2): "s3://partner-loyalty-co/statement/",
        ("models/query.sql", 2): "s3://partner-loyalty-co/query/",
    }


def test_a_hook_that_cannot_be_read_is_an_error_at_its_line(tmp_path: Path) -> None:
    errors = {(e["path"], e.get("line")): e["message"] for e in _report(tmp_path)["errors"]}
    assert set(errors) == {("models/macro_hook.sql", 1), ("models/variable_hook.sql", 1),
                           ("models/variable_location.sql", 1)}
    assert all("cannot be read" in message for message in errors.values())
