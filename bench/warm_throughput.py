"""End-to-end throughput of a warm `lacuna check`: operations decided per second.

    python bench/warm_throughput.py [--operations 10000] [--runs 3]

Generates a project of pipeline files (each reads customer and order extracts, joins, filters,
aggregates and writes reports and exports: 16 operations per file, column names from CSV
headers), checks it cold once, then times --runs warm checks with nothing changed — every
file from the per-file cache, but every operation still classified, decided by the policies
and audited. Prints operations/s by wall and by CPU seconds (the machine's load moves wall far
more than CPU), the load average, and the cold run for scale. Target (issue 18): >= 10,000
operations/s.

Also prints the floor every check pays whatever the project: the CPU of a process that only
starts Python and imports what `lacuna check` imports (median of --runs). The checks run with
bytecode caching allowed, as an installed Lacuna runs (see `installed.py`).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from installed import installed_environment  # bench/installed.py (the script's own folder)

OPERATIONS_PER_FILE = 16  # 3 reads, 7 writes, 2 joins, 1 filter, 2 aggregates, 1 read in a helper
HEADERS = {
    "customers": "customer_id,email,full_name,country,signup_date",
    "orders": "order_id,customer_id,amount,currency,ordered_at",
    "products": "product_id,title,category,price",
}
PIPELINE = """import pandas as pd

BASE = "data"


def load(name):
    return pd.read_csv(f"{{BASE}}/{{name}}.csv")


customers = pd.read_csv("data/customers.csv")
orders = pd.read_csv("data/orders.csv")
products = pd.read_csv("data/products.csv")
joined = customers.merge(orders, on="customer_id")
recent = joined[joined["amount"] > {number}]
totals = recent.groupby("country").agg({{"amount": "sum"}})
totals.to_csv("reports/totals_{number}.csv")
recent.to_parquet("warehouse/recent_{number}.parquet")
products.to_csv("reports/products_{number}.csv")
by_customer = orders.groupby("customer_id").agg({{"amount": "sum"}})
by_customer.to_csv("reports/by_customer_{number}.csv")
emails = customers[["customer_id", "email"]]
emails.to_csv("exports/emails_{number}.csv")
catalog = products.merge(orders, on="product_id")
catalog.to_json("exports/catalog_{number}.json")
extra = load("customers")
extra.to_parquet("warehouse/customers_{number}.parquet")
"""


def make_project(root: Path, operations: int) -> int:
    (root / "lacuna.toml").write_text("")
    (root / "data").mkdir()
    for name, header in HEADERS.items():
        (root / "data" / f"{name}.csv").write_text(header + "\n")
    files = max(1, operations // OPERATIONS_PER_FILE)
    for number in range(files):
        folder = root / "pipelines" / f"team_{number % 20:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"job_{number:05d}.py").write_text(PIPELINE.format(number=number))
    return files


ENVIRONMENT = installed_environment()
# What a `lacuna check` process imports before it reads a file: the console script's app (every
# command module) and the check pipeline.
IMPORTS_ONLY = [sys.executable, "-c", "import lacuna_cli.cli, lacuna_cli.scan"]


def timed(command: list[str], root: Path) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall and CPU seconds (the child's and its children's) of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False,
                          env=ENVIRONMENT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return wall, cpu, done


def run(root: Path) -> tuple[float, float, dict]:
    """Wall and CPU seconds of one `lacuna check --format json`, and its summary."""
    lacuna = [str(Path(sys.executable).parent / "lacuna"), "check", ".", "--format", "json"]
    wall, cpu, done = timed(lacuna, root)
    if not done.stdout.strip():
        raise SystemExit(f"no report (exit {done.returncode}): {done.stderr.strip()[-300:]}")
    return wall, cpu, json.loads(done.stdout)["summary"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--operations", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        files = make_project(root, args.operations)
        cold_wall, cold_cpu, summary = run(root)
        operations = summary["operations"]
        warm = [run(root) for _ in range(args.runs)]
        if any(w[2] != summary for w in warm):
            raise SystemExit("a warm run decided differently from the cold one")
        wall = statistics.median(w[0] for w in warm)
        cpu = statistics.median(w[1] for w in warm)
        floor = statistics.median(timed(IMPORTS_ONLY, root)[1] for _ in range(args.runs))
        print(f"project: {files} files, {operations:,} operations ({summary['denied']} denied); "
              f"load average {os.getloadavg()[0]:.1f}")
        print(f"cold check: {cold_wall:.1f} s wall, {cold_cpu:.1f} s CPU")
        print(f"warm check, median of {args.runs}: {wall:.2f} s wall = {operations / wall:,.0f} "
              f"operations/s; {cpu:.2f} s CPU = {operations / cpu:,.0f} operations/s per CPU "
              f"second (target >= 10,000 /s); every run: "
              + "  ".join(f"{w:.2f}/{c:.2f}" for w, c, _ in warm))
        print(f"floor: starting Python and importing what a check imports: {floor:.2f} s CPU "
              f"(median of {args.runs}); the check above it: {cpu - floor:.2f} s CPU = "
              f"{operations / max(cpu - floor, 1e-9):,.0f} operations/s per CPU second")


if __name__ == "__main__":
    main()
