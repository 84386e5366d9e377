"""Resource verdicts are kept across runs (`classify/stored.py`), and anything that decides
them invalidates them: a rule file's content, the rule files configured, an override from the
CLI or the reviewed file, the embeddings setting. Each test checks twice with one thing changed
between the runs, through the CLI, and the second verdict must be the changed one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import LOYALTY_RULE, finding_at, write_files

PIPELINE = ('import pandas as pd\nbatches = pd.read_csv("data/batches.csv")\n'
            'batches.to_csv("~/Downloads/batches.csv")\n')
OTHER_RULE = LOYALTY_RULE.replace("loyalty_number", "wind_gust").replace("PII, GDPR", "FINANCIAL")
REVIEWED = ("version: 1\noverrides:\n  - resource: data/batches.csv\n    tier: PROPRIETARY\n"
            "    tags: [FINANCIAL]\n    reason: unreleased loyalty data\n"
            "    reviewed_by: cfo@acme\n")


def project(root: Path, config: str, rules: str = OTHER_RULE) -> Path:
    return write_files(root, {"lacuna.toml": config, "team-rules.yaml": rules,
                              "data/batches.csv": "loyalty_number,region\n",
                              "pipeline.py": PIPELINE})


def read_verdict(lacuna, root: Path) -> dict:
    """The classification of the read of data/batches.csv in a full check."""
    done = lacuna("check", ".", "--format", "json", cwd=root)
    assert done.stdout.strip(), done.stderr
    return finding_at(json.loads(done.stdout), "pipeline.py", 2, "read")["classification"]


def test_a_warm_run_decides_like_the_cold_one(lacuna, tmp_path: Path) -> None:
    root = project(tmp_path, 'embeddings = false\nrules = ["team-rules.yaml"]\n', LOYALTY_RULE)
    cold = read_verdict(lacuna, root)
    assert "PII" in cold["tags"]
    assert read_verdict(lacuna, root) == cold


def test_editing_a_rule_file_changes_the_next_verdict(lacuna, tmp_path: Path) -> None:
    root = project(tmp_path, 'embeddings = false\nrules = ["team-rules.yaml"]\n')
    assert "PII" not in read_verdict(lacuna, root)["tags"]
    (root / "team-rules.yaml").write_text(LOYALTY_RULE)
    stricter = read_verdict(lacuna, root)
    assert "PII" in stricter["tags"] and stricter["tier"] == "PROPRIETARY"
    (root / "team-rules.yaml").write_text(OTHER_RULE)
    assert "PII" not in read_verdict(lacuna, root)["tags"]


def test_configuring_a_rule_file_changes_the_next_verdict(lacuna, tmp_path: Path) -> None:
    root = project(tmp_path, "embeddings = false\n", LOYALTY_RULE)
    assert "PII" not in read_verdict(lacuna, root)["tags"]
    (root / "lacuna.toml").write_text('embeddings = false\nrules = ["team-rules.yaml"]\n')
    assert "PII" in read_verdict(lacuna, root)["tags"]


def test_the_reviewed_classifications_file_changes_the_next_verdict(lacuna, tmp_path: Path
                                                                   ) -> None:
    root = project(tmp_path, "embeddings = false\n")
    assert read_verdict(lacuna, root)["tier"] == "INTERNAL"
    (root / "lacuna-classifications.yaml").write_text(REVIEWED)
    reviewed = read_verdict(lacuna, root)
    assert reviewed["tier"] == "PROPRIETARY" and reviewed["tags"] == ["FINANCIAL"]
    (root / "lacuna-classifications.yaml").unlink()
    assert read_verdict(lacuna, root)["tier"] == "INTERNAL"


def test_a_cli_override_changes_the_next_verdict(lacuna, tmp_path: Path) -> None:
    root = project(tmp_path, 'embeddings = false\nrules = ["team-rules.yaml"]\n', LOYALTY_RULE)
    assert read_verdict(lacuna, root)["tier"] == "PROPRIETARY"
    done = lacuna("classify", "override", "data/batches.csv", "--tier", "INTERNAL", "--reason",
                  "synthetic loyalty numbers", cwd=root)
    assert done.code == 0, done.stderr
    overridden = read_verdict(lacuna, root)
    assert overridden["tier"] == "INTERNAL" and overridden["layer"] == "override"


def test_turning_embeddings_on_changes_the_next_verdict(lacuna, tmp_path: Path) -> None:
    from lacuna_cli.classify import embeddings

    if not embeddings.available():
        pytest.skip("needs the [embeddings] extra (CI installs it)")
    root = write_files(tmp_path, {"lacuna.toml": "embeddings = false\n",
                                  "data/batches.csv": "patient_illness,region\n",
                                  "pipeline.py": PIPELINE})
    without = read_verdict(lacuna, root)
    assert without["sensitive_columns"] == {}
    (root / "lacuna.toml").write_text("embeddings = true\n")
    with_layer_2 = read_verdict(lacuna, root)
    assert "patient_illness" in with_layer_2["sensitive_columns"]
    assert with_layer_2["tier"] == "PROPRIETARY"


def test_a_table_no_code_writes_any_more_is_classified_once_in_a_one_file_check(
        lacuna, tmp_path: Path) -> None:
    """The resource history classifies a table its old writer no longer writes before the
    graph's verdicts are fetched; a one-file check does not fetch that table's verdict with
    the graph's. Stored again, it broke the check (a duplicate key: exit 2)."""
    root = write_files(tmp_path, {
        "lacuna.toml": "embeddings = false\n",
        "schema.sql": "CREATE TABLE crm.contacts (contact_id INT, email VARCHAR);\n",
        "contacts.py": "import pandas as pd\n\n\ndef run(con):\n"
                       "    rows = pd.read_sql('SELECT * FROM crm.contacts', con)\n"
                       "    rows.to_csv('reports/contacts.csv')\n",
        "other.py": "import pandas as pd\n\npd.read_csv('data/a.csv').to_csv('reports/a.csv')\n"})
    assert lacuna("check", ".", cwd=root).code == 0
    write_files(root, {"schema.sql": "CREATE TABLE crm.people (contact_id INT, email VARCHAR);\n"})
    assert lacuna("check", ".", cwd=root).code == 0
    one_file = lacuna("check", "other.py", cwd=root)
    assert one_file.code == 0, one_file.stderr
    assert "contacts" not in one_file.stderr


def test_a_result_stored_already_keeps_its_row_when_put_again(tmp_path: Path) -> None:
    """Two lookups that did not see each other (two runs, or a resource classified outside
    the batch) may both put one key: the second is not a duplicate-key crash."""
    from lacuna_cli.classify.cache import Cache
    from lacuna_cli.store import open_store

    with open_store(tmp_path / "lacuna.duckdb", write=True) as connection:
        Cache(connection).put_many("resource:x", {"table\x1fcrm.contacts": {"tier": "INTERNAL"}})
        Cache(connection).put_many("resource:x", {"table\x1fcrm.contacts": {"tier": "PUBLIC"},
                                                  "table\x1fcrm.people": {"tier": "PUBLIC"}})
        stored = Cache(connection).get_many("resource:x", ["table\x1fcrm.contacts",
                                                           "table\x1fcrm.people"])
    assert stored == {"table\x1fcrm.contacts": {"tier": "INTERNAL"},
                      "table\x1fcrm.people": {"tier": "PUBLIC"}}
