"""`lacuna policy test`: run the `test_*` rules of `*_test.rego` files the way `opa test` does.

A test passes when its rule is true; false, undefined or an evaluation error fail it, and a
`todo_test_*` rule is skipped. Tests run against the same embedded engine, policies and merged
data as `lacuna check`, so a passing suite means the policies behave as tested in the gate.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Literal

from lacuna_cli.errors import PolicyLoadError
from lacuna_cli.policy.embedded import EmbeddedEngine
from lacuna_cli.policy.engine import PolicySet

# Rule heads at the start of a line, as `opa fmt` writes them.
TEST_RULE = re.compile(r"^(todo_)?(test_\w+)\b", re.MULTILINE)
PACKAGE = re.compile(r"^package\s+([\w.]+)", re.MULTILINE)

Outcome = Literal["PASS", "FAIL", "ERROR", "SKIPPED"]


@dataclass(frozen=True)
class TestResult:
    path: str
    name: str  # data.<package>.<rule>
    outcome: Outcome
    seconds: float
    detail: str = ""


def discover(policy_set: PolicySet, selected: list[str] | None = None
             ) -> list[tuple[str, str, bool]]:
    """(path, rule, is-todo) of every test in file order; only under `selected` if given."""
    found: list[tuple[str, str, bool]] = []
    for path, text in sorted(policy_set.tests.items()):
        if selected is not None and not any(path.startswith(prefix) for prefix in selected):
            continue
        package = PACKAGE.search(text)
        if package is None:
            raise PolicyLoadError(f"{path}: a test file needs a `package` line")
        seen: set[str] = set()
        for match in TEST_RULE.finditer(text):
            todo = match.group(1) is not None
            rule = f"{match.group(1) or ''}{match.group(2)}"
            if rule not in seen:  # several bodies of one test rule are one test
                seen.add(rule)
                found.append((path, f"{package.group(1)}.{rule}", todo))
    return found


def run_tests(policy_set: PolicySet, selected: list[str] | None = None,
              chosen: re.Pattern[str] | None = None) -> list[TestResult]:
    """Compile policies and tests together, then evaluate each test rule on its own."""
    engine = EmbeddedEngine(policy_set, with_tests=True)
    results = []
    for path, rule, todo in discover(policy_set, selected):
        name = f"data.{rule}"
        if chosen is not None and not chosen.search(name):
            continue
        if todo:
            results.append(TestResult(path, name, "SKIPPED", 0.0))
            continue
        started = time.perf_counter()
        try:
            value = engine.query(rule)
        except PolicyLoadError as exc:
            results.append(TestResult(path, name, "ERROR", time.perf_counter() - started,
                                      str(exc).removeprefix("policy evaluation failed: ")))
            continue
        outcome: Outcome = "PASS" if value is True else "FAIL"
        results.append(TestResult(path, name, outcome, time.perf_counter() - started))
    return results
