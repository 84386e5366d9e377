"""Changed code only: which files and lines changed since a git revision.

`check --diff-base REF` still extracts the whole project — lineage must see the script that
produced a file to classify the script that exports it — but reports (and audits) only findings
on lines changed since the merge base of REF and HEAD, like semgrep's `--baseline-commit`.
Uncommitted and untracked files count as changed. A notebook's findings are located by cell,
which its JSON diff cannot map, so a changed notebook is changed as a whole.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from lacuna_cli.errors import LacunaError
from lacuna_cli.extract.places import language_of
from lacuna_cli.models import FileProblem, Finding

HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


def _git(cwd: Path, *args: str) -> str:
    try:
        completed = subprocess.run(["git", "-c", "core.quotePath=false", *args], cwd=cwd,
                                   capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise LacunaError(f"git {args[0]}: {exc}") from exc
    if completed.returncode != 0:
        message = completed.stderr.strip().splitlines()
        raise LacunaError(f"git {' '.join(args[:2])}: {message[0] if message else 'failed'}")
    return completed.stdout


def parse_unified(diff: str) -> dict[str, set[int]]:
    """{path: added or changed line numbers} from `git diff --unified=0` output."""
    changed: dict[str, set[int]] = {}
    current: set[int] | None = None
    for line in diff.splitlines():
        if line.startswith("+++ "):
            target = line[4:].rstrip("\t")
            current = None if target == "/dev/null" else changed.setdefault(
                target[2:] if target.startswith("b/") else target, set())
        elif current is not None and (match := HUNK.match(line)):
            start, count = int(match.group(1)), int(match.group(2) or "1")
            current.update(range(start, start + count))
    return changed


@dataclass(frozen=True)
class ChangedLines:
    """A `scan.Scope`: project path -> changed line numbers (None: the whole file)."""

    lines: dict[str, frozenset[int] | None]

    def covers(self, path: str, line: int | None) -> bool:
        if path not in self.lines:
            return False
        changed = self.lines[path]
        return changed is None or line is None or line in changed

    def keeps(self, finding: Finding) -> bool:
        """A finding on a changed line, or reached from one: a changed call that starts
        handing customers to an unchanged helper's send is what the change does."""
        return any(self.covers(where.path, None if where.cell is not None else where.line)
                   for where in (finding.operation.location, finding.operation.called_from)
                   if where is not None)

    def keeps_problem(self, problem: FileProblem) -> bool:
        """A changed file that cannot be analysed is reported whatever its line; problems
        outside source files (the exceptions file) always are."""
        if language_of(Path(problem.path)) is None:
            return True
        return problem.path in self.lines


def changed_since(root: Path, base: str) -> ChangedLines:
    """Lines changed between the merge base of `base` and HEAD and the working tree."""
    toplevel = Path(_git(root, "rev-parse", "--show-toplevel").strip())
    merge_base = _git(toplevel, "merge-base", base, "HEAD").strip()
    diff = _git(toplevel, "diff", "--unified=0", "--no-color", "--no-ext-diff", "-M",
                "--diff-filter=AMR", merge_base, "--")
    untracked = _git(toplevel, "ls-files", "--others", "--exclude-standard", "-z").split("\0")
    by_top: dict[str, frozenset[int] | None] = {
        path: frozenset(lines) for path, lines in parse_unified(diff).items()}
    by_top.update({path: None for path in untracked if path})
    lines: dict[str, frozenset[int] | None] = {}
    for path, changed in by_top.items():
        try:
            relative = (toplevel / path).resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            continue  # outside the project
        notebook = language_of(Path(path)) == "notebook"
        lines[relative] = None if notebook else changed
    return ChangedLines(lines)
