"""Cold and warm `lacuna check` of the CPython standard library, beside semgrep, in one run.

    python bench/stdlib_speed.py [--semgrep PATH] [--runs N]

The anchor (shared/notes/static-analysis-speed.md): semgrep with one data-operation rule
(`$OBJ.$METHOD(...)` + a regex on method names, so it parses every file), `--metrics=off`,
local rule file, an empty .semgrepignore so it skips nothing. Lacuna's cold run is the whole
check (extraction, classification, policy, audit) into a fresh database; the warm run repeats
it with nothing changed (per-file content-hash cache). Wall seconds, median of --runs. Then
what the check decided: denials by policy and how many operations had an unresolved source or
destination (ordinary library code must not be blocked for sending constants).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import sysconfig
import resource
import tempfile
import time
from collections import Counter
from pathlib import Path

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
"""


def copy_stdlib(target: Path) -> tuple[int, float]:
    source = Path(sysconfig.get_paths()["stdlib"])
    files = [p for p in source.rglob("*.py") if "site-packages" not in p.parts]
    for path in files:
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
    (target / "lacuna.toml").write_text("")
    (target / ".semgrepignore").write_text("")
    return len(files), sum(p.stat().st_size for p in files) / 1e6


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    before = _children_cpu()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=False)
    CPU.append(_children_cpu() - before)
    return time.perf_counter() - start


# CPU seconds (user + system) of every timed command, its worker processes included: on a
# shared machine they move far less with the load than wall seconds do.
CPU: list[float] = []


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch) / "stdlib"
        files, megabytes = copy_stdlib(project)
        # The console script, as users run it (`python -m` would put the copied stdlib's own
        # modules first on sys.path).
        lacuna = [str(Path(sys.executable).parent / "lacuna"), "check", ".", "--format", "json"]
        colds, warms, cold_cpus = [], [], []
        for _ in range(args.runs):
            shutil.rmtree(project / ".lacuna", ignore_errors=True)
            colds.append(timed(lacuna, project))
            cold_cpus.append(CPU[-1])
            warms.append(timed(lacuna, project))
        cold, warm = statistics.median(colds), statistics.median(warms)
        print(f"corpus: CPython stdlib, {files} files, {megabytes:.1f} MB")
        print(f"lacuna check, cold: {cold:6.1f} s  {files / cold:6.0f} files/s  "
              f"{megabytes / cold:5.2f} MB/s")
        print(f"lacuna check, warm: {warm:6.1f} s  {files / warm:6.0f} files/s  "
              f"(cold/warm = {cold / warm:.1f}x, target >= 15x)")
        print(f"lacuna check, cold CPU: {statistics.median(cold_cpus):6.1f} s (user + system, "
              "workers included)")
        print("  every run, cold / warm: " + "  ".join(
            f"{c:.1f} / {w:.2f}" for c, w in zip(colds, warms, strict=True)))
        print(decisions(lacuna, project))
        if args.semgrep:
            (project / "rule.yaml").write_text(RULE)
            semgrep = [args.semgrep, "scan", "--config", "rule.yaml", "--metrics=off",
                       "--disable-version-check", "--no-git-ignore", "--json", "-q",
                       "--exclude", "rule.yaml", "."]
            anchors = [timed(semgrep, project) for _ in range(args.runs)]
            anchor = statistics.median(anchors)
            print(f"semgrep, data-op rule: {anchor:6.1f} s  {files / anchor:6.0f} files/s  "
                  f"(every run: {'  '.join(f'{a:.1f}' for a in anchors)})")
            print(f"lacuna cold / semgrep = {cold / anchor:.2f} (target <= 1.00)")
        else:
            print("semgrep not found (pass --semgrep PATH): no anchor figure")


if __name__ == "__main__":
    main()
