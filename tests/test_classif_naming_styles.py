"""Columns of schemas written in other naming styles and domains than the ones the rules grew
from (issue 14, measured by bench/schemas_unseen.yaml), through `lacuna classify columns`:
legacy upper-case abbreviations, Spanish and German names, vitals, payment parties, sign-up
tokens, pseudonymous analytics ids, masked card numbers, a person's coordinates, and the
places that are not a person's (a building's address, a parcel's situs, a geography, the
country an IP address resolves to, a mobile-network node's address).

The tables and columns here are written for these tests, none taken from the bench sets."""

from __future__ import annotations

from test_classif_table_context import personal_columns as found


def test_legacy_abbreviations_of_names_phones_and_birth_dates_are_personal(lacuna, tmp_path):
    assert found(lacuna, tmp_path, "LGCY_MBR_MSTR", "MBR_FRST_NM", "MBR_LST_NM", "MBR_HOME_PH",
                 "MBR_BRTH_DT", "SPOUSE_NM", "ENRL_DT", "PREM_AMT") == {
        "MBR_FRST_NM", "MBR_LST_NM", "MBR_HOME_PH", "MBR_BRTH_DT", "SPOUSE_NM"}


def test_abbreviated_dates_durations_and_amounts_of_a_health_table_are_not_phi(lacuna,
                                                                              tmp_path):
    assert found(lacuna, tmp_path, "medical.inpatient_stays", "stay_id", "admit_dt", "disch_dt",
                 "total_amt", "los_days", "attending_notes") == {"attending_notes"}


def test_spanish_contact_columns_are_personal(lacuna, tmp_path):
    assert found(lacuna, tmp_path, "personas", "id_persona", "nombre", "apellidos",
                 "correo_electronico", "telefono_movil", "codigo_postal",
                 "fecha_de_nacimiento", "estado_civil") == {
        "nombre", "apellidos", "correo_electronico", "telefono_movil", "codigo_postal",
        "fecha_de_nacimiento"}


def test_german_contact_columns_are_personal(lacuna, tmp_path):
    assert found(lacuna, tmp_path, "mitarbeiter", "vorname", "nachname", "strasse", "plz",
                 "geburtsdatum", "abteilung") == {
        "vorname", "nachname", "strasse", "plz", "geburtsdatum"}


def test_a_buildings_address_is_its_own_and_its_manager_a_person(lacuna, tmp_path):
    assert found(lacuna, tmp_path, "campus_buildings", "building_code", "street_address",
                 "postal_code", "facilities_manager") == {"facilities_manager"}


def test_a_geography_dimensions_postal_code_is_a_place(lacuna, tmp_path):
    assert found(lacuna, tmp_path, "dim_geography", "geography_key", "postal_code",
                 "city_name") == set()


def test_a_parcels_situs_is_where_it_lies_and_its_owners_mailing_address_is_personal(
        lacuna, tmp_path):
    assert found(lacuna, tmp_path, "tax_roll", "apn", "situs_street", "situs_zip_code",
                 "owner_mailing_address") == {"owner_mailing_address"}


def test_an_analytics_events_email_is_a_persons(lacuna, tmp_path):
    assert found(lacuna, tmp_path, "analytics_events", "event_id", "email", "city", "ts") == {
        "email"}


def test_a_masked_or_truncated_pan_is_not_the_card_number_but_the_expiry_is_card_data(
        lacuna, tmp_path):
    assert found(lacuna, tmp_path, "payment_methods", "method_id", "pan", "pan_masked",
                 "truncated_pan", "pan_last_four", "exp_mmyy") == {"pan", "exp_mmyy"}


def test_pseudonymous_analytics_ids_are_online_identifiers_and_a_ref_is_a_key(lacuna,
                                                                             tmp_path):
    assert found(lacuna, tmp_path, "ga4_export", "user_pseudo_id", "app_instance_id",
                 "member_ref", "event_name") == {"user_pseudo_id", "app_instance_id"}


