package lacuna.rules.unencrypted_storage_test

import rego.v1

import data.lacuna.rules.unencrypted_storage
import data.lacuna.testdata_test.batch
import data.lacuna.testdata_test.op

test_phi_written_in_clear_to_governed_storage_is_denied if {
	some v in unencrypted_storage.violations with input as batch([op("write", "PROPRIETARY", ["PHI"], "project", "warehouse/visits.parquet")])
	v.steward == "privacy-office@acme.example"
	contains(v.reason, "PHI data must be encrypted at rest")
}

test_special_category_data_in_clear_is_denied_like_phi if {
	some v in unencrypted_storage.violations with input as batch([op("write", "PROPRIETARY", ["SPECIAL_CATEGORY"], "project", "warehouse/beliefs.parquet")])
	v.steward == "privacy-office@acme.example"
}

test_credentials_in_clear_are_denied if {
	count(unencrypted_storage.violations) == 1 with input as batch([op("write", "INTERNAL", ["CREDENTIALS"], "project", "config/keys.json")])
}

test_encrypted_files_and_locations_are_allowed if {
	encrypted_file := json.patch(op("write", "PROPRIETARY", ["PHI"], "project", "warehouse/visits.parquet.gpg"), [{"op": "replace", "path": "/destination/encrypted", "value": true}])
	count(unencrypted_storage.violations) == 0 with input as batch([
		encrypted_file,
		op("write", "PROPRIETARY", ["PHI"], "cloud", "s3://acme-governed/visits.parquet"),
	])
}

test_pii_without_phi_is_not_this_rule if {
	count(unencrypted_storage.violations) == 0 with input as batch([op("write", "PROPRIETARY", ["PII"], "project", "warehouse/x.parquet")])
}

test_the_tags_that_need_encryption_come_from_data if {
	count(unencrypted_storage.violations) == 1 with input as batch([op("write", "PROPRIETARY", ["PII"], "project", "warehouse/x.parquet")])
		with data.lacuna.config.encryption.tags as ["PII"]
}
