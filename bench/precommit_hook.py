"""Wall time of the pre-commit hook on one changed file, warm: p50 and p90 of N runs.

Set-up: a git repository holding a copy of fixtures/shop whose lineage was stored by one full
`lacuna check .`; then `pipelines/customer_sales.py` (the DESIGN.md scenario) is changed and
staged. Measured, side by side:

- the hook's entry as pre-commit executes it, `lacuna-hook check FILE`, with its warm server;
- the same check as a fresh `lacuna check FILE` process (no server: what CI and the first
  commit of a session pay);
- the whole `pre-commit run lacuna --files FILE`, pre-commit's own start-up included.

With `--first-run`: what the hook costs in a clone with no `.lacuna/` at all (a fresh clone,
a new machine), where it extracts the whole project as lineage context, then the next commit
(per-file cache warm) — on the fixture and on a copy of the CPython stdlib (~1,800 files).

Usage: python bench/precommit_hook.py [RUNS] [--bandit=PATH]   (default 15 runs; bandit on
       the same file, in the same rounds, is the anchor)
       python bench/precommit_hook.py --first-run
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIRST_RUN = "--first-run" in sys.argv[1:]
RUNS = int(next((a for a in sys.argv[1:] if a.isdigit()), 15))
BANDIT = next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--bandit=")),
              shutil.which("bandit"))
BIN = Path(sys.executable).parent
SCENARIO = "pipelines/customer_sales.py"
CONFIG = """repos:
  - repo: local
    hooks:
      - id: lacuna
        name: lacuna
        entry: {entry} check
        language: system
        types_or: [python, sql, jupyter]
        require_serial: true
"""


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=False)
    return time.perf_counter() - start


def summary(name: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return f"{name:<48} p50 {statistics.median(samples):.3f} s   p90 {p90:.3f} s"


def main() -> None:
    env = {**os.environ, "LACUNA_HOOK_IDLE_SECONDS": "30", "NO_COLOR": "1"}
    env.pop("CI", None)
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch) / "shop"
        shutil.copytree(REPO / "fixtures" / "shop", project,
                        ignore=shutil.ignore_patterns(".lacuna"))
        git = ["git", "-c", "user.email=bench@example.com", "-c", "user.name=bench"]
        subprocess.run(["git", "init", "-q"], cwd=project, check=True)
        subprocess.run([*git, "add", "."], cwd=project, check=True)
        subprocess.run([*git, "commit", "-qm", "shop"], cwd=project, check=True)
        subprocess.run([sys.executable, "-m", "lacuna_cli", "check", "."], cwd=project, env=env,
                       capture_output=True, check=False)  # stores the project's lineage
        (project / SCENARIO).write_text((project / SCENARIO).read_text() + "# changed\n")
        subprocess.run(["git", "add", SCENARIO], cwd=project, check=True)
        (project / ".pre-commit-config.yaml").write_text(
            CONFIG.format(entry=BIN / "lacuna-hook"))
        hook = [str(BIN / "lacuna-hook"), "check", SCENARIO]
        timed(hook, project, env)  # starts the server
        timed(hook, project, env)
        warm, cold, whole, anchor = [], [], [], []
        for _ in range(RUNS):  # interleaved: each round sees about the same load
            warm.append(timed(hook, project, env))
            cold.append(timed([str(BIN / "lacuna"), "check", SCENARIO], project, env))
            whole.append(timed([str(BIN / "pre-commit"), "run", "lacuna", "--files", SCENARIO],
                               project, env))
            if BANDIT:
                anchor.append(timed([BANDIT, "-q", SCENARIO], project, env))
    print(f"one changed file ({SCENARIO}), lineage of the other 6 files from the store; "
          f"{RUNS} interleaved runs each; load average {os.getloadavg()[0]:.1f}")
    print(summary("hook entry `lacuna-hook check FILE` (warm server)", warm))
    print(summary("fresh process `lacuna check FILE` (no server)", cold))
    print(summary("`pre-commit run lacuna --files FILE` (all)", whole))
    if anchor:
        print(summary("bandit on the same file", anchor))
        print(f"warm hook / bandit = {statistics.median(warm) / statistics.median(anchor):.2f} "
              f"(target <= 1.00); fresh process {statistics.median(cold):.2f} s (target <= "
              "0.6 s)")
    else:
        print("bandit not found (pass --bandit=PATH): no anchor figure")


def first_run(project: Path, changed: str, env: dict[str, str]) -> tuple[float, float, float]:
    """Seconds of `lacuna check CHANGED` with no .lacuna, again (cache warm), and after
    `changed` was edited (one file to analyse, the rest from the cache)."""
    check = [str(BIN / "lacuna"), "check", changed]
    shutil.rmtree(project / ".lacuna", ignore_errors=True)
    cold = timed(check, project, env)
    warm = timed(check, project, env)
    (project / changed).write_text((project / changed).read_text() + "\n# changed\n")
    edited = timed(check, project, env)
    return cold, warm, edited


def first_run_main() -> None:
    from stdlib_speed import copy_stdlib

    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("CI", None)
    print("`lacuna check FILE` as the hook runs it: no .lacuna (fresh clone) / again / "
          "after editing FILE", flush=True)
    with tempfile.TemporaryDirectory() as scratch:
        shop = Path(scratch) / "shop"
        shutil.copytree(REPO / "fixtures" / "shop", shop, ignore=shutil.ignore_patterns(".lacuna"))
        shop_files = sum(1 for p in shop.rglob("*") if p.suffix in {".py", ".sql", ".ipynb"})
        report(f"fixtures/shop ({shop_files} files), {SCENARIO}", first_run(shop, SCENARIO, env))
        stdlib = Path(scratch) / "stdlib"
        files, megabytes = copy_stdlib(stdlib)
        report(f"CPython stdlib ({files} files, {megabytes:.1f} MB), json/encoder.py",
               first_run(stdlib, "json/encoder.py", env))


def report(name: str, seconds: tuple[float, float, float]) -> None:
    cold, warm, edited = seconds
    print(f"{name:<62} {cold:7.2f} s / {warm:5.2f} s / {edited:5.2f} s", flush=True)

if __name__ == "__main__":
    first_run_main() if FIRST_RUN else main()
