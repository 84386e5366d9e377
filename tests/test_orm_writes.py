"""ORM writes are writes, ORM reads reach their sinks, JSON read into records has their columns.

fixtures/orm_writes/ is an application written the way teams write one: a Django management
command and view, FastAPI handlers with a session from `Depends`, Celery tasks on
Flask-SQLAlchemy and SQLModel models, a pydantic record describing JSON exports, and the
statements, query-level updates and deletions of SQLAlchemy 2.0 and Django querysets
(`api/admin.py`, `crm/cleanup.py`, `sync_crm.py`). Its tables exist only as models; every
verdict below comes from the models and the catalog's `rules/apis/orm.yaml` rows.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from lacuna_cli.extract.catalog import load_catalog
from lacuna_cli.extract.prefilter import may_hold_operations
from tests.conftest import FIXTURES, finding_at, run_lacuna, source_columns

PROJECT = FIXTURES / "orm_writes"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("orm") / "orm_writes"
    shutil.copytree(PROJECT, target, ignore=shutil.ignore_patterns(".lacuna"))
    return target


@pytest.fixture(scope="module")
def report(project: Path) -> dict:
    run = run_lacuna("check", str(project), "--format", "json", cwd=project, timeout=600)
    assert run.code in (0, 1), run.stderr
    return json.loads(run.stdout)




def destination(found: dict) -> tuple[str, list[str]]:
    target = found["operation"]["destination"]
    return target["name"], target["columns"]


COMMAND = "shop/management/commands/import_leads.py"


def test_rows_of_an_uploaded_csv_stored_through_a_manager_write_the_model_table(report):
    write = finding_at(report, COMMAND, 15, "write")  # Lead.objects.bulk_create([Lead(...)...])
    assert destination(write) == ("shop_lead", ["email", "source"])
    assert source_columns(write) == {"imports/fair_leads.csv": ["email", "phone", "booth"]}
    assert "PII" in write["classification"]["tags"]
    # the manager that stores is not a read of the table
    assert not [f for f in report["findings"] if f["operation"]["location"]["path"] == COMMAND
                and f["operation"]["action"] == "read"
                and "shop_lead" in source_columns(f)]


def test_rows_of_one_model_copied_into_another_carry_their_lineage(report):
    copied = finding_at(report, COMMAND, 17, "write")  # Lead.objects.create(email=customer.email)
    assert destination(copied)[0] == "shop_lead"
    assert source_columns(copied) == {"customers": ["first_name", "email", "phone"]}
    assert "PII" in copied["classification"]["tags"]
    # FastAPI: a session from Depends, a comprehension of records handed to add_all
    rebuilt = finding_at(report, "api/routes.py", 16, "write")
    assert destination(rebuilt) == ("mailing_entries", ["id", "email"])
    assert source_columns(rebuilt) == {"accounts": ["id", "full_name", "email"]}


def test_a_record_saving_itself_writes_what_was_assigned_to_it(report):
    saved = finding_at(report, COMMAND, 20, "write")  # customer.phone = ...; customer.save()
    assert destination(saved)[0] == "customers"
    assert set(source_columns(saved)) == {"customers", "imports/fair_leads.csv"}


def test_flask_sqlalchemy_session_and_sqlmodel_insert_statement(report):
    added = finding_at(report, "crm/jobs.py", 15, "write")  # db.session.add(Subscriber(...))
    assert destination(added) == ("subscriber", ["id", "email"])
    assert set(source_columns(added)) == {"imports/subscribers.json"}
    inserted = finding_at(report, "crm/jobs.py", 22, "write")  # insert(Visit).values(rows)
    assert destination(inserted) == ("visit", ["id", "patient_name", "diagnosis"])
    assert set(source_columns(inserted)) == {"imports/visits.json"}


def test_a_record_whose_model_is_not_known_goes_to_a_table_named_at_run_time(report):
    stored = finding_at(report, "crm/jobs.py", 33, "write")  # db.session.add(as_row(record))
    assert stored["operation"]["dynamic"] is True
    assert stored["operation"]["dynamic_reason"] == \
        "the model of the record stored by `db.session.add` is not known"


def test_a_session_parameter_given_no_record_of_a_model_stores_nothing(report):
    # `def store(db, record): db.add(record)`: `add` is also `set.add`; no model, no write
    assert not [f for f in report["findings"] if f["operation"]["location"]["path"] ==
                "api/routes.py" and f["operation"]["location"]["line"] == 27]


def test_rows_read_through_the_orm_and_exported_are_blocked(report):
    shared = finding_at(report, "api/routes.py", 23, "export")  # db.get(Account, id) -> POST
    assert shared["decision"]["allowed"] is False
    assert source_columns(shared) == {"accounts": ["id", "full_name", "email"]}
    logged = finding_at(report, "shop/views.py", 11, "export")  # values_list -> logger
    assert logged["decision"]["allowed"] is False
    assert "PII" in logged["classification"]["tags"]


def test_a_file_with_only_orm_code_is_not_skipped():
    source = (PROJECT / "shop" / "views.py").read_text()
    catalog = load_catalog()
    assert may_hold_operations(source, catalog)
    # the same file with a manager the catalog does not know is skipped: the ORM rows are
    # what lets it through
    assert not may_hold_operations(source.replace(".objects.", ".registry."), catalog)


def test_json_read_into_a_declared_record_has_its_columns(report):
    member = ["member_id", "email", "date_of_birth"]
    for line, path in ((15, "imports/members.json"),  # TypeAdapter(list[Member]).validate_json
                       (21, "imports/members.jsonl"),  # [Member(**json.loads(l)) for l in f]
                       (26, "imports/member.json")):  # Member.model_validate_json(text)
        export = finding_at(report, "feed/publish.py", line, "export")
        assert source_columns(export) == {path: member}
        assert export["decision"]["allowed"] is False


def test_without_the_record_type_the_json_file_has_no_columns(project: Path):
    publish = project / "feed" / "publish.py"
    original = publish.read_text()
    try:
        publish.write_text(original.replace("TypeAdapter(list[Member]).validate_json(",
                                            "json.loads("))
        run = run_lacuna("extract", "feed/publish.py", "--format", "json", cwd=project)
    finally:
        publish.write_text(original)
    assert run.code == 0, run.stderr
    export = next(o for o in json.loads(run.stdout)["operations"]
                  if o["location"]["line"] == 15 and o["action"] == "export")
    assert [(s["name"], s["columns"]) for s in export["sources"]] == \
        [("imports/members.json", [])]


ADMIN = "api/admin.py"
SYNC = "shop/management/commands/sync_crm.py"
CRM_EXPORT = {"imports/crm_export.csv": ["id", "full_name", "email"]}
ACCOUNTS = ("accounts", ["id", "full_name", "email"])
MAILING = ("mailing_entries", ["id", "email"])


def test_statements_run_with_rows_store_them_in_the_model_table(report):
    for line, table in ((22, ACCOUNTS),  # db.execute(insert(Account), rows)
                        (23, MAILING)):  # db.bulk_insert_mappings(MailingEntry, [...])
        stored = finding_at(report, ADMIN, line, "write")
        assert destination(stored) == table
        assert source_columns(stored) == CRM_EXPORT
        assert "PII" in stored["classification"]["tags"]
    # a declared Table builds its own statement: session.execute(audit_trail.insert(), rows)
    trail = finding_at(report, ADMIN, 46, "write")
    assert destination(trail) == ("audit_trail", ["id", "account_email", "action"])
    assert trail["operation"]["dynamic"] is False


def test_updates_write_what_flows_into_their_values(report):
    # stmt = update(Account).where(...).values(email=row["email"]); db.execute(stmt)
    updated = finding_at(report, ADMIN, 30, "write")
    assert destination(updated) == ACCOUNTS
    assert source_columns(updated) == CRM_EXPORT
    assert not [f for f in report["findings"] if f["operation"]["location"]["path"] == ADMIN
                and f["operation"]["location"]["line"] == 31]  # running it adds nothing
    # db.query(MailingEntry).filter(...).update({"email": row["email"]}): the rows filtered
    # stay in their table; what is given is written there
    in_place = finding_at(report, ADMIN, 32, "write")
    assert destination(in_place) == MAILING
    assert source_columns(in_place) == CRM_EXPORT
    # Django: a queryset's update and a manager's update_or_create
    for line in (16, 17):
        synced = finding_at(report, SYNC, line, "write")
        assert destination(synced) == ("customers", ["first_name", "email", "phone"])
        assert source_columns(synced) == CRM_EXPORT
        assert "PII" in synced["classification"]["tags"]
    lead = finding_at(report, SYNC, 19, "write")  # Lead.objects.get_or_create(email=...)
    assert destination(lead) == ("shop_lead", ["email", "source"])
    # an update with constants only moves no data
    constant = finding_at(report, SYNC, 23, "write")  # .filter(...).update(source="crm")
    assert source_columns(constant) == {}
    assert constant["classification"]["tier"] == "PUBLIC"


def test_a_delete_is_a_write_to_the_table_that_moves_no_data(report):
    erasures = [(ADMIN, 39, ACCOUNTS),  # db.execute(delete(Account).where(...))
                (ADMIN, 40, MAILING),  # db.query(MailingEntry).filter(...).delete()
                (SYNC, 20, ("customers", ["first_name", "email", "phone"])),  # qs.delete()
                (SYNC, 22, ("customers", ["first_name", "email", "phone"])),  # customer.delete()
                ("crm/cleanup.py", 15, ("subscriber", ["id", "email"]))]  # query.delete()
    for path, line, table in erasures:
        erased = finding_at(report, path, line, "write")
        assert destination(erased) == table, (path, line)
        assert erased["operation"]["sources"] == []
        # the operation is about the table's own data: an erasure of personal data
        assert "PII" in erased["classification"]["tags"], (path, line)
        assert erased["decision"]["allowed"] is True


def test_a_delete_of_records_whose_model_is_not_known_is_unresolved(report):
    # db.session.delete(db.session.merge(payload)): the table is named at run time
    erased = [f for f in report["findings"] if f["operation"]["location"]["path"] ==
              "crm/cleanup.py" and f["operation"]["location"]["line"] == 21
              and f["operation"]["dynamic_reason"] ==
              "the model whose rows `db.session.delete` deletes is not known"]
    assert len(erased) == 1
    assert erased[0]["classification"]["tier"] == "UNKNOWN"


def test_a_session_parameter_deleting_what_is_not_a_record_is_no_write(project: Path):
    # `cache.delete(key)` on a parameter is not an ORM call: a method row stores or erases
    # only records of a model it can tell
    (project / "api" / "cache.py").write_text(
        "from sqlalchemy.orm import Session\n\n\n"
        "def forget(cache, key: str) -> None:\n"
        "    cache.delete(key)\n\n\n"
        "def forget_account(db: Session, account) -> None:\n"
        "    db.delete(account)\n")
    try:
        run = run_lacuna("extract", "api/cache.py", "--format", "json", cwd=project)
    finally:
        (project / "api" / "cache.py").unlink()
    assert run.code == 0, run.stderr
    assert json.loads(run.stdout)["operations"] == []
