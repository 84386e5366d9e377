"""Inline exceptions: `# lacuna: allow[LAC-PII-001] reason` (or `-- lacuna: allow[...]` in SQL).

An exception names the policy it waives and says why; one without a reason is not honoured
and is reported, so every waiver in the audit log carries a justification.
"""

from __future__ import annotations

import re

from lacuna_cli.models import FileError, InlineAllow

ALLOW = re.compile(r"(?:#|--)\s*lacuna:\s*allow\[([^\]]*)\]\s*(.*)$")


def find_allows(
    text: str, relpath: str, cell: int | None = None
) -> tuple[list[InlineAllow], list[FileError]]:
    """Allow comments of a file (or one notebook cell) and errors for those without a reason."""
    allows: list[InlineAllow] = []
    errors: list[FileError] = []
    if "lacuna:" not in text:
        return allows, errors
    for number, line in enumerate(text.splitlines(), start=1):
        match = ALLOW.search(line)
        if match is None:
            continue
        ids = tuple(part.strip() for part in match.group(1).split(",") if part.strip())
        reason = match.group(2).strip()
        if not ids or not reason:
            missing = "a policy id" if not ids else "a reason"
            where = f"cell {cell}: " if cell is not None else ""
            errors.append(FileError(path=relpath, line=number,
                                    message=f"{where}`lacuna: allow[...]` needs {missing}; "
                                            "the exception is ignored"))
            continue
        allows.append(InlineAllow(line=number, cell=cell, policy_ids=ids, reason=reason))
    return allows, errors
