"""Entity-aware classification (issue 14): whose data a table holds decides whether its names,
addresses and phones are personal; keys and flags are not the attribute they point at; every
recognised column names its data type and fideslang category in reports.

The schemas here are written for these tests (a retail warehouse in the style of TPC-DS)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lacuna_cli.classify.entity import load_vocabulary, record_name
from lacuna_cli.classify.heuristics import load_rules
from lacuna_cli.classify.layers import rule_verdict
from lacuna_cli.errors import ConfigError

PERSONAL = {"PII", "PHI", "PCI", "CREDENTIALS", "SPECIAL_CATEGORY"}


def columns(lacuna, tmp_path: Path, table: str, *names: str) -> dict[str, dict]:
    """`lacuna classify columns TABLE NAMES... -f json`, by column."""
    (tmp_path / "lacuna.toml").write_text("embeddings = false\n")
    result = lacuna("classify", "columns", table, *names, "-f", "json", cwd=tmp_path)
    assert result.code == 0, result.stderr
    return {row["column"]: row for row in json.loads(result.stdout)}


def personal(row: dict) -> bool:
    return bool(PERSONAL & set(row["tags"]))


def test_a_customers_identifying_columns_are_pii_and_the_rest_only_linked(lacuna, tmp_path):
    found = columns(lacuna, tmp_path, "retail.dim_customer", "c_customer_sk", "c_first_name",
                    "c_email_address", "c_birth_year", "c_street_name", "c_zip", "hotel",
                    "shoe_size", "c_preferred_cust_flag", "account_balance", "segment")
    assert {c for c, row in found.items() if personal(row)} == {
        "c_first_name", "c_email_address", "c_birth_year", "c_street_name", "c_zip"}
    for column in ("hotel", "shoe_size", "c_preferred_cust_flag", "account_balance", "segment"):
        assert found[column]["tier"] == "INTERNAL", column
        assert "PERSON_LINKED" in found[column]["tags"], column
    key = found["c_customer_sk"]
    assert key["tier"] == "INTERNAL" and "IDENTIFIER" in key["tags"] and not personal(key)
    assert found["c_email_address"]["entity"] == "person"
    assert found["c_email_address"]["data_type"] == "Email address"
    assert found["c_email_address"]["fideslang"] == "user.contact.email"
    assert found["c_birth_year"]["fideslang"] == "user.demographic.date_of_birth"


def test_a_stores_address_and_phone_are_not_personal_but_its_managers_name_is(lacuna,
                                                                                tmp_path):
    found = columns(lacuna, tmp_path, "store", "s_store_sk", "s_store_name", "s_street_number",
                    "s_street_name", "s_zip", "s_phone", "s_manager", "s_floor_space")
    assert {c for c, row in found.items() if personal(row)} == {"s_manager"}
    assert found["s_zip"]["entity"] == "thing" and found["s_zip"]["tier"] == "INTERNAL"
    assert "of a store" in found["s_street_name"]["reasoning"]
    assert "IDENTIFIER" in found["s_store_sk"]["tags"]


@pytest.mark.parametrize("table", ["warehouse", "call_center", "web_site", "dim_warehouses"])
def test_places_of_business_keep_their_contact_data_internal(lacuna, tmp_path, table):
    found = columns(lacuna, tmp_path, table, "street_name", "zip", "phone", "email", "name")
    assert not any(personal(row) for row in found.values()), found


def test_flags_and_keys_about_a_personal_attribute_are_not_the_attribute(lacuna, tmp_path):
    found = columns(lacuna, tmp_path, "promotion", "p_promo_sk", "p_channel_email",
                    "p_channel_tv", "p_item_sk")
    assert not any(personal(row) for row in found.values())
    assert found["p_item_sk"]["tags"] == ["IDENTIFIER"]


@pytest.mark.parametrize("name", ["email_verified", "num_phones", "has_ssn", "p_channel_email",
                                  "phone_count", "email_verified_at", "ssn_hash",
                                  "ss_addr_sk", "ca_address_sk", "billing_address_id",
                                  "cvc_check", "address_zip_check"])
def test_keys_flags_and_counts_carry_no_personal_tag(name: str) -> None:
    assert not rule_verdict(name, load_rules()).tags & PERSONAL, name


@pytest.mark.parametrize("name, tags", [("ss_customer_sk", {"IDENTIFIER"}),
                                        ("order_id", {"IDENTIFIER"}),
                                        ("tax_id", {"PII"}), ("device_id", {"PII"}),
                                        ("api_key", {"CREDENTIALS"}),
                                        ("national_id", {"PII"})])
def test_identifiers_of_people_stay_what_they_are(name: str, tags: set[str]) -> None:
    assert tags <= rule_verdict(name, load_rules()).tags, name


def test_an_unknown_entity_keeps_the_conservative_verdicts(lacuna, tmp_path):
    found = columns(lacuna, tmp_path, "t_0042", "street_name", "zip", "phone", "name")
    assert all(personal(row) for row in found.values())
    assert {row["entity"] for row in found.values()} == {"unknown"}


def test_columns_only_a_person_has_make_a_nameless_table_a_person(lacuna, tmp_path):
    found = columns(lacuna, tmp_path, "t_0043", "fname", "dob", "zip", "shoe_size")
    assert found["zip"]["entity"] == "person" and personal(found["zip"])
    assert "fname + dob" in found["zip"]["entity_reason"]
    assert found["shoe_size"]["tags"] == ["PERSON_LINKED"]


@pytest.mark.parametrize("name, kind, noun", [
    ("customer", "person", "customer"), ("crm.Customers", "person", "customer"),
    ("dim_customer", "person", "customer"), ("stg_employees", "person", "employee"),
    ("customer_address", "person", "customer"), ("store_manager", "person", "manager"),
    ("CustomerInfoModel", "person", "customer"), ("patients", "person", "patient"),
    ("people", "person", "people"), ("store", "thing", "store"),
    ("exports/stores_2024.csv", "thing", "store"), ("web_site", "thing", "web_site"),
    ("call_center", "thing", "call_center"), ("ProductDetailsModel", "thing", "product"),
    ("companies", "thing", "company"), ("store_sales", "unknown", None),
    ("job_applications", "unknown", None), ("orders", "unknown", None),
    # a reference table of codes is of what it codes (its country_name is no person's)
    ("data/country_codes.csv", "thing", "country"), ("ref.currency_codes", "thing", "currency"),
    ("customer_codes", "person", "customer")])
def test_the_entity_comes_from_the_name(name: str, kind: str, noun: str | None) -> None:
    entity = load_vocabulary().decide(name, {})
    assert (entity.kind, entity.noun) == (kind, noun), entity.why


def test_a_person_entitys_level_is_its_own():
    vocabulary = load_vocabulary()
    assert vocabulary.decide("customers", {}).linked_tags == {"PERSON_LINKED"}
    patients = vocabulary.decide("patients", {})
    assert patients.linked_tier.value == "PROPRIETARY" and "PHI" in patients.linked_tags


def test_a_leading_key_names_the_entity_of_a_nameless_table():
    rules = load_rules()
    verdicts = {c: rule_verdict(c, rules) for c in ("customer_id", "notes")}
    entity = load_vocabulary().decide("t_0044", verdicts)
    assert entity.kind == "person" and "customer_id" in entity.why


@pytest.mark.parametrize("columns, kind", [
    (("marketing_opt_in", "survey_opt_in", "customer_id"), "person"),
    (("survey_opt_in", "customer_id", "marketing_opt_in"), "person"),
    (("customer_id", "survey_opt_in", "marketing_opt_in"), "person"),
    (("survey_opt_in", "consent_id", "customer_id"), "unknown"),
    (("survey_opt_in", "id", "customer_id"), "unknown"),
    (("survey_opt_in", "customer_id", "id"), "unknown")])
def test_the_first_key_decides_wherever_other_columns_stand(columns: tuple[str, ...],
                                                             kind: str) -> None:
    """A table's columns merge what each file reading it lists, in path order: a `SELECT` that
    lists opt-in flags before the customer key must not decide that the table is no person's.
    A key of the table's own before it (`consent_id`), or a bare `id` anywhere, still says it
    is not a person's record but one that refers to a person."""
    rules = load_rules()
    verdicts = {c: rule_verdict(c, rules) for c in columns}
    assert load_vocabulary().decide("crm.consents", verdicts).kind == kind


