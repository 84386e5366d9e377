"""The default engine: Rego evaluated in process by regorus (no server, no network).

Chosen over regopy from the measurements in shared/notes/rego-engines.md: the same agreement
with OPA on a governance policy and about ten times faster per decision. Its known gaps (no
`rego.metadata.*`, no `crypto.*`/`io.jwt.*`, `glob.match` with `**`) are avoided by the
shipped policies; metadata is read from the source instead (`metadata.py`). A regorus engine
may only be used by the thread that created it.
"""

from __future__ import annotations

from typing import Any

import orjson

from lacuna_cli.errors import PolicyLoadError
from lacuna_cli.policy.engine import ENTRY_RULE, PolicySet, group_by_index


class Undefined:
    """The result of a query with no value (OPA omits `result`); never mistaken for false."""

    def __repr__(self) -> str:
        return "<undefined>"


UNDEFINED = Undefined()
# How regorus's eval_rule reports a rule without a value: a JSON string, not an absence.
# eval_rule is used over eval_query (which reports it as an empty `result`) because it skips
# parsing a query and pretty-printing expressions: a third less time per batch-of-1 call.
REGORUS_UNDEFINED = '"<undefined>"'


class EmbeddedEngine:
    """A compiled regorus engine holding the policy set and its data."""

    def __init__(self, policy_set: PolicySet, with_tests: bool = False) -> None:
        import regorus

        self._engine = regorus.Engine()
        modules = {**policy_set.modules, **(policy_set.tests if with_tests else {})}
        for path, text in modules.items():
            try:
                self._engine.add_policy(path, text)
            except RuntimeError as exc:
                raise PolicyLoadError(rego_error(exc, path)) from exc
        try:
            self._engine.add_data_json(orjson.dumps(policy_set.data).decode())
        except RuntimeError as exc:
            raise PolicyLoadError(f"{', '.join(policy_set.data_files)}: "
                                  f"{rego_error(exc, 'data')}") from exc

    def evaluate(self, inputs: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
        violations = self.query(ENTRY_RULE, orjson.dumps({"operations": inputs}).decode())
        return group_by_index(violations, len(inputs), "embedded engine")

    def query(self, ref: str, input_json: str | None = None) -> Any:
        """The value of `data.<ref>` for an input given as JSON text, or UNDEFINED.

        A Rego error (a failing builtin, a conflict) raises PolicyLoadError: fail closed.
        """
        try:
            if input_json is not None:
                self._engine.set_input_json(input_json)
            raw = self._engine.eval_rule_as_json(f"data.{ref}")
        except RuntimeError as exc:
            raise PolicyLoadError(f"policy evaluation failed: {rego_error(exc, ref)}") from exc
        return UNDEFINED if raw == REGORUS_UNDEFINED else orjson.loads(raw)

    def close(self) -> None:
        """Nothing to release; present so every engine can be closed the same way."""


def rego_error(exc: Exception, fallback: str) -> str:
    """regorus errors span many lines (source excerpt, backtrace): keep `file:line:col: msg`."""
    lines = [line.strip() for line in str(exc).splitlines()]
    where = next((line[4:] for line in lines if line.startswith("--> ")), fallback)
    message = next((line[7:] for line in lines if line.startswith("error: ")), None)
    if message is None:
        message = next((line for line in lines if line), "unknown error")
    return f"{where}: {message}"
