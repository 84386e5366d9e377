"""Do two versions of Lacuna decide the same? A guard for speed work, which must change no finding.

    python bench/same_findings.py BEFORE_TREE AFTER_TREE PROJECT [PROJECT ...]

Each tree is a checkout of Lacuna (its folder goes first on PYTHONPATH). Every project is
copied twice into a temporary folder and checked cold (`lacuna check --format json`, no
`.lacuna/` carried over) by each tree; the reports are compared after sorting findings and
errors. Everything a report holds is compared — operation, location, code, classification,
decision, suppression, errors, summary — so a change anywhere is named. Prints one line per
project and exits 1 when any differs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any


def report(tree: Path, project: Path, scratch: Path, label: str) -> dict[str, Any]:
    """The sorted JSON report of a cold check of a fresh copy of `project` by `tree`."""
    copy = scratch / label / project.name
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns(".lacuna", "__pycache__"))
    environment = {**os.environ, "PYTHONPATH": str(tree.resolve())}
    # The console script of this interpreter's environment, run from a folder outside the
    # project (so a project holding a copy of the stdlib does not shadow Python's modules).
    lacuna = str(Path(sys.executable).parent / "lacuna")
    done = subprocess.run([lacuna, "-C", str(copy), "check", str(copy), "--format", "json"],
                          cwd=scratch, env=environment, capture_output=True, text=True,
                          check=False)
    if not done.stdout.strip():
        raise SystemExit(f"{label}: {project}: no report (exit {done.returncode}): "
                         f"{done.stderr.strip()[-300:]}")
    document = json.loads(done.stdout)
    document["findings"].sort(key=lambda f: json.dumps(f, sort_keys=True))
    document["errors"].sort(key=lambda e: json.dumps(e, sort_keys=True))
    document["exit"] = done.returncode
    return document


def differences(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """What differs, at most five named."""
    found = [key for key in ("summary", "errors", "exit") if before[key] != after[key]]
    ids_before = {f["operation"]["id"]: f for f in before["findings"]}
    ids_after = {f["operation"]["id"]: f for f in after["findings"]}
    found += [f"only before: {i}" for i in sorted(ids_before.keys() - ids_after.keys())]
    found += [f"only after: {i}" for i in sorted(ids_after.keys() - ids_before.keys())]
    found += [f"{i} differs" for i in sorted(ids_before.keys() & ids_after.keys())
              if ids_before[i] != ids_after[i]]
    if not found and before["findings"] != after["findings"]:
        found.append("findings differ (same ids)")
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("projects", type=Path, nargs="+")
    args = parser.parse_args()
    failed = False
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        for project in args.projects:
            before = report(args.before, project, scratch, "before")
            after = report(args.after, project, scratch, "after")
            found = differences(before, after)
            summary = after["summary"]
            state = "identical" if not found else "DIFFERENT: " + "; ".join(found[:5])
            print(f"{project}: {summary['operations']} operations, {summary['denied']} denied, "
                  f"{summary['errors']} errors: {state}")
            failed |= bool(found)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
