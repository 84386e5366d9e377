"""Tables of another database server reached from SQL: foreign data wrappers and dblink.

`CREATE SERVER partner FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'db.agency.example')`
and `CREATE FOREIGN TABLE leads (...) SERVER partner` make `INSERT INTO leads SELECT ...` a
write into the agency's database, not into a table of ours; `IMPORT FOREIGN SCHEMA ... INTO
remote` does the same for every table of `remote`, and DuckDB's `ATTACH 'host=...' AS partner
(TYPE postgres)` for every table of the catalog `partner`. `SELECT dblink_exec('host=...', ...)
FROM crm.customers` sends what the query reads to that server. A server whose host is the
organisation's own (`db_servers.outside_server`) stays ours: its tables are left as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from sqlglot import exp

from lacuna_cli.extract.db_servers import outside_server
from lacuna_cli.extract.sql_tables import Flow, sources_in
from lacuna_cli.models import Resource

SERVER = re.compile(r"\s*CREATE\s+SERVER\s+(?:IF\s+NOT\s+EXISTS\s+)?([\w\"]+)\b.*?"
                    r"FOREIGN\s+DATA\s+WRAPPER\s+(\w+)(.*)", re.I | re.S)
FOREIGN_TABLE = re.compile(r"\s*CREATE\s+FOREIGN\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?"
                           r"([\w.\"]+).*?\bSERVER\s+([\w\"]+)(.*)", re.I | re.S)
IMPORT_SCHEMA = re.compile(r"\s*IMPORT\s+FOREIGN\s+SCHEMA\s+([\w\"]+).*?\bFROM\s+SERVER\s+"
                           r"([\w\"]+)\s+INTO\s+([\w\"]+)", re.I | re.S)
OPTION = re.compile(r"(\w+)\s+'([^']*)'")
ATTACH = re.compile(r"\s*ATTACH\s+(?:DATABASE\s+)?(?:IF\s+NOT\s+EXISTS\s+)?'([^']*)'\s+AS\s+"
                    r"([\w\"]+)\s*\((?:[^)]*\b)?TYPE\s+'?(\w+)", re.I | re.S)
# The driver each wrapper speaks, to name its server as a URL.
WRAPPER_SCHEMES = {"postgres_fdw": "postgresql", "mysql_fdw": "mysql", "oracle_fdw": "oracle",
                   "tds_fdw": "mssql", "mongo_fdw": "mongodb", "redis_fdw": "redis"}
SENDING_CALLS = ("dblink_exec", "dblink_send_query")


def _name(written: str) -> str:
    return written.replace('"', "").lower()


class ForeignTables:
    """The servers and foreign tables a script has declared so far."""

    def __init__(self) -> None:
        self.servers: dict[str, str | None] = {}  # server -> its URL when it is outside
        self.tables: dict[str, Resource] = {}  # local table -> the remote one
        self.schemas: dict[str, tuple[str, str]] = {}  # local schema -> (server URL, remote)
        self.catalogs: dict[str, str] = {}  # attached database -> its server URL

    def learn(self, text: str) -> bool:
        """Record a `CREATE SERVER`, `CREATE FOREIGN TABLE`, `IMPORT FOREIGN SCHEMA` or an
        `ATTACH` of another server's database; whether `text` was one (it moves no data)."""
        if (found := SERVER.match(text)) is not None:
            options = {k.lower(): v for k, v in OPTION.findall(found.group(3))}
            pairs = " ".join(f"{k}={v}" for k, v in options.items())
            scheme = WRAPPER_SCHEMES.get(found.group(2).lower(), found.group(2).lower())
            self.servers[_name(found.group(1))] = outside_server(pairs, scheme) if pairs \
                else None
            return True
        if (found := FOREIGN_TABLE.match(text)) is not None:
            server = self.servers.get(_name(found.group(2)))
            if server is not None:
                options = {k.lower(): v for k, v in OPTION.findall(found.group(3))}
                local = _name(found.group(1))
                remote = ".".join(p for p in (options.get("schema_name"), options.get(
                    "table_name", local.rsplit(".", 1)[-1])) if p)
                self.tables[local] = Resource(kind="url", name=f"{server}/{remote}")
            return True
        if (found := ATTACH.match(text)) is not None:
            scheme = {"postgres": "postgresql"}.get(found.group(3).lower(), found.group(3).lower())
            server = outside_server(found.group(1), scheme) if scheme in (
                "postgresql", "mysql") else None
            if server is not None:
                self.catalogs[_name(found.group(2))] = server
            return True
        if (found := IMPORT_SCHEMA.match(text)) is not None:
            server = self.servers.get(_name(found.group(2)))
            if server is not None:
                self.schemas[_name(found.group(3))] = (server, _name(found.group(1)))
            return True
        return False

    def applied(self, flow: Flow) -> Flow:
        """The flow with each foreign table named as the remote server's table."""
        if not self.tables and not self.schemas and not self.catalogs:
            return flow
        target = self._remote(flow.target) if flow.target is not None else None
        return replace(flow, target=target, sources=tuple(map(self._remote, flow.sources)))

    def _remote(self, resource: Resource) -> Resource:
        if resource.kind != "table":
            return resource
        name = resource.name.lower()
        if name in self.tables:
            return self.tables[name].model_copy(update={"columns": resource.columns})
        catalog, _, rest = name.partition(".")
        if catalog in self.catalogs and rest:
            return Resource(kind="url", name=f"{self.catalogs[catalog]}/{rest}",
                            columns=resource.columns)
        schema, _, table = name.rpartition(".")
        if schema in self.schemas:
            server, remote = self.schemas[schema]
            return Resource(kind="url", name=f"{server}/{remote}.{table}",
                            columns=resource.columns)
        return resource


def remote_sends(tree: exp.Expr) -> Iterator[Flow]:
    """`dblink_exec('host=... ', ...)` in a query: what the query reads goes to that server."""
    for call in tree.find_all(exp.Anonymous):
        arguments = list(call.expressions)
        if call.name.lower() not in SENDING_CALLS or not arguments:
            continue
        first = arguments[0]
        server = outside_server(first.name, "postgresql") \
            if isinstance(first, exp.Literal) and first.is_string else None
        if server is not None:
            yield Flow("send", sources_in(tree), Resource(kind="url", name=server))
