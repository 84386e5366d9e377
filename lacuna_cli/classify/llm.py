"""Layer 3: ask an OpenAI-compatible chat endpoint (`POST /v1/chat/completions`).

Off unless an endpoint and model are configured. Each name is one request with temperature 0
and a JSON-schema `response_format`; the answer is validated with pydantic (a truncated answer,
`finish_reason == "length"`, is invalid) and cached in the DuckDB file by model + prompt hash.
Every request has connect and read timeouts and the whole layer an overall deadline: when the
server is slow, down or wrong, the lower layers' verdict stands, flagged uncertain. The endpoint
comes from the environment or the trusted config, never from the project's own file (it
receives LACUNA_LLM_API_KEY), and is only ever shown with its password masked.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from lacuna_cli.classify.cache import Cache, key
from lacuna_cli.models import AssignedTier
from lacuna_cli.redact import redact

if TYPE_CHECKING:
    import httpx

PROMPT_VERSION = "1"
SYSTEM_PROMPT = (
    "You classify database columns and data files for a data-governance tool. Given a name, "
    "say how sensitive the data it holds is. Tiers: PUBLIC (published data), INTERNAL "
    "(business data, no individual), PROPRIETARY (personal, health, payment or secret data). "
    "Tags, any of: PII, PHI, FINANCIAL, GDPR, CREDENTIALS, HIPAA, PCI. identifier is true when "
    "the value singles out one person. Answer with the JSON object only.")


class LLMVerdict(BaseModel):
    """The answer the schema asks for; anything else is an invalid answer."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tier: AssignedTier
    tags: list[str] = Field(max_length=8)
    identifier: bool
    confidence: float = Field(ge=0.0, le=1.0)
    reasoning: str = Field(min_length=1, max_length=500)


@dataclass(frozen=True)
class LLMSettings:
    url: str
    model: str
    api_key: str | None = None
    connect_timeout: float = 2.0
    read_timeout: float = 20.0
    deadline: float = 60.0

    @property
    def endpoint(self) -> str:
        base = self.url.rstrip("/")
        if base.endswith("/chat/completions"):
            return base
        return f"{base}/chat/completions" if base.endswith("/v1") else f"{base}/v1/chat/completions"

    @property
    def shown_as(self) -> str:
        """The endpoint as messages name it: any password in the URL masked."""
        return redact(self.endpoint)


class LLMError(Exception):
    """The endpoint did not give a valid answer (reason in the message)."""


def request_body(settings: LLMSettings, name: str, context: str) -> dict:
    where = f" in {context}" if context else ""
    return {
        "model": settings.model,
        "temperature": 0,
        "messages": [{"role": "system", "content": SYSTEM_PROMPT},
                     {"role": "user", "content": f"Column or resource name: {name!r}{where}"}],
        "response_format": {"type": "json_schema", "json_schema": {
            "name": "lacuna_classification", "strict": True,
            "schema": LLMVerdict.model_json_schema()}},
    }


class LLMClassifier:
    """Layer 3 for one run: cached answers first, then the endpoint until the deadline."""

    def __init__(self, settings: LLMSettings, cache: Cache) -> None:
        self.settings = settings
        self._cache = cache

    def classify(self, names: list[str], context: str = "") -> dict[str, LLMVerdict | str]:
        """A verdict per name, or the reason there is none (timeout, invalid answer...)."""
        keys = {n: key(self.settings.model, PROMPT_VERSION, self.settings.endpoint, context, n)
                for n in names}
        cached = self._cache.get_many("llm-verdict", list(keys.values()))
        results: dict[str, LLMVerdict | str] = {
            n: LLMVerdict.model_validate(cached[k]) for n, k in keys.items() if k in cached}
        misses = [n for n in dict.fromkeys(names) if n not in results]
        if misses:
            answered = self._ask_all(misses, context)
            self._cache.put_many("llm-verdict", {keys[n]: v.model_dump(mode="json")
                                                 for n, v in answered.items()
                                                 if isinstance(v, LLMVerdict)})
            results.update(answered)
        return results

    def _ask_all(self, names: list[str], context: str) -> dict[str, LLMVerdict | str]:
        import httpx

        end = time.monotonic() + self.settings.deadline
        results: dict[str, LLMVerdict | str] = {}
        headers = ({"Authorization": f"Bearer {self.settings.api_key}"}
                   if self.settings.api_key else {})
        with httpx.Client(headers=headers, trust_env=False) as client:
            for name in names:
                left = end - time.monotonic()
                if left <= 0:
                    results[name] = f"deadline of {self.settings.deadline:g}s reached"
                    continue
                try:
                    results[name] = self._ask(client, name, context, left)
                except LLMError as exc:
                    results[name] = str(exc)
        return results

    def _ask(self, client: httpx.Client, name: str, context: str, left: float) -> LLMVerdict:
        import httpx

        read = min(self.settings.read_timeout, left)
        timeout = httpx.Timeout(read, connect=min(self.settings.connect_timeout, left))
        try:
            response = client.post(self.settings.endpoint, timeout=timeout,
                                   json=request_body(self.settings, name, context))
            response.raise_for_status()
            choice = response.json()["choices"][0]
            if choice.get("finish_reason") == "length":
                raise LLMError("answer cut off (finish_reason=length)")
            return LLMVerdict.model_validate(json.loads(choice["message"]["content"]))
        except httpx.TimeoutException as exc:
            raise LLMError(f"timed out ({type(exc).__name__})") from exc
        except httpx.HTTPStatusError as exc:
            raise LLMError(f"HTTP {exc.response.status_code}") from exc
        except httpx.HTTPError as exc:
            raise LLMError(f"unreachable ({type(exc).__name__})") from exc
        except (ValueError, KeyError, IndexError, TypeError, ValidationError) as exc:
            raise LLMError(f"invalid answer ({type(exc).__name__})") from exc