def test_a_leading_key_of_a_thing_lowers_nothing():
    """Known columns grow as files are added: a key seen first must not turn a nameless table
    into a store whose addresses are no longer personal."""
    rules = load_rules()
    verdicts = {c: rule_verdict(c, rules) for c in ("store_id", "street_address")}
    assert load_vocabulary().decide("t_0045", verdicts).kind == "unknown"


def test_the_record_name_drops_schema_folders_and_extensions():
    assert record_name("analytics.dim_customers") == "dim_customers"
    assert record_name("s3://bucket/exports/stores.csv.gz") == "stores"
    assert record_name("data/stores/2024.parquet") == "stores"


def test_the_catalog_names_about_a_hundred_data_types_each_with_a_fideslang_category():
    rules = [compiled.rule for compiled in load_rules().columns.rules]
    typed = [rule for rule in rules if rule.data_type]
    assert len({rule.data_type for rule in typed}) >= 85
    assert all(rule.fideslang for rule in typed)
    special = {rule.id for rule in typed if "SPECIAL_CATEGORY" in rule.tags}
    assert {"health", "biometric", "genetic", "race-ethnicity", "religion", "political-opinion",
            "sexual-orientation", "trade-union", "criminal-record"} <= special


@pytest.mark.parametrize("name, fideslang", [
    ("employment_status", "user.job_title"), ("browsing_history", "user.behavior.browsing_history"),
    ("avatar", "user.content.self_image"), ("signature", "user.content.private"),
    ("acquaintances", "user.social"), ("religion", "user.demographic.religious_belief"),
    ("trade_union", "user.demographic"), ("iban", "user.financial.bank_account"),
    ("user_agent", "user.device"), ("criminal_record", "user.criminal_history"),
    ("child_name", "user.childrens"), ("refresh_token", "user.authorization.credentials")])
