"""Credentials stored as hashes, bank codes that name a bank, and per-column data types that
a governance team declares in `lacuna-classifications.yaml` (issue 14) — through the CLI.

The tables and columns here are written for these tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import write_files

PERSONAL = {"PII", "PHI", "PCI", "CREDENTIALS", "SPECIAL_CATEGORY"}


def classified(lacuna, root: Path, table: str, *names: str, code: int = 0
               ) -> tuple[dict[str, dict], str]:
    """`lacuna classify columns TABLE NAMES... -f json`, by column, and its stderr."""
    (root / "lacuna.toml").write_text("embeddings = false\n")
    result = lacuna("classify", "columns", table, *names, "-f", "json", cwd=root)
    assert result.code == code, result.stderr
    return {row["column"]: row for row in json.loads(result.stdout)}, result.stderr


@pytest.mark.parametrize("column", ["password_hash", "hashed_password", "pwd_digest",
                                    "encrypted_password", "api_key_hash", "reset_token_hash"])
def test_a_stored_password_or_token_hash_is_a_credential(lacuna, tmp_path, column):
    found, _ = classified(lacuna, tmp_path, "app_users", "user_id", column)
    assert "CREDENTIALS" in found[column]["tags"], found[column]
    assert found[column]["data_type"] == "Stored credential hash"


@pytest.mark.parametrize("column", ["file_hash", "content_sha256", "email_hash_check"])
def test_a_hash_of_content_is_not_a_credential(lacuna, tmp_path, column):
    found, _ = classified(lacuna, tmp_path, "uploaded_documents", "document_id", column)
    assert not PERSONAL & set(found[column]["tags"]), found[column]


def test_a_routing_number_names_a_bank_while_the_account_number_beside_it_is_personal(
        lacuna, tmp_path):
    found, _ = classified(lacuna, tmp_path, "payout_methods", "payout_method_id",
                          "routing_number", "sort_code", "swift_bic", "account_number", "iban")
    assert {c for c, row in found.items() if PERSONAL & set(row["tags"])} == {
        "account_number", "iban"}
    assert found["account_number"]["fideslang"] == "user.financial.bank_account"
    assert found["routing_number"]["tier"] == "INTERNAL"
    assert "names a bank" in found["routing_number"]["reasoning"]


DECLARED = """\
version: 1
columns:
  loyalty_members.contact_ref:
    data_type: Email address
    reason: the loyalty export keeps the member's email under contact_ref
  loyalty_members.tier_code: {data_type: Date of birth}
  loyalty_members.wallet: {data_type: bank-account}
"""


def test_a_declared_data_type_brings_the_catalogs_tier_tags_and_fideslang(lacuna, tmp_path):
    write_files(tmp_path, {"lacuna-classifications.yaml": DECLARED})
    found, stderr = classified(lacuna, tmp_path, "loyalty_members", "member_id", "contact_ref",
                               "tier_code", "wallet", "points_balance")
    assert stderr == ""
    email = found["contact_ref"]
    assert (email["data_type"], email["fideslang"]) == ("Email address", "user.contact.email")
    assert {"PII", "GDPR"} <= set(email["tags"]) and email["tier"] == "PROPRIETARY"
    assert "declared Email address in lacuna-classifications.yaml" in email["reasoning"]
    assert "the loyalty export keeps" in email["reasoning"]
    assert found["tier_code"]["fideslang"] == "user.demographic.date_of_birth"
    # A rule id names the data type too.
    assert found["wallet"]["data_type"] == "Bank account"
    assert found["wallet"]["fideslang"] == "user.financial.bank_account"
    assert not PERSONAL & set(found["points_balance"]["tags"])
    # A schema-qualified table answers to the key of its bare name.
    qualified, _ = classified(lacuna, tmp_path, "crm.loyalty_members", "contact_ref")
    assert qualified["contact_ref"]["data_type"] == "Email address"


def test_without_the_declaration_the_same_columns_are_not_personal(lacuna, tmp_path):
    found, _ = classified(lacuna, tmp_path, "loyalty_members", "member_id", "contact_ref",
                          "tier_code")
    assert not PERSONAL & set(found["contact_ref"]["tags"])
    assert not PERSONAL & set(found["tier_code"]["tags"])


def test_an_unknown_data_type_is_one_error_line_and_the_other_entries_still_apply(lacuna,
                                                                                   tmp_path):
    write_files(tmp_path, {"lacuna-classifications.yaml": DECLARED.replace(
        "{data_type: Date of birth}", "{data_type: Date of brith}")})
    found, stderr = classified(lacuna, tmp_path, "loyalty_members", "contact_ref", "tier_code",
                               code=2)
    (error,) = [line for line in stderr.splitlines() if line.strip()]
    assert error.startswith(
        "lacuna: error: lacuna-classifications.yaml: columns.loyalty_members.tier_code.data_type:"
        " unknown data type 'Date of brith' (not in the catalog, rules/columns.yaml); did you "
        "mean Date of birth"), stderr
    assert found["contact_ref"]["data_type"] == "Email address"
    assert not PERSONAL & set(found["tier_code"]["tags"])


SHIPPING = """\
import pandas as pd
import requests

