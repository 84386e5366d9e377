"""Inline exceptions: `# lacuna: allow[LAC-PII-001] reason` (or `-- lacuna: allow[...]` in SQL).

An exception names the policy it waives and says why. One without a reason is still returned
(with an empty reason) because the policy stage turns it into a finding of its own
(`lacuna_cli.policy.waivers`); one that names no policy cannot waive anything and is an error.
"""

from __future__ import annotations

import re

from lacuna_cli.models import FileProblem, InlineAllow

ALLOW = re.compile(r"(?:#|--)\s*lacuna:\s*allow\[([^\]]*)\]\s*(.*)$")


def find_allows(
    text: str, relpath: str, cell: int | None = None
) -> tuple[list[InlineAllow], list[FileProblem]]:
    """Allow comments of a file (or one notebook cell) and errors for those naming no policy."""
    allows: list[InlineAllow] = []
    errors: list[FileProblem] = []
    if "lacuna:" not in text:
        return allows, errors
    for number, line in enumerate(text.splitlines(), start=1):
        match = ALLOW.search(line)
        if match is None:
            continue
        ids = tuple(part.strip() for part in match.group(1).split(",") if part.strip())
        if not ids:
            where = f"cell {cell}: " if cell is not None else ""
            errors.append(FileProblem(path=relpath, line=number,
                                    message=f"{where}`lacuna: allow[...]` names no policy id; "
                                            "the exception is ignored"))
            continue
        allows.append(InlineAllow(line=number, cell=cell, policy_ids=ids,
                                  reason=match.group(2).strip()))
    return allows, errors
