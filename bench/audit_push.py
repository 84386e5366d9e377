"""Concurrent `lacuna audit push` to the central store, and what the store refuses.

    python bench/audit_push.py [--pg postgresql://...] [--rounds 5] [--racers 6]
                               [--records 20000]

A log of --records records (four runs, Lacuna's own writer) is pushed by --racers processes
started together onto an empty chain, --rounds times (a new chain each round). Every push must
exit 0 and the store must hold each record and checkpoint exactly once, seq 1..n without a gap.
Then a second login role tries what the issue found possible with the shared ingest role:
records with a bogus hash, a record in another repository's chain, checkpoints into another
chain or naming no record, rewriting the chain registry; each must be refused, and the first
repository must still push afterwards. Needs a PostgreSQL server (--pg or LACUNA_TEST_PG_DSN;
`eval "$(bash .ci/start-postgres)"` starts one) and a superuser URL to create the roles.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from lacuna_cli.audit.chain import GENESIS_HASH, RECORD_FIELDS, record_hash
from lacuna_cli.audit.push import init_central

sys.path.insert(0, str(Path(__file__).resolve().parent))
from audit import append_run  # bench/audit.py: Lacuna's own writer

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent

ENV = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(REPO)}
RUNS = 4


def push_command(project: Path, dsn: str, chain: str) -> list[str]:
    return [sys.executable, "-m", "lacuna_cli", "-C", str(project), "audit", "push", "--to", dsn,
            "--repo", chain]


def race(project: Path, dsn: str, chain: str, racers: int) -> tuple[list[int], int, float]:
    """Start `racers` pushes of one chain at once: exit codes, records pushed, wall time."""
    start = time.monotonic()
    processes = [subprocess.Popen(push_command(project, dsn, chain), env=ENV, text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for _ in range(racers)]
    codes, pushed = [], 0
    for process in processes:
        out, err = process.communicate(timeout=600)
        codes.append(process.returncode)
        if process.returncode == 0:
            pushed += int(out.split()[1])
        else:
            print(f"  push failed: {err.strip()}")
    return codes, pushed, time.monotonic() - start


def stored(dsn: str, chain: str) -> tuple[int, int, bool, int]:
    """(records, distinct seqs, seq is 1..n and every link holds, checkpoints) of a chain."""
    with psycopg.connect(dsn) as connection:
        rows = connection.execute("SELECT seq, prev_hash, hash FROM lacuna.audit_log WHERE "
                                  "chain = %s ORDER BY seq", [chain]).fetchall()
        (marks,) = connection.execute("SELECT count(*) FROM lacuna.checkpoints WHERE chain = %s",
                                      [chain]).fetchone()
    linked = all(seq == index + 1 and prev == (rows[index - 1][2] if index else GENESIS_HASH)
                 for index, (seq, prev, _) in enumerate(rows))
    return len(rows), len({r[0] for r in rows}), linked, marks


def login_role(dsn: str, prefix: str) -> tuple[str, str]:
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(name)))
    parts = urlsplit(dsn)
    return name, urlunsplit(parts._replace(netloc=f"{name}@{parts.hostname}:{parts.port}"))


def refused(dsn: str, statement: str, params: list) -> bool:
    try:
        with psycopg.connect(dsn) as connection:
            connection.execute(statement, params)
    except psycopg.Error:
        return True
    return False


def probes(dsn: str, victim: str, as_attacker: str, attacker_chain: str
           ) -> list[tuple[str, bool]]:
    """What another role tries against `victim`'s chain (and with its own): True = refused."""
    columns = ", ".join(f'"{name}"' for name in ("chain", *RECORD_FIELDS))
    with psycopg.connect(dsn) as connection:
        head = connection.execute(f"SELECT {columns} FROM lacuna.audit_log WHERE chain = %s "
                                  "ORDER BY seq DESC LIMIT 1", [victim]).fetchone()
        own = connection.execute(f"SELECT {columns} FROM lacuna.audit_log WHERE chain = %s "
                                 "ORDER BY seq DESC LIMIT 1", [attacker_chain]).fetchone()
    fields = ("chain", *RECORD_FIELDS)
    victim_head = dict(zip(fields, head, strict=True))
    own_head = dict(zip(fields, own, strict=True))
    insert = (f"INSERT INTO lacuna.audit_log ({columns}) VALUES "
              f"({', '.join('%s' for _ in fields)})")

    def successor(head: dict, bogus_hash: str | None = None) -> list:
        record = {**head, "seq": head["seq"] + 1, "event_id": str(uuid.uuid4()),
                  "prev_hash": head["hash"]}
        record["hash"] = bogus_hash or record_hash(record)
        return [record[name] for name in fields]

    checkpoint = ('INSERT INTO lacuna.checkpoints (chain, seq, head_hash, tree_root, '
                  '"timestamp", key_id, signature) VALUES (%s, %s, %s, %s, %s, %s, %s)')
    return [
        ("record with a bogus hash in its own chain",
         refused(as_attacker, insert, successor(own_head, bogus_hash="0" * 64))),
        ("correctly hashed record in another repository's chain",
         refused(as_attacker, insert, successor(victim_head))),
        ("checkpoint in another repository's chain",
         refused(as_attacker, checkpoint, [victim, victim_head["seq"] + 1, victim_head["hash"],
                                           "0" * 64, "t", "", ""])),
        ("checkpoint naming no stored record",
         refused(as_attacker, checkpoint, [attacker_chain, 10**9, own_head["hash"], "0" * 64,
                                           "t", "", ""])),
        ("taking over another repository's chain",
         refused(as_attacker, "UPDATE lacuna.chains SET pusher = current_user WHERE chain = %s",
                 [victim])),
        ("registering a chain directly",
         refused(as_attacker, "INSERT INTO lacuna.chains (chain, pusher) VALUES (%s, "
                 "current_user)", [f"squat-{uuid.uuid4().hex[:8]}"])),
    ]