members = pd.read_sql("SELECT member_id, contact_ref FROM loyalty_members", "postgresql://db/crm")
requests.post("https://partner.example/upload", json=members.to_dict())
"""


def test_check_and_explain_use_the_declaration_and_name_its_source(lacuna, tmp_path):
    write_files(tmp_path, {"lacuna-classifications.yaml": DECLARED, "jobs/ship.py": SHIPPING,
                           "lacuna.toml": "embeddings = false\n"})
    checked = lacuna("check", "jobs", "-f", "json", cwd=tmp_path)
    assert checked.code == 1, checked.stderr
    (finding,) = [f for f in json.loads(checked.stdout)["findings"]
                  if not f["decision"]["allowed"]][:1]
    assert finding["classification"]["data_types"]["contact_ref"]["name"] == "Email address"
    explained = lacuna("classify", "explain", "loyalty_members", cwd=tmp_path)
    assert explained.code == 0, explained.stderr
    assert ("column contact_ref: PROPRIETARY [GDPR, PII] by override (1.00, Email address "
            "(user.contact.email)): declared Email address in lacuna-classifications.yaml "
            "(columns.loyalty_members.contact_ref)") in explained.stdout


def test_check_reports_an_unknown_data_type_goes_on_and_exits_2(lacuna, tmp_path):
    write_files(tmp_path, {"lacuna-classifications.yaml": DECLARED.replace(
        "data_type: Email address", "data_type: e-mail adress"), "jobs/ship.py": SHIPPING,
        "lacuna.toml": "embeddings = false\n"})
    checked = lacuna("check", "jobs", "-f", "json", cwd=tmp_path)
    assert checked.code == 2, checked.stderr
    report = json.loads(checked.stdout)
    assert [e["path"] for e in report["errors"]] == ["lacuna-classifications.yaml"]
    assert "columns.loyalty_members.contact_ref.data_type: unknown data type" in (
        report["errors"][0]["message"])
    # The run went on: the export was still decided.
    assert any(f["operation"]["action"] == "export" for f in report["findings"])


def test_a_key_without_its_table_is_one_error_line(lacuna, tmp_path):
    write_files(tmp_path, {"lacuna-classifications.yaml": DECLARED + "  contact_ref: "
                                                          "{data_type: Email address}\n"})
    found, stderr = classified(lacuna, tmp_path, "loyalty_members", "contact_ref", code=2)
    assert stderr.strip() == ("lacuna: error: lacuna-classifications.yaml: columns.contact_ref: "
                              "a key is TABLE.COLUMN (or path/to/file.csv.COLUMN)")
    assert found["contact_ref"]["data_type"] == "Email address"