def test_the_types_peers_know_are_in_the_catalog(name: str, fideslang: str) -> None:
    assert rule_verdict(name, load_rules()).fideslang == fideslang, name


def test_a_bad_entities_file_is_one_error_naming_file_and_key(tmp_path: Path) -> None:
    from lacuna_cli.classify.entity import _load

    bad = tmp_path / "entities.yaml"
    bad.write_text("version: 1\nkind: entities\npersons: [{words: [x]}]\nthings: []\n"
                   "record_words: []\nevidence: {at_least: 2, fideslang: [user.name]}\n"
                   "own_key: {data_type: Person key, fideslang: user.unique_id}\n")
    with pytest.raises(ConfigError, match=r"entities\.yaml: persons\.0\.linked: Field required"):
        _load(str(bad))


PROJECT = """import pandas as pd
stores = pd.read_csv("data/stores.csv")
stores.to_csv("/tmp/exports/stores.csv")
customers = pd.read_csv("data/customers.csv")
customers.to_csv("/tmp/exports/customers.csv")
members = pd.read_csv("data/members.csv")
members.to_parquet("warehouse/members.parquet")
members.to_csv("/tmp/exports/members.csv")
visits = pd.read_csv("data/visits.csv")
visits.to_parquet("warehouse/visits.parquet")
"""


@pytest.fixture
def retail(tmp_path: Path) -> Path:
    (tmp_path / "lacuna.toml").write_text("embeddings = false\n")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "stores.csv").write_text("store_name,street_address,zip,phone\n")
    (tmp_path / "data" / "customers.csv").write_text("first_name,street_address,zip,phone\n")
    (tmp_path / "data" / "members.csv").write_text("member_id,religion,region\n")
    (tmp_path / "data" / "visits.csv").write_text("visit_id,diagnosis\n")
    (tmp_path / "job.py").write_text(PROJECT)
    return tmp_path


def _by_line(document: dict) -> dict[int, dict]:
    return {f["operation"]["location"]["line"]: f for f in document["findings"]
            if f["operation"]["action"] != "read"}


def test_a_stores_address_may_leave_a_customers_may_not(lacuna, retail: Path) -> None:
    result = lacuna("check", ".", "--format", "json", cwd=retail)
    assert result.code == 1, result.stderr
    found = _by_line(json.loads(result.stdout))
    assert found[3]["decision"]["allowed"] is True
    assert found[3]["classification"]["tier"] == "INTERNAL"
    customers = found[5]
    assert customers["decision"]["allowed"] is False
    assert customers["decision"]["policy_id"] == "LAC-PII-001"
    assert customers["classification"]["data_types"]["zip"] == {
        "name": "Postal code", "fideslang": "user.contact.address.postal_code"}


