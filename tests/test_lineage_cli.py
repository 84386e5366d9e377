"""`lacuna lineage show|downstream` over the lineage stored by `lacuna check`, through the CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import copy_shop, run_lacuna

EXPORT = "~/Downloads/export.csv"
SCENARIO = "pipelines/customer_sales.py"


@pytest.fixture(scope="module")
def checked_shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_shop(tmp_path_factory.mktemp("lineage"))
    result = run_lacuna("check", ".", cwd=project)
    assert result.code == 1, result.stdout + result.stderr
    return project


def tree_lines(output: str) -> dict[str, tuple[int, str]]:
    """{label: (depth column, rest of the line)} for each line of a printed tree."""
    lines = {}
    for line in output.splitlines():
        match = re.match(r"^([\s│├└─]*)(\S.*?)(?:\s\(([^)]*:\d+)\))?\s{2}(\S.*)$", line)
        assert match, line
        label = match.group(2) + (f" ({match.group(3)})" if match.group(3) else "")
        lines[label] = (len(match.group(1)), match.group(4))
    return lines


def tags_of(rest: str) -> set[str]:
    match = re.search(r"\[([^\]]*)\]", rest)
    return set(match.group(1).split(", ")) if match else set()


def downstream(project: Path, resource: str) -> dict:
    result = run_lacuna("lineage", "downstream", resource, "--format", "json", cwd=project)
    assert result.code == 0, result.stderr
    return json.loads(result.stdout)


def one_line_error(result) -> str:
    assert result.code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def test_show_prints_the_export_with_its_sources_as_a_tree(checked_shop: Path) -> None:
    result = run_lacuna("lineage", "show", EXPORT, cwd=checked_shop)
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith(f"{EXPORT}  PROPRIETARY")
    lines = tree_lines(result.stdout)

    root = lines[EXPORT]
    analysis = lines[f"analysis ({SCENARIO}:4)"]
    customers = lines["data/customers.csv"]
    sales = lines["warehouse/sales.parquet"]
    assert root[0] == 0
    assert 0 < analysis[0] < customers[0] == sales[0]  # both files are children of analysis
    assert list(lines) == [EXPORT, f"analysis ({SCENARIO}:4)", "data/customers.csv",
                           "warehouse/sales.parquet"]

    assert customers[1].startswith("PROPRIETARY")
    assert "PII" in tags_of(customers[1])
    assert "PII" in tags_of(root[1]) and "PII" in tags_of(analysis[1])
    assert "PII" not in tags_of(sales[1])
    assert "via join" in customers[1] and "via join" in sales[1]
    assert "via write" in analysis[1]


def test_show_a_source_with_no_upstream_is_a_single_line(checked_shop: Path) -> None:
    result = run_lacuna("lineage", "show", "data/customers.csv", cwd=checked_shop)
    assert result.code == 0, result.stderr
    assert result.stdout.strip().splitlines() == [result.stdout.strip()]
    assert result.stdout.startswith("data/customers.csv  PROPRIETARY")


def test_downstream_of_customers_json(checked_shop: Path) -> None:
    document = downstream(checked_shop, "data/customers.csv")
    assert set(document) == {"resource", "downstream"}
    assert document["resource"] == "data/customers.csv"
    nodes = document["downstream"]
    for node in nodes:
        assert set(node) == {"id", "kind", "label", "tier", "tags"}
        assert node["kind"] in {"resource", "value"}
    labels = [n["label"] for n in nodes]
    assert "reports/summary.csv" in labels
    assert EXPORT in labels
    assert "data/customers.csv" not in labels
    assert len({n["id"] for n in nodes}) == len(nodes)

    by_label = {n["label"]: n for n in nodes if n["kind"] == "resource"}
    assert by_label[EXPORT]["tier"] == "PROPRIETARY" and "PII" in by_label[EXPORT]["tags"]
    assert "PII" not in by_label["reports/summary.csv"]["tags"]  # identifier-free aggregate
    # Nearest first: the merged value comes before the file it is exported to.
    (analysis,) = [n for n in nodes if n["label"] == "analysis"]
    assert nodes.index(analysis) < nodes.index(by_label[EXPORT])


def test_downstream_text(checked_shop: Path) -> None:
    result = run_lacuna("lineage", "downstream", "data/customers.csv", cwd=checked_shop)
    assert result.code == 0, result.stderr
    assert any(line.startswith(f"{EXPORT}  PROPRIETARY") for line in result.stdout.splitlines())
    count = len(downstream(checked_shop, "data/customers.csv")["downstream"])
    assert result.stdout.rstrip().endswith(f"{count} dependents of data/customers.csv")


@pytest.mark.parametrize("subcommand", ["show", "downstream"])
def test_unknown_resource_is_one_line_error(checked_shop: Path, subcommand: str) -> None:
    line = one_line_error(run_lacuna("lineage", subcommand, "data/nope.csv", cwd=checked_shop))
    assert "data/nope.csv" in line


def test_no_database_is_one_line_error(tmp_path: Path) -> None:
    project = (tmp_path / "empty").resolve()
    project.mkdir()
    line = one_line_error(run_lacuna("-C", str(project), "lineage", "show", EXPORT,
                                     cwd=tmp_path))
    assert "lacuna.duckdb" in line
    assert not (project / ".lacuna").exists()


def test_lineage_of_other_files_survives_checking_one_file(shop: Path) -> None:
    assert run_lacuna("check", ".", cwd=shop).code == 1
    ltv_before = run_lacuna("lineage", "show", "analytics.region_ltv", cwd=shop)
    assert ltv_before.code == 0, ltv_before.stderr
    assert "(sql/customer_ltv.sql:2)" in ltv_before.stdout
    assert "crm.customers" in ltv_before.stdout and "analytics.orders" in ltv_before.stdout
    export_before = run_lacuna("lineage", "show", EXPORT, cwd=shop).stdout
    downstream_before = downstream(shop, "data/customers.csv")

    # A pre-commit style run on one file replaces only that file's lineage.
    assert run_lacuna("check", SCENARIO, cwd=shop).code == 1

    ltv_after = run_lacuna("lineage", "show", "analytics.region_ltv", cwd=shop)
    assert ltv_after.code == 0, ltv_after.stderr
    assert ltv_after.stdout == ltv_before.stdout
    export_after = run_lacuna("lineage", "show", EXPORT, cwd=shop)
    assert export_after.code == 0
    assert export_after.stdout == export_before
    downstream_after = downstream(shop, "data/customers.csv")
    ids_after = [n["id"] for n in downstream_after["downstream"]]
    assert len(set(ids_after)) == len(ids_after)
    assert sorted(downstream_after["downstream"], key=lambda n: n["id"]) == sorted(
        downstream_before["downstream"], key=lambda n: n["id"])
    # Lineage contributed by the notebook and the anonymizer is still there.
    paths = {n["id"].split(":")[1].split("#")[0] for n in downstream_after["downstream"]
             if n["kind"] == "value"}
    assert {"notebooks/regional_revenue.ipynb", "pipelines/anonymize_customers.py",
            SCENARIO} <= paths


def _stored_labels(project: Path) -> dict[str, tuple]:
    import duckdb

    with duckdb.connect(str(project / ".lacuna" / "lacuna.duckdb"), read_only=True) as db:
        return {row[0]: (row[1], tuple(row[2] or ())) for row in db.execute(
            "SELECT id, tier, tags FROM lineage_nodes").fetchall()}


def test_a_one_file_check_relabels_what_the_file_writes_into_as_a_full_check_would(
        tmp_path: Path) -> None:
    """A one-file check classifies only what the file's code may change (what it reads, what
    it writes into and what reads that); the rest keeps its stored labels. After the writer
    starts writing customers into a file another job reads, both the decision on the file and
    the stored lineage are what a check of the whole project gives."""
    files = {
        "lacuna.toml": "embeddings = false\n",
        "data/customers.csv": "customer_id,email,phone\n",
        "data/regions.csv": "region,target\n",
        "stage.py": "import pandas as pd\n\npd.read_csv('data/regions.csv')"
                    ".to_csv('work/staged.csv')\n",
        "publish.py": "import pandas as pd\n\nrows = pd.read_csv('work/staged.csv')\n"
                      "rows.to_csv('~/Downloads/staged.csv')\n",
        "other.py": "import pandas as pd\n\npd.read_csv('data/regions.csv')"
                    ".to_parquet('warehouse/regions.parquet')\n",
    }
    one, full = tmp_path / "one", tmp_path / "full"
    for root in (one, full):
        for name, text in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text)
        assert run_lacuna("check", ".", cwd=root).code == 0
        (root / "stage.py").write_text("import pandas as pd\n\npd.read_csv("
                                       "'data/customers.csv').to_csv('work/staged.csv')\n")
    staged = run_lacuna("check", "stage.py", "--format", "json", cwd=one)
    assert staged.code == 0, staged.stderr  # the staging file stays inside the project
    assert run_lacuna("check", ".", cwd=full).code == 1  # the publish job now leaks customers
    labels = _stored_labels(one)
    assert labels == _stored_labels(full)
    assert [tier for node, (tier, _) in labels.items() if "Downloads" in node] == ["PROPRIETARY"]
    assert run_lacuna("check", "publish.py", cwd=one).code == 1
