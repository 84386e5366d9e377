"""Wall time of the main job: `lacuna check fixtures/shop` as a fresh process, and start-up.

Prints medians of N runs measured side by side in one session (the machine is shared and
noisy, so compare the figures of one run with each other rather than across runs).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 7


def timed(*args: str, cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "lacuna_cli", *args], cwd=cwd, capture_output=True,
                   check=False)
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch) / "shop"
        shutil.copytree(REPO / "fixtures" / "shop", project,
                        ignore=shutil.ignore_patterns(".lacuna"))
        files = sum(1 for p in project.rglob("*") if p.suffix in (".py", ".sql", ".ipynb"))
        first = timed("check", ".", cwd=project)
        checks = [timed("check", ".", cwd=project) for _ in range(RUNS)]
        versions = [timed("--version", cwd=project) for _ in range(RUNS)]
        verifies = [timed("audit", "verify", cwd=project) for _ in range(RUNS)]
    print(f"fixture project: {files} files")
    print(f"lacuna check (first run, creates the database): {first:.3f} s")
    print(f"lacuna check, median of {RUNS}:                   {statistics.median(checks):.3f} s")
    print(f"lacuna --version (start-up), median of {RUNS}:    {statistics.median(versions):.3f} s")
    print(f"lacuna audit verify, median of {RUNS}:            {statistics.median(verifies):.3f} s")


if __name__ == "__main__":
    main()
