"""Overrides (CLI and reviewed file) beat every layer, are audited, and `explain` shows why."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Run


def _finding(document: dict, line: int) -> dict:
    return next(f for f in document["findings"]
                if f["operation"]["location"]["path"] == "pipelines/customer_sales.py"
                and f["operation"]["location"]["line"] == line)


def _overrides_in_log(lacuna, shop: Path) -> list[dict]:
    log = json.loads(lacuna("audit", "log", "--format", "json", cwd=shop).stdout)
    return [r for r in log["records"] if r["event_type"] == "override"]


def test_cli_override_wins_downstream_and_is_audited(shop: Path, lacuna) -> None:
    lacuna("check", ".", cwd=shop)  # the resource must be known to the stored lineage
    done: Run = lacuna("classify", "override", "data/customers.csv", "--tier", "INTERNAL",
                       "--reason", "synthetic test customers, no real people", cwd=shop)
    assert done.code == 0, done.stderr
    check = lacuna("check", ".", "--format", "json", cwd=shop)
    export = _finding(json.loads(check.stdout), 5)
    assert export["classification"]["tier"] == "INTERNAL"
    assert "data/customers.csv" in export["classification"]["inherited_from"]
    assert "PII" not in export["classification"]["tags"]
    (record,) = _overrides_in_log(lacuna, shop)
    assert record["resource"] == "data/customers.csv" and record["tier"] == "INTERNAL"
    assert "synthetic test customers" in record["reasoning"] and record["action"] == "classify"
    assert lacuna("audit", "verify", cwd=shop).code == 0


def test_reviewed_file_beats_the_cli_and_is_audited_once(shop: Path, lacuna) -> None:
    assert lacuna("classify", "override", "warehouse/sales.parquet", "--tier", "PUBLIC",
                  "--reason", "cli says public", "--not-yet-seen", cwd=shop).code == 0
    (shop / "lacuna-classifications.yaml").write_text(
        "version: 1\noverrides:\n  - resource: warehouse/sales.parquet\n    tier: PROPRIETARY\n"
        "    tags: [FINANCIAL]\n    reason: unreleased revenue\n    reviewed_by: cfo@acme\n")
    for _ in range(2):
        result = lacuna("classify", "path", "warehouse/sales.parquet", "--format", "json",
                        cwd=shop)
        assert json.loads(result.stdout)["layer"] == "override"
        assert json.loads(result.stdout)["tier"] == "PROPRIETARY"
        lacuna("check", ".", "--format", "json", cwd=shop)
    records = _overrides_in_log(lacuna, shop)
    assert [r["location"] for r in records] == ["cli", "lacuna-classifications.yaml"]


def test_a_bad_reviewed_file_is_one_line_naming_file_and_key(shop: Path, lacuna) -> None:
    (shop / "lacuna-classifications.yaml").write_text(
        "version: 1\noverrides:\n  - resource: x.csv\n    tier: SECRET\n    reason: r\n"
        "    reviewed_by: me\n")
    result = lacuna("check", ".", cwd=shop)
    assert result.code == 2
    assert "lacuna-classifications.yaml: overrides.0.tier" in result.stderr
    assert "Traceback" not in result.stderr


def test_explain_shows_rules_columns_and_the_inheritance_path(shop: Path, lacuna) -> None:
    lacuna("check", ".", cwd=shop)
    result = lacuna("classify", "explain", "~/Downloads/export.csv", cwd=shop)
    assert result.code == 0, result.stderr
    text = result.stdout
    assert "<- write at pipelines/customer_sales.py:5" in text
    assert "<- join at pipelines/customer_sales.py:4" in text
    assert "name rule customer-data" in text
    assert "column email: PROPRIETARY [GDPR, PII] by heuristic" in text
    document = json.loads(lacuna("classify", "explain", "data/customers.csv", "--format",
                                 "json", cwd=shop).stdout)
    assert document["classification"]["tier"] == "PROPRIETARY"
    assert {c["column"] for c in document["columns"]} >= {"email", "phone", "region"}


def test_an_override_must_name_a_known_resource_and_known_tags(shop: Path, lacuna) -> None:
    assert lacuna("check", ".", cwd=shop).code == 1
    spaced = lacuna("classify", "override", "data/customers.csv ", "--tier", "INTERNAL",
                    "--reason", "synthetic", cwd=shop)
    assert spaced.code == 2 and len(spaced.stderr.strip().splitlines()) == 1
    assert "'data/customers.csv '" in spaced.stderr and "whitespace" in spaced.stderr
    typo = lacuna("classify", "override", "data/customer.csv", "--tier", "INTERNAL",
                  "--reason", "synthetic", cwd=shop)
    assert typo.code == 2 and len(typo.stderr.strip().splitlines()) == 1
    assert "not a resource in the stored lineage" in typo.stderr
    assert "did you mean data/customers.csv" in typo.stderr and "--not-yet-seen" in typo.stderr
    tagged = lacuna("classify", "override", "data/customers.csv", "--tier", "INTERNAL",
                    "--tags", "PII,FOO", "--reason", "synthetic", cwd=shop)
    assert tagged.code == 2 and len(tagged.stderr.strip().splitlines()) == 1
    assert "unknown tag FOO; valid tags:" in tagged.stderr and "GDPR, HIPAA" in tagged.stderr
    assert _overrides_in_log(lacuna, shop) == []  # nothing stored, nothing audited
    early = lacuna("classify", "override", "data/next_year.csv", "--tier", "PUBLIC",
                   "--reason", "open data, published", "--not-yet-seen", cwd=shop)
    assert early.code == 0, early.stderr
    result = lacuna("classify", "path", "data/next_year.csv", "-f", "json", cwd=shop)
    assert json.loads(result.stdout)["layer"] == "override"


def test_an_override_is_withdrawn_and_both_are_audited(shop: Path, lacuna) -> None:
    assert lacuna("check", ".", cwd=shop).code == 1
    assert lacuna("classify", "override", "data/customers.csv", "--tier", "INTERNAL",
                  "--reason", "synthetic test customers", cwd=shop).code == 0
    assert _finding(json.loads(lacuna("check", ".", "-f", "json", cwd=shop).stdout),
                    5)["classification"]["tier"] == "INTERNAL"
    removed = lacuna("classify", "override", "data/customers.csv", "--remove",
                     "--reason", "real customers were loaded", cwd=shop)
    assert removed.code == 0 and "data/customers.csv: withdrawn" in removed.stdout
    export = _finding(json.loads(lacuna("check", ".", "-f", "json", cwd=shop).stdout), 5)
    assert export["classification"]["tier"] == "PROPRIETARY"
    records = _overrides_in_log(lacuna, shop)
    assert [r["reasoning"].split(" by ")[0] for r in records] == [
        "classification set to INTERNAL", "classification override (INTERNAL) withdrawn"]
    assert "real customers were loaded" in records[1]["reasoning"]
    again = lacuna("classify", "override", "data/customers.csv", "--remove", "--reason", "x",
                   cwd=shop)
    assert again.code == 2 and "no override set" in again.stderr
    assert lacuna("audit", "verify", cwd=shop).code == 0

