# METADATA
# title: Shared helpers for the default rules
# description: Destination checks, stewards and the alternatives offered to users.
package lacuna.lib

import rego.v1

personal_tags := {"PII", "PHI"}

leaving_types := {"unmanaged", "http", "cloud", "email", "stream"}

external_types := {"http", "cloud", "email"}

is_output(op) if op.action in {"write", "export"}

personal(op) if {
	some tag in op.source.tags
	tag in personal_tags
}

# A destination is governed when it starts with a governed location or an approved endpoint.
governed(op) if {
	some prefix in array.concat(data.lacuna.config.governed_locations, data.lacuna.config.approved_destinations)
	startswith(op.destination.path, prefix)
}

leaves_project(op) if {
	op.destination.type in leaving_types
	not governed(op)
}

goes_external(op) if {
	op.destination.type in external_types
	not governed(op)
}

personal_columns(op) := sort([name |
	some name, tags in op.source.columns
	some tag in tags
	tag in personal_tags
])

default_steward := data.lacuna.config.stewards["default"]

# The steward of the most sensitive tag the data carries, in a fixed order of precedence.
steward(op) := s if {
	carried := [t | some t in ["PHI", "PII", "CREDENTIALS", "FINANCIAL"]; t in op.source.tags]
	s := data.lacuna.config.stewards[carried[0]]
} else := default_steward

anonymize_alternative(op) := msg if {
	cols := personal_columns(op)
	count(cols) > 0
	msg := sprintf("Anonymize the personal columns %s (hash, mask or drop them) before the data leaves the project", [concat(", ", cols)])
} else := "Aggregate or anonymize the personal data before it leaves the project"

governed_alternative := sprintf("Save to a governed location instead: %s", [concat(", ", data.lacuna.config.governed_locations)])

describe(op) := sprintf("%s data (%s)", [op.source.tier, concat(", ", op.source.tags)]) if {
	count(op.source.tags) > 0
} else := sprintf("%s data", [op.source.tier])
