"""What a table's name says about each of its columns (issue 14), through `lacuna classify
columns`: a name that says "health records" or "payroll" speaks for the columns no rule knows
and for free text, not for the keys, dates and amounts a rule recognised; a message's body is
its parties' correspondence; people named by their role are people.

The tables and columns here are written for these tests."""

from __future__ import annotations

import json
from pathlib import Path

PERSONAL = {"PII", "PHI", "PCI", "CREDENTIALS", "SPECIAL_CATEGORY"}


def personal_columns(lacuna, root: Path, table: str, *names: str) -> set[str]:
    """The columns `lacuna classify columns TABLE NAMES... -f json` finds personal."""
    (root / "lacuna.toml").write_text("embeddings = false\n")
    result = lacuna("classify", "columns", table, *names, "-f", "json", cwd=root)
    assert result.code == 0, result.stderr
    return {row["column"] for row in json.loads(result.stdout) if PERSONAL & set(row["tags"])}


def test_a_health_tables_keys_dates_and_amounts_are_not_phi_but_its_findings_are(lacuna,
                                                                                 tmp_path):
    found = personal_columns(lacuna, tmp_path, "clinic.medications", "medication_id",
                             "patient_id", "drug_name", "route", "start_date", "unit_cost",
                             "notes")
    assert found == {"drug_name", "route", "notes"}


def test_a_drugs_name_in_a_formulary_is_not_health_data(lacuna, tmp_path):
    assert personal_columns(lacuna, tmp_path, "pharmacy.formulary", "formulary_id", "drug_name",
                            "unit_cost") == set()


def test_a_credentials_tables_key_hash_is_a_credential_and_its_ids_are_not(lacuna, tmp_path):
    assert personal_columns(lacuna, tmp_path, "auth.api_keys", "api_key_id", "workspace_id",
                            "key_hash", "last_used_at", "revoked") == {"key_hash"}


def test_a_messages_body_is_personal_and_its_timestamps_are_not(lacuna, tmp_path):
    assert personal_columns(lacuna, tmp_path, "chat_messages", "message_id", "thread_id",
                            "sender_id", "body", "sent_at", "edited") == {"body"}


def test_people_named_by_their_role_are_people_even_in_a_things_record(lacuna, tmp_path):
    assert personal_columns(lacuna, tmp_path, "school_courses", "course_id", "course_code",
                            "instructor_name", "room", "created_by_email") == {
        "instructor_name", "created_by_email"}


def test_the_parties_of_a_call_detail_record_and_the_sim_are_personal(lacuna, tmp_path):
    assert personal_columns(lacuna, tmp_path, "telco.call_records", "record_id",
                            "calling_number", "called_number", "iccid", "cell_id",
                            "duration_sec") == {"calling_number", "called_number", "iccid"}
