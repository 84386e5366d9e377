package lacuna.rules.third_party_service_test

import rego.v1

import data.lacuna.rules.third_party_service
import data.lacuna.testdata_test.op

service_op(tags, category, service) := object.union(op("export", "PROPRIETARY", tags, "service", "openai:gpt-4o"), {"destination": {"type": "service", "path": "openai:gpt-4o", "kind": "service", "encrypted": false, "reason": "", "service": service, "category": category}})

test_customer_rows_in_an_llm_prompt_are_denied if {
	some v in third_party_service.violations with input as {"operations": [service_op(["PII"], "llm", "openai")]}
	v.index == 0
	startswith(v.alternatives[0], "Anonymize the personal columns email, phone")
	contains(v.alternatives[1], "No llm service is approved")
}

test_special_category_data_in_an_llm_prompt_is_denied if {
	count(third_party_service.violations) == 1 with input as {"operations": [service_op(["SPECIAL_CATEGORY"], "llm", "openai")]}
}

test_an_approved_service_is_allowed_and_named_as_the_alternative if {
	count(third_party_service.violations) == 0 with input as {"operations": [service_op(["PII"], "llm", "azure-openai")]}
		with data.lacuna.config.approved_services as {"llm": ["azure-openai"]}
	some v in third_party_service.violations with input as {"operations": [service_op(["PII"], "llm", "openai")]}
		with data.lacuna.config.approved_services as {"llm": ["azure-openai"]}
	contains(v.alternatives[1], "azure-openai")
}

test_data_without_personal_tags_and_databases_are_left_to_other_rules if {
	count(third_party_service.violations) == 0 with input as {"operations": [
		service_op(["FINANCIAL"], "tracker", "wandb"),
		service_op(["PII"], "database", "bigquery"),
	]}
}

test_customer_rows_on_a_dashboard_are_denied_until_the_app_is_approved if {
	some v in third_party_service.violations with input as {"operations": [service_op(["PII"], "dashboard", "streamlit")]}
	contains(v.alternatives[1], "No dashboard service is approved")
	count(third_party_service.violations) == 0 with input as {"operations": [service_op(["PII"], "dashboard", "streamlit")]}
		with data.lacuna.config.approved_services as {"dashboard": ["streamlit"]}
}
