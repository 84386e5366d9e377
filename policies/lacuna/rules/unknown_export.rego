# METADATA
# title: Data of unknown classification leaving governed storage
# description: >-
#   Data read from a place Lacuna cannot resolve (a path, table or URL computed at run time) may
#   be anything, personal data included. It may be read and written inside the project, but it
#   may not be copied to a home or absolute path, an HTTP endpoint, a bucket, an email or the
#   clipboard until its source is known.
# custom:
#   id: LAC-UNK-001
#   version: 1.0.0
#   steward: data-governance@acme.example
#   severity: high
package lacuna.rules.unknown_export

import rego.v1

import data.lacuna.lib

violations contains v if {
	some i, op in input.operations
	op.action in lib.output_actions
	op.source.tier == "UNKNOWN"
	op.destination.type in lib.leaving_types
	not lib.governed(op)
	v := {
		"index": i,
		"reason": sprintf("%s would be copied to %s (%s destination), and where it comes from (%s) cannot be resolved, so it may be personal data", [lib.describe(op), op.destination.path, op.destination.type, lib.lineage(op)]),
		"alternatives": [
			"Read it from a literal path, table or URL so Lacuna can classify the source",
			sprintf("After review, classify the source in lacuna-classifications.yaml (resource: %s)", [lib.lineage(op)]),
			lib.governed_alternative,
		],
		"steward": lib.steward(op),
	}
}
