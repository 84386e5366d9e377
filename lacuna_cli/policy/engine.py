"""The policy stage: load a policy set, evaluate a batch of inputs, fail closed.

Engines sit behind `PolicyEngine` — one call evaluates a whole batch — so the embedded engine
can be swapped for another binding or a remote OPA without touching the callers. Identical
inputs are evaluated once per run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import orjson

from lacuna_cli.errors import PolicyLoadError
from lacuna_cli.policy.metadata import PolicyMeta, read_annotations

ENTRY_PACKAGE = "lacuna.main"
RULES_PACKAGE_PREFIX = "lacuna.rules."


class PolicyEngine(Protocol):
    """Evaluates policy inputs in one call; returns the violations raised for each input."""

    def evaluate(self, inputs: list[dict[str, Any]]) -> list[list[dict[str, Any]]]: ...


@dataclass
class PolicySet:
    """The Rego modules and data documents of a run, with their annotations."""

    modules: dict[str, str] = field(default_factory=dict)
    tests: dict[str, str] = field(default_factory=dict)
    data: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    metadata: dict[str, PolicyMeta] = field(default_factory=dict)

    @property
    def entry(self) -> PolicyMeta:
        return self.metadata[ENTRY_PACKAGE]

    def rule(self, name: str) -> PolicyMeta:
        return self.metadata[RULES_PACKAGE_PREFIX + name]


def load_policy_set(folders: list[Path]) -> PolicySet:
    """Read every `.rego` and `data.json` under `folders`; any problem stops the run (exit 2)."""
    policy_set = PolicySet()
    for folder in folders:
        if not folder.is_dir():
            raise PolicyLoadError(f"{folder}: policy folder not found")
        for path in sorted(folder.rglob("*")):
            if path.suffix == ".rego":
                text = _read(path)
                (policy_set.tests if path.stem.endswith("_test") else policy_set.modules)[
                    str(path)] = text
                for meta in read_annotations(text, path):
                    policy_set.metadata[meta.package] = meta
            elif path.name == "data.json":
                try:
                    policy_set.data.append((str(path), json.loads(_read(path))))
                except json.JSONDecodeError as exc:
                    raise PolicyLoadError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from exc
    if ENTRY_PACKAGE not in policy_set.metadata:
        raise PolicyLoadError(f"no annotated `package {ENTRY_PACKAGE}` found in "
                              f"{', '.join(map(str, folders))}")
    return policy_set


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyLoadError(f"{path}: cannot read: {exc}") from exc


def evaluate_unique(engine: PolicyEngine, inputs: list[dict[str, Any]]) -> list[list[dict]]:
    """Evaluate each distinct input once and fan the results back out, in input order."""
    keys = [orjson.dumps(item, option=orjson.OPT_SORT_KEYS) for item in inputs]
    unique: dict[bytes, int] = {}
    for key in keys:
        unique.setdefault(key, len(unique))
    distinct = [orjson.loads(key) for key in unique]
    results = engine.evaluate(distinct) if distinct else []
    if len(results) != len(distinct):
        raise PolicyLoadError("policy engine returned a result count that does not match its input")
    return [results[unique[key]] for key in keys]
