"""`lacuna policy eval` checks its input against the documented schema: a missing or mistyped
field is exit 2 naming it — never an allow — for one input and for a batch."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from conftest import Run, run_lacuna
from lacuna_cli.models import Classification, Location, Operation, Resource, Tier
from lacuna_cli.policy.input_schema import validated_operations
from lacuna_cli.policy.inputs import policy_input

VALID = {
    "action": "export",
    "source": {"tier": "PROPRIETARY", "tags": ["GDPR", "PII"], "lineage": ["crm.customers"],
               "columns": {"email": ["GDPR", "PII"]}},
    "destination": {"type": "unmanaged", "path": "~/Downloads/export.csv", "kind": "file",
                    "encrypted": False, "reason": "", "parameter": False,
                    "service": "", "category": ""},
    "user": {"id": "ana@acme.example", "role": "analyst"},
    "context": {"purpose": None, "environment": "local"},
    "dynamic": False,
}


def evaluate(tmp_path: Path, document: object | str, *options: str) -> Run:
    path = tmp_path / "input.json"
    text = document if isinstance(document, str) else json.dumps(document)
    path.write_text(text, encoding="utf-8")
    run = run_lacuna("policy", "eval", "--input", str(path), *options, cwd=tmp_path)
    assert "Traceback" not in run.stderr + run.stdout
    return run


def changed(path: str, value: object) -> dict:
    """VALID with the field at a dotted path replaced (or removed when value is ...)."""
    document = copy.deepcopy(VALID)
    *parents, last = path.split(".")
    target = document
    for part in parents:
        target = target[part]
    if value is ...:
        del target[last]
    else:
        target[last] = value
    return document


def test_a_valid_input_is_decided(tmp_path):
    run = evaluate(tmp_path, VALID, "--format", "json")
    assert run.code == 1, run.stderr
    assert json.loads(run.stdout)["policy_id"] == "LAC-PII-001"


@pytest.mark.parametrize("document, field, why", [
    ({"action": "export"}, "source", "Field required"),
    (changed("source.tier", ...), "source.tier", "Field required"),
    (changed("source.tier", "SECRET"), "source.tier", "Input should be"),
    (changed("source.tags", "PII"), "source.tags", "Input should be a valid list"),
    (changed("destination.encrypted", "false"), "destination.encrypted",
     "Input should be a valid boolean"),
    (changed("destination.type", "ftp"), "destination.type", "Input should be"),
    (changed("action", "exfiltrate"), "action", "Input should be"),
    (changed("dynamic", 0), "dynamic", "Input should be a valid boolean"),
    (changed("context.purpose", 7), "context.purpose", "Input should be a valid string"),
    (changed("user", None), "user", "Input should be a valid dictionary"),
], ids=["only-action", "no-tier", "unknown-tier", "tags-not-a-list", "string-boolean",
        "unknown-destination-type", "unknown-action", "number-as-boolean", "number-as-purpose",
        "null-user"])
def test_a_missing_or_mistyped_field_is_exit_2_naming_it(tmp_path, document, field, why):
    run = evaluate(tmp_path, document)

    assert run.code == 2
    assert run.stdout == ""
    (line,) = run.stderr.strip().splitlines()
    assert line.startswith(f"lacuna: error: {tmp_path / 'input.json'}: {field}: {why}"), line


def test_a_batch_is_decided_operation_by_operation(tmp_path):
    allowed = changed("destination.type", "project") | {"action": "write"}
    allowed["destination"]["path"] = "warehouse/x.parquet"

    run = evaluate(tmp_path, {"operations": [allowed, VALID]}, "--format", "json")

    assert run.code == 1
    decisions = json.loads(run.stdout)["decisions"]
    assert [d["allowed"] for d in decisions] == [True, False]


@pytest.mark.parametrize("document, field", [
    ({"operations": [VALID, changed("source.lineage", ...)]}, "operations[1].source.lineage"),
    ({"operations": {"0": VALID}}, "operations"),
    ({"operations": [VALID, 3]}, "operations[1]"),
])
def test_a_bad_batch_is_exit_2_naming_the_operation_and_field(tmp_path, document, field):
    run = evaluate(tmp_path, document)

    assert run.code == 2
    assert run.stderr.startswith(f"lacuna: error: {tmp_path / 'input.json'}: {field}: ")


@pytest.mark.parametrize("text, why", [
    ("[1, 2]", "valid dictionary"),
    ('{"action": ', "invalid JSON"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('{"action": ' + "9" * 5000 + "}", "invalid JSON"),
    ('{"action": "\\ud800"}', "surrogates not allowed"),
])
def test_a_document_that_is_not_an_input_is_exit_2(tmp_path, text, why):
    run = evaluate(tmp_path, text)

    assert run.code == 2
    assert why in run.stderr and len(run.stderr.strip().splitlines()) == 1, run.stderr


def test_invalid_utf8_is_exit_2(tmp_path):
    (tmp_path / "input.json").write_bytes(b'{"action": "\xff"}')
    run = run_lacuna("policy", "eval", "--input", str(tmp_path / "input.json"), cwd=tmp_path)
    assert run.code == 2 and "not UTF-8" in run.stderr


def test_every_input_lacuna_builds_follows_the_schema() -> None:
    """The producer and the schema agree: what `check` sends the policies validates."""
    location = Location(path="a.py", line=1, column=1)
    operations = [
        Operation(id="1", action="export", sources=(Resource(kind="file", name="c.csv"),),
                  destination=Resource(kind="url", name="mailto:x@y.z"), location=location,
                  code="x"),
        Operation(id="2", action="read", sources=(Resource(kind="table", name="t"),),
                  location=location, code="x"),
        Operation(id="3", action="write", destination=Resource(kind="unknown", name="?"),
                  location=location, code="x", dynamic=True, dynamic_reason="argv"),
    ]
    for tier in Tier:
        classification = Classification(tier=tier, tags=("PII",), confidence=1.0,
                                        layer="heuristic", reasoning="r",
                                        sensitive_columns={"email": ("PII",)})
        documents = [policy_input(op, classification, {"id": "u", "role": "r"},
                                  {"purpose": None, "environment": "ci"}) for op in operations]
        assert validated_operations({"operations": documents}) == (documents, True)
