"""Categories of column vocabulary the rules learned from bench/schemas_fresh.yaml and
bench/schemas_fifth.yaml (issue 14), each through `lacuna classify columns` on a schema written
the way a team would write it: clinical and wearable readings, body measurements (a person's,
not a parcel's), code status and imaging, clinicians' registration numbers, recordings and
scanned documents, analytics page URLs, call-centre numbers, legacy COBOL abbreviations, device
MACs and advertising ids, coordinates named for a fix or a trip, Dutch, French and Italian
names, people named by their role, drugs given versus drugs listed, biometric templates, and
reports that are about people.

Then those learned from bench/schemas_sixth.yaml: résumés, vote intentions, reproductive health
and lab analytes (an egg count is no count of records), an identity document's number (no
key), authors' handles, cardholder abbreviations, and Czech and Hungarian names; and from
bench/schemas_seventh.yaml: mental-health scores, a health fact kept as a flag, a person's
cell, people named by role, and Indonesian names.

The tables and columns here are written for these tests, none taken from the bench sets."""

from __future__ import annotations

from test_classif_table_context import personal_columns as found


def test_wearable_and_bedside_readings_are_health_data_and_an_engines_are_not(lacuna,
                                                                              tmp_path):
    readings = ("resting_hr", "hrv_rmssd", "skin_temperature", "sleep_score", "resp_rate",
                "pain_level")
    assert found(lacuna, tmp_path, "smartwatch_daily", "day_id", *readings, "step_goal") == set(
        readings)
    assert found(lacuna, tmp_path, "engine_telemetry", "reading_id", "coolant_temp",
                 "oil_pressure", "rpm") == set()


def test_weight_and_height_are_a_patients_health_data_and_a_parcels_own(lacuna, tmp_path):
    assert found(lacuna, tmp_path, "patients", "patient_id", "weight_lbs", "height_in",
                 "waist_circumference") == {"weight_lbs", "height_in", "waist_circumference"}
    assert found(lacuna, tmp_path, "parcels", "parcel_id", "weight_lbs", "height_in") == set()
    # A record that names no person: its weights are taken for its own (a pallet, a crate).
    assert found(lacuna, tmp_path, "inbound_scans", "scan_id", "weight_kg") == set()


def test_code_status_cause_of_death_imaging_and_diagnosis_codes_are_health_data(lacuna,
                                                                               tmp_path):
    names = ("code_status", "cause_of_death", "chest_xray", "admitting_dx", "sig_text")
    assert found(lacuna, tmp_path, "hospice_admissions", "admission_id", *names,
                 "bed_no") == set(names)


def test_clinicians_registration_numbers_identify_them_and_their_specialty_does_not(
        lacuna, tmp_path):
    assert found(lacuna, tmp_path, "prescribers", "prescriber_id", "npi_number", "dea_no",
                 "medical_license_number", "specialty") == {
        "npi_number", "dea_no", "medical_license_number"}


def test_call_recordings_agent_notes_and_scanned_forms_are_personal_a_songs_audio_is_not(
        lacuna, tmp_path):
    assert found(lacuna, tmp_path, "support_calls", "call_id", "recording_uri", "call_notes",
                 "consent_scan", "queue_id", "talk_time_s") == {
        "recording_uri", "call_notes", "consent_scan"}
    assert found(lacuna, tmp_path, "songs", "song_id", "audio_url", "title") == set()


def test_the_page_a_visitor_is_on_and_came_from_is_browsing_history_a_sites_page_is_not(
        lacuna, tmp_path):
    assert found(lacuna, tmp_path, "pageview_events", "event_id", "page_url", "referrer_url",
                 "landing_page", "utm_source", "viewport_width") == {
        "page_url", "referrer_url", "landing_page"}
    assert found(lacuna, tmp_path, "cms_web_pages", "page_id", "page_url", "page_title") == set()


def test_a_callers_number_and_callback_are_phones_and_the_dialled_line_is_not(lacuna,
                                                                             tmp_path):
    assert found(lacuna, tmp_path, "ivr_calls", "call_id", "ani", "callback_number", "dnis",
                 "menu_path") == {"ani", "callback_number"}


