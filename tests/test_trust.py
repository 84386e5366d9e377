"""The trust model through the real CLI: the repository under review cannot choose who decides,
where a credential goes, or weaken the trusted policies; secrets never reach output.

The servers here are stand-ins an attacker would run: an "OPA" that allows everything and an
"LLM endpoint", both recording every request and the credential it carried. Each negative test
has its positive twin (the same server chosen by the environment or the trusted config is
asked, with the credential), so the stand-ins are shown to work.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from conftest import Run, local_http_server

OPA_TOKEN = "opa-token-7f3a91"
LLM_KEY = "llm-key-c0ffee42"
PASSWORD = "hunter2-s3cret"
ALLOW_EVERYTHING = """# METADATA
# title: allows everything
# custom:
#   id: FAKE-ALLOW
package lacuna.main

violations := []
"""


# (method, path, Authorization header) of every request a stand-in received.
Recorded = list[tuple[str, str, str | None]]


@contextmanager
def stand_in(status: int = 200) -> Iterator[tuple[str, Recorded]]:
    """A server answering like OPA with a policy that allows everything (`status` 200), or
    failing with `status` and a message that repeats the credential it was sent."""
    recorded: Recorded = []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            credential = self.headers.get("Authorization")
            recorded.append((self.command, self.path, credential))
            if status != 200:
                body = {"code": "unauthorized", "message": f"rejected credential {credential}"}
            elif self.path == "/v1/policies":
                body = {"result": [{"id": "allow.rego", "raw": ALLOW_EVERYTHING}]}
            else:
                body = {"result": []}
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = _answer

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    with local_http_server(Handler) as url:
        yield url, recorded


def closed_port() -> int:
    """A loopback port nothing listens on (connections are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def add_to_tool_lacuna(project: Path, line: str) -> None:
    """Append a key to the shop's [tool.lacuna] table (the last table of its pyproject.toml)."""
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().rstrip("\n") + f"\n{line}\n")


def warnings(run: Run) -> list[str]:
    return [line for line in run.stderr.splitlines() if line.startswith("lacuna: warning:")]


def nowhere_in(run: Run, secret: str) -> None:
    assert secret not in run.stdout and secret not in run.stderr, run.stdout + run.stderr


# ---- who decides ----------------------------------------------------------------------------


def test_a_project_config_cannot_choose_the_policy_server(shop: Path, lacuna) -> None:
    with stand_in() as (url, recorded):
        add_to_tool_lacuna(shop, f'opa_url = "{url}"')
        env = {"LACUNA_OPA_TOKEN": OPA_TOKEN}
        ignored = lacuna("check", ".", cwd=shop, env=env)
        assert ignored.code == 1, ignored.stderr  # the shipped policies still decide
        assert "LAC-PII-001 BLOCKED export of PROPRIETARY data" in ignored.stdout
        assert recorded == []  # not one request, so never the token
        (warning,) = [w for w in warnings(ignored) if "opa_url" in w]
        assert warning.startswith("lacuna: warning: pyproject.toml [tool.lacuna]: opa_url: "
                                  "ignored: a repository's own config cannot choose the policy "
                                  "server")
        chosen = lacuna("check", ".", cwd=shop, env={**env, "LACUNA_OPA_URL": url})
        assert chosen.code == 0, chosen.stdout + chosen.stderr  # the stand-in allows all
        assert recorded and {credential for *_, credential in recorded} == {
            f"Bearer {OPA_TOKEN}"}


def test_the_trusted_config_outside_the_repository_chooses_the_policy_server(
        shop: Path, tmp_path: Path, lacuna) -> None:
    with stand_in() as (url, recorded):
        trusted = tmp_path / "operator" / "config.toml"
        trusted.parent.mkdir()
        trusted.write_text(f'opa_url = "{url}"\n')
        env = {"LACUNA_OPA_TOKEN": OPA_TOKEN, "LACUNA_TRUSTED_CONFIG": str(trusted)}
        result = lacuna("check", ".", cwd=shop, env=env)
        assert result.code == 0, result.stdout + result.stderr
        assert warnings(result) == []
        assert {credential for *_, credential in recorded} == {f"Bearer {OPA_TOKEN}"}
    inside = shop / "trusted.toml"
    inside.write_text(trusted.read_text())
    refused = lacuna("check", ".", cwd=shop, env={"LACUNA_TRUSTED_CONFIG": str(inside)})
    assert refused.code == 2
    assert refused.stderr.strip() == (f"lacuna: error: {inside}: the trusted config must live "
                                      f"outside the repository under review ({shop})")
    (tmp_path / "operator" / "config.toml").write_text('db = "elsewhere.duckdb"\n')
    unknown = lacuna("check", ".", cwd=shop, env={"LACUNA_TRUSTED_CONFIG": str(trusted)})
    assert unknown.code == 2 and unknown.stderr.count("\n") == 1
    assert f"{trusted}: db: Extra inputs are not permitted" in unknown.stderr


