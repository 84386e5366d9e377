"""Families of names the tenth held-out set showed missing (issue 14): AS/400 files whose fields
all carry the file's own letters (`LMNAME`, `LMPHON`), record names with a legacy file suffix
(`VNDMSTR`), a parent or guardian in school records, a religion that is only a person's,
romanised Japanese and Italian contact columns, game handles, German tax ids, EEO
self-identifications, staff named by their job, and postage as a cost. Through `lacuna classify
columns`; the tables and columns are written for these tests, none taken from the bench
sets."""

from __future__ import annotations

import json

from test_classif_table_context import personal_columns as found


def test_fields_sharing_a_files_prefix_are_read_without_it(lacuna, tmp_path):
    # Every field begins with LM: LMPHON is a phone, LMBDAT a date of birth, LMADR1 a street.
    assert found(lacuna, tmp_path, "LIBPATRN", "LMCARD", "LMNAME", "LMADR1", "LMZIP", "LMPHON",
                 "LMBDAT", "LMEXPD", "LMFINE", "LMBRCH") == {
        "LMNAME", "LMADR1", "LMZIP", "LMPHON", "LMBDAT"}


def test_a_prefix_is_decided_from_the_other_columns_not_from_one_name(lacuna, tmp_path):
    # Only one field begins with LM: no prefix is shared, LMPHON is read as written.
    assert found(lacuna, tmp_path, "LIBPATRN", "LMPHON", "patron_no", "expires_on",
                 "fine_amount", "branch_code") == set()


def test_classify_columns_says_which_prefix_was_dropped(lacuna, tmp_path):
    (tmp_path / "lacuna.toml").write_text("embeddings = false\n")
    result = lacuna("classify", "columns", "LIBPATRN", "LMCARD", "LMPHON", "LMEXPD", "LMFINE",
                    cwd=tmp_path)
    assert result.code == 0, result.stderr
    assert "read as phon: the table's fields share the prefix LM" in result.stdout


def test_a_vendor_master_files_own_contact_data_is_not_personal(lacuna, tmp_path):
    # VNDMSTR is a vendor master file (vnd + mstr); its fields under a shared prefix too.
    assert found(lacuna, tmp_path, "VNDMSTR", "name", "address", "phone") == set()
    assert found(lacuna, tmp_path, "VNDMSTR", "VDVEND", "VDNAME", "VDADR1", "VDZIP", "VDPHON",
                 "VDTERM") == set()


def test_a_parent_or_guardian_in_school_records_is_a_person(lacuna, tmp_path):
    assert found(lacuna, tmp_path, "ENROLL", "PARGUARDNAME", "GUARDEMAIL", "GRADELEVEL",
                 "HOMEROOM") == {"PARGUARDNAME", "GUARDEMAIL"}


def test_a_denomination_is_a_persons_religion_only_in_a_persons_record(lacuna, tmp_path):
    assert found(lacuna, tmp_path, "members", "member_id", "denomination", "joined_on") == {
        "denomination"}
    # a banknote's denomination in a till count is the note's value
    assert found(lacuna, tmp_path, "till_counts", "count_id", "denomination", "quantity") == set()


def test_romanised_japanese_and_italian_contact_columns_are_personal(lacuna, tmp_path):
    assert found(lacuna, tmp_path, "kaiin_meibo", "kaiin_id", "shimei", "jusho",
                 "keitai_bango", "yubin_bango", "tanjobi", "kaiin_rank") == {
        "shimei", "jusho", "keitai_bango", "yubin_bango", "tanjobi"}
    # a supplier's (fornitore's) own address is not personal; its contact person's name is
    assert found(lacuna, tmp_path, "fornitori", "indirizzo", "telefono", "referente_nome",
                 "ragione_sociale") == {"referente_nome"}


def test_game_handles_and_a_german_tax_id_are_personal(lacuna, tmp_path):
    assert found(lacuna, tmp_path, "player_profiles", "player_id", "display_handle",
                 "battletag", "xp_total") == {"display_handle", "battletag"}
    assert found(lacuna, tmp_path, "personal_stamm", "personalnummer", "Steuer_ID",
                 "abteilung") == {"Steuer_ID"}


def test_postage_is_a_cost_settled_by_the_rules(lacuna, tmp_path):
    # Layer 1 settles it, so layer 2 is never asked (it took postage for an address).
    (tmp_path / "lacuna.toml").write_text("embeddings = false\n")
    result = lacuna("classify", "columns", "shipments", "postage", "-f", "json", cwd=tmp_path)
    assert result.code == 0, result.stderr
    (row,) = json.loads(result.stdout)
    assert (row["layer"], row["tags"]) == ("heuristic", ["FINANCIAL"])


def test_a_self_identification_is_the_attribute_not_a_key(lacuna, tmp_path):
    # EEO forms: `disability_self_id` is what the applicant said of themselves; `self_id` of a
    # record pointing at itself stays a key.
    assert found(lacuna, tmp_path, "eeo_responses", "response_id", "disability_self_id",
                 "race_self_id", "self_id", "submitted_at") == {"disability_self_id",
                                                                "race_self_id"}


def test_staff_named_by_their_job_are_people(lacuna, tmp_path):
    assert found(lacuna, tmp_path, "banquet_shifts", "shift_id", "waiter_name",
                 "bartender_name", "covers") == {"waiter_name", "bartender_name"}


def test_a_cobol_records_separated_field_prefix_is_read_without_it(lacuna, tmp_path):
    # SB- begins every field: SB-NAME is the subscriber's name; a location's LO-NAME is the
    # location's own.
    assert found(lacuna, tmp_path, "SUBSCRIBER-REC", "SB-NAME", "SB-ZIP", "SB-PLAN-CODE",
                 "SB-EFF-DATE") == {"SB-NAME", "SB-ZIP"}
    assert found(lacuna, tmp_path, "LOCATION-REC", "LO-NAME", "LO-PHONE", "LO-REGION",
                 "LO-OPEN-DATE") == set()


def test_vietnamese_contact_columns_are_personal(lacuna, tmp_path):
    assert found(lacuna, tmp_path, "thanh_vien", "ma_thanh_vien", "ho_va_ten", "dien_thoai",
                 "dia_chi", "ngay_sinh", "so_cccd", "hang") == {
        "ho_va_ten", "dien_thoai", "dia_chi", "ngay_sinh", "so_cccd"}


def test_a_place_column_is_the_place_not_a_places_own_data(lacuna, tmp_path):
    # `city_name` is the customer's city, not the name of a city that owns it; a record whose
    # head is a place (`dim_city`) still owns its columns.
    (tmp_path / "lacuna.toml").write_text("embeddings = false\n")
    result = lacuna("classify", "columns", "customers", "city_name", "country_of_residence",
                    "-f", "json", cwd=tmp_path)
    assert result.code == 0, result.stderr
    assert {row["column"]: row["data_type"] for row in json.loads(result.stdout)} == {
        "city_name": "City", "country_of_residence": "Country"}
    result = lacuna("classify", "columns", "dim_city", "city_name", "-f", "json", cwd=tmp_path)
    assert [row["tags"] for row in json.loads(result.stdout)] == [[]]
