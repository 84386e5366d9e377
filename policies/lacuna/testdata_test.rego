# Operations shared by the rule tests: one exported PII frame, varied field by field.
package lacuna.testdata_test

import rego.v1

op(action, tier, tags, type, path) := {
	"action": action,
	"source": {
		"tier": tier,
		"tags": tags,
		"lineage": ["data/customers.csv"],
		"columns": {"email": ["PII"], "phone": ["PII"], "region": []},
	},
	"destination": {"type": type, "path": path, "kind": "file", "encrypted": false, "reason": "", "parameter": false},
	"user": {"id": "ana@acme.example", "role": "analyst"},
	"context": {"purpose": null, "environment": "local"},
	"dynamic": type == "dynamic",
}

batch(ops) := {"operations": ops}