@pytest.fixture
def unsure_names(tmp_path: Path) -> Path:
    """A project whose column name no rule knows (layer 3 would be asked), layer 2 off."""
    project = tmp_path / "visits"
    (project / "data").mkdir(parents=True)
    (project / "data" / "visits.csv").write_text("zq_value\n")
    (project / "job.py").write_text("import pandas as pd\npd.read_csv('data/visits.csv')"
                                    ".to_csv('reports/visits.csv')\n")
    (project / "lacuna.toml").write_text('embeddings = false\nllm_model = "any"\n')
    return project


def test_a_project_config_cannot_choose_where_the_llm_key_goes(unsure_names: Path,
                                                                 lacuna) -> None:
    with stand_in(status=500) as (url, recorded):
        config = unsure_names / "lacuna.toml"
        config.write_text(config.read_text() + f'llm_url = "{url}"\n')
        env = {"LACUNA_LLM_API_KEY": LLM_KEY}
        ignored = lacuna("check", ".", cwd=unsure_names, env=env)
        assert ignored.code == 0, ignored.stderr
        assert recorded == []
        (warning,) = warnings(ignored)
        assert warning.startswith("lacuna: warning: lacuna.toml: llm_url: ignored: a "
                                  "repository's own config cannot choose the LLM endpoint")
        chosen = lacuna("check", ".", cwd=unsure_names, env={**env, "LACUNA_LLM_URL": url})
        assert chosen.code == 0, chosen.stderr
        assert recorded and {credential for *_, credential in recorded} == {f"Bearer {LLM_KEY}"}
        assert (f"lacuna: layer 3 (LLM at {url}/v1/chat/completions) gave no verdict: HTTP 500"
                in chosen.stderr)


# ---- secrets never reach output ------------------------------------------------------------


def test_a_password_in_the_opa_url_never_reaches_the_output(shop: Path, tmp_path: Path,
                                                           lacuna) -> None:
    unreachable = f"http://alice:{PASSWORD}@127.0.0.1:{closed_port()}"
    result = lacuna("check", ".", cwd=shop, env={"LACUNA_OPA_URL": unreachable})
    assert result.code == 2
    nowhere_in(result, PASSWORD)
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("lacuna: error: OPA at http://alice:***@127.0.0.1:")
    assert "is unreachable" in result.stderr and "refusing to allow" in result.stderr
    (tmp_path / "op.json").write_text(json.dumps({
        "action": "export",
        "source": {"tier": "PROPRIETARY", "tags": ["PII"], "lineage": [], "columns": {}},
        "destination": {"type": "http", "path": "https://x.example", "kind": "url",
                        "encrypted": False, "reason": "", "parameter": False,
                        "service": "", "category": ""},
        "user": {"id": "u", "role": "analyst"},
        "context": {"purpose": None, "environment": "local"}, "dynamic": False}))
    as_option = lacuna("policy", "eval", "--input", str(tmp_path / "op.json"), "--opa-url",
                       unreachable, cwd=tmp_path)
    assert as_option.code == 2 and "alice:***@" in as_option.stderr
    nowhere_in(as_option, PASSWORD)


def test_a_server_repeating_the_token_in_its_error_does_not_print_it(shop: Path,
                                                                     lacuna) -> None:
    with stand_in(status=401) as (url, recorded):
        result = lacuna("check", ".", cwd=shop,
                        env={"LACUNA_OPA_URL": url, "LACUNA_OPA_TOKEN": OPA_TOKEN})
    assert recorded  # the server was asked, and answered with the token in its message
    assert result.code == 2
    nowhere_in(result, OPA_TOKEN)
    assert "HTTP 401 (unauthorized: rejected credential Bearer ***)" in result.stderr


