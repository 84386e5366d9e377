"""`lacuna lineage export`: OpenLineage events valid against the openlineage-python client's
models, and Graphviz/Mermaid drawings of the stored graph."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

attr = pytest.importorskip("attr")
pytest.importorskip("openlineage.client")
from openlineage.client.event_v2 import (  # noqa: E402
    InputDataset, Job, OutputDataset, Run, RunEvent, RunState,
)
from openlineage.client.generated.base import DatasetFacet  # noqa: E402
from openlineage.client.generated.schema_dataset import (  # noqa: E402
    SchemaDatasetFacet, SchemaDatasetFacetFields,
)
from openlineage.client.generated.tags_dataset import (  # noqa: E402
    TagsDatasetFacet, TagsDatasetFacetFields,
)
from openlineage.client.serde import Serde  # noqa: E402

from lacuna_cli.lineage_export import FACET_SCHEMA  # noqa: E402
from conftest import write_files  # noqa: E402


@attr.define
class LacunaClassificationFacet(DatasetFacet):
    tier: str = attr.field()
    tags: list[str] = attr.field(factory=list)

    @staticmethod
    def _get_schema() -> str:
        return FACET_SCHEMA


def _facets(raw: dict) -> dict:
    built = {}
    for name, facet in raw.items():
        producer = facet["_producer"]
        if name == "schema":
            built[name] = SchemaDatasetFacet(
                fields=[SchemaDatasetFacetFields(**field) for field in facet["fields"]],
                producer=producer)
        elif name == "tags":
            built[name] = TagsDatasetFacet(
                tags=[TagsDatasetFacetFields(**tag) for tag in facet["tags"]], producer=producer)
        elif name == "lacunaClassification":
            built[name] = LacunaClassificationFacet(tier=facet["tier"], tags=facet["tags"],
                                                    producer=producer)
        else:
            raise AssertionError(f"unexpected facet {name}")
    return built


def _event(raw: dict) -> RunEvent:
    """The client's model of an event (its validators run: UUID, ISO time, URIs)."""
    return RunEvent(
        eventType=RunState(raw["eventType"]), eventTime=raw["eventTime"],
        producer=raw["producer"], run=Run(runId=raw["run"]["runId"]),
        job=Job(namespace=raw["job"]["namespace"], name=raw["job"]["name"]),
        inputs=[InputDataset(d["namespace"], d["name"], facets=_facets(d["facets"]))
                for d in raw["inputs"]],
        outputs=[OutputDataset(d["namespace"], d["name"], facets=_facets(d["facets"]))
                 for d in raw["outputs"]])


def _without_empty(value):
    """Drop empty lists and objects: the client writes its defaults (`"fields": []`)."""
    if isinstance(value, dict):
        return {k: _without_empty(v) for k, v in value.items() if v not in ([], {})}
    if isinstance(value, list):
        return [_without_empty(v) for v in value]
    return value


@pytest.fixture
def checked(shop: Path, lacuna) -> Path:
    assert lacuna("check", ".", cwd=shop).code == 1
    return shop


def test_openlineage_events_round_trip_through_the_client_models(checked: Path, lacuna) -> None:
    result = lacuna("lineage", "export", "--format", "openlineage", "--namespace", "acme-shop",
                    cwd=checked)
    assert result.code == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    for raw in events:
        assert _without_empty(json.loads(Serde.to_json(_event(raw)))) == _without_empty(raw)
    by_job = {event["job"]["name"]: event for event in events}
    scenario = by_job["pipelines/customer_sales.py"]
    inputs = {d["name"]: d for d in scenario["inputs"]}
    customers = inputs["data/customers.csv"]
    assert customers["namespace"] == "file"
    assert customers["facets"]["lacunaClassification"]["tier"] == "PROPRIETARY"
    assert "PII" in customers["facets"]["lacunaClassification"]["tags"]
    assert {"key": "tier", "value": "PROPRIETARY", "source": "LACUNA"} in \
        customers["facets"]["tags"]["tags"]
    assert {f["name"] for f in customers["facets"]["schema"]["fields"]} >= {"email", "phone"}
    assert {d["name"] for d in scenario["outputs"]} == {"~/Downloads/export.csv",
                                                        "reports/summary.csv"}
    again = lacuna("lineage", "export", "--namespace", "acme-shop", cwd=checked).stdout
    assert [json.loads(line)["run"]["runId"] for line in again.splitlines()] == \
        [event["run"]["runId"] for event in events]


def test_dot_export_is_valid_graphviz(checked: Path, lacuna, tmp_path: Path) -> None:
    result = lacuna("lineage", "export", "-f", "dot", "-o", str(tmp_path / "g.dot"),
                    cwd=checked)
    assert result.code == 0, result.stderr
    dot = (tmp_path / "g.dot").read_text()
    assert dot.startswith("digraph lineage {") and '"data/customers.csv\\nPROPRIETARY' in dot
    assert '[label="join"]' in dot
    if shutil.which("dot"):
        rendered = subprocess.run(["dot", "-Tsvg", str(tmp_path / "g.dot")],
                                  capture_output=True, text=True)
        assert rendered.returncode == 0, rendered.stderr


def test_mermaid_export(checked: Path, lacuna) -> None:
    result = lacuna("lineage", "export", "--format", "mermaid", cwd=checked)
    assert result.code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "flowchart LR"
    assert any('["data/customers.csv<br/>PROPRIETARY [' in line and
               line.endswith(":::proprietary") for line in lines)
    assert any("-->|join|" in line for line in lines)
    assert "  classDef proprietary fill:#f8d7da" in lines


def test_mermaid_draws_data_from_an_unresolved_place_in_its_own_colour(
        tmp_path: Path, lacuna) -> None:
    root = write_files(tmp_path / "repo", {
        "lacuna.toml": "",
        "export.py": ("import os\nimport pandas as pd\n\n"
                      "frame = pd.read_csv(os.environ['INPUT_PATH'])\n"
                      "frame.to_parquet('out/extract.parquet')\n"),
    })
    lacuna("check", ".", cwd=root)
    lines = lacuna("lineage", "export", "--format", "mermaid", cwd=root).stdout.splitlines()
    assert any(line.endswith(":::unknown") for line in lines), lines
    assert "  classDef unknown fill:#ffe5d0" in lines


def test_export_without_stored_lineage_says_so(tmp_path: Path, lacuna) -> None:
    (tmp_path / "lacuna.toml").write_text("")
    result = lacuna("lineage", "export", cwd=tmp_path)
    assert result.code == 2 and "no Lacuna database yet" in result.stderr
