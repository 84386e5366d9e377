"""Central lineage store at organisation scale: push rows/s, pull latency, org-wide walks (of a
resource and of one column), size.

    python bench/central_scale.py [--repos 100] [--resources 2000] [--pg postgresql://...]

Creates a throw-away database on the server (--pg, else LACUNA_TEST_PG_DSN), creates the central
schema in it, and pushes --repos repositories' lineage through the real push path (COPY batches,
checks, publish). Repository r produces half its resources from tables the repository before it
produces, so lineage crosses every repository; each produced table gets COLUMNS column edges
from the table it is built from (one of them a rename). Then: the pull `lacuna check` makes for
500 resources (one query; median of 9), an org-wide `downstream` walk from the first
repository's table through all of them, the walk of one column from the first repository's
source (`downstream --column`),
a re-push of one repository (its view replaced, history kept), and
the store's size on disk. The database is dropped at the end unless --keep.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
import uuid
from urllib.parse import urlsplit, urlunsplit

from lacuna_cli.audit.push import init_central
from lacuna_cli.central import pull, query
from lacuna_cli.central.db import connect, init_lineage
from lacuna_cli.central.push import push
from lacuna_cli.central.snapshot import Snapshot

PULLED = 500
COLUMNS = ("email", "full_name", "phone", "country", "created_at")


def table(repo: int, index: int) -> str:
    return f"table:org.r{repo:03d}_t{index:05d}"


def renamed(column: str, repo: int) -> str:
    """A column's name in the tables of `repo` (-1: the raw sources)."""
    return "contact_email" if column == "email" and repo >= 0 and repo % 2 == 0 else column


def snapshot(repo: int, resources: int) -> Snapshot:
    """Half the resources read (the previous repository's outputs), half written from them,
    one step of code between each pair; the columns of each pair's source go to its target,
    `email` arriving as `contact_email`, which the next repository reads back as `email`."""
    name = f"repo-{repo:03d}"
    half = resources // 2
    nodes: list[tuple] = []
    edges: list[tuple] = []
    column_edges: list[tuple] = []
    columns = json.dumps({"email": ["GDPR", "PII"]})
    for i in range(half):
        source = table(repo - 1, i) if repo else f"table:raw.src_{i:05d}"
        target, step = table(repo, i), f"{name}::value:models/m{i}.sql:1:1"
        nodes.append((source, "resource", source[6:], False, "PROPRIETARY", ["GDPR", "PII"],
                      columns, "central", "read from the previous repository", [], []))
        nodes.append((step, "value", f"write {target[6:]}", False, "PROPRIETARY",
                      ["GDPR", "PII"], columns, "inherited", f"inherited from {source[6:]}",
                      [source[6:]], []))
        nodes.append((target, "resource", target[6:], True, "PROPRIETARY", ["GDPR", "PII"],
                      columns, "inherited", f"inherited from {source[6:]}", [source[6:]],
                      [f"models/m{i}.sql:1"]))
        edges.append((source, step, "read", f"models/m{i}.sql", 2))
        edges.append((step, target, "write", f"models/m{i}.sql", 1))
        column_edges.extend(
            (source, renamed(c, repo - 1), target, renamed(c, repo),
             "rename" if c == "email" else "copy", f"models/m{i}.sql", 1, [])
            for c in COLUMNS)
    return Snapshot("lineage", nodes, edges, column_edges)


def database_url(server: str, name: str) -> str:
    return urlunsplit(urlsplit(server)._replace(path=f"/{name}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=int, default=100)
    parser.add_argument("--resources", type=int, default=2000)
    parser.add_argument("--pg", default=os.environ.get("LACUNA_TEST_PG_DSN"))
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()
    if not args.pg:
        parser.error("--pg or LACUNA_TEST_PG_DSN: a PostgreSQL server to create a database on")
    name = f"lacuna_bench_{uuid.uuid4().hex[:8]}"
    with connect(args.pg) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    url = database_url(args.pg, name)
    try:
        run(url, args.repos, args.resources)
    finally:
        if not args.keep:
            with connect(args.pg) as admin:
                admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


def run(url: str, repos: int, resources: int) -> None:
    init_central(url)
    init_lineage(url)
    snapshots = [snapshot(r, resources) for r in range(repos)]
    rows = sum(len(s.nodes) + len(s.edges) + len(s.column_edges) for s in snapshots)
    start = time.perf_counter()
    for r, shot in enumerate(snapshots):
        push(url, f"repo-{r:03d}", shot)
    pushed = time.perf_counter() - start
    print(f"push: {repos} repositories x {resources} resources = {rows:,} rows "
          f"({sum(len(s.nodes) for s in snapshots):,} nodes, "
          f"{sum(len(s.edges) for s in snapshots):,} edges, "
          f"{sum(len(s.column_edges) for s in snapshots):,} column edges) in {pushed:.1f}s: "
          f"{rows / pushed:,.0f} rows/s")

    with connect(url) as connection:
        connection.execute("ANALYZE")
    middle = repos // 2
    asked = [table(middle - 1, i) for i in range(PULLED)]
    timings = []
    for _ in range(9):
        started = time.perf_counter()
        found = pull.fetch(url, asked, 5.0)
        timings.append(time.perf_counter() - started)
    print(f"pull: {PULLED} resources read but not produced, one query: {len(found)} known, "
          f"median {statistics.median(timings) * 1000:.1f} ms (min {min(timings) * 1000:.1f}, "
          f"max {max(timings) * 1000:.1f}; connection included)")

    started = time.perf_counter()
    walked = query.walk(url, table(0, 0)[6:], downstream=True)
    print(f"downstream --central from {table(0, 0)[6:]}: {len(walked.resources())} resources "
          f"in {len({s.repo for s in walked.steps})} repositories, "
          f"{(time.perf_counter() - started) * 1000:.0f} ms")

    started = time.perf_counter()
    followed = query.column_walk(url, "raw.src_00000", "email")
    print(f"downstream raw.src_00000 --column email --central: "
          f"{len(followed.reached())} columns in {len({s.repo for s in followed.steps})} "
          f"repositories, {(time.perf_counter() - started) * 1000:.0f} ms")

    changed = snapshot(middle, resources)
    changed.nodes[0] = (*changed.nodes[0][:8], "read again", *changed.nodes[0][9:])
    started = time.perf_counter()
    again = push(url, f"repo-{middle:03d}", changed)
    print(f"re-push of one repository ({again.nodes:,} nodes, {again.edges:,} edges, "
          f"{again.column_edges:,} column edges): "
          f"{time.perf_counter() - started:.2f}s; unchanged re-push: ", end="")
    started = time.perf_counter()
    push(url, f"repo-{middle:03d}", changed)
    print(f"{(time.perf_counter() - started) * 1000:.0f} ms")

    with connect(url) as connection:
        sizes = connection.execute(
            "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = 'lacuna' AND c.relkind = 'r' AND "
            "c.relname LIKE 'lineage%' ORDER BY 2 DESC").fetchall()
    total = sum(size for _, size in sizes)
    parts = ", ".join(f"{relation} {size / 2**20:.1f}" for relation, size in sizes if size)
    print(f"store size (tables + indexes): {total / 2**20:.1f} MiB ({parts} MiB)")


if __name__ == "__main__":
    main()
