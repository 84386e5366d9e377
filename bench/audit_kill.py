"""`kill -9` trials of `lacuna check` and `lacuna audit archive`: no kill may break the log.

    python bench/audit_kill.py [--trials 30] [--records 60000] [--seed 1]

check: each trial runs `lacuna check` on a copy of fixtures/shop and SIGKILLs it after a
random delay within one uncontended run's duration. After every kill the log must verify,
`audit log` must work, and the records must be whole runs (a multiple of one run's count).
archive: a log of --records records in four runs is built once with Lacuna's own writer; each
trial archives three of the runs on a fresh copy and SIGKILLs it at a random moment between
the start of the Parquet copy and the end of the run (both measured on a calibration run).
After the kill the log must verify with every record once and `audit log` must work; the next
`audit archive` must settle it (verify again, no temp file, the three runs archived). The state
each kill left is tallied. A broken log is any trial where one of these fails.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
from audit import append_run, stamp  # bench/audit.py: Lacuna's own writer

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent

ENV = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(REPO)}
RUNS = 4


def lacuna(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lacuna_cli", *args], cwd=project, env=ENV,
                          capture_output=True, text=True, timeout=600, check=False)


def killed(project: Path, delay: float, args: list[str], watch: Path | None = None
           ) -> float | None:
    """Start lacuna, SIGKILL it after `delay` seconds (if still running); the time when a file
    matching `watch` first appeared, when asked."""
    start = time.monotonic()
    process = subprocess.Popen([sys.executable, "-m", "lacuna_cli", *args], cwd=project,
                               env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    appeared = None
    while process.poll() is None and time.monotonic() - start < delay:
        if watch is not None and appeared is None and list(watch.parent.glob(watch.name)):
            appeared = time.monotonic() - start
        time.sleep(0.002)
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait()
    return appeared


def verification(project: Path) -> tuple[bool, int, str]:
    result = lacuna(project, "audit", "verify", "--format", "json")
    try:
        document = json.loads(result.stdout)
    except ValueError:
        return False, 0, (result.stderr.strip() or "no output")[:200]
    problems = document["problems"]
    return (result.returncode == 0 and document["ok"], document["records"],
            f"{problems[0]}" if problems else "")


def log_works(project: Path) -> bool:
    result = lacuna(project, "audit", "log", "--since", "2999-01-01")
    return result.returncode == 0 and not result.stderr


def stale_inserts(project: Path) -> int:
    folder = project / ".lacuna"
    return len(list(folder.glob("*.ndjson"))) if folder.is_dir() else 0


def check_trials(scratch: Path, trials: int, rng: random.Random) -> None:
    project = scratch / "shop"
    shutil.copytree(REPO / "fixtures" / "shop", project, ignore=shutil.ignore_patterns(".lacuna"))
    start = time.monotonic()
    lacuna(project, "check", ".")
    duration = time.monotonic() - start
    (_, per_run, _) = verification(project)
    broken, leftovers, landed, before = 0, 0, Counter(), per_run
    for trial in range(trials):
        killed(project, rng.uniform(0.2, duration * 1.1), ["check", "."])
        ok, records, problem = verification(project)
        leftovers += stale_inserts(project)
        landed["run committed" if records > before else "nothing committed"] += 1
        before = records
        if not ok or records % per_run or not log_works(project):
            broken += 1
            print(f"  check trial {trial}: BROKEN ({records} records) {problem}")
    lacuna(project, "check", ".")
    final_ok, records, _ = verification(project)
    left = stale_inserts(project)
    print(f"check:   {trials} kill -9 trials (delay 0.2..{duration * 1.1:.1f} s; "
          f"{dict(landed)}): {broken} broken logs; bulk-insert files left by kills: "
          f"{leftovers}, left after the next run: {left}; final log verifies: {final_ok} "
          f"({records} records = {records // per_run} whole runs)")


def archive_template(scratch: Path, records: int) -> Path:
    template = scratch / "template"
    db = template / ".lacuna" / "lacuna.duckdb"
    for run in range(RUNS):
        append_run(db, records // RUNS, run)
    return template


def archive_state(project: Path) -> str:
    folder = project / ".lacuna" / "archive"
    if list(folder.glob("*.tmp")):
        return "temp file"
    if not list(folder.glob("*.parquet")):
        return "before the copy"
    with duckdb.connect(str(project / ".lacuna" / "lacuna.duckdb"), read_only=True) as db:
        states = {state for (state,) in db.execute("SELECT state FROM audit_archives").fetchall()}
    return "pending (renamed, not committed)" if "pending" in states else "archived"


def archive_trials(scratch: Path, trials: int, records: int, rng: random.Random) -> None:
    template = archive_template(scratch, records)
    cutoff = stamp(RUNS - 1)  # the first three runs are older
    archived = records // RUNS * (RUNS - 1)
    calibration = scratch / "calibration"
    shutil.copytree(template, calibration)
    appeared = killed(calibration, 600, ["audit", "archive", "--before", cutoff],
                      watch=calibration / ".lacuna" / "archive" / "*.tmp")
    start = time.monotonic()
    shutil.rmtree(calibration)
    shutil.copytree(template, calibration)
    lacuna(calibration, "audit", "archive", "--before", cutoff)
    duration = time.monotonic() - start
    low = max(0.0, (appeared or duration / 2) - 0.3)
    broken, states = 0, Counter()
    for trial in range(trials):
        project = scratch / f"archive-{trial}"
        shutil.copytree(template, project)
        killed(project, rng.uniform(low, duration + 0.2),
               ["audit", "archive", "--before", cutoff])
        states[archive_state(project)] += 1
        ok, count, problem = verification(project)
        readable = log_works(project)
        settled = lacuna(project, "audit", "archive", "--before", cutoff)
        ok_after, count_after, problem_after = verification(project)
        with duckdb.connect(str(project / ".lacuna" / "lacuna.duckdb"), read_only=True) as db:
            (live_start,) = db.execute("SELECT min(seq) FROM audit_log").fetchone()
        temps = list((project / ".lacuna" / "archive").glob("*.tmp"))
        if not (ok and readable and count == records and settled.returncode == 0 and ok_after
                and count_after == records and not temps and live_start == archived + 1):
            broken += 1
            print(f"  archive trial {trial}: BROKEN after the kill: {problem or count}; after "
                  f"the next run: {problem_after or count_after} {settled.stderr.strip()}")
        shutil.rmtree(project)
    print(f"archive: {trials} kill -9 trials on {records:,} records (delay {low:.1f}.."
          f"{duration + 0.2:.1f} s; state left: {dict(states)}): {broken} broken logs")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--records", type=int, default=60_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as scratch:
        check_trials(Path(scratch), args.trials, rng)
        archive_trials(Path(scratch), args.trials, args.records, rng)


if __name__ == "__main__":
    main()
