"""Layer-1 rules and inheritance through lineage."""

from __future__ import annotations

from pathlib import Path

import pytest

from lacuna_cli.classify.heuristics import load_rule_file, load_rules, normalise_name
from lacuna_cli.classify.pipeline import Classifier, classify_graph, classify_resource
from lacuna_cli.errors import ConfigError
from lacuna_cli.extract.python import PythonContext, extract_python
from lacuna_cli.lineage import build_graph
from lacuna_cli.models import Resource, Tier


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def rules_only(rules=None) -> Classifier:
    """Layer 1 alone: these tests are about rules and inheritance, not the model."""
    return Classifier.from_rules(rules or load_rules(), use_embeddings=False)


def test_tier_order_is_public_internal_proprietary() -> None:
    assert Tier.PUBLIC < Tier.INTERNAL < Tier.PROPRIETARY
    assert max(Tier.INTERNAL, Tier.PUBLIC) is Tier.INTERNAL
    assert sorted([Tier.PROPRIETARY, Tier.PUBLIC, Tier.INTERNAL])[0] is Tier.PUBLIC
    assert Tier.PROPRIETARY.lower() is Tier.INTERNAL and Tier.PUBLIC.lower() is Tier.PUBLIC


@pytest.mark.parametrize("name, normal", [("CustEmail", "cust_email"),
                                          ("cust-email", "cust_email"),
                                          ("Phone Number", "phone_number"),
                                          ("HTTPStatus", "http_status")])
def test_names_are_normalised_to_snake_tokens(name: str, normal: str) -> None:
    assert normalise_name(name) == normal


@pytest.mark.parametrize("column", ["email", "CustEmail", "e_mail", "phone", "dob", "ssn",
                                    "ccn", "addr1", "first_name", "cust_tel", "c_email",
                                    "customer-phone-number", "E-Mail Address", "Source.IP",
                                    "IPv6", "DL_lic_Florida", "clientLastName", "CVV",
                                    "creditcardnumber", "Random_IBAN", "G_MANAGER", "VIN"])
def test_sensitive_columns_match(rules, column: str) -> None:
    assert rules.match_column(column), column


@pytest.mark.parametrize("column", ["company_name", "storm_name", "user_credits", "region",
                                    "order_date", "flag_phone", "FLAG_MOBIL", "Num_Credit_Card",
                                    "card_type", "is_manager", "Credit_History_Age",
                                    "NAME_INCOME_TYPE", "hotel", "condition", "src_addr_count"])
def test_look_alikes_do_not_match_personal_rules(rules, column: str) -> None:
    tags = {tag for rule in rules.match_column(column) for tag in rule.rule.tags}
    assert not tags & {"PII", "PHI"}, column


def test_resource_classification_combines_path_and_columns(rules) -> None:
    customers = classify_resource(Resource(kind="file", name="data/customers.csv",
                                           columns=("email", "region")), rules_only(rules))
    assert customers.tier is Tier.PROPRIETARY and "PII" in customers.tags
    assert set(customers.columns) == {"email"}
    unknown = classify_resource(Resource(kind="file", name="misc/thing.bin"), rules_only(rules))
    assert unknown.tier is Tier.INTERNAL and unknown.layer == "default"


@pytest.mark.parametrize("url, health", [
    ("https://api.partner.example.com/health", False), ("https://x.io/api/v1/healthz", False),
    ("https://x.io/health/patients", True), ("https://fhir.example.org/health-records", True),
    ("s3://clinic/health", True)])
def test_a_liveness_endpoint_is_no_health_record(rules, url: str, health: bool) -> None:
    """`GET .../health` checks that a service is up (its status code logged was denied as
    health data); a path naming health records and a bucket folder stay health data."""
    found = classify_resource(Resource(kind="url", name=url), rules_only(rules))
    assert ("PHI" in found.tags) is health, found.reasoning


def classify(source: str, tmp_path: Path):
    (tmp_path / "people.csv").write_text("person_id,full_name,email,city,salary\n")
    extraction = extract_python(source, "job.py", PythonContext(root=tmp_path))
    result = classify_graph(build_graph([extraction]), rules_only())
    return {op.location.line: result[extraction.data_nodes[op.id]]
            for op in extraction.operations if op.id in extraction.data_nodes}


def test_projection_dropping_every_personal_column_drops_personal_tags(tmp_path) -> None:
    found = classify("import pandas as pd\np = pd.read_csv('people.csv')\n"
                     "q = p[['city', 'salary']]\nq.to_csv('out.csv')\n", tmp_path)
    assert found[2].tier is Tier.PROPRIETARY and "PII" in found[2].tags
    assert "PII" not in found[4].tags and found[4].tier is Tier.INTERNAL
    assert "FINANCIAL" in found[4].tags


def test_verified_anonymization_gives_internal_anonymized(tmp_path) -> None:
    found = classify("import pandas as pd\np = pd.read_csv('people.csv')\n"
                     "p['email'] = p['email'].map(sha256)\n"
                     "p['full_name'] = p['full_name'].map(mask_name)\n"
                     "p.to_csv('out.csv')\n", tmp_path)
    assert found[3].tier is Tier.PROPRIETARY  # full_name still personal after line 3
    assert found[5].tier is Tier.INTERNAL and "ANONYMIZED" in found[5].tags
    assert "PII" not in found[5].tags


