"""The one fingerprint of a finding, shared by SARIF, the baseline and GitHub annotations.

It names *what* happens, not *where on the page*: the rule, the normalised operation (action,
sources, destination) and the file — never the line number — so that moving code, adding an
import above it or reformatting does not turn a known finding into a new one.
"""

from __future__ import annotations

import hashlib

from lacuna_cli.models import Finding

FINGERPRINT_KEY = "lacunaFinding/v1"


def fingerprint(finding: Finding) -> str:
    """32 hex digits over rule, action, path, sorted source names and destination name."""
    op = finding.operation
    parts = [finding.decision.policy_id, op.action, op.location.path,
             ",".join(sorted(s.name for s in op.sources)),
             op.destination.name if op.destination else ""]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
