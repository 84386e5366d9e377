"""A central OPA server as the policy engine, over OPA's REST API (v1 data and policy APIs).

A batch is one `POST /v1/data/lacuna/main/violations` with `{"input": {"operations": [...]}}`:
the same rule the embedded engine evaluates, so decisions do not depend on where they are
made. The annotations (ids, versions, stewards) come from the server's own modules
(`GET /v1/policies`), not from local files that might have drifted. Every failure — unreachable
server, timeout, HTTP error, undefined result, builtin error — raises PolicyLoadError (exit 2),
naming the server by its URL with any password masked.
"""

from __future__ import annotations

import threading
from typing import Any

import httpx
import orjson

from lacuna_cli.errors import PolicyLoadError
from lacuna_cli.policy.engine import ENTRY_RULE, PolicySet, group_by_index
from lacuna_cli.redact import redact

# Builtin errors (a failing sprintf, a bad regex) become HTTP 500 instead of an undefined
# value that a careless client could read as "no violations".
DATA_PATH = "/v1/data/" + ENTRY_RULE.replace(".", "/") + "?strict-builtin-errors=true"


class RemoteEngine:
    """One keep-alive HTTP client to one OPA server; checked for health when created."""

    def __init__(self, url: str, token: str | None = None, timeout: float = 5.0) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.where = f"OPA at {redact(self.url)}"  # how messages name the server
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._client = httpx.Client(
            base_url=self.url, headers=headers,
            timeout=httpx.Timeout(timeout), limits=httpx.Limits(max_keepalive_connections=1))
        try:
            self._request("GET", "/health")
        except PolicyLoadError:
            self.close()
            raise

    def policy_set(self) -> PolicySet:
        """The modules loaded on the server, read for their METADATA annotations."""
        policy_set = PolicySet()
        modules = self._request("GET", "/v1/policies").get("result")
        if not isinstance(modules, list):
            raise PolicyLoadError(f"{self.where}: GET /v1/policies returned no module list")
        for module in modules:
            if isinstance(module, dict) and isinstance(module.get("raw"), str):
                policy_set.add_module(str(module.get("id", "?")), module["raw"])
        policy_set.require_entry(f"the modules loaded on {self.where}")
        return policy_set

    def evaluate(self, inputs: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
        body = orjson.dumps({"input": {"operations": inputs}})
        answer = self._request("POST", DATA_PATH, content=body)
        return group_by_index(answer.get("result"), len(inputs), self.where)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> RemoteEngine:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _request(self, method: str, path: str, content: bytes | None = None) -> dict[str, Any]:
        asked = f"{method} {path.split('?')[0]}"
        try:
            response = self._within_deadline(method, path, content)
        except httpx.TimeoutException as exc:
            raise PolicyLoadError(f"{self.where} did not answer {asked} within "
                                  f"{self.timeout:g}s: refusing to allow") from exc
        except httpx.HTTPError as exc:
            raise PolicyLoadError(f"{self.where} is unreachable ({exc.__class__.__name__}: "
                                  f"{redact(str(exc))}): refusing to allow") from exc
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if response.status_code != 200:
            detail = (f"{answer.get('code')}: {answer.get('message')}"
                      if isinstance(answer, dict) and answer.get("message")
                      else response.text[:200] or response.reason_phrase)
            raise PolicyLoadError(f"{self.where} answered {asked} with HTTP "
                                  f"{response.status_code} ({redact(' '.join(detail.split()))}): "
                                  "refusing to allow")
        if not isinstance(answer, dict):
            raise PolicyLoadError(f"{self.where} answered {asked} without a JSON object: "
                                  "refusing to allow")
        return answer

    def _within_deadline(self, method: str, path: str, content: bytes | None) -> httpx.Response:
        """The whole exchange, bounded by `timeout`: httpx's timeouts bound each read, so a
        server trickling its answer a byte at a time would escape them and decide whenever it
        likes. The request runs in a daemon thread the run does not wait for past the
        deadline (nor at exit)."""
        outcome: list[httpx.Response | Exception] = []

        def send() -> None:
            try:
                outcome.append(self._client.request(method, path, content=content))
            except Exception as exc:  # noqa: BLE001 - re-raised in the caller's thread below
                outcome.append(exc)

        worker = threading.Thread(target=send, name="lacuna-opa-request", daemon=True)
        worker.start()
        worker.join(self.timeout)
        if not outcome:
            raise httpx.ReadTimeout(f"no complete answer within {self.timeout:g}s")
        if isinstance(outcome[0], Exception):
            raise outcome[0]
        return outcome[0]
