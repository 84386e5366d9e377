"""`lacuna check` on generated monorepos of growing size: one run, and N shards then a merge.

    python bench/scale.py [--files 2000 8000 32000] [--shards 4] [--no-embeddings]

For each size, a monorepo from `bench/monorepo.py` (pandas ETL, notebooks, Airflow DAGs,
psycopg loaders, SQL kept in other modules, `.sql` models, sends to S3, an LLM, Slack) is
checked four ways, one process after another on this machine:
  cold single   `lacuna check` into a fresh database;
  warm single   the same again, nothing changed;
  cold shards   `--shard I/N` for I = 1..N into a fresh database, then `--from-shards`;
  warm shards   the same again: the shards read the cache the first merge stored.
Each process is measured with wait4: wall seconds, CPU seconds (user + system, its pool
workers included), and peak RSS (the largest process of its tree). For shards it prints the
slowest shard (what N runners in parallel wait for), the CPU of all shards, and the merge step
on its own, with the shard files' size.

Then the projection to 100,000 files. CPU seconds, not wall (this machine is shared, so its
wall clock measures the load), are fitted per step by least squares as a + b * files over the
measured sizes: single runs on their file count, shard runs on each shard's share, merges on
the whole count. On runners of RUNNER_CORES cores, extraction spreads over the cores and the
merge (decode, lineage, classification, policy, audit) runs on one: one runner takes
(single - merge) / cores + merge, N runners take shard(100,000 / N) / cores + merge(100,000).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import monorepo  # bench/monorepo.py: the generated pipeline files (the script's own folder)
from installed import installed_environment  # bench/installed.py

REPO = Path(__file__).resolve().parent.parent
PROJECTED = 100_000
RUNNERS = (1, 4, 8, 16, 32)
RUNNER_CORES = 2  # a GitHub-hosted Linux runner of the free tier has 2 to 4


@dataclass(frozen=True)
class Measured:
    wall: float
    cpu: float
    rss_mb: float
    code: int



def lacuna(project: Path, db: Path, *args: str, embeddings: bool) -> Measured:
    """One `lacuna` process, measured with wait4 (its pool workers' CPU included)."""
    env = installed_environment(LACUNA_DB=str(db), PYTHONPATH=str(REPO),
                                LACUNA_TRUSTED_CONFIG=os.devnull)
    env.pop("CI", None)
    if not embeddings:
        env["LACUNA_EMBEDDINGS"] = "false"
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "lacuna_cli", *args], cwd=project, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert process.stderr is not None
    errors = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    code = process.returncode
    if code not in (0, 1):
        raise SystemExit(f"lacuna {' '.join(args)} exited {code}: {errors.decode()[-500:]}")
    return Measured(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, code)


def line(label: str, files: int, runs: list[Measured]) -> str:
    cpu = sum(r.cpu for r in runs)
    return (f"  {label:<13} wall {sum(r.wall for r in runs):7.1f} s  CPU {cpu:7.1f} s  "
            f"CPU/file {1000 * cpu / files:6.1f} ms  "
            f"peak RSS {max(r.rss_mb for r in runs):6.0f} MB")


def sharded(project: Path, db: Path, folder: Path, count: int, embeddings: bool
            ) -> tuple[list[Measured], Measured]:
    shards = [lacuna(project, db, "check", "--shard", f"{index}/{count}", "--shard-dir",
                     str(folder), embeddings=embeddings) for index in range(1, count + 1)]
    merge = lacuna(project, db, "check", "--from-shards", str(folder), "--format", "json",
                   embeddings=embeddings)
    return shards, merge


def shards_line(label: str, files: int, shards: list[Measured], merge: Measured,
                folder: Path) -> str:
    size = sum(path.stat().st_size for path in folder.iterdir()) / 2**20
    slowest = max(r.wall for r in shards)
    return (f"{line(label, files, [*shards, merge])}\n"
            f"    slowest shard wall {slowest:.1f} s (N runners: {slowest + merge.wall:.1f} s "
            f"with the merge); shards CPU {sum(r.cpu for r in shards):.1f} s, peak RSS "
            f"{max(r.rss_mb for r in shards):.0f} MB\n"
            f"    merge: wall {merge.wall:.1f} s, CPU {merge.cpu:.1f} s "
            f"({1000 * merge.cpu / files:.2f} ms/file), peak RSS {merge.rss_mb:.0f} MB; "
            f"shard files {size:.1f} MB")


def fit(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Least-squares a + b·x (a line through both points when there are two)."""
    xs, ys = [x for x, _ in points], [y for _, y in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in points) / spread if spread else 0.0
    return my - b * mx, b


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, nargs="+", default=[2000, 8000, 32000])
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--no-embeddings", action="store_true",
                        help="LACUNA_EMBEDDINGS=false (layer 2 off) in every run")
    args = parser.parse_args()
    embeddings = not args.no_embeddings
    print(f"bench/scale.py: {os.cpu_count()} cores, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} at start; embeddings "
          f"{'on' if embeddings else 'off'}; {args.shards} shards run one after another",
          flush=True)
    fits: dict[str, list[tuple[float, float]]] = {
        "cold single": [], "cold shard": [], "cold merge": [],
        "warm single": [], "warm shard": [], "warm merge": []}
    for files in args.files:
        with tempfile.TemporaryDirectory(prefix="lacuna-scale-") as scratch:
            root = Path(scratch)
            project = root / "monorepo"
            written = monorepo.generate(project, files)
            size = sum(p.stat().st_size for p in project.rglob("*") if p.is_file())
            print(f"{written} files ({size / 2**20:.1f} MB "
                  f"with data headers), load average {os.getloadavg()[0]:.1f}", flush=True)
            for state in ("cold", "warm"):
                single = lacuna(project, root / "single.duckdb", "check", "--format", "json",
                                embeddings=embeddings)
                print(line(f"{state} single", written, [single]), flush=True)
                fits[f"{state} single"].append((written, single.cpu))
            for state in ("cold", "warm"):
                folder = root / f"shards-{state}"
                shards, merge = sharded(project, root / "sharded.duckdb", folder, args.shards,
                                        embeddings)
                assert merge.code == single.code
                print(shards_line(f"{state} {args.shards} shards", written, shards, merge,
                                  folder), flush=True)
                fits[f"{state} shard"].extend((written / args.shards, r.cpu) for r in shards)
                fits[f"{state} merge"].append((written, merge.cpu))
    if len(args.files) < 2:
        return
    print(f"projected for {PROJECTED:,} files on runners with {RUNNER_CORES} cores (CPU = "
          "least-squares line a + b x files per step; extraction spread over the cores, the "
          "merge on one):")
    for state in ("cold", "warm"):
        single_a, single_b = fit(fits[f"{state} single"])
        shard_a, shard_b = fit(fits[f"{state} shard"])
        merge_a, merge_b = fit(fits[f"{state} merge"])
        decide = merge_a + merge_b * PROJECTED
        whole = single_a + single_b * PROJECTED
        cells = [f"1 runner {(whole - decide) / RUNNER_CORES + decide:6.0f} s"] + [
            f"{n} runners {(shard_a + shard_b * PROJECTED / n) / RUNNER_CORES + decide:6.0f} s"
            for n in RUNNERS if n > 1]
        print(f"  {state}: {'; '.join(cells)} (merge alone {decide:.0f} s CPU)")

if __name__ == "__main__":
    main()