def test_cobol_style_name_address_ssn_and_bank_account_fields_are_personal(lacuna, tmp_path):
    assert found(lacuna, tmp_path, "EMP_PAY_MSTR", "EMP_NBR", "NM_LAST", "NM_FIRST", "ADR_LN_1",
                 "SOC_SEC_NBR", "BANK_ACCT", "BNK_RTG_NBR", "PAY_GRD") == {
        "NM_LAST", "NM_FIRST", "ADR_LN_1", "SOC_SEC_NBR", "BANK_ACCT"}


def test_a_clients_mac_and_mobile_ad_ids_identify_a_device_its_firmware_does_not(lacuna,
                                                                                tmp_path):
    assert found(lacuna, tmp_path, "wifi_client_sessions", "session_id", "client_mac", "maid",
                 "advertising_identifier", "ssid", "firmware_version") == {
        "client_mac", "maid", "advertising_identifier"}


def test_coordinates_of_a_trip_or_a_fix_are_precise_and_a_depots_are_its_own(lacuna,
                                                                             tmp_path):
    assert found(lacuna, tmp_path, "bike_trips", "trip_id", "start_lat", "end_lng",
                 "fix_latitude", "duration_s") == {"start_lat", "end_lng", "fix_latitude"}
    assert found(lacuna, tmp_path, "depots", "depot_id", "lat", "lng", "gps_lat") == set()


def test_dutch_french_and_italian_contact_columns_are_personal_and_their_towns_are_not(
        lacuna, tmp_path):
    assert found(lacuna, tmp_path, "klanten", "klant_id", "voornaam", "achternaam",
                 "geboortedatum", "huisnummer", "woonplaats") == {
        "voornaam", "achternaam", "geboortedatum", "huisnummer"}
    assert found(lacuna, tmp_path, "adherents", "id_adherent", "nom_de_famille",
                 "date_de_naissance", "num_secu", "ville") == {
        "nom_de_famille", "date_de_naissance", "num_secu"}
    assert found(lacuna, tmp_path, "utenti", "id_utente", "cognome", "cellulare",
                 "codice_fiscale", "comune") == {"cognome", "cellulare", "codice_fiscale"}


def test_people_named_by_the_part_they_play_are_people(lacuna, tmp_path):
    assert found(lacuna, tmp_path, "branch_shifts", "shift_id", "teller_name", "patron_name",
                 "attendant_name", "till_name") == {"teller_name", "patron_name",
                                                    "attendant_name"}


def test_a_drug_given_is_health_data_and_a_catalogues_drug_is_not(lacuna, tmp_path):
    assert found(lacuna, tmp_path, "infusion_log", "infusion_id", "drug_name", "rate_ml_h") == {
        "drug_name"}
    assert found(lacuna, tmp_path, "drug_catalog", "drug_id", "drug_name", "list_price") == set()


def test_a_biometric_template_is_biometric_data_not_a_template_of_a_value(lacuna, tmp_path):
    assert found(lacuna, tmp_path, "door_enrollments", "enrollment_id", "face_template",
                 "fingerprint_template", "email_template") == {
        "face_template", "fingerprint_template"}


def test_an_incident_reports_contact_and_position_are_a_persons(lacuna, tmp_path):
    assert found(lacuna, tmp_path, "incident_reports", "report_id", "contact_phone",
                 "gps_latitude", "severity") == {"contact_phone", "gps_latitude"}


def test_explain_says_a_weight_is_health_data_only_in_a_persons_record(lacuna, tmp_path):
    (tmp_path / "lacuna.toml").write_text("embeddings = false\n")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "patient_vitals.csv").write_text("vital_id,patient_id,weight_kg\n")
    (tmp_path / "data" / "pallets.csv").write_text("pallet_id,weight_kg\n")
    patient = lacuna("classify", "explain", "data/patient_vitals.csv", cwd=tmp_path)
    assert patient.code == 0, patient.stderr
    expected = ("column weight_kg: PROPRIETARY [GDPR, HIPAA, PHI, SPECIAL_CATEGORY] by heuristic "
                "(0.70, Body measurements (user.health_and_medical))")
    assert expected in patient.stdout
    pallet = lacuna("classify", "explain", "data/pallets.csv", cwd=tmp_path)
    assert pallet.code == 0, pallet.stderr
    weight = next(line for line in pallet.stdout.splitlines() if "column weight_kg" in line)
    assert weight.startswith("  column weight_kg: INTERNAL [not sensitive]")
    assert weight.endswith("the Body measurements of a record that names no person, not of a "
                           "person")


