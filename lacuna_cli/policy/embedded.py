"""The default engine: Rego evaluated in process by regorus (no server, no network).

Chosen over regopy from the measurements in shared/notes/rego-engines.md: the same agreement
with OPA on a governance policy and about ten times faster per decision. Its known gaps (no
`rego.metadata.*`, no `crypto.*`/`io.jwt.*`, `glob.match` with `**`) are avoided by the
shipped policies; metadata is read from the source instead (`metadata.py`).
"""

from __future__ import annotations

import json
from typing import Any

from lacuna_cli.errors import PolicyLoadError
from lacuna_cli.policy.engine import ENTRY_PACKAGE, PolicySet

QUERY = f"data.{ENTRY_PACKAGE}.violations"


class EmbeddedEngine:
    """A compiled regorus engine holding the policy set and its data."""

    def __init__(self, policy_set: PolicySet) -> None:
        import regorus

        self._engine = regorus.Engine()
        for path, text in policy_set.modules.items():
            try:
                self._engine.add_policy(path, text)
            except RuntimeError as exc:
                raise PolicyLoadError(rego_error(exc, path)) from exc
        for path, document in policy_set.data:
            try:
                self._engine.add_data_json(json.dumps(document))
            except RuntimeError as exc:
                raise PolicyLoadError(f"{path}: {rego_error(exc, path)}") from exc

    def evaluate(self, inputs: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
        try:
            self._engine.set_input_json(json.dumps({"operations": inputs}))
            raw = self._engine.eval_rule_as_json(QUERY)
        except RuntimeError as exc:
            raise PolicyLoadError(f"policy evaluation failed: {rego_error(exc, QUERY)}") from exc
        violations = json.loads(raw) if raw else None
        if not isinstance(violations, list):
            raise PolicyLoadError(f"{QUERY} is undefined or not a list: refusing to allow")
        grouped: list[list[dict[str, Any]]] = [[] for _ in inputs]
        for violation in violations:
            index = violation.get("index") if isinstance(violation, dict) else None
            if not isinstance(index, int) or not 0 <= index < len(inputs):
                raise PolicyLoadError(f"a policy returned a violation without a valid index: "
                                      f"{violation!r}"[:300])
            grouped[index].append(violation)
        return grouped


def rego_error(exc: Exception, fallback: str) -> str:
    """regorus errors span many lines (source excerpt, backtrace): keep `file:line:col: msg`."""
    lines = [line.strip() for line in str(exc).splitlines()]
    where = next((line[4:] for line in lines if line.startswith("--> ")), fallback)
    message = next((line[7:] for line in lines if line.startswith("error: ")), None)
    if message is None:
        message = next((line for line in lines if line), "unknown error")
    return f"{where}: {message}"
