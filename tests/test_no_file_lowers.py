"""No file added to a project lowers the classification of another file's operation.

What one statement reads of a table is not the table's schema: knowledge about a resource's
columns only grows (the union of every read, data-file header and declared schema), and what a
project writes to a resource can raise it, never take its own classification away. The property
is checked over a set of exporter files and a set of other files that read (or write) the same
resources: each exporter alone, then with each other file added, then with all of them —
through the scan API for every combination and through the CLI for the cases first reported.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from lacuna_cli.config import load_config
from lacuna_cli.models import Finding, Tier
from lacuna_cli.scan import check

PANDAS_SQL = "import pandas as pd\nimport sqlalchemy\ncon = sqlalchemy.create_engine('postgresql://db/crm')\n"

# name -> {project path: content}; each exports or reads data the readers below also touch.
EXPORTERS: dict[str, dict[str, str]] = {
    "sql_copy": {
        "export.sql": "COPY (SELECT email, phone FROM crm.customers) TO '/tmp/out.csv';\n"},
    "python_read_sql": {"export.py": PANDAS_SQL + (
        "contacts = pd.read_sql('SELECT email, phone FROM crm.customers', con)\n"
        "contacts.to_csv('/tmp/out.csv')\n")},
    "internal_ids": {"ids.py": PANDAS_SQL + (
        "import requests\n"
        "ids = pd.read_sql('SELECT id FROM analytics.visits', con)\n"
        "requests.post('https://partner.example/x', data=ids)\n")},
    "header_file": {"data/people.csv": "id,email,region\n", "people.py": (
        "import pandas as pd\n"
        "people = pd.read_csv('data/people.csv')\n"
        "people[['email', 'region']].to_csv('/tmp/people.csv')\n")},
    "aggregate": {"regions.sql": (
        "COPY (SELECT region, count(*) AS n FROM crm.customers GROUP BY region) "
        "TO '/tmp/regions.csv';\n")},
    "staging_file": {"ship.py": (
        "import pandas as pd\n"
        "visits = pd.read_csv('staging/visits.csv')\n"
        "visits.to_json('https://partner.example/visits')\n")},
    "unresolved_path": {"unresolved.py": (
        "import sys\nimport pandas as pd\n"
        "rows = pd.read_csv(sys.argv[1])\n"
        "rows.to_csv('/tmp/rows.csv')\n")},
}

OTHERS: dict[str, dict[str, str]] = {
    "count_sql": {"zz_count.sql": "SELECT count(*) FROM crm.customers;\n"},
    "id_sql": {"aa_ids.sql": "SELECT id FROM crm.customers;\n"},
    "id_python": {
        "zz_ids.py": PANDAS_SQL + "ids = pd.read_sql('SELECT id FROM crm.customers', con)\n"},
    "visits_email": {"zz_visits.sql": "SELECT email FROM analytics.visits;\n"},
    "visits_id": {"aa_visits.sql": "SELECT id FROM analytics.visits;\n"},
    "people_usecols": {"zz_people.py": (
        "import pandas as pd\npeople = pd.read_csv('data/people.csv', usecols=['id'])\n")},
    "public_into_staging": {"zz_stage.py": (
        "import pandas as pd\n"
        "codes = pd.read_csv('reference/country_codes.csv')\n"
        "codes.to_csv('staging/visits.csv')\n")},
    "constants_into_customers": {"zz_seed.sql": (
        "INSERT INTO crm.customers (id) SELECT 1 AS id;\n")},
    "public_into_unresolved": {"zz_argv.py": (
        "import sys\nimport pandas as pd\n"
        "pd.read_csv('reference/holidays.csv').to_csv(sys.argv[1])\n")},
}

_DERIVED = re.compile(r"DERIVED_FROM_(\w+)")


def _project(root: Path, *files: dict[str, str]) -> Path:
    root.mkdir(parents=True)
    (root / "lacuna.toml").write_text("embeddings = false\n")
    for group in files:
        for name, content in group.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(content)
    return root


def _labels(findings: list[Finding]) -> dict[str, tuple[Tier, frozenset[str], bool]]:
    return {f.operation.id: (f.classification.tier, frozenset(f.classification.tags),
                             f.blocking) for f in findings}


def _scan(root: Path) -> dict[str, tuple[Tier, frozenset[str], bool]]:
    result = check([root], load_config(root), None)
    assert not result.errors, result.errors
    return _labels(result.findings)


def _covered(tag: str, tags: frozenset[str]) -> bool:
    """A tag is kept when it is still there — or, for DERIVED_FROM_<TIER>, when the data now
    derives from a stricter tier."""
    derived = _DERIVED.fullmatch(tag)
    if tag in tags or derived is None:
        return tag in tags
    return any((m := _DERIVED.fullmatch(t)) and Tier(m[1]) >= Tier(derived[1]) for t in tags)


def _assert_not_lower(alone: dict, together: dict, what: str) -> None:
    for op_id, (tier, tags, blocked) in alone.items():
        assert op_id in together, f"{what}: operation {op_id} disappeared"
        after_tier, after_tags, after_blocked = together[op_id]
        assert after_tier >= tier, f"{what}: {op_id} went from {tier.value} to {after_tier.value}"
        lost = [t for t in tags if not _covered(t, after_tags)]
        assert not lost, f"{what}: {op_id} lost tags {lost}"
        assert after_blocked or not blocked, f"{what}: {op_id} is no longer blocked"


@pytest.mark.parametrize("exporter", sorted(EXPORTERS))
def test_adding_any_other_file_never_lowers_an_exporters_operations(tmp_path: Path,
                                                                     exporter: str) -> None:
    alone = _scan(_project(tmp_path / "alone", EXPORTERS[exporter]))
    assert alone, "the exporter must have operations for the property to mean anything"
    for other in sorted(OTHERS):
        together = _scan(_project(tmp_path / other, EXPORTERS[exporter], OTHERS[other]))
        _assert_not_lower(alone, together, f"{exporter} + {other}")
    everything = _scan(_project(tmp_path / "all", EXPORTERS[exporter], *OTHERS.values()))
    _assert_not_lower(alone, everything, f"{exporter} + every other file")


def test_the_exporters_cover_blocked_and_unresolved_cases(tmp_path: Path) -> None:
    """The property above is only worth something if the exporters are blocked to begin with."""
    blocked = {name for name, files in EXPORTERS.items()
               if any(b for _, _, b in _scan(_project(tmp_path / name, files)).values())}
    assert blocked == set(EXPORTERS) - {"aggregate"}


def _check_json(lacuna, root: Path, *paths: str) -> dict:
    result = lacuna("check", *(paths or (".",)), "--format", "json", cwd=root)
    assert result.code in (0, 1), result.stderr
    return json.loads(result.stdout)


def _export_of(document: dict, path: str) -> dict:
    (finding,) = [f for f in document["findings"] if f["operation"]["location"]["path"] == path
                  and f["operation"]["action"] == "export"]
    return finding


@pytest.mark.parametrize("exporter,reader", [
    ("sql_copy", "count_sql"), ("sql_copy", "id_sql"),
    ("python_read_sql", "id_sql"), ("python_read_sql", "count_sql"),
])
def test_a_reader_of_fewer_columns_does_not_unblock_the_export(tmp_path: Path, lacuna,
                                                               exporter: str,
                                                               reader: str) -> None:
    """The reported hole: `SELECT count(*) FROM crm.customers` beside the COPY made it
    "INTERNAL — no personal column left", exit 0. In one run, and file by file (a pre-commit
    hook checks the reader alone, then the exporter sees it as stored lineage)."""
    root = _project(tmp_path / "p", EXPORTERS[exporter], OTHERS[reader])
    (path,) = [p for p in EXPORTERS[exporter] if not p.endswith(".csv")]
    (other,) = OTHERS[reader]
    whole = _check_json(lacuna, root)
    assert _export_of(whole, path)["decision"]["policy_id"] == "LAC-PII-001"
    assert lacuna("check", cwd=root).code == 1
    _check_json(lacuna, root, other)
    alone = _export_of(_check_json(lacuna, root, path), path)
    assert alone["classification"]["tier"] == "PROPRIETARY"
    assert set(alone["classification"]["sensitive_columns"]) == {"email", "phone"}
    assert alone["decision"]["allowed"] is False


def test_the_table_keeps_every_column_any_file_read(tmp_path: Path, lacuna) -> None:
    root = _project(tmp_path / "p", EXPORTERS["sql_copy"], OTHERS["id_sql"])
    assert lacuna("check", ".", cwd=root).code == 1
    explained = lacuna("classify", "explain", "crm.customers", "--format", "json", cwd=root)
    assert explained.code == 0, explained.stderr
    columns = {c["column"] for c in json.loads(explained.stdout)["columns"]}
    assert columns == {"email", "phone", "id"}
