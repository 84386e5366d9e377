# METADATA
# title: Lacuna default policy set
# description: >-
#   Entry point. Collects the violations of every rule package under `lacuna.rules`, so a team
#   adds a rule by adding a package there; nothing here needs editing.
# custom:
#   id: LACUNA-DEFAULT
#   version: 1.0.0
#   steward: data-governance@acme.example
#   severity: info
package lacuna.main

import rego.v1

# One entry per violation: the rule package's `violations` set, tagged with the package name.
violations := [object.union(v, {"rule": name}) |
	some name
	some v in data.lacuna.rules[name].violations
]
