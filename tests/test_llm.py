"""Layer 3 against a local server that speaks OpenAI's `/v1/chat/completions` (loopback only)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler

from conftest import local_http_server

from lacuna_cli.classify.cache import Cache
from lacuna_cli.classify.heuristics import load_rules
from lacuna_cli.classify.layers import ColumnLayers
from lacuna_cli.classify.llm import LLMClassifier, LLMSettings

GOOD = {"tier": "PROPRIETARY", "tags": ["PII", "GDPR"], "identifier": True, "confidence": 0.8,
        "reasoning": "a handle people are contacted by"}


@contextmanager
def chat_server(answer: Callable[[dict], tuple[dict | str, str]], delay: float = 0.0
                ) -> Iterator[tuple[str, list[dict]]]:
    """An in-process chat-completions server on 127.0.0.1; `answer(request)` gives the
    message content and finish_reason. Stops when the block ends (and after 30 s at most)."""
    seen: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # http.server's naming
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            seen.append({"path": self.path, **body})
            time.sleep(delay)
            content, finish = answer(body)
            payload = json.dumps({"id": "x", "object": "chat.completion", "choices": [{
                "index": 0, "finish_reason": finish, "message": {
                    "role": "assistant",
                    "content": content if isinstance(content, str) else json.dumps(content)}}]})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload.encode())

        def log_message(self, *args: object) -> None:
            pass

    with local_http_server(Handler) as base:
        yield base, seen


def layers_with(url: str, cache: Cache | None = None, **timeouts: float) -> ColumnLayers:
    llm = LLMClassifier(LLMSettings(url, "tiny-test-model", **timeouts), cache or Cache(None))
    return ColumnLayers(load_rules(), cache or Cache(None), use_embeddings=False, llm=llm,
                        notify=lambda _: None)


def test_an_unsure_name_is_decided_by_the_llm_with_a_strict_json_schema() -> None:
    with chat_server(lambda body: (GOOD, "stop")) as (url, seen):
        layers = layers_with(url)
        layers.decide(["contact_handle", "email"])
    verdict = layers.verdict("contact_handle")
    assert verdict.layer == "llm" and verdict.tags == {"PII", "GDPR"}
    assert "tiny-test-model: a handle people are contacted by" in verdict.why
    assert layers.verdict("email").layer == "heuristic"  # sure in layer 1: never sent
    (request,) = seen
    assert request["path"] == "/v1/chat/completions" and request["temperature"] == 0
    assert request["response_format"]["type"] == "json_schema"
    assert request["response_format"]["json_schema"]["strict"] is True
    assert "contact_handle" in request["messages"][-1]["content"]


def test_answers_are_cached_so_a_second_run_asks_nothing() -> None:
    cache = Cache(None)
    with chat_server(lambda body: (GOOD, "stop")) as (url, seen):
        layers_with(url, cache).decide(["contact_handle"])
        layers_with(url, cache).decide(["contact_handle"])
    assert len(seen) == 1


def test_invalid_or_truncated_answers_leave_the_lower_verdict_flagged_uncertain() -> None:
    answers = {"a_col": ("not json", "stop"), "b_col": (GOOD, "length"),
               "c_col": ({**GOOD, "tier": "SECRET"}, "stop")}
    with chat_server(lambda body: answers[body["messages"][-1]["content"].split("'")[1]]
                     ) as (url, _):
        layers = layers_with(url)
        layers.decide(list(answers))
    for name, reason in (("a_col", "invalid answer"), ("b_col", "finish_reason=length"),
                         ("c_col", "invalid answer")):
        verdict = layers.verdict(name)
        assert verdict.layer == "default" and not verdict.tags
        assert "uncertain: LLM gave no verdict" in verdict.why and reason in verdict.why


def test_a_slow_server_hits_the_read_timeout_and_the_overall_deadline() -> None:
    with chat_server(lambda body: (GOOD, "stop"), delay=1.0) as (url, seen):
        layers = layers_with(url, read_timeout=0.2, deadline=0.5)
        started = time.monotonic()
        layers.decide(["a_col", "b_col", "c_col", "d_col"])
        elapsed = time.monotonic() - started
    assert elapsed < 1.5
    whys = [layers.verdict(n).why for n in ("a_col", "b_col", "c_col", "d_col")]
    assert any("timed out" in why for why in whys)
    assert any("deadline of 0.5s reached" in why for why in whys)
    assert len(seen) <= 3


def test_an_unreachable_endpoint_is_reported_not_raised() -> None:
    layers = layers_with("http://127.0.0.1:9", connect_timeout=0.5)
    layers.decide(["a_col"])
    assert "unreachable" in layers.verdict("a_col").why