def test_a_password_in_the_llm_url_never_reaches_the_output(unsure_names: Path,
                                                            lacuna) -> None:
    unreachable = f"http://bob:{PASSWORD}@127.0.0.1:{closed_port()}/v1"
    env = {"LACUNA_LLM_URL": unreachable}
    result = lacuna("check", ".", "--format", "json", cwd=unsure_names, env=env)
    assert result.code == 0, result.stderr
    nowhere_in(result, PASSWORD)
    assert "lacuna: layer 3 (LLM at http://bob:***@127.0.0.1:" in result.stderr
    assert "gave no verdict: unreachable (ConnectError)" in result.stderr
    for command in (["audit", "log", "--format", "json"], ["classify", "explain", "zq_value"]):
        nowhere_in(lacuna(*command, cwd=unsure_names, env=env), PASSWORD)


# ---- the project's own policies may add, never weaken ---------------------------------------


def governance(project: Path) -> Path:
    add_to_tool_lacuna(project, 'policies = ["governance"]')
    folder = project / "governance"
    folder.mkdir()
    return folder


@pytest.mark.parametrize("package, clash", [
    ("lacuna.rules.pii_export", "the trusted package lacuna.rules.pii_export"),
    ("lacuna.rules", "the trusted package lacuna.rules."),
    ("lacuna.main", "the trusted package lacuna.main"),
    ("lacuna.lib.extra", "the trusted package lacuna.lib"),
    ("lacuna.config", "over the trusted policy data data.lacuna.config"),
    ("lacuna.config.governed_locations.more", "data.lacuna.config.governed_locations"),
])
def test_a_project_policy_cannot_add_to_or_redefine_a_trusted_package(
        shop: Path, lacuna, package: str, clash: str) -> None:
    (governance(shop) / "loophole.rego").write_text(
        f"package {package}\n\nimport rego.v1\n\ngoverned(_) := true\n")
    result = lacuna("check", ".", cwd=shop)
    assert result.code == 2
    line = result.stderr.strip()
    assert "\n" not in line and line.startswith("lacuna: error: ")
    assert f"governance/loophole.rego: package {package}: " in line and clash in line


def test_a_project_data_file_adds_keys_but_cannot_change_trusted_ones(shop: Path,
                                                                      lacuna) -> None:
    folder = governance(shop)
    (folder / "data.json").write_text(json.dumps({"lacuna": {"config": {
        "governed_locations": ["~/Downloads/", "reports/"],  # would allow the export
        "team": {"frozen_prefixes": ["reports/"]}}}}))      # a stricter rule's own data
    (folder / "frozen.rego").write_text("""# METADATA
# title: Frozen folders
# custom:
#   id: TEAM-FROZEN
#   version: 1.0.0
#   severity: medium
package lacuna.rules.frozen

import rego.v1

violations contains v if {
\tsome i, op in input.operations
\tsome prefix in data.lacuna.config.team.frozen_prefixes
\tstartswith(op.destination.path, prefix)
\tv := {"index": i, "reason": "the folder is frozen", "alternatives": []}
}
""")
    result = lacuna("check", ".", "--format", "json", cwd=shop)
    assert result.code == 1, result.stderr
    denied = {(f["operation"]["destination"]["name"], f["decision"]["policy_id"])
              for f in json.loads(result.stdout)["findings"] if not f["decision"]["allowed"]}
    assert ("~/Downloads/export.csv", "LAC-PII-001") in denied  # the change was ignored
    assert ("reports/summary.csv", "TEAM-FROZEN") in denied      # the addition counts
    (warning,) = warnings(result)
    assert warning == (f"lacuna: warning: {folder / 'data.json'}: lacuna.config."
                       "governed_locations: ignored: a repository's data.json may add keys, not "
                       "change the shipped or trusted value (see the README, \"Trust model\")")


def test_a_trusted_policy_folder_may_change_the_governed_locations(shop: Path, tmp_path: Path,
                                                                   lacuna) -> None:
    team = tmp_path / "operator" / "policies"
    team.mkdir(parents=True)
    (team / "data.json").write_text(json.dumps({"lacuna": {"config": {
        "governed_locations": ["~/Downloads/", "reports/"]}}}))
    (tmp_path / "operator" / "config.toml").write_text('policies = ["policies"]\n')
    result = lacuna("check", ".", cwd=shop,
                    env={"LACUNA_TRUSTED_CONFIG": str(tmp_path / "operator" / "config.toml")})
    assert result.code == 0, result.stdout + result.stderr
    assert warnings(result) == []
