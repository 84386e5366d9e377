package lacuna.rules.pii_export_test

import rego.v1

import data.lacuna.rules.pii_export
import data.lacuna.testdata_test.batch
import data.lacuna.testdata_test.op

test_pii_export_to_home_folder_is_denied if {
	some v in pii_export.violations with input as batch([op("export", "PROPRIETARY", ["PII"], "unmanaged", "~/Downloads/x.csv")])
	v.index == 0
	v.steward == "privacy-office@acme.example"
	startswith(v.alternatives[0], "Anonymize the personal columns email, phone")
	contains(v.alternatives[1], "warehouse/")
}

test_phi_to_a_bucket_outside_governance_is_denied if {
	count(pii_export.violations) == 1 with input as batch([op("write", "PROPRIETARY", ["PHI"], "cloud", "s3://scratch/x.csv")])
}

test_special_category_data_is_denied_like_phi if {
	some v in pii_export.violations with input as batch([op("export", "PROPRIETARY", ["SPECIAL_CATEGORY"], "unmanaged", "~/Downloads/x.csv")])
	v.steward == "privacy-office@acme.example"
}

test_cardholder_data_is_denied_like_personal_data if {
	count(pii_export.violations) == 1 with input as batch([op("export", "PROPRIETARY", ["PCI", "FINANCIAL"], "unmanaged", "/tmp/cards.csv")])
	count(pii_export.violations) == 0 with input as batch([op("write", "PROPRIETARY", ["PCI", "FINANCIAL"], "project", "warehouse/cards.parquet")])
}

test_pii_to_the_organisations_own_snowflake_account_is_allowed if {
	count(pii_export.violations) == 0 with input as batch([op("write", "PROPRIETARY", ["PII"], "http", "snowflake://acme-prod.snowflakecomputing.com/customers")])
	count(pii_export.violations) == 1 with input as batch([op("write", "PROPRIETARY", ["PII"], "http", "snowflake://partnerco-xy12345.snowflakecomputing.com/customers")])
}

test_pii_to_a_governed_location_is_allowed if {
	count(pii_export.violations) == 0 with input as batch([
		op("write", "PROPRIETARY", ["PII"], "cloud", "s3://acme-governed/x.csv"),
		op("write", "PROPRIETARY", ["PII"], "project", "warehouse/x.parquet"),
	])
}

test_reads_and_untagged_data_are_allowed if {
	count(pii_export.violations) == 0 with input as batch([
		op("read", "PROPRIETARY", ["PII"], "unmanaged", "~/x.csv"),
		op("export", "INTERNAL", ["FINANCIAL"], "unmanaged", "~/x.csv"),
	])
}

test_governed_locations_come_from_data if {
	count(pii_export.violations) == 0 with input as batch([op("export", "PROPRIETARY", ["PII"], "unmanaged", "/mnt/secure/x.csv")])
		with data.lacuna.config.governed_locations as ["/mnt/secure/"]
}

test_the_index_points_into_the_batch if {
	indexes := {v.index | some v in pii_export.violations} with input as batch([
		op("read", "PUBLIC", [], "none", ""),
		op("export", "PROPRIETARY", ["PII"], "email", "mailto:a@b.example"),
	])
	indexes == {1}
}

test_hadoop_s3a_paths_of_a_governed_bucket_are_governed if {
	count(pii_export.violations) == 0 with input as batch([op("write", "PROPRIETARY", ["PII"], "cloud", "s3a://acme-governed/lake/x/")])
	count(pii_export.violations) == 1 with input as batch([op("write", "PROPRIETARY", ["PII"], "cloud", "s3a://scratch/x/")])
}

test_personal_data_to_another_organisations_cloud_account_is_denied if {
	count(pii_export.violations) == 5 with input as batch([
		op("write", "PROPRIETARY", ["PII"], "queue", "sqs:https://sqs.eu-west-1.amazonaws.com/999999999999/intake"),
		op("write", "PROPRIETARY", ["PII"], "queue", "sqs:https://sqs.{AWS_REGION}.amazonaws.com/999999999999/intake"),
		op("write", "PROPRIETARY", ["PII"], "queue", "kinesis:arn:aws:kinesis:eu-west-1:999999999999:stream/clicks"),
		op("write", "PROPRIETARY", ["PII"], "queue", "kinesis:arn:aws:kinesis:{region}:999999999999:stream/clicks"),
		op("write", "PROPRIETARY", ["PII"], "queue", "pubsub:projects/partner-prod/topics/signups"),
	])
	bigquery := object.union(op("write", "PROPRIETARY", ["PII"], "database", "partner-prod.shared.customers"), {"destination": {"type": "database", "path": "partner-prod.shared.customers", "service": "bigquery", "kind": "table", "encrypted": false, "reason": "", "parameter": false}})
	count(pii_export.violations) == 1 with input as batch([bigquery])
}

test_the_organisations_own_accounts_and_unnamed_ones_stay_its_own if {
	count(pii_export.violations) == 0 with input as batch([
		op("write", "PROPRIETARY", ["PII"], "queue", "sqs:https://sqs.eu-west-1.amazonaws.com/111122223333/crm-updates"),
		op("write", "PROPRIETARY", ["PII"], "queue", "sqs:https://sqs.{AWS_REGION}.amazonaws.com/{ACCOUNT_ID}/crm-updates"),
		op("write", "PROPRIETARY", ["PII"], "queue", "kinesis:arn:aws:kinesis:{region}:111122223333:stream/clicks"),
		op("write", "PROPRIETARY", ["PII"], "queue", "pubsub:projects/acme-analytics/topics/signups"),
		op("write", "PROPRIETARY", ["PII"], "queue", "kinesis:clickstream"),
		op("write", "PROPRIETARY", ["PII"], "database", "analytics.customers"),
	])
	count(pii_export.violations) == 0 with input as batch([
		op("write", "PROPRIETARY", ["PII"], "queue", "sqs:https://sqs.eu-west-1.amazonaws.com/999999999999/intake"),
	]) with data.lacuna.config.own_cloud_accounts as []
}
