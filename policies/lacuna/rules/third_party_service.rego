# METADATA
# title: Personal data sent to a third-party service that is not approved
# description: >-
#   Personal data (PII, PHI, SPECIAL_CATEGORY, PCI) may reach an LLM provider, an experiment tracker, a dataset hub,
#   a bucket, a SaaS API, a chat channel, a mail service, a log pipeline, a message stream,
#   a browser download or a web app's page only when that service is approved for its category in
#   `data.lacuna.config.approved_services` (or the destination is a governed location).
# custom:
#   id: LAC-SVC-001
#   version: 1.2.0
#   steward: privacy-office@acme.example
#   severity: high
package lacuna.rules.third_party_service

import rego.v1

import data.lacuna.lib

violations contains v if {
	some i, op in input.operations
	op.action in lib.output_actions
	lib.third_party(op)
	lib.personal(op)
	not lib.governed(op)
	v := {
		"index": i,
		"reason": sprintf("%s would be sent to %s (%s service %s), which is not approved for personal data", [lib.describe(op), op.destination.path, lib.category(op), object.get(op.destination, "service", "")]),
		"alternatives": [lib.anonymize_alternative(op), approved_alternative(op), "Ask the data steward to approve the service for this category"],
		"steward": lib.steward(op),
	}
}

approved_alternative(op) := msg if {
	count(lib.approved_services(op)) > 0
	msg := sprintf("Use a %s service approved for personal data instead: %s", [lib.category(op), concat(", ", lib.approved_services(op))])
} else := sprintf("No %s service is approved for personal data yet (approved_services.%s in data.json)", [lib.category(op), lib.category(op)])
