package lacuna.rules.dynamic_destination_test

import rego.v1

import data.lacuna.rules.dynamic_destination
import data.lacuna.testdata_test.batch
import data.lacuna.testdata_test.op

test_sensitive_data_to_a_runtime_path_is_denied if {
	count(dynamic_destination.violations) == 2 with input as batch([
		op("write", "PROPRIETARY", [], "dynamic", ""),
		op("write", "INTERNAL", ["PII"], "dynamic", ""),
	])
}

test_internal_data_to_a_runtime_path_is_allowed if {
	count(dynamic_destination.violations) == 0 with input as batch([op("write", "INTERNAL", ["FINANCIAL"], "dynamic", "")])
}
