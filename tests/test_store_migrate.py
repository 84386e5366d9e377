"""The schema is created once per database, and again whenever Lacuna's schema changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from lacuna_cli.errors import StoreError
from lacuna_cli.store import open_store


@pytest.mark.parametrize(("table", "older"), [
    ("classify_cache", "UPDATE meta SET value = 'older' WHERE key = 'schema_digest'"),
    ("resource_history", "DELETE FROM meta WHERE key = 'schema_digest'"),  # before digests
], ids=["older-digest", "no-digest"])
def test_a_table_missing_from_an_older_schema_is_created(tmp_path: Path, table: str,
                                                         older: str) -> None:
    db = tmp_path / "lacuna.duckdb"
    with open_store(db, write=True) as connection:
        connection.execute(f"DROP TABLE {table}")  # as a Lacuna without it left it
        connection.execute(older)
    with open_store(db, write=True) as connection:
        assert connection.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)


def test_a_database_of_a_newer_lacuna_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "lacuna.duckdb"
    with open_store(db, write=True) as connection:
        connection.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
        connection.execute("UPDATE meta SET value = 'newer' WHERE key = 'schema_digest'")
    with pytest.raises(StoreError, match="database schema 99 is newer than this lacuna"), \
            open_store(db, write=True):
        pass


def test_a_database_older_than_a_table_reads_as_holding_nothing_of_it(tmp_path: Path) -> None:
    """Read without migrating (`lacuna audit`, `lineage` open read-only), a database a Lacuna
    without the known-classification and history tables wrote answers with nothing; the next
    write creates them."""
    from lacuna_cli.store import has_table
    from lacuna_cli.store.history import history_rows
    from lacuna_cli.store.known import CENTRAL, last_fetch, load

    db = tmp_path / "lacuna.duckdb"
    with open_store(db, write=True) as connection:
        assert has_table(connection, CENTRAL) and has_table(connection, "resource_history")
        for table in (CENTRAL, "catalog_entries", "resource_history"):
            connection.execute(f"DROP TABLE {table}")
        connection.execute("UPDATE meta SET value = 'older' WHERE key = 'schema_digest'")
    with open_store(db) as connection:
        assert not has_table(connection, CENTRAL) and has_table(connection, "audit_log")
        assert load(connection, CENTRAL) == [] and last_fetch(connection) is None
        assert history_rows(connection) == []
    with open_store(db, write=True) as connection:
        assert load(connection, "catalog_entries") == [] and history_rows(connection) == []
        assert connection.execute(f"SELECT count(*) FROM {CENTRAL}").fetchone() == (0,)


def test_a_table_dropped_from_a_migrated_database_is_created_again(tmp_path: Path) -> None:
    """The schema digest says the tables are there; one dropped by hand since is created
    again on the next write, and reads as empty meanwhile."""
    from lacuna_cli.store.known import CENTRAL, load

    db = tmp_path / "lacuna.duckdb"
    with open_store(db, write=True) as connection:
        connection.execute(f"DROP TABLE {CENTRAL}")
    with open_store(db, write=True) as connection:
        assert load(connection, CENTRAL) == []
        assert connection.execute(f"SELECT count(*) FROM {CENTRAL}").fetchone() == (0,)
