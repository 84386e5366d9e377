package lacuna.rules.external_transfer_test

import rego.v1

import data.lacuna.rules.external_transfer
import data.lacuna.testdata_test.batch
import data.lacuna.testdata_test.op

test_proprietary_to_http_cloud_or_email_is_denied if {
	count(external_transfer.violations) == 3 with input as batch([
		op("export", "PROPRIETARY", [], "http", "https://paste.example/upload"),
		op("write", "PROPRIETARY", [], "cloud", "gs://someone-else/x.csv"),
		op("export", "PROPRIETARY", [], "email", "mailto:friend@gmail.example"),
	])
}

test_approved_destinations_are_allowed if {
	count(external_transfer.violations) == 0 with input as batch([
		op("export", "PROPRIETARY", [], "http", "https://api.acme.example/ingest/orders"),
		op("write", "PROPRIETARY", [], "cloud", "s3://acme-governed/orders.parquet"),
	])
}

test_local_files_are_not_external if {
	count(external_transfer.violations) == 0 with input as batch([op("write", "PROPRIETARY", [], "project", "out/x.csv")])
}

test_the_reason_names_the_destination if {
	some v in external_transfer.violations with input as batch([op("export", "PROPRIETARY", [], "http", "https://paste.example/upload")])
	contains(v.reason, "https://paste.example/upload")
	contains(v.alternatives[1], "approved_destinations")
}

test_proprietary_data_to_another_organisations_queue_is_external if {
	some v in external_transfer.violations with input as batch([op("write", "PROPRIETARY", [], "queue", "sqs:https://sqs.eu-west-1.amazonaws.com/999999999999/intake")])
	contains(v.reason, "999999999999")
	count(external_transfer.violations) == 0 with input as batch([op("write", "PROPRIETARY", [], "queue", "sqs:https://sqs.eu-west-1.amazonaws.com/111122223333/crm")])
}
