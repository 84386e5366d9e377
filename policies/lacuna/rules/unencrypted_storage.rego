# METADATA
# title: Sensitive data written to storage without encryption
# description: >-
#   Data carrying a tag listed in `data.lacuna.config.encryption.tags` (PHI, GDPR special categories and credentials by
#   default) must be encrypted at rest: written as an encrypted file (.gpg, .age, .enc ...) or to
#   a location listed in `encryption.encrypted_locations` (buckets that enforce server-side
#   encryption). Governed storage is no exception: governed is not the same as encrypted.
# custom:
#   id: LAC-ENC-001
#   version: 1.0.0
#   steward: security@acme.example
#   severity: high
package lacuna.rules.unencrypted_storage

import rego.v1

import data.lacuna.lib

encrypted(op) if op.destination.encrypted

encrypted(op) if {
	some prefix in lib.config.encryption.encrypted_locations
	startswith(op.destination.path, prefix)
}

violations contains v if {
	some i, op in input.operations
	op.action in lib.output_actions
	op.destination.type in lib.storage_types
	tags := [tag | some tag in op.source.tags; tag in lib.encrypt_tags]
	count(tags) > 0
	not encrypted(op)
	v := {
		"index": i,
		"reason": sprintf("%s would be stored unencrypted at %s; %s data must be encrypted at rest", [lib.describe(op), op.destination.path, concat(", ", tags)]),
		"alternatives": [
			"Write an encrypted file instead (for example with gpg or age, named .gpg/.age/.enc)",
			sprintf("Store it in a location that enforces encryption: %s", [concat(", ", lib.config.encryption.encrypted_locations)]),
		],
		"steward": lib.steward(op),
	}
}
