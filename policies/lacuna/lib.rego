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
personal_tags := {"PII", "PHI", "SPECIAL_CATEGORY"}

output_actions := {"write", "export"}

leaving_types := {"unmanaged", "http", "cloud", "email", "stream", "service"}

external_types := {"http", "cloud", "email", "service"}

# Catalog categories of places outside the organisation's own storage (a database is its own).
# A message bus (`stream`: Kafka, RabbitMQ, Spark streams) is the organisation's own, like a
# database.
third_party_categories := {"llm", "tracker", "hub", "cloud", "saas", "chat", "mail", "log", "download"}

# The catalog category of a destination ("" for plain files, tables and URLs).
category(op) := object.get(op.destination, "category", "")

third_party(op) if category(op) in third_party_categories

# A service approved for its category in `data.lacuna.config.approved_services`.
approved_service(op) if {
	some service in object.get(config, ["approved_services", category(op)], [])
	service == object.get(op.destination, "service", "")
}

approved_services(op) := object.get(config, ["approved_services", category(op)], [])

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
