# METADATA
# title: Personal data leaving governed storage
# description: >-
#   Data tagged PII, PHI, SPECIAL_CATEGORY or PCI (cardholder data) may only be written to governed locations. Writing it to a home
#   folder, a laptop path, an HTTP endpoint, a bucket or an email creates an unmanaged copy.
# custom:
#   id: LAC-PII-001
#   version: 1.1.0
#   steward: privacy-office@acme.example
#   severity: high
package lacuna.rules.pii_export

import rego.v1

import data.lacuna.lib

violations contains v if {
	some i, op in input.operations
	op.action in lib.output_actions
	lib.leaving(op)
	not lib.third_party(op)
	lib.personal(op)
	not lib.governed(op)
	v := {
		"index": i,
		"reason": sprintf("%s would be copied to %s, outside governed storage (%s destination)", [lib.describe(op), op.destination.path, op.destination.type]),
		"alternatives": [lib.anonymize_alternative(op), lib.governed_alternative],
		"steward": lib.steward(op),
	}
}
