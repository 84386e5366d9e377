"""Cold and warm `lacuna check` of the CPython standard library, beside semgrep, in one run.

    python bench/stdlib_speed.py [--semgrep PATH] [--runs N] [--before TREE] [--every N]

The anchor (shared/notes/static-analysis-speed.md): semgrep with one data-operation rule
(`$OBJ.$METHOD(...)` + a regex on method names, so it parses every file), `--metrics=off`,
local rule file, an empty .semgrepignore so it skips nothing. Lacuna's cold run is the whole
check (extraction, classification, policy, audit) into a fresh database; the warm run repeats
it with nothing changed (per-file content-hash cache). The runs are interleaved (Lacuna cold,
warm, semgrep, and with --before an earlier Lacuna's cold check, then again), so each round sees
about the same load; medians of --runs of wall and CPU seconds and of peak resident memory
(the largest process and all processes of a command together, sampled from /proc). Then
what the check decided: denials by policy and how many operations had an unresolved source or
destination (ordinary library code must not be blocked for sending constants).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from installed import installed_environment  # bench/installed.py (the script's own folder)

RULE = """rules:
  - id: data-operation
    languages: [python]
    severity: INFO
    message: data operation
    patterns:
      - pattern: $OBJ.$METHOD(...)
      - metavariable-regex:
          metavariable: $METHOD
          regex: ^(read_\\w+|to_(csv|parquet|excel|json|sql)|write_\\w+|sink_\\w+|scan_\\w+|execute|sql|saveAsTable|insertInto|upload_file|put_object|post|put)$
"""  # noqa: E501 - the Semgrep rule's regex is one YAML scalar, kept on one line


def copy_stdlib(target: Path, every: int = 1) -> tuple[int, float]:
    """The stdlib's modules (every `every`-th of them, in path order) copied into `target`. A
    sample goes into a `code/` folder: the check runs in `target`, and a partial copy of the
    stdlib there would shadow Python's own modules in the processes the check starts."""
    source = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(p for p in source.rglob("*.py") if "site-packages" not in p.parts)[::every]
    folder = target if every == 1 else target / "code"
    for path in files:
        destination = folder / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
    (target / "lacuna.toml").write_text("")
    (target / ".semgrepignore").write_text("")
    return len(files), sum(p.stat().st_size for p in files) / 1e6


@dataclass
class Sample:
    """One timed command: wall and CPU seconds (user + system, its worker processes included:
    on a shared machine CPU moves far less with the load than wall does), and peak memory of
    its largest process and of all its processes together."""

    wall: float
    cpu: float
    largest_mb: float
    together_mb: float


