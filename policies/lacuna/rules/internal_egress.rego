# METADATA
# title: Internal data leaving the organisation
# description: INTERNAL data may not be sent to external HTTP endpoints, buckets or email.
# custom:
#   id: LAC-INT-001
#   version: 1.0.0
#   steward: data-governance@acme.example
#   severity: medium
package lacuna.rules.internal_egress

import rego.v1

import data.lacuna.lib

violations contains v if {
	some i, op in input.operations
	op.action in lib.output_actions
	op.source.tier == "INTERNAL"
	lib.external(op)
	not lib.governed(op)
	v := {
		"index": i,
		"reason": sprintf("%s would be sent to %s (%s), outside the organisation", [lib.describe(op), op.destination.path, op.destination.type]),
		"alternatives": [lib.governed_alternative, "Publish only PUBLIC data externally"],
		"steward": lib.steward(op),
	}
}
