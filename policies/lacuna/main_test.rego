package lacuna.main_test

import rego.v1

import data.lacuna.main
import data.lacuna.testdata_test.batch
import data.lacuna.testdata_test.op

test_every_rule_package_is_collected_and_named if {
	rules := {v.rule | some v in main.violations} with input as batch([
		op("export", "PROPRIETARY", ["PII"], "http", "https://paste.example/x"),
		op("write", "PROPRIETARY", ["PHI"], "project", "warehouse/x.parquet"),
		op("export", "UNKNOWN", [], "unmanaged", "/tmp/x.csv"),
	])
	rules == {"pii_export", "external_transfer", "unencrypted_storage", "unknown_export"}
}

test_an_empty_batch_has_no_violations if {
	main.violations == [] with input as batch([])
}
