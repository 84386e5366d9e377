"""Schemas declared in code give tables and records their columns (issue 14, point 4).

Each fixture under fixtures/code_schemas/ is an application whose tables exist only as code:
SQLAlchemy and Flask-SQLAlchemy models, Django models, an alembic migration, pydantic,
dataclass and TypedDict records, a pandera schema, a dbt properties file. No data file names
a column; the verdicts below come from the declarations alone.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from lacuna_cli.extract import extract_file
from tests.conftest import FIXTURES, finding_at, run_lacuna, source_columns

PROJECTS = FIXTURES / "code_schemas"


def copy_project(name: str, parent: Path) -> Path:
    target = parent / name
    shutil.copytree(PROJECTS / name, target, ignore=shutil.ignore_patterns(".lacuna"))
    return target


def check(project: Path) -> dict:
    run = run_lacuna("check", str(project), "--format", "json", cwd=project)
    assert run.code in (0, 1), run.stderr
    return json.loads(run.stdout)




def explain(project: Path, resource: str) -> str:
    run = run_lacuna("classify", "explain", resource, cwd=project)
    assert run.code == 0, run.stderr
    return run.stdout


@pytest.fixture(scope="module")
def flask_crm(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return check(copy_project("flask_crm", tmp_path_factory.mktemp("flask")))


def test_sqlalchemy_model_read_in_another_module_carries_its_declared_columns(flask_crm):
    read = finding_at(flask_crm, "crm/export.py", 18, "read")
    # mixin column first, `mapped_column("email_address", ...)` under its own name,
    # relationships are not columns
    assert source_columns(read) == {"customers": [
        "created_at", "id", "first_name", "last_name", "email_address", "phone"]}


def test_fields_of_a_model_row_sent_to_an_api_are_denied(flask_crm):
    export = finding_at(flask_crm, "crm/export.py", 19, "export")
    assert export["operation"]["destination"]["name"] == \
        "https://api.mailer.example.com/v3/contacts"
    assert export["decision"]["allowed"] is False
    assert "PII" in export["classification"]["tags"]


def test_a_model_without_personal_columns_is_exported_to_a_report(flask_crm):
    write = finding_at(flask_crm, "crm/views.py", 21, "write")
    assert source_columns(write) == {"products": ["id", "sku", "title", "price"]}
    assert write["operation"]["destination"]["name"] == "reports/catalogue.csv"
    assert write["decision"]["allowed"] is True
    assert "PII" not in write["classification"]["tags"]


def test_flask_sqlalchemy_query_manager_and_derived_table_name(flask_crm):
    read = finding_at(flask_crm, "crm/views.py", 13, "read")
    assert source_columns(read) == {"newsletter_subscriber": ["id", "email", "topics"]}
    export = finding_at(flask_crm, "crm/views.py", 14, "export")
    assert export["decision"]["allowed"] is False


def test_django_models_and_managers(tmp_path):
    project = copy_project("django_clinic", tmp_path)
    report = check(project)
    read = finding_at(report, "clinic/tasks.py", 12, "read")
    # Meta.db_table, the abstract base's field, db_column
    assert source_columns(read) == {"patients": [
        "created", "first_name", "last_name", "date_of_birth", "email_address",
        "insurance_number"]}
    export = finding_at(report, "clinic/tasks.py", 13, "export")
    assert export["decision"]["allowed"] is False
    assert {"PII", "PHI"} <= set(export["classification"]["tags"])
    rooms = finding_at(report, "clinic/tasks.py", 20, "write")
    assert source_columns(rooms) == {"clinic_room": ["code", "floor", "capacity"]}  # app_model
    assert rooms["decision"]["allowed"] is True
    # declared, never read: the declaring file's lineage holds the table with its columns
    models = extract_file(project / "clinic/models.py", "clinic/models.py", project, None)
    tables = {n.label: n.columns for n in models.nodes if n.kind == "resource"}
    assert tables["clinic_appointment"] == ("created", "patient_id", "room_id", "starts_at")


def test_alembic_migration_and_ddl_declare_the_tables_other_files_read(tmp_path):
    project = copy_project("signups", tmp_path)
    report = check(project)
    # `SELECT * FROM signups` names no personal column; the migration's columns do
    export = finding_at(report, "events/publish.py", 16, "export")
    assert export["decision"]["allowed"] is False
    assert "PII" in export["classification"]["tags"]
    signups = explain(project, "signups")
    for column in ("email", "plan", "signed_up_at", "full_name"):  # full_name: op.add_column
        assert f"column {column}:" in signups
    plans = explain(project, "plans")  # CREATE TABLE in op.execute
    assert "column monthly_fee:" in plans and "column seats:" in plans
    counts = finding_at(report, "events/publish.py", 25, "write")
    assert counts["decision"]["allowed"] is True


def test_pandera_schema_names_the_columns_of_a_headerless_file(tmp_path):
    project = copy_project("signups", tmp_path)
    export = finding_at(check(project), "events/publish.py", 30, "export")
    assert export["decision"]["allowed"] is False
    assert "email" in json.dumps(export["decision"]["alternatives"])  # anonymize email
    # the same export without the schema: nothing says the file holds email addresses
    publish = project / "events" / "publish.py"
    publish.write_text(publish.read_text().replace(
        'lead_schema.validate(pd.read_csv("data/prospects.csv", header=None))',
        'pd.read_csv("data/prospects.csv", header=None)'))
    export = finding_at(check(project), "events/publish.py", 30, "export")
    assert "PII" not in export["classification"]["tags"]


def test_a_model_whose_columns_cannot_be_read_is_reported(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.lacuna]\n')
    (tmp_path / "models.py").write_text(
        "import sqlalchemy as sa\n\n"
        "metadata = sa.MetaData()\n"
        "engine = sa.create_engine('postgresql://db/app')\n"
        "accounts = sa.Table('accounts', metadata, autoload_with=engine)\n")
    run = run_lacuna("check", str(tmp_path), "--format", "json", cwd=tmp_path)
    errors = json.loads(run.stdout)["errors"]
    assert run.code == 1
    assert errors == [{"path": "models.py", "line": 5, "message":
                       "cannot read the columns of table `accounts` (sqlalchemy-table): its "
                       "columns are reflected from the database at run time; its data is "
                       "classified by its name only"}]


def test_dbt_properties_declare_columns_and_their_tags(tmp_path):
    project = copy_project("dbt_loyalty", tmp_path)
    check(project)
    # `select *`: only schema.yml names loyalty_points
    assert "column loyalty_points:" in explain(project, "stg_members")
    extraction = extract_file(project / "models/staging/stg_members.sql",
                              "models/staging/stg_members.sql", project, None)
    nodes = {n.id: n for n in extraction.nodes}
    model = nodes["table:stg_members"]
    assert {t.column: t.tags for t in model.declared_tags} == {
        "handle": ("pii", "contains_pii"),
        "loyalty_points": ("sensitivity=internal", "owner=loyalty-team")}
    source = nodes["table:raw_app.members"]
    assert source.columns == ("member_id", "handle", "tier_code", "joined_on")
    assert {t.column: t.tags for t in source.declared_tags} == {
        "handle": ("contains_pii", "sensitivity=pii")}


def test_great_expectations_name_the_columns_of_the_data_they_validate(tmp_path):
    project = copy_project("signups", tmp_path)
    export = finding_at(check(project), "quality/check_referrals.py", 12, "export")
    assert export["decision"]["allowed"] is False
    assert "referrer_email" in json.dumps(export["decision"]["alternatives"])
    script = project / "quality" / "check_referrals.py"
    script.write_text("\n".join(line for line in script.read_text().splitlines()
                                if "validator.expect_" not in line) + "\n")
    export = finding_at(check(project), "quality/check_referrals.py", 9, "export")
    assert "PII" not in export["classification"]["tags"]


def test_a_parameter_annotated_with_a_table_model_is_a_row_of_its_table(tmp_path):
    report = check(copy_project("django_clinic", tmp_path))
    export = finding_at(report, "clinic/tasks.py", 25, "export")  # nothing here calls it
    assert export["decision"]["allowed"] is False
    assert "patients" in source_columns(export)
    assert "PII" in export["classification"]["tags"]


def test_ddl_in_a_sql_file_declares_the_columns_python_reads(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.lacuna]\n')
    (tmp_path / "schema.sql").write_text(
        "CREATE TABLE billing.accounts (id BIGINT PRIMARY KEY, plan TEXT);\n"
        "ALTER TABLE billing.accounts ADD COLUMN contact_email TEXT;\n")
    (tmp_path / "report.py").write_text(
        "import pandas as pd\n"
        "import sqlalchemy as sa\n\n"
        "engine = sa.create_engine('postgresql://db/billing')\n"
        "accounts = pd.read_sql_table('accounts', engine, schema='billing')\n"
        "pd.read_sql('SELECT * FROM billing.accounts', engine).to_csv('/tmp/accounts.csv')\n")
    run = run_lacuna("extract", "schema.sql", "--format", "json", cwd=tmp_path)
    writes = json.loads(run.stdout)["operations"]
    assert [w["destination"]["columns"] for w in writes] == [["id", "plan"], ["contact_email"]]
    export = finding_at(check(tmp_path), "report.py", 6, "export")
    assert export["decision"]["allowed"] is False
    assert "contact_email" in json.dumps(export["decision"]["alternatives"])
    (tmp_path / "schema.sql").unlink()
    shutil.rmtree(tmp_path / ".lacuna")  # what a run learnt about a table is kept: start anew
    export = finding_at(check(tmp_path), "report.py", 6, "export")
    assert "PII" not in export["classification"]["tags"]


def test_columns_of_a_model_selected_one_by_one_are_read_from_its_table(tmp_path):
    """`session.execute(select(Member.full_name, Member.email))`: a read of the model's table,
    those columns; the rows posted are the members' (this read was unseen, the post PUBLIC)."""
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.lacuna]\n')
    (tmp_path / "models.py").write_text(
        "from sqlalchemy import String\n"
        "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\n\n"
        "class Base(DeclarativeBase):\n    pass\n\n\n"
        "class Member(Base):\n"
        "    __tablename__ = 'members'\n"
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
        "    full_name: Mapped[str] = mapped_column(String(200))\n"
        "    email: Mapped[str] = mapped_column(String(200))\n"
        "    plan: Mapped[str] = mapped_column(String(20))\n")
    (tmp_path / "sync.py").write_text(
        "import requests\n"
        "from sqlalchemy import create_engine, select\n"
        "from sqlalchemy.orm import Session\n\n"
        "from models import Member\n\n"
        "session = Session(create_engine('postgresql://app@localhost/app'))\n"
        "rows = session.execute(select(Member.full_name, Member.email)).all()\n"
        "requests.post('https://hooks.partner.example.com/a', "
        "json=[dict(r._mapping) for r in rows])\n")
    report = check(tmp_path)
    read = finding_at(report, "sync.py", 8, "read")
    assert source_columns(read) == {"members": ["full_name", "email"]}
    export = finding_at(report, "sync.py", 9, "export")
    assert export["decision"]["allowed"] is False
    assert "PII" in export["classification"]["tags"]
