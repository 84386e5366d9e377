"""The remote engine against an in-process server speaking OPA's REST protocol."""

from __future__ import annotations

import json
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from lacuna_cli.errors import PolicyLoadError
from lacuna_cli.policy.decide import decision_for
from lacuna_cli.policy.embedded import EmbeddedEngine
from lacuna_cli.policy.engine import evaluate_unique, load_policy_set
from lacuna_cli.policy.remote import RemoteEngine
from lacuna_cli.shipped import shipped_dir
from conftest import local_http_server
from opa_server import serve_opa
from test_policy import op_input

TOKEN = "s3cret-token"


@pytest.fixture(scope="module")
def policy_set():
    return load_policy_set([shipped_dir("policies")])


@pytest.fixture
def opa(policy_set):
    with serve_opa(policy_set, token=TOKEN, lifetime=60) as server:
        yield server


def mixed_batch() -> list[dict]:
    return [op_input(), op_input(tier="PUBLIC", tags=(), dest_type="http", path="https://x"),
            op_input(tier="PROPRIETARY", tags=(), dest_type="http", path="https://x"),
            op_input(tier="INTERNAL", tags=("PHI",), dest_type="project",
                     path="warehouse/v.parquet", action="write"),
            op_input(tags=(), dest_type="dynamic", path="", action="write")]


def test_remote_and_embedded_decide_identically_in_one_request(opa, policy_set) -> None:
    batch = mixed_batch() * 3
    with RemoteEngine(opa.url, TOKEN, timeout=5) as remote:
        remote_set = remote.policy_set()
        opa.requests.clear()
        remote_results = evaluate_unique(remote, batch)
    assert opa.requests == ["POST /v1/data/lacuna/main/violations?strict-builtin-errors=true"]
    local_results = evaluate_unique(EmbeddedEngine(policy_set), batch)
    assert remote_results == local_results
    remote_decisions = [decision_for("x", v, remote_set) for v in remote_results]
    local_decisions = [decision_for("x", v, policy_set) for v in local_results]
    assert remote_decisions == local_decisions
    assert [d.policy_id for d in remote_decisions[:5]] == [
        "LAC-PII-001", "LACUNA-DEFAULT", "LAC-EXT-001", "LAC-ENC-001", "LAC-DYN-001"]


def test_keep_alive_reuses_one_connection(opa) -> None:
    with RemoteEngine(opa.url, TOKEN) as remote:
        for _ in range(5):
            remote.evaluate([op_input()])
        assert opa.connections == 1


@pytest.mark.parametrize("token, message", [
    (None, "HTTP 401 (unauthorized: missing or invalid bearer token)"),
    ("wrong", "HTTP 401"),
])
def test_a_bad_token_fails_closed(opa, token, message) -> None:
    with pytest.raises(PolicyLoadError, match=message.replace("(", r"\(").replace(")", r"\)")):
        RemoteEngine(opa.url, token)


def test_a_slow_server_times_out_and_fails_closed(opa) -> None:
    with RemoteEngine(opa.url, TOKEN, timeout=0.2) as remote:
        opa.delay = 1.0
        started = time.perf_counter()
        with pytest.raises(PolicyLoadError, match=r"did not answer POST .* within 0\.2s"):
            remote.evaluate([op_input()])
        assert time.perf_counter() - started < 0.9


def test_a_failing_server_fails_closed(opa) -> None:
    with RemoteEngine(opa.url, TOKEN) as remote:
        opa.fail_status = 500
        with pytest.raises(PolicyLoadError, match=r"HTTP 500 \(internal_error: injected"):
            remote.evaluate([op_input()])


def test_an_unreachable_server_fails_closed(policy_set) -> None:
    with serve_opa(policy_set) as server:
        url = server.url
    with pytest.raises(PolicyLoadError, match="unreachable"):
        RemoteEngine(url, timeout=1)


