"""Exceptions: accountable waivers of a denial, inline or in an exceptions file, all audited.

An inline `# lacuna: allow[POLICY-ID] reason` (`--` in SQL) waives that policy for the
operation on its line or the line below. An exceptions-file entry waives a policy for paths
(and optionally resources) matching globs, names an approver, and expires: after its date it
no longer applies. Every waiver must say why — an allow comment without a reason is a finding
of its own (LAC-EXC-001) that fails the run — and waivers that match nothing, like ruff's
unused `noqa`, are reported so they do not outlive the code they were written for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from lacuna_cli.errors import ConfigError
from lacuna_cli.models import Decision, FileProblem, Finding, InlineAllow, Suppression
from lacuna_cli.yamlfile import read_yaml

MISSING_REASON_ID = "LAC-EXC-001"
MISSING_REASON_VERSION = "1.0.0"


class FileException(BaseModel):
    """One entry of the exceptions file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    policy: str = Field(min_length=1)
    path: str = Field(min_length=1,
                      description="glob over project-relative paths; ** spans folders")
    resource: str | None = Field(default=None, description="glob over the destination or sources")
    reason: str = Field(min_length=1)
    approver: str = Field(min_length=1)
    expires: date

    def covers(self, finding: Finding) -> bool:
        op = finding.operation
        if self.policy != finding.decision.policy_id or not glob_match(self.path,
                                                                       op.location.path):
            return False
        if self.resource is None:
            return True
        names = [op.destination.name] if op.destination else []
        return any(glob_match(self.resource, name) for name in [*names,
                                                                 *(s.name for s in op.sources)])


class ExceptionsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    exceptions: list[FileException] = Field(default_factory=list)


def load_exceptions(path: Path, shown_as: str) -> list[FileException]:
    """The entries of the exceptions file (none if it does not exist); errors name file and key."""
    if not path.is_file():
        return []
    raw = read_yaml(path, shown_as) or {}
    try:
        return ExceptionsFile.model_validate(raw).exceptions
    except ValidationError as exc:
        first = exc.errors()[0]
        where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}"
                        for part in first["loc"]).lstrip(".")
        raise ConfigError(f"{shown_as}: {where or 'top level'}: {first['msg']}") from exc


@lru_cache(maxsize=256)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    parts = re.split(r"(\*\*/|\*\*|\*|\?)", pattern)
    wildcards = {"**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}
    return re.compile("".join(wildcards.get(part, re.escape(part)) for part in parts))


def glob_match(pattern: str, name: str) -> bool:
    """`*` and `?` stay within one folder, `**` spans folders (unlike fnmatch, where `*` does)."""
    return _glob_regex(pattern).fullmatch(name) is not None


@dataclass
class Waived:
    """Findings with their waivers applied, errors that fail the run, and notices that do not."""

    findings: list[Finding]
    errors: list[FileProblem] = field(default_factory=list)
    notices: list[FileProblem] = field(default_factory=list)


def apply_exceptions(findings: list[Finding], allows: dict[str, tuple[InlineAllow, ...]],
                     entries: list[FileException], today: date, exceptions_file: str,
                     steward: str | None) -> Waived:
    """Waive the denials an allow comment or a live exceptions-file entry covers."""
    used: set[tuple[str, int, int | None, str]] = set()
    used_entries: set[int] = set()
    live = [(number, entry) for number, entry in enumerate(entries) if entry.expires >= today]
    outcome = Waived(findings=[])
    for finding in findings:
        suppression = None
        if not finding.decision.allowed:
            suppression = _inline(finding, allows.get(finding.operation.location.path, ()), used)
            if suppression is None:
                suppression = _from_file(finding, live, used_entries)
        outcome.findings.append(finding.model_copy(update={"suppression": suppression})
                                if suppression else finding)
    _missing_reasons(outcome, findings, allows, steward)
    _unused_allows(outcome, allows, used)
    for number, entry in enumerate(entries):
        where = f"exceptions[{number}] ({entry.policy} for {entry.path})"
        if entry.expires < today:
            outcome.notices.append(FileProblem(path=exceptions_file, message=(
                f"{where} expired on {entry.expires.isoformat()} and no longer applies; "
                f"renew it with {entry.approver} or remove it")))
        elif number not in used_entries:
            outcome.notices.append(FileProblem(path=exceptions_file, message=(
                f"unused exception: {where} matched no denied operation")))
    return outcome


def _targets(allow: InlineAllow, finding: Finding) -> bool:
    """An allow comment covers its own line (trailing) and the line below (alone above it)."""
    where = finding.operation.location
    return allow.cell == where.cell and allow.line in (where.line, where.line - 1)


def _inline(finding: Finding, allows: tuple[InlineAllow, ...],
            used: set[tuple[str, int, int | None, str]]) -> Suppression | None:
    policy_id = finding.decision.policy_id
    for allow in allows:
        if allow.reason and policy_id in allow.policy_ids and _targets(allow, finding):
            used.add((finding.operation.location.path, allow.line, allow.cell, policy_id))
            return Suppression(kind="inline", reason=allow.reason, policy_id=policy_id)
    return None


def _from_file(finding: Finding, live: list[tuple[int, FileException]],
               used_entries: set[int]) -> Suppression | None:
    for number, entry in live:
        if entry.covers(finding):
            used_entries.add(number)
            return Suppression(kind="exceptions_file", policy_id=entry.policy, reason=(
                f"{entry.reason} (approved by {entry.approver}, "
                f"expires {entry.expires.isoformat()})"))
    return None


def _missing_reasons(outcome: Waived, findings: list[Finding],
                     allows: dict[str, tuple[InlineAllow, ...]], steward: str | None) -> None:
    """A reasonless allow is a denial of the operation it tries to waive (or an error if none)."""
    for path, in_file in allows.items():
        for allow in in_file:
            if allow.reason:
                continue
            ids = ", ".join(allow.policy_ids)
            target = next((f for f in findings if f.operation.location.path == path
                           and _targets(allow, f)), None)
            if target is None:
                outcome.errors.append(FileProblem(path=path, line=allow.line, message=(
                    f"{_cell(allow)}`lacuna: allow[{ids}]` gives no reason and waives nothing "
                    "here")))
                continue
            outcome.findings.append(target.model_copy(update={"decision": Decision(
                allowed=False, policy_id=MISSING_REASON_ID,
                policy_version=MISSING_REASON_VERSION, title="Exception without a reason",
                reasoning=(f"the exception `lacuna: allow[{ids}]` on line {allow.line} gives no "
                           "reason; every waiver must say why the operation is acceptable"),
                alternatives=((f"Add the reason after the bracket: `lacuna: allow[{ids}] "
                               "<why this is acceptable>`"),
                              "Remove the comment and change the operation instead"),
                steward=steward, severity="medium")}))


def _unused_allows(outcome: Waived, allows: dict[str, tuple[InlineAllow, ...]],
                   used: set[tuple[str, int, int | None, str]]) -> None:
    for path, in_file in allows.items():
        for allow in in_file:
            for policy_id in allow.policy_ids if allow.reason else ():
                if (path, allow.line, allow.cell, policy_id) not in used:
                    outcome.notices.append(FileProblem(path=path, line=allow.line, message=(
                        f"{_cell(allow)}unused exception `allow[{policy_id}]`: no operation "
                        f"here is denied by {policy_id}")))


def _cell(allow: InlineAllow) -> str:
    return f"cell {allow.cell}: " if allow.cell is not None else ""