def take_event_id(dsn: str, as_attacker: str, attacker_chain: str, victim_project: Path) -> None:
    """In its own chain, the attacker uses the event id of the victim's newest record, not
    pushed yet (ids are unique per chain, so this must not lock the victim out)."""
    import duckdb

    with duckdb.connect(str(victim_project / ".lacuna" / "lacuna.duckdb"), read_only=True) as db:
        (event_id,) = db.execute("SELECT event_id FROM audit_log ORDER BY seq DESC LIMIT 1"
                                 ).fetchone()
    fields = ("chain", *RECORD_FIELDS)
    columns = ", ".join(f'"{name}"' for name in fields)
    with psycopg.connect(dsn) as connection:
        head = dict(zip(fields, connection.execute(
            f"SELECT {columns} FROM lacuna.audit_log WHERE chain = %s ORDER BY seq DESC LIMIT 1",
            [attacker_chain]).fetchone(), strict=True))
    record = {**head, "seq": head["seq"] + 1, "event_id": event_id, "prev_hash": head["hash"]}
    record["hash"] = record_hash(record)
    with psycopg.connect(as_attacker) as connection:
        connection.execute(f"INSERT INTO lacuna.audit_log ({columns}) VALUES "
                           f"({', '.join('%s' for _ in fields)})", [record[f] for f in fields])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", default=os.environ.get("LACUNA_TEST_PG_DSN"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--racers", type=int, default=6)
    parser.add_argument("--records", type=int, default=20_000)
    args = parser.parse_args()
    if not args.pg:
        sys.exit("needs a PostgreSQL URL: --pg or LACUNA_TEST_PG_DSN")
    init_central(args.pg)
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch) / "project"
        for run in range(RUNS):
            append_run(project / ".lacuna" / "lacuna.duckdb", args.records // RUNS, run)
        failures, exact, walls = 0, 0, []
        for _ in range(args.rounds):
            chain = f"race-{uuid.uuid4().hex[:8]}"
            codes, pushed, wall = race(project, args.pg, chain, args.racers)
            records, seqs, linked, marks = stored(args.pg, chain)
            failures += sum(code != 0 for code in codes)
            exact += (pushed == records == seqs == args.records and linked and marks == RUNS)
            walls.append(wall)
        print(f"race:   {args.rounds} rounds x {args.racers} pushes started together on an empty "
              f"chain of {args.records:,} records: {failures} failed pushes of "
              f"{args.rounds * args.racers}; {exact}/{args.rounds} rounds stored every record "
              f"and checkpoint exactly once, seq 1..n linked (wall {min(walls):.1f}-"
              f"{max(walls):.1f} s per round)")

        role_a, as_a = login_role(args.pg, "bench_a")
        role_b, as_b = login_role(args.pg, "bench_b")
        victim, own = f"victim-{uuid.uuid4().hex[:8]}", f"other-{uuid.uuid4().hex[:8]}"
        other = Path(scratch) / "other"
        for run in range(RUNS):
            append_run(other / ".lacuna" / "lacuna.duckdb", 50, run)
        for chain, role, source in ((victim, role_a, project), (own, role_b, other)):
            subprocess.run([sys.executable, "-m", "lacuna_cli", "audit", "grant-push", "--to",
                            args.pg, "--repo", chain, "--role", role], env=ENV, check=True,
                           capture_output=True)
            subprocess.run(push_command(source, as_a if role == role_a else as_b, chain),
                           env=ENV, check=True, capture_output=True)
        outcomes = probes(args.pg, victim, as_b, own)
        for name, was_refused in outcomes:
            print(f"        {'refused' if was_refused else 'ACCEPTED'}: {name}")
        append_run(project / ".lacuna" / "lacuna.duckdb", 100, RUNS)
        take_event_id(args.pg, as_b, own, project)
        again = subprocess.run(push_command(project, as_a, victim), env=ENV,
                               capture_output=True, text=True, check=False)
        print(f"store:  {sum(r for _, r in outcomes)}/{len(outcomes)} forgeries by another "
              f"login role refused; after it also took the event id of the victim's next "
              f"record, the victim's next push: exit {again.returncode} "
              f"({again.stdout.strip() or again.stderr.strip()})")


if __name__ == "__main__":
    main()