@pytest.mark.parametrize("entry, batch, message", [
    ("violations := [] if { input.never }", [op_input()],
     "undefined or not a list: refusing to allow"),
    ("violations := [x] if { x := 1 / count(input.operations) }", [], "HTTP 500"),
], ids=["undefined result", "policy error"])
def test_a_broken_entry_rule_on_the_server_fails_closed(tmp_path: Path, entry: str,
                                                       batch: list, message: str) -> None:
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "main.rego").write_text(
        "# METADATA\n# title: broken entry\n# custom:\n#   id: X\npackage lacuna.main\n\n"
        f"import rego.v1\n\n{entry}\n")
    with (serve_opa(load_policy_set([folder])) as server, RemoteEngine(server.url) as remote,
          pytest.raises(PolicyLoadError, match=message)):
        remote.evaluate(batch)


def test_check_and_eval_use_the_server(opa, lacuna, tmp_path: Path) -> None:
    (tmp_path / "op.json").write_text(json.dumps(op_input()))
    env = {"LACUNA_OPA_TOKEN": TOKEN}
    result = lacuna("policy", "eval", "--input", str(tmp_path / "op.json"), "--format", "json",
                    "--opa-url", opa.url, cwd=tmp_path, env=env)
    assert result.code == 1, result.stderr
    assert json.loads(result.stdout)["policy_id"] == "LAC-PII-001"
    assert any(r.startswith("POST /v1/data/lacuna/main/violations") for r in opa.requests)
    opa.fail_status = 503
    failed = lacuna("policy", "eval", "--input", str(tmp_path / "op.json"), "--opa-url",
                    opa.url, cwd=tmp_path, env=env)
    assert failed.code == 2
    assert failed.stderr.strip().startswith("lacuna: error: OPA at http://127.0.0.1:")
    assert "refusing to allow" in failed.stderr


def test_a_token_in_a_committed_config_file_is_refused(lacuna, tmp_path: Path) -> None:
    (tmp_path / "lacuna.toml").write_text('opa_token = "abc"\n')
    (tmp_path / "op.json").write_text(json.dumps(op_input()))
    result = lacuna("policy", "eval", "--input", str(tmp_path / "op.json"), cwd=tmp_path)
    assert result.code == 2 and "LACUNA_OPA_TOKEN" in result.stderr


class _Trickling(BaseHTTPRequestHandler):
    """OPA's protocol, except that the decision trickles out one byte every 0.2 s: each read
    is quick, the whole answer ("no violations") takes seconds."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def _json(self, body: bytes, trickle: bool = False) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        for start in range(0, len(body), 1 if trickle else len(body)):
            self.wfile.write(body[start:start + (1 if trickle else len(body))])
            self.wfile.flush()
            if trickle:
                time.sleep(0.2)

    def do_GET(self) -> None:
        if self.path.startswith("/v1/policies"):
            modules = [{"id": str(path), "raw": path.read_text()}
                       for path in sorted(shipped_dir("policies").rglob("*.rego"))
                       if not path.stem.endswith("_test")]
            self._json(json.dumps({"result": modules}).encode())
        else:
            self._json(b"{}")

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self._json(b'{"result": []}' + b" " * 136, trickle=True)  # 30 s in all


def test_a_server_trickling_its_answer_fails_closed_at_the_deadline(shop: Path, lacuna,
                                                                   tmp_path: Path) -> None:
    trusted = tmp_path / "operator" / "config.toml"
    trusted.parent.mkdir()
    trusted.write_text("opa_timeout = 1\n")
    with local_http_server(_Trickling) as url:
        started = time.monotonic()
        result = lacuna("check", ".", cwd=shop,
                        env={"LACUNA_OPA_URL": url, "LACUNA_TRUSTED_CONFIG": str(trusted)})
        elapsed = time.monotonic() - started
    assert result.code == 2, result.stdout + result.stderr
    assert "did not answer POST /v1/data/lacuna/main/violations within 1s: refusing to allow" \
        in result.stderr
    assert elapsed < 20  # the whole answer would take 30 s; the rest is process start-up
    assert "blocked" not in result.stdout and "clean" not in result.stdout
