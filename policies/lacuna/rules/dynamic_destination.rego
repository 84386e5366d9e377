# METADATA
# title: Sensitive data written to a destination known only at run time
# description: >-
#   When the destination of PROPRIETARY or personal data is computed at run time (from
#   arguments, the environment or an unknown function), nobody can review where it goes.
# custom:
#   id: LAC-DYN-001
#   version: 1.0.0
#   steward: data-governance@acme.example
#   severity: medium
package lacuna.rules.dynamic_destination

import rego.v1

import data.lacuna.lib

sensitive(op) if op.source.tier == "PROPRIETARY"

sensitive(op) if lib.personal(op)

violations contains v if {
	some i, op in input.operations
	op.destination.type == "dynamic"
	op.action in lib.output_actions
	sensitive(op)
	v := {
		"index": i,
		"reason": sprintf("%s is written to a destination computed at run time (%s)", [lib.describe(op), op.destination.reason]),
		"alternatives": ["Write to a literal path in a governed location so the destination can be reviewed", lib.anonymize_alternative(op)],
		"steward": lib.steward(op),
	}
}
