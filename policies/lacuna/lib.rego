# METADATA
# title: Shared helpers for the default rules
# description: >-
#   Destination checks, stewards and the alternatives offered to users. Written in the subset
#   of Rego v1 that OPA and the embedded engine (regorus) evaluate identically; values derived
#   from `data` only are plain rules, so each is computed once per evaluation, not per operation.
package lacuna.lib

import rego.v1

config := data.lacuna.config

# GDPR special categories (health, biometric, genetic, ethnic origin, beliefs, sex life,
# union membership, criminal records) are personal data under every rule that governs PHI.
# Cardholder data (PCI DSS: a card number, its security code, its expiry) belongs to one
# cardholder and is protected wherever personal data is.
personal_tags := {"PII", "PHI", "SPECIAL_CATEGORY", "PCI"}

output_actions := {"write", "export"}

leaving_types := {"unmanaged", "http", "cloud", "email", "stream", "service"}

external_types := {"http", "cloud", "email", "service"}

# Catalog categories of places outside the organisation's own storage (a database is its own).
# A message bus (`stream`: Kafka, RabbitMQ, Spark streams) is the organisation's own, like a
# database.
third_party_categories := {"llm", "tracker", "hub", "cloud", "saas", "chat", "mail", "log", "download", "dashboard"}

# The catalog category of a destination ("" for plain files, tables and URLs).
category(op) := object.get(op.destination, "category", "")

third_party(op) if category(op) in third_party_categories

# A service approved for its category in `data.lacuna.config.approved_services`.
approved_service(op) if {
	some service in object.get(config, ["approved_services", category(op)], [])
	service == object.get(op.destination, "service", "")
}

approved_services(op) := object.get(config, ["approved_services", category(op)], [])

# The organisation's own cloud accounts and projects (`own_cloud_accounts`: AWS account ids,
# Google Cloud project ids; an entry ending in `*` is a prefix). A queue, topic or table that a
# destination names in any other account or project is someone else's — a partner's SQS queue,
# a vendor's BigQuery project — and leaves the organisation like a public host does. With no
# list, accounts are not judged.
own_cloud_accounts := object.get(config, "own_cloud_accounts", [])

# Where a destination names its account: an SQS queue URL, an ARN (SNS topic, Kinesis stream,
# EventBridge bus, ...), a Pub/Sub topic or subscription. A part computed at run time is shown
# in braces (`arn:aws:kinesis:{REGION}:999999999999:stream/x`): the account is still named.
account_patterns := [
	`amazonaws\.com/(\d{12})/`,
	`arn:aws[a-z-]*:[^:]+:[^:]*:(\d{12}):`,
	`projects/([a-z][a-z0-9-]{4,28}[a-z0-9])/(?:topics|subscriptions)/`,
]

# Only a message bus or a warehouse can be another account's: other places are judged by their
# type, and the patterns are not tried on every file written (a quarter of a batch's time).
account_types := {"queue", "database"}

other_account(op) if {
	op.destination.type in account_types
	some pattern in account_patterns
	some found in regex.find_all_string_submatch_n(pattern, op.destination.path, -1)
	not own_account(found[1])
}

# A BigQuery table named with its project: `project.dataset.table`.
other_account(op) if {
	op.destination.type == "database"
	object.get(op.destination, "service", "") == "bigquery"
	parts := split(op.destination.path, ".")
	count(parts) == 3
	not own_account(parts[0])
}

own_account(account) if count(own_cloud_accounts) == 0

own_account(account) if account in own_cloud_accounts

own_account(account) if {
	some entry in own_cloud_accounts
	endswith(entry, "*")
	startswith(account, trim_suffix(entry, "*"))
}

# Output that leaves governed storage (its kind of place, or another organisation's account).
leaving(op) if op.destination.type in leaving_types

leaving(op) if other_account(op)

# Output that leaves the organisation.
external(op) if op.destination.type in external_types

external(op) if other_account(op)

storage_types := {"project", "unmanaged", "cloud"}

encrypt_tags := {tag | some tag in config.encryption.tags}

governed_prefixes := array.concat(config.governed_locations, config.approved_destinations)

personal(op) if {
	some tag in op.source.tags
	tag in personal_tags
}

# A destination is governed when it starts with a governed location or an approved endpoint,
# or is a service approved for its category.
governed(op) if {
	some prefix in governed_prefixes
	startswith(op.destination.path, prefix)
}

# Hadoop's s3a:// and s3n:// name the same buckets as s3://.
governed(op) if {
	some prefix in governed_prefixes
	some scheme in ["s3a://", "s3n://"]
	startswith(op.destination.path, scheme)
	startswith(concat("", ["s3://", substring(op.destination.path, count(scheme), -1)]), prefix)
}

governed(op) if approved_service(op)

# A Snowflake account the organisation owns (`own_cloud_accounts`), named in its host:
# `snowflake://acme-prod.snowflakecomputing.com/...` is its own warehouse.
governed(op) if {
	startswith(op.destination.path, "snowflake://")
	some found in regex.find_all_string_submatch_n(`^snowflake://([^./]+)\.`, op.destination.path, 1)
	own_account(found[1])
}

personal_columns(op) := sort([name |
	some name, tags in op.source.columns
	some tag in tags
	tag in personal_tags
])

default_steward := config.stewards["default"]

steward_precedence := ["SPECIAL_CATEGORY", "PHI", "PII", "CREDENTIALS", "FINANCIAL"]

# The steward of the most sensitive tag the data carries, in a fixed order of precedence.
# Written with the result in the body (`s := ...`) and an `else`, a form both engines accept.
steward(op) := s if {
	carried := [t | some t in steward_precedence; t in op.source.tags]
	s := config.stewards[carried[0]]
} else := default_steward

anonymize_alternative(op) := msg if {
	cols := personal_columns(op)
	count(cols) > 0
	msg := sprintf("Anonymize the personal columns %s (hash, mask or drop them) before the data leaves the project", [concat(", ", cols)])
} else := "Aggregate or anonymize the personal data before it leaves the project"

governed_alternative := sprintf("Save to a governed location instead: %s", [concat(", ", config.governed_locations)])

describe(op) := sprintf("%s data (%s)", [op.source.tier, concat(", ", op.source.tags)]) if {
	count(op.source.tags) > 0
} else := sprintf("%s data", [op.source.tier])

lineage(op) := concat(", ", op.source.lineage) if {
	count(op.source.lineage) > 0
} else := "not named"
