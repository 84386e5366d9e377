"""The database server a connection or engine is made for, when it is outside the organisation.

`create_engine("postgresql://share@db.agency.example/inbound")` then `df.to_sql("t", engine)`
writes a table, but into someone else's database: a table there is not storage the company
governs. A connection whose server is written in the code (a URL, a libpq or ODBC connection
string, a `host=` argument) is named after that server when the host is a public name; the
tables written through it are then that server's (`postgresql://db.agency.example/inbound/t`, a
URL the policy judges like any other place outside, and a team can govern by listing it).

A host on the machine or in the organisation's own network stays the project's database, as
does a server only known at run time (a `DATABASE_URL` from the environment is how every
deployment configures its own database; judging it unknown would deny everyday code).
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from lacuna_cli.models import Resource

# Names that resolve inside the organisation's own network or on the machine itself: a
# single-label name (a Docker Compose service, a DNS search domain: `crm-db`) is one too.
OWN_HOSTS = frozenset({"localhost", "host.docker.internal"})
OWN_SUFFIXES = (".internal", ".local", ".localdomain", ".lan", ".corp", ".intranet",
                ".home.arpa", ".svc", ".localhost")
# `key=value` pairs of a libpq (`host=h dbname=d`) or ODBC (`SERVER=h;DATABASE=d`) string.
PAIR = re.compile(r"(\w+)\s*=\s*('[^']*'|[^\s;]+)")
HOST_KEYS = ("host", "hostaddr", "server", "address", "addr", "data source")
DATABASE_KEYS = ("dbname", "database", "initial catalog")
BARE_PORT = re.compile(r"(?<=[^:\]]):\d+$")  # a port after a bare host name or IPv4 address
# Drivers of databases kept in one file, named by the path they are given, and the URLs of
# such a file (`sqlite:///rel.db`, `sqlite:////tmp/abs.db`).
FILE_DATABASES = ("sqlite", "duckdb")
FILE_DATABASE_URLS = ("sqlite+pysqlite:///", "sqlite:///", "duckdb:///")


def outside_server(text: str, scheme: str) -> str | None:
    """`scheme://host/database` for a server outside the organisation that `text` names (a
    URL, a connection string, or a bare host with `scheme` as its driver), else None. A
    database kept in one file is no server: one outside the project (`/tmp/scratch.db`,
    `~/crm.duckdb`) is named by its path, one of the project stays the project's database."""
    database_file = _database_file(text.strip(), scheme)
    if database_file is not None:
        return database_file if database_file.startswith(("/", "~")) else None
    host, database, scheme = _server(text.strip(), scheme)
    if not host or _own(host):
        return None
    return f"{scheme}://{host}/{database}" if database else f"{scheme}://{host}"


def on_server(resource: Resource, server: str | None) -> Resource:
    """A table written through a connection to `server` is that server's table, and a topic
    a producer made for `server` sends to is that broker's (`kafka://host:9092/topic`)."""
    if server is None or resource.kind not in ("table", "stream"):
        return resource
    if "://" not in server:  # a database file outside the project: what it holds is there
        return Resource(kind="file", name=server, columns=resource.columns)
    local = resource.name.split(":", 1)[-1] if resource.kind == "stream" else resource.name
    return Resource(kind="url", name=f"{server}/{local}", columns=resource.columns)


def _database_file(text: str, scheme: str) -> str | None:
    """The path of a database kept in one file: what `sqlite3.connect` or `duckdb.connect` is
    given, or a `sqlite:///path` URL's (four slashes: an absolute path); None for any other
    database, and for one in memory."""
    for prefix in FILE_DATABASE_URLS:
        if text.startswith(prefix):
            return _database_file(text.removeprefix(prefix), FILE_DATABASES[0])
    if scheme not in FILE_DATABASES or "://" in text or not text or text.startswith(":"):
        return None
    return text


def _server(text: str, scheme: str) -> tuple[str, str, str]:
    if "://" in text:
        parts = urlsplit(text)
        driver = parts.scheme.split("+", 1)[0] or scheme
        return (parts.hostname or "", parts.path.strip("/"), driver)
    pairs = {key.lower(): value.strip("'") for key, value in PAIR.findall(text)}
    if pairs:
        host = next((pairs[k] for k in HOST_KEYS if k in pairs), "")
        host = host.removeprefix("tcp:").split(",", 1)[0].split("\\", 1)[0]
        return host, next((pairs[k] for k in DATABASE_KEYS if k in pairs), ""), scheme
    host = BARE_PORT.sub("", text)  # `broker.partner.example:9092`
    return (host if host and " " not in host else ""), "", scheme


def _own(host: str) -> bool:
    """On this machine, at a private address, or a name of the organisation's own network."""
    name = host.lower().rstrip(".")
    if name.startswith("/") or name in OWN_HOSTS or "." not in name.strip("[]"):
        return True  # a socket folder, the machine, a single-label name
    try:
        address = ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return name.endswith(OWN_SUFFIXES)
    return address.is_private or address.is_loopback or address.is_link_local
