"""The policy stage: load a policy set, evaluate a batch of inputs, fail closed.

Engines sit behind `PolicyEngine` — one call evaluates a whole batch — so the embedded engine
can be swapped for another binding or a remote OPA without touching the callers. Both ask the
same question, `data.lacuna.main.violations` with `input.operations` as the batch, so the
semantics are the policies' own, not the engine's. Identical inputs are evaluated once per run.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import orjson

from lacuna_cli.errors import PolicyLoadError
from lacuna_cli.policy.metadata import PolicyMeta, read_annotations
from lacuna_cli.policy.nesting import check_nesting
from lacuna_cli.policy.trust import TrustedPolicies, package_of
from lacuna_cli.shipped import shipped_dir

if TYPE_CHECKING:
    from lacuna_cli.config import Config

ENTRY_PACKAGE = "lacuna.main"
RULES_PACKAGE_PREFIX = "lacuna.rules."
ENTRY_RULE = f"{ENTRY_PACKAGE}.violations"


class PolicyEngine(Protocol):
    """Evaluates policy inputs in one call; returns the violations raised for each input."""

    def evaluate(self, inputs: list[dict[str, Any]]) -> list[list[dict[str, Any]]]: ...

    def close(self) -> None: ...


@dataclass
class PolicySet:
    """The Rego modules and the merged data document of a run, with their annotations."""

    modules: dict[str, str] = field(default_factory=dict)
    tests: dict[str, str] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    data_files: list[str] = field(default_factory=list)
    metadata: dict[str, PolicyMeta] = field(default_factory=dict)

    @property
    def entry(self) -> PolicyMeta:
        return self.metadata[ENTRY_PACKAGE]

    def rule(self, name: str) -> PolicyMeta:
        return self.metadata[RULES_PACKAGE_PREFIX + name]

    def add_module(self, path: str, text: str) -> None:
        """A `*_test.rego` file is a test (`lacuna policy test`), anything else a policy."""
        check_nesting(path, text)
        (self.tests if Path(path).stem.endswith("_test") else self.modules)[path] = text
        for meta in read_annotations(text, Path(path)):
            self.metadata[meta.package] = meta

    def require_entry(self, where: str) -> None:
        if ENTRY_PACKAGE not in self.metadata:
            raise PolicyLoadError(f"no annotated `package {ENTRY_PACKAGE}` found in {where}")


def load_policy_set(folders: list[Path], project_folders: Sequence[Path] = ()) -> PolicySet:
    """Read every `.rego` and `data.json` under `folders`, then `project_folders`; any problem
    stops the run (exit 2).

    `folders` are trusted (the shipped policies, the trusted config's folders): their data
    files deep-merge in folder order, later folders winning, so a trusted `data.json` overrides
    the shipped governed locations or stewards key by key. `project_folders` belong to the
    repository under review: they may add rule packages and data keys, never change trusted
    ones (`trust.py`).
    """
    policy_set = PolicySet()
    trusted_files = list(_policy_files(folders))
    for path in trusted_files:
        if path.suffix == ".rego":
            policy_set.add_module(str(path), _read(path))
        else:
            policy_set.data = deep_merge(policy_set.data, _read_data(path))
            policy_set.data_files.append(str(path))
    packages = {package_of(text) for text in policy_set.modules.values()}
    trusted = TrustedPolicies({p for p in packages if p is not None}, policy_set.data)
    seen = set(trusted_files)  # a project folder may hold (or be) a trusted one
    for path in _policy_files(project_folders):
        if path in seen:
            continue
        seen.add(path)
        if path.suffix == ".rego":
            text = _read(path)
            if not path.stem.endswith("_test"):
                trusted.check_module(path, text)
            policy_set.add_module(str(path), text)
        else:
            policy_set.data = deep_merge(policy_set.data,
                                         trusted.additions(path, _read_data(path)))
            policy_set.data_files.append(str(path))
    policy_set.require_entry(", ".join(map(str, [*folders, *project_folders])))
    return policy_set


def _policy_files(folders: Sequence[Path]) -> Iterator[Path]:
    """Every policy module and data file, folder by folder."""
    for folder in folders:
        if not folder.is_dir():
            raise PolicyLoadError(f"{folder}: policy folder not found")
        for path in sorted(folder.rglob("*")):
            if path.suffix == ".rego" or path.name == "data.json":
                yield path


def _read_data(path: Path) -> dict[str, Any]:
    """A data file's JSON object; anything else is one error line naming the file."""
    try:
        document = json.loads(_read(path))
    except json.JSONDecodeError as exc:
        raise PolicyLoadError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from exc
    except RecursionError as exc:
        raise PolicyLoadError(f"{path}: invalid JSON: nested too deeply") from exc
    if not isinstance(document, dict):
        raise PolicyLoadError(f"{path}: a data file must hold a JSON object")
    try:  # `"\ud800"` parses, but is no Unicode text: the engines could not be handed it
        orjson.dumps(document)
    except TypeError as exc:
        raise PolicyLoadError(f"{path}: invalid JSON: {exc} (an escaped lone surrogate)") from exc
    return document


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Objects merge key by key; any other value (lists included) is replaced by `override`."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise PolicyLoadError(f"{path}: not valid UTF-8 (byte {exc.start})") from exc
    except OSError as exc:
        raise PolicyLoadError(f"{path}: cannot read: {exc.strerror}") from exc


def group_by_index(violations: Any, count: int, source: str) -> list[list[dict[str, Any]]]:
    """Split the entry rule's flat list into one list per input; anything else fails closed."""
    if not isinstance(violations, list):
        raise PolicyLoadError(f"{source}: data.{ENTRY_RULE} is undefined or not a list: "
                              "refusing to allow")
    grouped: list[list[dict[str, Any]]] = [[] for _ in range(count)]
    for violation in violations:
        index = violation.get("index") if isinstance(violation, dict) else None
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < count:
            raise PolicyLoadError(f"a policy returned a violation without a valid index: "
                                  f"{violation!r}"[:300])
        grouped[index].append(violation)
    return grouped


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


def load_policies(config: Config, opa_url: str | None = None) -> tuple[PolicySet, PolicyEngine]:
    """The engine and the annotated policies it evaluates; fails closed on any error.

    With an OPA URL (option, then LACUNA_OPA_URL or the trusted config) the server's policies
    decide; otherwise the shipped policies, the trusted config's folders and the project's
    folders (which may only add), embedded in process.
    """
    url = opa_url or config.settings.opa_url
    if url:
        from lacuna_cli.policy.remote import RemoteEngine

        remote = RemoteEngine(url, config.settings.opa_token, config.settings.opa_timeout)
        try:
            return remote.policy_set(), remote
        except BaseException:
            remote.close()
            raise
    from lacuna_cli.policy.embedded import EmbeddedEngine

    policy_set = load_policy_set([shipped_dir("policies"), *config.trusted_policy_dirs],
                                 config.policy_dirs)
    return policy_set, EmbeddedEngine(policy_set)
