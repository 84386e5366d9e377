"""Policy decisions per second: 10,000 operations, single and batch, embedded and remote.

The workload mixes actions, tiers, tags and destinations the way analysis code does (mostly
reads and transforms, a minority of writes, a few denials), and every input is distinct (its
lineage names a different file), so deduplication does not flatter the figures. A decision
here is the whole policy stage for one operation: evaluate_unique + engine + decision_for.
The remote figures go through a loopback HTTP server in this same process (the OPA-protocol
stand-in backed by the embedded engine), so they include one HTTP round trip per call and
share the GIL with the client. Target: >= 20,000 decisions/s for the embedded batch path and
a p50 <= 1 ms for a batch-of-1 call.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lacuna_cli.policy.decide import decision_for
from lacuna_cli.policy.embedded import EmbeddedEngine
from lacuna_cli.policy.engine import PolicyEngine, PolicySet, evaluate_unique, load_policy_set
from lacuna_cli.policy.remote import RemoteEngine
from lacuna_cli.shipped import shipped_dir

# The OPA stand-in serves the tests and this bench only, so it lives with the tests.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from opa_server import serve_opa

COUNT = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
ACTIONS = ["read"] * 35 + ["join"] * 10 + ["filter"] * 10 + ["aggregate"] * 10 + \
          ["anonymize"] * 5 + ["write"] * 20 + ["export"] * 10
DESTINATIONS = ([("project", "reports/out_{}.csv")] * 6
                + [("project", "warehouse/t_{}.parquet")] * 6
                + [("unmanaged", "~/Downloads/x_{}.csv"), ("http", "https://api.partner.example/{}"),
                   ("cloud", "s3://scratch-{}/x.csv"), ("database", "analytics.t_{}"),
                   ("dynamic", "")])
TAGS = [(), (), ("FINANCIAL",), ("PII", "GDPR"), ("PHI",), ("IDENTIFIER",)]


def workload(count: int) -> list[dict[str, Any]]:
    rng = random.Random(7)
    operations = []
    for index in range(count):
        action = rng.choice(ACTIONS)
        kind, pattern = rng.choice(DESTINATIONS) if action in ("write", "export") else ("none", "")
        tags = rng.choice(TAGS)
        operations.append({
            "action": action,
            "source": {"tier": rng.choice(["PUBLIC", "INTERNAL", "INTERNAL", "PROPRIETARY"]),
                       "tags": list(tags), "lineage": [f"data/source_{index}.csv"],
                       "columns": {"email": list(tags)} if "PII" in tags else {}},
            "destination": {"type": kind, "path": pattern.format(index), "kind": "file",
                            "encrypted": False, "reason": "path from sys.argv" if kind ==
                            "dynamic" else ""},
            "user": {"id": "bench@acme.example", "role": "developer"},
            "context": {"purpose": None, "environment": "local"},
            "dynamic": kind == "dynamic",
        })
    return operations


def decide(engine: PolicyEngine, policies: PolicySet, batch: list[dict[str, Any]]) -> int:
    """The policy stage for one batch; returns how many were denied."""
    return sum(not decision_for("op", raised, policies).allowed
               for raised in evaluate_unique(engine, batch))


def measure(label: str, run: Callable[[], int], count: int) -> None:
    started = time.perf_counter()
    denied = run()
    seconds = time.perf_counter() - started
    print(f"{label:<34} {count / seconds:>10,.0f} decisions/s  ({seconds:.2f} s, "
          f"{denied} denied)")


def per_call(label: str, engine: PolicyEngine, policies: PolicySet,
             operations: list[dict[str, Any]]) -> None:
    latencies = []

    def run() -> int:
        denied = 0
        for operation in operations:
            started = time.perf_counter()
            denied += decide(engine, policies, [operation])
            latencies.append(time.perf_counter() - started)
        return denied

    measure(label, run, len(operations))
    latencies.sort()
    print(f"{'':<34} per call p50 {statistics.median(latencies) * 1000:.3f} ms, "
          f"p95 {latencies[int(len(latencies) * 0.95)] * 1000:.3f} ms")


def main() -> None:
    policies = load_policy_set([shipped_dir("policies")])
    operations = workload(COUNT)
    engine = EmbeddedEngine(policies)
    decide(engine, policies, operations[:100])  # warm up
    print(f"{COUNT:,} distinct operations, shipped policies "
          f"({sum(1 for p in policies.metadata if p.startswith('lacuna.rules.'))} rules)")
    measure("embedded, one batch", lambda: decide(engine, policies, operations), COUNT)
    per_call("embedded, batch of 1 per call", engine, policies, operations)
    with serve_opa(policies, lifetime=600) as server, RemoteEngine(server.url) as remote:
        remote_policies = remote.policy_set()
        measure("remote (loopback), one batch",
                lambda: decide(remote, remote_policies, operations), COUNT)
        per_call("remote (loopback), batch of 1", remote, remote_policies, operations)


if __name__ == "__main__":
    main()