def timed(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> Sample:
    before = _children_cpu()
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    largest = together = 0
    while process.poll() is None:  # resident memory of the process tree, sampled
        sizes = _tree_rss(process.pid)
        largest, together = max(largest, *sizes, 0), max(together, sum(sizes))
        time.sleep(0.1)
    wall = time.perf_counter() - start
    return Sample(wall, _children_cpu() - before, largest / 1024, together / 1024)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _tree_rss(root: int) -> list[int]:
    """KB resident in `root` and in each of its descendants now (Linux /proc)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            status = (entry / "status").read_text()
        except OSError:
            continue
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
        rss[int(entry.name)] = next((int(line.split()[1]) for line in status.splitlines()
                                     if line.startswith("VmRSS:")), 0)
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        tree.update(children)
        frontier.extend(children)
    return [rss.get(pid, 0) for pid in tree]


def decisions(command: list[str], cwd: Path) -> str:
    """What the check decided on the corpus (a warm run, so it costs little): denials by policy
    and the coverage (operations with an unresolved source or destination)."""
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    document = json.loads(done.stdout)
    summary = document["summary"]
    denied = Counter(f["decision"]["policy_id"] for f in document["findings"]
                     if not f["decision"]["allowed"])
    by_policy = ", ".join(f"{policy} {count}" for policy, count in sorted(denied.items()))
    return (f"decisions: {summary['operations']} operations, {summary['denied']} denied"
            f"{f' ({by_policy})' if by_policy else ''}, {summary['errors']} files not analysed, "
            f"{summary.get('unresolved', 'n/a')} with an unresolved source or destination")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--semgrep", default=shutil.which("semgrep"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--every", type=int, default=1, help="check every N-th module only "
                        "(a sample, for a loaded machine)")
    parser.add_argument("--before", type=Path, help="a checkout of an earlier Lacuna: its cold "
                        "check runs interleaved with this one's, and the CPU ratio is printed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch) / "stdlib"
        files, megabytes = copy_stdlib(project, args.every)
        # The console script, as users run it (`python -m` would put the copied stdlib's own
        # modules first on sys.path).
        lacuna = [str(Path(sys.executable).parent / "lacuna"), "check", ".", "--format", "json"]
        semgrep = [args.semgrep, "scan", "--config", "rule.yaml", "--metrics=off",
                   "--disable-version-check", "--no-git-ignore", "--json", "-q",
                   "--exclude", "rule.yaml", "."] if args.semgrep else None
        (project / "rule.yaml").write_text(RULE)
        before_env = installed_environment(PYTHONPATH=str(args.before.resolve())) \
            if args.before else None
        colds, warms, anchors, earlier = [], [], [], []
        for _ in range(args.runs):  # interleaved: each round sees about the same load
            shutil.rmtree(project / ".lacuna", ignore_errors=True)
            colds.append(timed(lacuna, project, installed_environment()))
            warms.append(timed(lacuna, project, installed_environment()))
            if semgrep:
                anchors.append(timed(semgrep, project))
            if before_env:
                shutil.rmtree(project / ".lacuna", ignore_errors=True)
                earlier.append(timed(lacuna, project, before_env))
        sample = f" (every {args.every}th module)" if args.every > 1 else ""
        print(f"corpus: CPython stdlib{sample}, {files} files, {megabytes:.1f} MB; load average "
              f"{os.getloadavg()[0]:.1f} at the end; medians of {args.runs} interleaved runs")
        cold, warm = _median(colds), _median(warms)
        print(f"lacuna check, cold: {cold.wall:6.1f} s wall  {files / cold.wall:6.0f} files/s  "
              f"{cold.cpu:6.1f} s CPU (user + system, workers included)")
        print(f"lacuna check, warm: {warm.wall:6.1f} s wall  (cold/warm = "
              f"{cold.wall / warm.wall:.1f}x, target >= 15x)")
        print(f"lacuna check, cold peak RSS: {cold.largest_mb:.0f} MB largest process, "
              f"{cold.together_mb:.0f} MB all processes")
        print("  every run, cold wall / CPU / warm wall: " + "  ".join(
            f"{c.wall:.1f} / {c.cpu:.1f} / {w.wall:.2f}" for c, w in zip(colds, warms,
                                                                         strict=True)))
        print(decisions(lacuna, project))
        if earlier:
            before = _median(earlier)
            print(f"before ({args.before}): cold {before.wall:.1f} s wall, {before.cpu:.1f} s "
                  f"CPU, peak RSS {before.largest_mb:.0f} / {before.together_mb:.0f} MB; "
                  f"CPU now / before = {cold.cpu / before.cpu:.2f} (every run: "
                  f"{'  '.join(f'{b.cpu:.1f}' for b in earlier)})")
        if anchors:
            anchor = _median(anchors)
            print(f"semgrep, data-op rule: {anchor.wall:6.1f} s wall  {anchor.cpu:6.1f} s CPU  "
                  f"peak RSS {anchor.largest_mb:.0f} MB largest, {anchor.together_mb:.0f} MB "
                  f"all (every run, CPU: {'  '.join(f'{a.cpu:.1f}' for a in anchors)})")
            print(f"lacuna cold / semgrep: CPU {cold.cpu / anchor.cpu:.2f} (target <= 0.50), "
                  f"wall {cold.wall / anchor.wall:.2f}, peak RSS largest "
                  f"{cold.largest_mb / anchor.largest_mb:.2f} and all "
                  f"{cold.together_mb / anchor.together_mb:.2f} (targets <= 1.00)")
        else:
            print("semgrep not found (pass --semgrep PATH): no anchor figure")


def _median(samples: list[Sample]) -> Sample:
    """Each figure's median over the runs."""
    return Sample(*(statistics.median(getattr(s, name) for s in samples)
                    for name in ("wall", "cpu", "largest_mb", "together_mb")))


if __name__ == "__main__":
    main()