def test_aggregate_by_identifier_stays_personal_otherwise_one_tier_lower(tmp_path) -> None:
    found = classify("import pandas as pd\np = pd.read_csv('people.csv')\n"
                     "a = p.groupby('city').agg(n=('person_id', 'count'))\n"
                     "b = p.groupby('email').agg(n=('salary', 'sum'))\n", tmp_path)
    assert found[3].tier is Tier.INTERNAL and "DERIVED_FROM_PROPRIETARY" in found[3].tags
    assert "PII" not in found[3].tags
    assert found[4].tier is Tier.PROPRIETARY and "PII" in found[4].tags


def test_join_takes_the_highest_tier_and_names_its_origin(tmp_path) -> None:
    found = classify("import pandas as pd\np = pd.read_csv('people.csv')\n"
                     "h = pd.read_csv('public/holidays.csv')\n"
                     "j = h.merge(p, on='city')\n", tmp_path)
    assert found[3].tier is Tier.PUBLIC
    assert found[4].tier is Tier.PROPRIETARY
    assert found[4].inherited_from == ("people.csv",)
    assert "join at job.py:4" in found[4].reasoning


def test_cross_file_lineage_carries_classification(tmp_path) -> None:
    (tmp_path / "people.csv").write_text("full_name,email\n")
    writer = extract_python("import pandas as pd\npd.read_csv('people.csv').to_parquet("
                            "'stage/p.parquet')\n", "a.py", PythonContext(root=tmp_path))
    reader = extract_python("import pandas as pd\nx = pd.read_parquet('stage/p.parquet')\n",
                            "b.py", PythonContext(root=tmp_path))
    result = classify_graph(build_graph([writer, reader]), rules_only())
    read = reader.operations[0]
    node = reader.data_nodes[read.id]
    assert result[node].tier is Tier.PROPRIETARY
    assert "PII" in result[node].tags


def test_invalid_rules_file_names_file_and_key(tmp_path) -> None:
    bad = tmp_path / "rules.yaml"
    bad.write_text("version: 1\nkind: columns\nrules:\n  - id: x\n    words: [a]\n"
                   "    tier: SECRET\n    confidence: 0.5\n    reasoning: r\n")
    with pytest.raises(ConfigError, match=r"rules\.yaml: rules\.0\.tier"):
        load_rule_file(bad)
    bad.write_text("version: 1\nkind: [columns\n")
    with pytest.raises(ConfigError, match="invalid YAML"):
        load_rule_file(bad)


def test_a_veto_rule_does_not_silence_credentials_or_health(rules) -> None:
    for column, tag in (("access_token", "CREDENTIALS"), ("blood_type", "PHI"),
                        ("health_status", "PHI")):
        assert tag in {t for m in rules.match_column(column) for t in m.rule.tags}, column


def test_team_rules_file_adds_rules_and_its_veto_silences_only_its_own(tmp_path) -> None:
    team = tmp_path / "team.yaml"
    team.write_text("version: 1\nkind: columns\nrules:\n  - id: telemetry\n"
                    "    regex: '^tel_'\n    veto: true\n    tier: INTERNAL\n"
                    "    confidence: 0.9\n    reasoning: our tel_ columns are telemetry\n"
                    "  - id: loyalty\n    words: [loyalty_number, tel_loyalty]\n"
                    "    tier: PROPRIETARY\n    tags: [PII]\n    confidence: 0.9\n"
                    "    reasoning: loyalty card\n")
    rules = load_rules([team])
    # The shipped phone rule still holds for `tel_latency`; the team's veto silences its own
    # `loyalty` rule on `tel_loyalty`, not the shipped ones (see test_classif_trust.py).
    assert {m.rule.id for m in rules.match_column("tel_latency")} == {"phone", "telemetry"}
    assert {m.rule.id for m in rules.match_column("tel_loyalty")} == {"phone", "telemetry"}
    assert [m.rule.id for m in rules.match_column("LoyaltyNumber")] == ["loyalty"]
    assert "phone" in {m.rule.id for m in rules.match_column("tel")}


def test_column_lineage_carries_a_renamed_column_and_drops_an_unselected_one(tmp_path) -> None:
    from lacuna_cli.extract.sql import extract_sql

    first = extract_sql("CREATE TABLE stage.contacts AS SELECT email AS contact, region "
                        "FROM crm.people", "a.sql", None)
    second = extract_sql("CREATE TABLE stage.regions AS SELECT region FROM stage.contacts",
                         "b.sql", None)
    people = Resource(kind="table", name="crm.people", columns=("email", "region"))
    graph = build_graph([first, second])
    node = next(n for n, d in graph.nodes(data="node")
                if d.resource is not None and d.resource.name == "crm.people")
    graph.nodes[node]["node"] = graph.nodes[node]["node"].model_copy(update={"resource": people})
    result = classify_graph(graph, rules_only())
    by_name = {d.label: result[n] for n, d in graph.nodes(data="node")}
    assert by_name["stage.contacts"].sensitive_columns == {"contact": ("GDPR", "PII")}
    assert "PII" not in by_name["stage.regions"].tags


def test_multi_hop_filter_join_project_keeps_origin_then_drops_tags(tmp_path) -> None:
    found = classify("import pandas as pd\np = pd.read_csv('people.csv')\n"
                     "f = p[p.salary > 10]\nh = pd.read_csv('public/holidays.csv')\n"
                     "j = f.merge(h, on='city')\nk = j[['city', 'salary']]\n"
                     "k.to_csv('out.csv')\n", tmp_path)
    assert found[5].tier is Tier.PROPRIETARY and found[5].inherited_from == ("people.csv",)
    assert "PII" not in found[7].tags
