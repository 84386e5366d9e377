package lacuna.rules.internal_egress_test

import rego.v1

import data.lacuna.rules.internal_egress
import data.lacuna.testdata_test.batch
import data.lacuna.testdata_test.op

test_internal_data_leaving_the_organisation_is_denied if {
	count(internal_egress.violations) == 2 with input as batch([
		op("export", "INTERNAL", [], "email", "mailto:partner@example.org"),
		op("export", "INTERNAL", ["FINANCIAL"], "http", "https://partner.example/upload"),
	])
}

test_public_data_may_leave if {
	count(internal_egress.violations) == 0 with input as batch([op("export", "PUBLIC", [], "http", "https://partner.example/upload")])
}

test_the_finance_steward_is_named_for_financial_data if {
	some v in internal_egress.violations with input as batch([op("export", "INTERNAL", ["FINANCIAL"], "http", "https://partner.example/x")])
	v.steward == "finance-data@acme.example"
}
