# METADATA
# title: Data of unknown classification leaving governed storage
# description: >-
#   Data read from a place Lacuna cannot resolve (a path, table or URL computed at run time) may
#   be anything, personal data included. It may be read and written inside the project, but it
#   may not be copied to a home or absolute path, an HTTP endpoint, a bucket, an email or the
#   clipboard until its source is known, nor to a destination that is itself computed at run
#   time (nothing then says the data stays inside). A function's parameter is the exception:
#   each call in the project is checked with the place it passes.
# custom:
#   id: LAC-UNK-001
#   version: 1.0.0
#   steward: data-governance@acme.example
#   severity: high
package lacuna.rules.unknown_export

import rego.v1

import data.lacuna.lib

# A destination computed at run time may be anywhere, so it is not known to be governed storage;
# a parameter's place is the caller's, decided at each call with its own argument.
leaves_governed_storage(op) if {
	op.destination.type == "dynamic"
	not op.destination.parameter
}

leaves_governed_storage(op) if {
	lib.leaving(op)
	not lib.governed(op)
}

where(op) := sprintf("a destination computed at run time: %s", [op.destination.reason]) if {
	op.destination.type == "dynamic"
} else := sprintf("%s destination", [op.destination.type])

violations contains v if {
	some i, op in input.operations
	op.action in lib.output_actions
	op.source.tier == "UNKNOWN"
	leaves_governed_storage(op)
	v := {
		"index": i,
		"reason": sprintf("%s would be copied to %s (%s), and where it comes from (%s) cannot be resolved, so it may be personal data", [lib.describe(op), op.destination.path, where(op), lib.lineage(op)]),
		"alternatives": [
			"Read it from a literal path, table or URL so Lacuna can classify the source",
			sprintf("After review, classify the source in lacuna-classifications.yaml (resource: %s)", [lib.lineage(op)]),
			lib.governed_alternative,
		],
		"steward": lib.steward(op),
	}
}