def test_sign_up_tokens_and_sim_unlock_codes_are_credentials(lacuna, tmp_path):
    assert found(lacuna, tmp_path, "accounts_auth", "confirmation_token", "unlock_token",
                 "invitation_token", "sim_pin", "puk_code", "failed_attempts") == {
        "confirmation_token", "unlock_token", "invitation_token", "sim_pin", "puk_code"}


def test_an_addresses_city_and_country_and_an_ips_country_are_places(lacuna, tmp_path):
    assert found(lacuna, tmp_path, "customer_addresses", "address_line_1", "address_city",
                 "address_country", "ip_country", "ip_address") == {
        "address_line_1", "ip_address"}


def test_vitals_injuries_smoking_and_disability_are_health_data(lacuna, tmp_path):
    names = ("systolic", "diastolic", "pulse_rate", "blood_grp", "injury_description",
             "smoker_status", "disability_type")
    assert found(lacuna, tmp_path, "icu_observations", "obs_id", *names) == set(names)


def test_the_parties_of_a_payment_are_people_with_accounts(lacuna, tmp_path):
    assert found(lacuna, tmp_path, "remittances", "payer_name", "payee_name", "receiver_name",
                 "debtor_account", "sender_account", "amount") == {
        "payer_name", "payee_name", "receiver_name", "debtor_account", "sender_account"}


def test_a_listings_agent_is_a_person_and_the_units_address_is_the_listings(lacuna, tmp_path):
    assert found(lacuna, tmp_path, "property_listing", "unit_address", "leasing_agent_phone",
                 "leasing_agent_name") == {"leasing_agent_phone", "leasing_agent_name"}


def test_where_a_person_is_picked_up_and_dropped_off_is_precise_geolocation(lacuna, tmp_path):
    assert found(lacuna, tmp_path, "deliveries", "delivery_id", "dropoff_latitude",
                 "pickup_longitude") == {"dropoff_latitude", "pickup_longitude"}


def test_a_mobile_network_nodes_address_is_no_street(lacuna, tmp_path):
    assert found(lacuna, tmp_path, "gprs_records", "sgsn_address", "ggsn_addr",
                 "served_msisdn") == {"served_msisdn"}


def test_a_property_is_a_thing_as_a_records_head_but_owns_no_column_of_a_person(lacuna,
                                                                                tmp_path):
    assert found(lacuna, tmp_path, "resort_properties", "property_code", "street", "zip",
                 "front_desk_phone") == set()
    assert found(lacuna, tmp_path, "crm_people", "person_id", "properties.email",
                 "properties.mobile") == {"properties.email", "properties.mobile"}


def test_gaming_dating_and_fitness_identifiers_and_measurements(lacuna, tmp_path):
    assert found(lacuna, tmp_path, "arena_profiles", "profile_id", "gamer_tag", "initials",
                 "max_heart_rate", "route_polyline", "elo_rating") == {
        "gamer_tag", "initials", "max_heart_rate", "route_polyline"}


def test_ad_request_ids_door_codes_and_card_holders_are_personal_or_credentials(lacuna,
                                                                                tmp_path):
    assert found(lacuna, tmp_path, "rtb_log", "auction_id", "ifa", "buyeruid", "door_code",
                 "card_holder_name", "bid_price") == {
        "ifa", "buyeruid", "door_code", "card_holder_name"}


def test_a_name_word_after_a_person_word_is_that_persons_name_in_any_record(lacuna, tmp_path):
    assert found(lacuna, tmp_path, "hearing_schedule", "hearing_id", "witness_name",
                 "plaintiff_first", "inmate_surname", "courtroom_name",
                 "resident_segment_name", "user_agent_name") == {
        "witness_name", "plaintiff_first", "inmate_surname"}
    assert found(lacuna, tmp_path, "office_buildings", "building_id", "resident_fullname",
                 "street") == {"resident_fullname"}
