"""Run-together column names (issue 14): legacy and German schemas write a name's words without
a separator (`MBRNAME`, `homephone`, `dateofbirth`, `lieferadresse`). Layer 1 reads such a
token as its words only when every piece is a word the rules know and the cut is clear
(`rules/compounds.yaml`); words that merely look composed (`hotel`, `postage`, `microphone`)
stay whole. Through `lacuna classify columns`; the tables and columns are written for these
tests, none taken from the bench sets."""

from __future__ import annotations

import json

from test_classif_table_context import personal_columns as found

from lacuna_cli.classify.heuristics import load_rules, normalise_name


def test_legacy_run_together_names_of_a_member_and_an_employee_are_personal(lacuna, tmp_path):
    assert found(lacuna, tmp_path, "CLUB_ROSTER", "MBRNAME", "MBRSSN", "MBRPHONE", "MBRADDR",
                 "JOINDATE", "DUESAMT") == {"MBRNAME", "MBRSSN", "MBRPHONE", "MBRADDR"}
    assert found(lacuna, tmp_path, "PAYROLL_MASTER", "EMPNAME", "EMPSSN", "EMPDOB", "EMPNO",
                 "DEPTCODE", "GROSSPAY") == {"EMPNAME", "EMPSSN", "EMPDOB"}


def test_lower_case_run_together_contact_columns_are_personal(lacuna, tmp_path):
    assert found(lacuna, tmp_path, "signups", "custname", "homephone", "emailaddress",
                 "dateofbirth", "birthdt", "lastnm", "signupdate", "referralcode") == {
        "custname", "homephone", "emailaddress", "dateofbirth", "birthdt", "lastnm"}


def test_german_compound_addresses_are_addresses(lacuna, tmp_path):
    assert found(lacuna, tmp_path, "auftraege", "auftragsnummer", "lieferadresse",
                 "rechnungsadresse", "bestelldatum") == {"lieferadresse", "rechnungsadresse"}


def test_words_that_only_look_composed_stay_whole(lacuna, tmp_path):
    # ho+tel, micro+phone, post+age, pass+age, cover+age, str+ip, car+tel, zip+per: each cut
    # would read a phone, an age, an IP address or a postal code into an everyday word.
    assert found(lacuna, tmp_path, "shipments", "hotel", "microphone", "postage", "passage",
                 "coverage", "strip", "cartel", "zipper", "stationery", "lineage") == set()


def test_a_known_word_is_never_cut_and_its_own_compounds_keep_their_reading(lacuna, tmp_path):
    # `telephone` and `username` are words of the rules themselves; `address_book_id` and
    # `telephone_type` are read as written (a key, a kind of phone), as before.
    assert found(lacuna, tmp_path, "accounts", "telephone", "username", "address_book_id",
                 "telephone_type") == {"telephone", "username"}


def test_a_cut_is_made_only_of_known_pieces_and_only_when_it_is_clear():
    splitter = load_rules().splitter
    assert splitter is not None
    cut = {name: splitter.split(normalise_name(name)) for name in (
        "MBRNAME", "CUSTNAME", "homephone", "emailaddr", "dateofbirth", "HOMEPHONE2",
        "emailaddress", "hotel", "microphone", "stationery", "firstname", "telephone_type",
        "address_book_id",
        "xqzname", "phone")}
    assert cut == {
        "MBRNAME": "mbr_name", "CUSTNAME": "cust_name", "homephone": "home_phone",
        "emailaddr": "email_addr", "dateofbirth": "date_of_birth", "HOMEPHONE2": "home_phone_2",
        # no known pieces, a known word (of the rules: `emailaddress`), or already words
        "emailaddress": "emailaddress",
        "hotel": "hotel", "microphone": "microphone", "stationery": "stationery",
        "firstname": "firstname", "telephone_type": "telephone_type",
        "address_book_id": "address_book_id", "xqzname": "xqzname", "phone": "phone"}


def test_keys_of_cookies_devices_and_insurance_members_are_what_they_identify(lacuna, tmp_path):
    assert found(lacuna, tmp_path, "web_visits", "visit_id", "cookie_guid", "device_uuid",
                 "page_id") == {"cookie_guid", "device_uuid"}
    assert found(lacuna, tmp_path, "claims_intake", "claim_id", "insurance_subscriber_id",
                 "insurance_member_id", "provider_id") == {"insurance_subscriber_id",
                                                           "insurance_member_id"}


def test_sap_standard_field_names_of_customer_and_hr_masters_are_personal(lacuna, tmp_path):
    assert found(lacuna, tmp_path, "ZDEBTOR_COPY", "KUNNR", "NAME2", "STRAS", "PSTLZ", "TELF2",
                 "STCD2", "ORT01", "LAND1", "ERNAM_DATE") == {
        "NAME2", "STRAS", "PSTLZ", "TELF2", "STCD2"}
    assert found(lacuna, tmp_path, "ZHR_PERSONAL_COPY", "PERNR", "VORNA", "NACHN", "GBDAT",
                 "GESCH", "GBORT", "BEGDA") == {"VORNA", "NACHN", "GBDAT", "GESCH", "GBORT"}


def test_a_name_after_an_abbreviated_person_word_is_that_persons_name(lacuna, tmp_path):
    # stu (student) and bene (beneficiary) run together with a name word: the entity
    # vocabulary's person words read the column, as `student_name` would be read.
    assert found(lacuna, tmp_path, "AWARD_FILE", "AWARDNO", "STUNAME", "BENENM", "AWARDAMT",
                 "AWARDDT") == {"STUNAME", "BENENM"}


def test_a_trailing_digit_is_an_ordinal_and_a_longer_number_part_of_the_word():
    splitter = load_rules().splitter
    assert splitter is not None
    assert [splitter.split(name) for name in ("street3", "homephone2", "zip64", "sha256",
                                              "phone")] == [
        "street_3", "home_phone_2", "zip64", "sha256", "phone"]


def test_the_reasoning_says_how_a_run_together_name_was_read(lacuna, tmp_path):
    (tmp_path / "lacuna.toml").write_text("embeddings = false\n")
    result = lacuna("classify", "columns", "CLUB_ROSTER", "MBRPHONE", "-f", "json", cwd=tmp_path)
    assert result.code == 0, result.stderr
    (row,) = json.loads(result.stdout)
    assert "(read as mbr_phone)" in row["reasoning"]
