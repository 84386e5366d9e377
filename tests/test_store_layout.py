"""The store owns storage: every DuckDB statement is in `lacuna_cli/store/` (the PostgreSQL
central store's SQL stays with `central/` and `audit/push.py`), and the lineage wiring of an
operation never reaches an output."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from conftest import run_lacuna

PACKAGE = Path(__file__).resolve().parent.parent / "lacuna_cli"
POSTGRESQL = ("central/", "audit/push.py")
DATABASE_CALLS = {"execute", "executemany", "fetchone", "fetchall", "fetchmany"}


def database_calls(path: Path) -> list[int]:
    """Lines of `path` calling a database method on anything but `self`."""
    return [node.lineno for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in DATABASE_CALLS
            and not (isinstance(node.func.value, ast.Name) and node.func.value.id == "self")]


def test_no_module_outside_the_store_talks_to_duckdb() -> None:
    outside = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith(("store/", *POSTGRESQL)):
            continue
        if lines := database_calls(path):
            outside[relative] = lines
    assert outside == {}
    assert database_calls(PACKAGE / "store" / "audit_log.py"), "the scan must see store calls"


def test_operations_in_reports_carry_no_lineage_wiring(shop: Path) -> None:
    operation_keys = {"id", "action", "sources", "destination", "location", "code", "dynamic",
                      "dynamic_reason", "called_from"}
    check = run_lacuna("check", ".", "--format", "json", "--output", "sarif:out.sarif",
                       cwd=shop)
    findings = json.loads(check.stdout)["findings"]
    assert findings, check.stderr
    assert {key for f in findings for key in f["operation"]} == operation_keys
    extract = run_lacuna("extract", ".", "--format", "json", cwd=shop)
    operations = json.loads(extract.stdout)["operations"]
    assert operations, extract.stderr
    assert {key for op in operations for key in op} == operation_keys
    for text in (check.stdout, extract.stdout, (shop / "out.sarif").read_text(encoding="utf-8")):
        assert "data_node" not in text
