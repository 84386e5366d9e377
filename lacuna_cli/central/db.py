"""Connecting to the central PostgreSQL store, and its lineage schema (`lacuna audit
init-central`). The audit push connects here too: one connection rule, one error line, for
everything Lacuna sends to or reads from the store."""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING

from lacuna_cli.errors import LacunaError
from lacuna_cli.redact import redact

if TYPE_CHECKING:
    import psycopg


class CentralUnreachable(LacunaError):
    """The central store could not be reached (or psycopg is missing)."""


def first_line(exc: BaseException) -> str:
    """The first line of a driver error, any password or secret in it masked (a malformed
    URL is quoted back by libpq)."""
    return redact((str(exc).strip().splitlines() or [type(exc).__name__])[0])


def connect(url: str, timeout: float = 10.0) -> psycopg.Connection:
    """An autocommit connection (each batch is its own transaction), giving up after
    `timeout` seconds. Unreachable, refused or psycopg missing: `CentralUnreachable`, one
    line."""
    try:
        import psycopg
    except ImportError as exc:
        raise CentralUnreachable("the central store needs psycopg: pip install "
                                 "'psycopg[binary]>=3.1' (the postgres extra of Lacuna: pip "
                                 "install 'lacuna-cli[postgres]')") from exc
    try:
        return psycopg.connect(url, connect_timeout=max(1, round(timeout)), autocommit=True)
    except psycopg.Error as exc:
        raise CentralUnreachable(f"cannot connect to the central store: {first_line(exc)}"
                                 ) from exc


def init_lineage(url: str) -> None:
    """Create (or upgrade) the lineage part of the central schema; safe to run again. The
    audit part must exist first (it owns lacuna.chains)."""
    import psycopg

    schema = resources.files("lacuna_cli.central").joinpath("schema.sql").read_text()
    with connect(url) as connection:
        try:
            connection.execute(schema)
        except psycopg.Error as exc:
            raise LacunaError(f"cannot create the central lineage schema: {first_line(exc)}"
                              ) from exc
