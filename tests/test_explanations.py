"""Explanations that agree with themselves (issue 15, point 8), through the CLI."""

from __future__ import annotations

import json
from pathlib import Path


def test_a_written_file_takes_what_is_written_not_its_name(shop: Path, lacuna) -> None:
    assert lacuna("check", ".", cwd=shop).code == 1
    explained = lacuna("classify", "explain", "reports/customers_pseudonymised.csv",
                       "-f", "json", cwd=shop)
    assert explained.code == 0, explained.stderr
    top = json.loads(explained.stdout)["classification"]
    # still about customers (PERSON_LINKED), but no longer identifying them by name or email
    assert (top["tier"], top["tags"]) == ("INTERNAL",
                                          ["ANONYMIZED", "IDENTIFIER", "PERSON_LINKED"])
    assert top["inherited_from"] == ["data/customers.csv"]  # not from itself
    text = lacuna("classify", "explain", "reports/customers_pseudonymised.csv", cwd=shop).stdout
    first = text.splitlines()[:4]
    assert "PII" not in first[0] and "no personal column left" in first[1]
    assert "inherited from reports/customers_pseudonymised.csv" not in text
    assert first[2].startswith("  entity: person (customer)")  # what the name would say
    assert first[3].startswith("  not applied — the project only writes this file")
    drawn = lacuna("lineage", "export", "-f", "mermaid", cwd=shop).stdout
    node = next(line for line in drawn.splitlines() if "reports/customers_pseudonymised" in line)
    assert "INTERNAL [ANONYMIZED, IDENTIFIER, PERSON_LINKED]" in node and ":::internal" in node


def test_a_written_file_that_is_also_read_keeps_what_its_name_says(shop: Path, lacuna) -> None:
    (shop / "pipelines" / "reread.py").write_text(
        "import pandas as pd\n"
        "back = pd.read_csv('reports/customers_pseudonymised.csv')\n"
        "back.to_csv('reports/copy.csv')\n")
    lacuna("check", ".", cwd=shop)
    explained = json.loads(lacuna("classify", "explain", "reports/customers_pseudonymised.csv",
                                  "-f", "json", cwd=shop).stdout)
    assert explained["classification"]["tier"] == "PROPRIETARY"  # other data may be in it


def test_a_suppressed_finding_gives_no_remedy(shop: Path, lacuna) -> None:
    script = shop / "pipelines" / "customer_sales.py"
    script.write_text(script.read_text().replace(
        "# must be BLOCKED", "# lacuna: allow[LAC-PII-001, LAC-EXT-001] DPA-approved, ticket 9"))
    result = lacuna("check", ".", cwd=shop)
    assert result.code == 0, result.stdout
    assert "SUPPRESSED" in result.stdout and "DPA-approved, ticket 9" in result.stdout
    assert "What to do instead" not in result.stdout
    sarif = json.loads(lacuna("check", ".", "-f", "sarif", cwd=shop).stdout)
    messages = [r["message"]["text"] for r in sarif["runs"][0]["results"]]
    assert messages and not any("What to do instead" in m for m in messages)
    assert any("Suppressed (inline): DPA-approved, ticket 9" in m for m in messages)


def test_an_unload_lists_only_the_columns_its_query_carries(tmp_path: Path, lacuna) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.lacuna]\ndialect = "snowflake"\n')
    (tmp_path / "unload.sql").write_text(
        "INSERT INTO support.customer_contacts SELECT customer_id, email, phone "
        "FROM crm.customers;\n"
        "COPY INTO @export_stage FROM (SELECT email FROM crm.customers);\n")
    result = lacuna("check", ".", cwd=tmp_path)
    assert result.code == 1
    denial = result.stdout[result.stdout.index("unload.sql:2:"):]
    personal = next(line for line in denial.splitlines() if "Personal columns:" in line)
    assert personal.split(":", 1)[1].strip() == "email"
