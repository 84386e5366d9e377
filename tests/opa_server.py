"""An OPA-compatible REST endpoint backed by the embedded engine, on loopback, in a thread.

No OPA binary can be installed on the machines this is developed on, so the remote engine is
exercised against this stand-in: it implements the parts of OPA's REST API Lacuna uses
(`GET /health`, `GET /v1/policies`, `POST /v1/data/{path}`, bearer tokens, OPA's error body)
and can be told to answer slowly or fail. It serves one connection at a time, because a
regorus engine may only be used by the thread that built it, and it stops by itself after
`lifetime` seconds so a forgotten server cannot outlive a test run.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import orjson

from lacuna_cli.errors import PolicyLoadError
from lacuna_cli.policy.embedded import UNDEFINED, EmbeddedEngine
from lacuna_cli.policy.engine import PolicySet


class OpaServer(HTTPServer):
    """The server state a test can change while it runs: delay, failures, request count."""

    def __init__(self, policy_set: PolicySet, token: str | None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.policy_set = policy_set
        self.token = token
        self.delay = 0.0
        self.fail_status: int | None = None
        self.requests: list[str] = []
        self.connections = 0
        self.engine: EmbeddedEngine | None = None

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (timed out) closes the socket mid-answer: expected here."""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as OPA
    # Headers and body go out as separate writes; with Nagle's algorithm on, the body waits
    # for the client's delayed ACK and every small request costs ~40 ms instead of ~0.3 ms.
    disable_nagle_algorithm = True
    server: OpaServer

    def setup(self) -> None:
        super().setup()
        self.server.connections += 1

    def do_GET(self) -> None:
        if self.path.split("?")[0] == "/health":
            self._answer(200, {})
        elif self.path == "/v1/policies":
            self._answer(200, {"result": [{"id": path, "raw": text} for path, text
                                          in self.server.policy_set.modules.items()]})
        else:
            self._answer(404, {"code": "resource_not_found", "message": self.path})

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        path = self.path.split("?")[0]
        if not path.startswith("/v1/data/"):
            self._answer(404, {"code": "resource_not_found", "message": self.path})
            return
        try:
            document = orjson.loads(body) if body else {}
        except orjson.JSONDecodeError as exc:
            self._answer(400, {"code": "invalid_parameter", "message": str(exc)})
            return
        ref = path.removeprefix("/v1/data/").strip("/").replace("/", ".")
        given = document.get("input")
        try:
            value = self.server.engine.query(  # type: ignore[union-attr]
                ref, None if given is None else orjson.dumps(given).decode())
        except PolicyLoadError as exc:
            self._answer(500, {"code": "internal_error", "message": str(exc)})
            return
        self._answer(200, {} if value is UNDEFINED else {"result": value})

    def _answer(self, status: int, document: dict[str, Any]) -> None:
        server = self.server
        server.requests.append(f"{self.command} {self.path}")
        if server.token and self.headers.get("Authorization") != f"Bearer {server.token}":
            status, document = 401, {"code": "unauthorized",
                                     "message": "missing or invalid bearer token"}
        elif server.fail_status is not None:
            status, document = server.fail_status, {"code": "internal_error",
                                                    "message": "injected failure"}
        time.sleep(server.delay)
        payload = orjson.dumps(document)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: a test's output is for the test."""


@contextmanager
def serve_opa(policy_set: PolicySet, token: str | None = None,
              lifetime: float = 120.0) -> Iterator[OpaServer]:
    """Serve `policy_set` on a random loopback port until the block ends (or `lifetime`)."""
    server = OpaServer(policy_set, token)
    ready = threading.Event()
    failure: list[BaseException] = []

    def run() -> None:
        try:
            server.engine = EmbeddedEngine(policy_set)
        except BaseException as exc:  # noqa: BLE001 - every failure is handed to the caller
            failure.append(exc)
            ready.set()
            return
        ready.set()
        try:
            server.serve_forever(poll_interval=0.05)
        finally:
            server.engine = None  # dropped by the thread that built it, as regorus requires

    thread = threading.Thread(target=run, name="opa-stand-in", daemon=True)
    stopper = threading.Timer(lifetime, server.shutdown)
    stopper.daemon = True
    thread.start()
    ready.wait()
    try:
        if failure:
            raise failure[0]
        stopper.start()
        yield server
    finally:
        stopper.cancel()
        if thread.is_alive():
            server.shutdown()
        thread.join(timeout=5)
        server.server_close()
