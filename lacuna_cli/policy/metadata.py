"""OPA METADATA annotations of the policy files: rule ids, versions, titles, stewards.

The embedded engine does not implement `rego.metadata.*`, so the annotations are read from the
source the way `opa inspect -a` does: a `# METADATA` comment block holding YAML, attached to
the `package` line that follows it. The decision a user sees names the id and version found here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from lacuna_cli.errors import PolicyLoadError
from lacuna_cli.yamlfile import parse_yaml

SEVERITIES = ("info", "low", "medium", "high", "critical")


@dataclass(frozen=True)
class PolicyMeta:
    """The annotation of one policy package."""

    package: str
    id: str
    version: str
    title: str
    description: str
    steward: str | None
    severity: str
    path: str


def read_annotations(text: str, path: Path) -> list[PolicyMeta]:
    """Package annotations of one Rego file (rule-level annotations are not used yet)."""
    lines = text.splitlines()
    found: list[PolicyMeta] = []
    index = 0
    while index < len(lines):
        if lines[index].strip() != "# METADATA":
            index += 1
            continue
        start = index + 1
        block: list[str] = []
        index += 1
        while index < len(lines) and lines[index].lstrip().startswith("#"):
            block.append(lines[index].lstrip()[1:].removeprefix(" "))
            index += 1
        while index < len(lines) and not lines[index].strip():
            index += 1
        header = lines[index].strip() if index < len(lines) else ""
        if header.startswith("package "):
            found.append(_meta(block, header.split()[1], path, start))
    return found


def _meta(block: list[str], package: str, path: Path, line: int) -> PolicyMeta:
    try:
        raw = parse_yaml("\n".join(block)) or {}
    except yaml.YAMLError as exc:
        raise PolicyLoadError(f"{path}:{line}: invalid METADATA YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise PolicyLoadError(f"{path}:{line}: METADATA must be a YAML mapping")
    custom = raw.get("custom") or {}
    severity = str(custom.get("severity", "medium"))
    if severity not in SEVERITIES:
        raise PolicyLoadError(
            f"{path}:{line}: METADATA custom.severity must be one of {', '.join(SEVERITIES)}")
    return PolicyMeta(
        package=package,
        id=str(custom.get("id", package)),
        version=str(custom.get("version", "0")),
        title=str(raw.get("title", package)),
        description=" ".join(str(raw.get("description", "")).split()),
        steward=custom.get("steward"),
        severity=severity,
        path=str(path),
    )
