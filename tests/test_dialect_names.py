"""Dialect names validated without importing sqlglot give sqlglot's own answer."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlglot.dialects.dialect import Dialect, Dialects

from lacuna_cli.config import load_config
from lacuna_cli.dialect_names import builtin_dialects, is_builtin_dialect
from lacuna_cli.errors import ConfigError

SPELLINGS = ["duckdb", "snowflake", "tsql", "spark2", "singlestore", "DuckDB", "SNOWFLAKE",
             " duckdb", "duckdb ", "mysql, normalization_strategy = lowercase", "mysql, nonsense",
             "ddb", "snowflak", "dialect", "__init__", "duckdb.py", "postgres/"]


def test_every_name_the_folder_lists_is_a_dialect_sqlglot_accepts() -> None:
    assert {d.value for d in Dialects if d.value} <= builtin_dialects()  # none missed
    for name in builtin_dialects():
        Dialect.get_or_raise(name)  # raises for a module that is not a dialect


def sqlglot_accepts(name: str) -> bool:
    try:
        Dialect.get_or_raise(name)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("name", SPELLINGS)
def test_a_configured_dialect_is_accepted_exactly_when_sqlglot_accepts_it(
        name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LACUNA_DIALECT", name)
    monkeypatch.delenv("LACUNA_TRUSTED_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    if sqlglot_accepts(name):
        assert load_config(root=tmp_path).settings.dialect == name
        return
    assert not is_builtin_dialect(name)
    with pytest.raises(ConfigError, match=f"LACUNA_DIALECT: dialect: unknown SQL dialect "
                                          f"'{name}' \\(known: "):
        load_config(root=tmp_path)


def test_an_unknown_dialect_on_the_command_line_is_still_one_line(shop: Path, lacuna) -> None:
    run = lacuna("check", "pipelines/customer_sales.py", "--dialect", "ddb", cwd=shop)
    assert run.code == 2
    assert run.stderr.strip() == "lacuna: error: unknown SQL dialect 'ddb'"
