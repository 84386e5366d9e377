"""Every place data teams send data, through the CLI on `fixtures/sinks`: each one-file
pipeline that sends customer rows to an LLM, a tracker, a hub, a bucket, a sheet, a chat
channel, a mail, a log, a file server or a browser download is blocked with the
service and category its first line names; the controls (public GETs, counts, aggregates, a
prompt with no customer data, metrics, the organisation's own message bus) pass."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, run_lacuna

SINKS = FIXTURES / "sinks"
CASES = sorted(p.name for p in SINKS.glob("*.py"))
CONTROLS = sorted(p.name for p in (SINKS / "controls").glob("*.py"))


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    project = tmp_path_factory.mktemp("sinks") / "sinks"
    shutil.copytree(SINKS, project)
    run = run_lacuna("check", ".", "--format", "json", cwd=project)
    assert run.code == 1, run.stderr
    document = json.loads(run.stdout)
    assert document["errors"] == []
    return document["findings"]


def _expected(name: str) -> tuple[str, str]:
    first = (SINKS / name).read_text().splitlines()[0]
    category, service = first.removeprefix("# expect:").split()
    return category, service


@pytest.mark.parametrize("name", CASES)
def test_customer_data_sent_to_a_service_is_blocked(findings: list[dict], name: str) -> None:
    category, service = _expected(name)
    blocked = [f for f in findings if f["operation"]["location"]["path"] == name
               and not f["decision"]["allowed"] and f["operation"]["destination"]]
    destinations = {(f["operation"]["destination"].get("category"),
                     f["operation"]["destination"].get("service")) for f in blocked}
    assert (category, service) in destinations, destinations
    sent = next(f for f in blocked if f["operation"]["destination"].get("service") == service)
    assert "data/customers.csv" in {s["name"] for s in sent["operation"]["sources"]}
    assert {"PII"} <= set(sent["classification"]["tags"])


@pytest.mark.parametrize("name", CONTROLS)
def test_controls_pass(findings: list[dict], name: str) -> None:
    path = f"controls/{name}"
    denied = [f["decision"] for f in findings if f["operation"]["location"]["path"] == path
              and not f["decision"]["allowed"]]
    assert denied == []


def test_controls_are_analysed(findings: list[dict]) -> None:
    analysed = {f["operation"]["location"]["path"] for f in findings}
    assert {f"controls/{name}" for name in CONTROLS} <= analysed


def test_the_policy_input_carries_service_and_category(tmp_path: Path) -> None:
    project = tmp_path / "p"
    shutil.copytree(SINKS, project)
    run = run_lacuna("check", "llm_litellm.py", "--format", "json", cwd=project)
    sent = [f for f in json.loads(run.stdout)["findings"]
            if f["operation"]["action"] == "export"]
    assert sent[0]["operation"]["destination"] == {
        "kind": "service", "name": "litellm:mistral/mistral-large-latest", "columns": [],
        "service": "litellm", "category": "llm"}
    decision = sent[0]["decision"]
    assert decision["policy_id"] == "LAC-SVC-001"
    assert "(llm service litellm)" in decision["reasoning"]
    assert "No llm service is approved for personal data yet" in " ".join(
        decision["alternatives"])
