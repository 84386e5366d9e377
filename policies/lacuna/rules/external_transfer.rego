# METADATA
# title: Proprietary data sent outside the organisation
# description: >-
#   PROPRIETARY data must not be sent to HTTP endpoints, cloud buckets or email addresses that
#   are not on the approved list in `data.lacuna.config.approved_destinations`.
# custom:
#   id: LAC-EXT-001
#   version: 1.0.0
#   steward: data-governance@acme.example
#   severity: high
package lacuna.rules.external_transfer

import rego.v1

import data.lacuna.lib

violations contains v if {
	some i, op in input.operations
	op.action in lib.output_actions
	op.source.tier == "PROPRIETARY"
	lib.external(op)
	not lib.governed(op)
	not personal_to_a_service(op)
	v := {
		"index": i,
		"reason": sprintf("%s would be sent to %s (%s), which is not an approved destination", [lib.describe(op), op.destination.path, op.destination.type]),
		"alternatives": [lib.governed_alternative, "Ask the data steward to add the destination to approved_destinations"],
		"steward": lib.steward(op),
	}
}

# Personal data to a third-party service is LAC-SVC-001's, whose alternatives name services.
personal_to_a_service(op) if {
	lib.third_party(op)
	lib.personal(op)
}