def test_special_categories_are_denied_at_least_like_phi(lacuna, retail: Path) -> None:
    result = lacuna("check", ".", "--format", "json", cwd=retail)
    found = _by_line(json.loads(result.stdout))
    beliefs, health = found[7], found[10]
    assert "SPECIAL_CATEGORY" in beliefs["classification"]["tags"]
    for finding in (beliefs, health):  # unencrypted in governed storage: both denied
        assert finding["decision"]["allowed"] is False
        assert finding["decision"]["policy_id"] == "LAC-ENC-001"
    exported = found[8]
    assert exported["decision"]["allowed"] is False
    assert exported["decision"]["steward"] == "privacy-office@acme.example"


def test_reports_name_the_data_type_and_its_fideslang_category(lacuna, retail: Path) -> None:
    text = lacuna("check", ".", cwd=retail)
    assert "religion: Religious or philosophical belief (user.demographic.religious_belief)" \
        in text.stdout
    sarif = json.loads(lacuna("check", ".", "--format", "sarif", cwd=retail).stdout)
    results = sarif["runs"][0]["results"]
    customers = next(r for r in results if r["locations"][0]["physicalLocation"]["region"][
        "startLine"] == 5)
    assert customers["properties"]["dataTypes"]["phone"]["fideslang"] == \
        "user.contact.phone_number"
    assert "Phone number (user.contact.phone_number)" in customers["message"]["text"]


def test_explain_shows_the_entity_decision_and_why(lacuna, retail: Path) -> None:
    text = lacuna("classify", "explain", "data/stores.csv", cwd=retail)
    assert text.code == 0, text.stderr
    assert "entity: thing (store) — its name 'stores' names a store" in text.stdout
    assert ("column street_address: INTERNAL [not sensitive] by heuristic (0.85, Street address "
            "(user.contact.address.street))") in text.stdout
    document = json.loads(lacuna("classify", "explain", "data/customers.csv", "-f", "json",
                                 cwd=retail).stdout)
    assert document["entity"]["kind"] == "person"
    assert document["entity"]["linked_tags"] == ["PERSON_LINKED"]


def test_the_parties_of_a_message_are_people(lacuna, tmp_path):
    found = columns(lacuna, tmp_path, "mail.Emails", "MetadataFrom", "ExtractedTo",
                    "ExtractedCc", "MetadataDateSent", "date_from", "MetadataSubject")
    assert {c for c, row in found.items() if personal(row)} == {
        "MetadataFrom", "ExtractedTo", "ExtractedCc"}
    assert (found["ExtractedCc"]["data_type"], found["ExtractedCc"]["fideslang"]) == (
        "Message sender or recipient", "user.contact")
    # The same words in a record that is no message are not parties.
    elsewhere = columns(lacuna, tmp_path, "price_bands", "valid_from", "to")
    assert not any(personal(row) for row in elsewhere.values())


def test_a_persons_work_contact_data_is_theirs_and_a_post_office_box_no_office(lacuna,
                                                                              tmp_path):
    found = columns(lacuna, tmp_path, "ContactItem", "BusinessAddressStreet",
                    "BusinessTelephoneNumber", "HomeAddressPostOfficeBox", "CompanyName")
    assert {c for c, row in found.items() if personal(row)} == {
        "BusinessAddressStreet", "BusinessTelephoneNumber", "HomeAddressPostOfficeBox"}
    # In a record that is not a person, a company's address stays the company's.
    orders = columns(lacuna, tmp_path, "orders", "company_address", "ship_name",
                     "ship_address")
    assert {c for c, row in orders.items() if personal(row)} == {"ship_name", "ship_address"}


def test_a_patients_own_attributes_are_hipaa_data_not_phi_by_themselves(lacuna, tmp_path):
    found = columns(lacuna, tmp_path, "clinic.patients", "patient_id", "mrn", "last_name",
                    "diagnosis", "ward", "admission_date")
    assert {c for c, row in found.items() if personal(row)} == {"mrn", "last_name",
                                                                "diagnosis"}
    for column in ("ward", "admission_date"):
        assert found[column]["tier"] == "PROPRIETARY", column
        assert {"PERSON_LINKED", "HIPAA"} <= set(found[column]["tags"]), column


def test_qualified_person_columns_show_a_record_that_has_a_person_not_one(lacuna, tmp_path):
    # `contact_first_name` + `contact_last_name`: the call has a contact; the call is no person,
    # so its own `id` is no person key.
    found = columns(lacuna, tmp_path, "t_0042", "id", "contact_first_name",
                    "contact_last_name", "d_following_holiday")
    assert found["id"]["entity"] == "unknown"
    assert found["id"]["data_type"] == "Surrogate or foreign key"
    assert not personal(found["d_following_holiday"])