def test_a_resume_and_a_cover_letter_are_personal_and_the_interview_date_is_not(lacuna,
                                                                                tmp_path):
    assert found(lacuna, tmp_path, "job_applications", "application_id", "cv_file",
                 "cover_letter", "interview_date") == {"cv_file", "cover_letter"}


def test_how_a_respondent_will_vote_is_a_political_opinion(lacuna, tmp_path):
    assert found(lacuna, tmp_path, "exit_poll", "interview_id", "voted_for",
                 "preferred_party", "precinct") == {"voted_for", "preferred_party"}


def test_egg_and_cell_counts_and_hormone_levels_are_health_data_a_row_count_is_not(
        lacuna, tmp_path):
    assert found(lacuna, tmp_path, "ivf_cycles", "cycle_id", "oocyte_count", "cd4_count",
                 "estradiol", "hba1c", "row_count") == {
        "oocyte_count", "cd4_count", "estradiol", "hba1c"}


def test_an_id_documents_number_is_not_the_persons_key(lacuna, tmp_path):
    assert found(lacuna, tmp_path, "guest_register", "guest_id", "guest_id_number",
                 "travel_doc_number", "room_no") == {"guest_id_number", "travel_doc_number"}


def test_an_authors_handle_and_a_cardholders_abbreviated_name_are_personal(lacuna, tmp_path):
    assert found(lacuna, tmp_path, "forum_threads", "thread_id", "author_handle",
                 "reply_count") == {"author_handle"}
    assert found(lacuna, tmp_path, "DISPUTE_HDR", "DISP_ID", "CRDHLDR_NM", "RSN_CD") == {
        "CRDHLDR_NM"}


def test_czech_and_hungarian_contact_columns_are_personal_and_their_towns_are_not(lacuna,
                                                                                 tmp_path):
    assert found(lacuna, tmp_path, "klienti", "klient_id", "jmeno", "prijmeni", "rodne_cislo",
                 "psc", "mesto") == {"jmeno", "prijmeni", "rodne_cislo", "psc"}
    assert found(lacuna, tmp_path, "ugyfelek", "ugyfel_id", "vezeteknev", "keresztnev",
                 "szuletesi_datum", "iranyitoszam", "varos") == {
        "vezeteknev", "keresztnev", "szuletesi_datum", "iranyitoszam"}


def test_mental_health_scores_and_a_pregnancy_flag_are_health_data_an_opt_in_flag_is_not(
        lacuna, tmp_path):
    assert found(lacuna, tmp_path, "therapy_checkins", "checkin_id", "phq9", "anxiety_score",
                 "pregnancy_flag", "sms_opt_in_flag") == {"phq9", "anxiety_score",
                                                          "pregnancy_flag"}


def test_a_parents_cell_is_a_phone_and_a_grids_cell_is_not(lacuna, tmp_path):
    assert found(lacuna, tmp_path, "camp_registrations", "registration_id", "parent_cell",
                 "grid_cell", "cabin_no") == {"parent_cell"}


def test_the_names_of_a_decedent_a_licensee_and_an_alum_are_personal(lacuna, tmp_path):
    assert found(lacuna, tmp_path, "probate_filings", "filing_id", "decedent_name",
                 "licensee_name", "alum_name", "court_name") == {
        "decedent_name", "licensee_name", "alum_name"}


def test_indonesian_contact_columns_are_personal_and_the_city_is_not(lacuna, tmp_path):
    assert found(lacuna, tmp_path, "karyawan", "id_karyawan", "nama_lengkap", "nik",
                 "tgl_lahir", "alamat", "nomor_hp", "kota") == {
        "nama_lengkap", "nik", "tgl_lahir", "alamat", "nomor_hp"}
