"""Baselines: accept today's findings, fail only on new ones.

A baseline is keyed by fingerprint (rule + normalised operation + path, never line numbers —
see `fingerprint.py`), with a count, because the same operation can appear twice in a file.
`check --baseline` hides findings that match an entry, up to its count, and reports entries
that no longer match anything in the files it analysed, so a fixed finding does not stay
accepted for ever (ruff and detect-secrets users know the pain of stale entries).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from lacuna_cli.errors import LacunaError
from lacuna_cli.fingerprint import fingerprint
from lacuna_cli.models import FileProblem, Finding

BASELINE_FILE = ".lacuna-baseline.json"
BASELINE_VERSION = 1


def entries_for(findings: list[Finding]) -> list[dict[str, Any]]:
    """One entry per fingerprint of the blocking findings, sorted for reviewable diffs."""
    counts = Counter(fingerprint(f) for f in findings if f.blocking)
    first: dict[str, Finding] = {}
    for finding in findings:
        if finding.blocking:
            first.setdefault(fingerprint(finding), finding)
    entries = [{"fingerprint": key, "policy_id": f.decision.policy_id,
                "action": f.operation.action, "path": f.operation.location.path,
                "target": f.operation.target, "count": counts[key]} for key, f in first.items()]
    return sorted(entries, key=lambda e: (e["path"], e["policy_id"], e["target"],
                                          e["fingerprint"]))


def write(path: Path, findings: list[Finding]) -> list[dict[str, Any]]:
    entries = entries_for(findings)
    document = {"version": BASELINE_VERSION,
                "generated": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "findings": entries}
    try:
        path.write_bytes(orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n")
    except OSError as exc:
        raise LacunaError(f"{path}: cannot write: {exc.strerror}") from exc
    return entries


class Baseline:
    """A `scan.Scope` that hides findings matching the baseline and remembers what matched."""

    def __init__(self, entries: list[dict[str, Any]], shown_as: str) -> None:
        self.entries = {e["fingerprint"]: e for e in entries}
        self.remaining = Counter({e["fingerprint"]: int(e["count"]) for e in entries})
        self.matched = 0
        self.shown_as = shown_as

    def keeps(self, finding: Finding) -> bool:
        if not finding.blocking:
            return True
        key = fingerprint(finding)
        if self.remaining[key] <= 0:
            return True
        self.remaining[key] -= 1
        self.matched += 1
        return False

    def keeps_problem(self, problem: FileProblem) -> bool:
        return True  # a file that cannot be analysed is never accepted by a baseline

    def stale(self, analysed: tuple[str, ...]) -> list[FileProblem]:
        """Entries for analysed files that matched fewer findings than they count."""
        files = set(analysed)
        return [FileProblem(path=self.shown_as, message=(
            f"baseline entry {entry['policy_id']} {entry['action']} to {entry['target']} in "
            f"{entry['path']} ({entry['fingerprint'][:12]}) no longer matches "
            f"{self.remaining[key]} of {entry['count']} finding(s); run `lacuna baseline` to "
            "drop it")) for key, entry in self.entries.items()
            if self.remaining[key] > 0 and entry["path"] in files]


def load(path: Path) -> Baseline:
    """Read a baseline file; a missing or malformed one is a usage error (exit 2)."""
    try:
        document = orjson.loads(path.read_bytes())
    except OSError as exc:
        raise LacunaError(f"{path}: cannot read baseline: {exc.strerror}") from exc
    except orjson.JSONDecodeError as exc:
        raise LacunaError(f"{path}: not a Lacuna baseline: {exc}") from exc
    valid = isinstance(document, dict) and document.get("version") == BASELINE_VERSION
    entries = document.get("findings") if valid else None
    if not isinstance(entries, list) or not all(
            isinstance(e, dict) and {"fingerprint", "count"} <= set(e) for e in entries):
        raise LacunaError(f"{path}: not a Lacuna baseline (version {BASELINE_VERSION}, "
                          "findings with fingerprint and count)")
    return Baseline(entries, str(path))
