package lacuna.rules.unknown_export_test

import rego.v1

import data.lacuna.rules.unknown_export
import data.lacuna.testdata_test.batch
import data.lacuna.testdata_test.op

test_unknown_data_leaving_governed_storage_is_denied if {
	count(unknown_export.violations) == 5 with input as batch([
		op("export", "UNKNOWN", [], "unmanaged", "/tmp/x.csv"),
		op("export", "UNKNOWN", [], "http", "https://partner.example/upload"),
		op("write", "UNKNOWN", [], "cloud", "s3://scratch/x.csv"),
		op("export", "UNKNOWN", [], "email", "mailto:partner@example.org"),
		op("export", "UNKNOWN", [], "stream", "clipboard"),
	])
}

test_unknown_data_stays_usable_inside_governed_storage if {
	count(unknown_export.violations) == 0 with input as batch([
		op("read", "UNKNOWN", [], "none", ""),
		op("write", "UNKNOWN", [], "project", "scratch/x.csv"),
		op("write", "UNKNOWN", [], "database", "analytics.visits"),
		op("write", "UNKNOWN", [], "cloud", "s3://acme-governed/x.csv"),
		op("export", "UNKNOWN", [], "http", "https://api.acme.example/ingest"),
		object.union(op("write", "UNKNOWN", [], "dynamic", "out_path"), {"destination": {"parameter": true, "reason": "parameter `out_path` of `save()`"}}),
	])
}

test_unknown_data_to_a_destination_computed_at_run_time_is_denied if {
	some v in unknown_export.violations with input as batch([
		object.union(op("write", "UNKNOWN", [], "dynamic", "sys.argv[2]"), {"destination": {"reason": "command-line arguments (sys.argv)"}}),
		op("write", "INTERNAL", [], "dynamic", "sys.argv[2]"),
	])
	v.index == 0
	contains(v.reason, "a destination computed at run time: command-line arguments (sys.argv)")
	count(unknown_export.violations) == 1 with input as batch([
		op("write", "UNKNOWN", [], "dynamic", "sys.argv[2]"),
		op("write", "INTERNAL", [], "dynamic", "sys.argv[2]"),
	])
}

test_known_tiers_are_left_to_their_own_rules if {
	count(unknown_export.violations) == 0 with input as batch([
		op("export", "INTERNAL", [], "http", "https://partner.example/upload"),
		op("export", "PUBLIC", [], "unmanaged", "/tmp/x.csv"),
		op("export", "PROPRIETARY", ["PII"], "unmanaged", "/tmp/x.csv"),
	])
}

test_the_denial_names_the_unresolved_source_and_the_ways_to_make_it_known if {
	some v in unknown_export.violations with input as batch([op("export", "UNKNOWN", [], "http", "https://partner.example/upload")])
	v.index == 0
	v.steward == "data-governance@acme.example"
	contains(v.reason, "data/customers.csv")
	startswith(v.alternatives[0], "Read it from a literal path")
	contains(v.alternatives[1], "lacuna-classifications.yaml (resource: data/customers.csv)")
	contains(v.alternatives[2], "warehouse/")
}
