"""The hooks of .pre-commit-hooks.yaml through the real pre-commit, in a temporary repository.

pre-commit installs Lacuna from a git repository holding a snapshot of this working tree (so
the test sees uncommitted changes too), once per session, and runs the hooks on staged files.
The hooks run through `pre-commit run` with a config naming that snapshot: `try-repo` would
build the hook environment again in a throw-away store on every call (about a minute each).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO

pytestmark = pytest.mark.slow
SCENARIO = "pipelines/customer_sales.py"
GIT = ["git", "-c", "user.email=ana@acme.example", "-c", "user.name=Ana"]
PRE_COMMIT = [sys.executable, "-m", "pre_commit"]


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This working tree (tracked and new files) committed into a repository of its own."""
    target = tmp_path_factory.mktemp("lacuna-hooks")
    listed = _git(REPO, "ls-files", "-co", "--exclude-standard", "-z").split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    _git(target, "init", "-q")
    _git(target, "add", ".")
    _git(target, "commit", "-qm", "snapshot")
    return target


@pytest.fixture(scope="session")
def hook_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """One PRE_COMMIT_HOME for the session (the hook environment is built once); the hook
    server, if one starts, goes away a few seconds after the last test."""
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home")),
           "NO_COLOR": "1", "LACUNA_HOOK_IDLE_SECONDS": "5"}
    env.pop("CI", None)
    return env


@pytest.fixture(scope="session")
def hook_config(hook_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A pre-commit config (outside the test repositories) with both hooks of the snapshot."""
    revision = _git(hook_repo, "rev-parse", "HEAD").strip()
    config = tmp_path_factory.mktemp("pre-commit-config") / "pre-commit-config.yaml"
    config.write_text(f"repos:\n  - repo: {hook_repo}\n    rev: {revision}\n    hooks:\n"
                      "      - id: lacuna\n      - id: lacuna-policy-test\n")
    return config


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A git repository with the shop's data and config committed, nothing staged."""
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    shutil.copy(FIXTURES / "shop" / "data" / "customers.csv", root / "data")
    (root / "pyproject.toml").write_text("[tool.lacuna]\npolicies = [\"governance\"]\n")
    (root / ".gitignore").write_text(".lacuna/\n")
    (root / "governance").mkdir()
    (root / "governance" / "README.md").write_text("The team's policies.\n")
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "data")
    return root


def _stage(root: Path, name: str, text: str) -> None:
    (root / name).parent.mkdir(parents=True, exist_ok=True)
    (root / name).write_text(text)
    _git(root, "add", name)


def _run_hook(root: Path, config: Path, env: dict[str, str], hook: str = "lacuna"
         ) -> subprocess.CompletedProcess:
    """One hook of the snapshot on the staged files of `root`, as a commit would run it."""
    return subprocess.run([*PRE_COMMIT, "run", "--config", str(config), hook], cwd=root,
                          env=env, capture_output=True, text=True, timeout=900)


def test_the_design_scenario_is_refused_with_the_explanation(project, hook_config, hook_env):
    _stage(project, SCENARIO, (FIXTURES / "shop" / SCENARIO).read_text())
    result = _run_hook(project, hook_config, hook_env)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "lacuna (data-governance check)" in output and "Failed" in output
    assert (f"{SCENARIO}:5:1: LAC-PII-001 BLOCKED export of PROPRIETARY data to "
            "~/Downloads/export.csv") in output
    assert "inherited from data/customers.csv" in output
    assert "1. Anonymize the personal columns" in output
    assert "Data steward:     privacy-office@acme.example" in output
    assert "blocked: 1 file" in output


def test_a_clean_change_passes(project, hook_config, hook_env):
    _stage(project, "pipelines/regions.py", 'import pandas as pd\nregions = pd.read_csv('
           '"data/regions.csv")\nregions.to_csv("reports/regions.csv")\n')
    _stage(project, "notes.txt", "not analysed\n")
    result = _run_hook(project, hook_config, hook_env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout


def test_only_staged_files_are_decided_with_the_project_as_context(
        project, hook_config, hook_env):
    """The consumer alone is staged; that its input holds customer PII is known only from the
    committed producer, which is not staged."""
    _stage(project, "jobs/prepare.py", 'import pandas as pd\npeople = pd.read_csv('
           '"data/customers.csv")\npeople.to_parquet("warehouse/batch_17.parquet")\n')
    assert _run_hook(project, hook_config, hook_env).returncode == 0
    _git(project, "commit", "-qm", "prepare", "--no-verify")
    _stage(project, "jobs/share.py", 'import pandas as pd\nbatch = pd.read_parquet('
           '"warehouse/batch_17.parquet")\nbatch.to_csv("~/Desktop/batch.csv")\n')
    result = _run_hook(project, hook_config, hook_env)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "jobs/share.py:3:1: LAC-PII-001 BLOCKED" in output
    assert "blocked: 1 file" in output


def test_an_installed_hook_refuses_the_commit_and_lets_a_clean_one_through(
        project, hook_repo, hook_env):
    revision = _git(hook_repo, "rev-parse", "HEAD").strip()
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hook_repo}\n    rev: {revision}\n    hooks:\n      - id: lacuna\n")
    subprocess.run([*PRE_COMMIT, "install"], cwd=project, env=hook_env, check=True,
                   capture_output=True)
    _stage(project, SCENARIO, (FIXTURES / "shop" / SCENARIO).read_text())
    refused = subprocess.run([*GIT, "commit", "-m", "export customers"], cwd=project,
                             env=hook_env, capture_output=True, text=True, timeout=900)
    assert refused.returncode != 0
    assert "LAC-PII-001 BLOCKED" in refused.stdout + refused.stderr
    assert _git(project, "rev-list", "--count", "HEAD").strip() == "1"
    _git(project, "rm", "-q", "--cached", SCENARIO)
    _stage(project, "pipelines/regions.py", 'import pandas as pd\npd.read_csv('
           '"data/regions.csv").to_csv("reports/regions.csv")\n')
    _stage(project, ".pre-commit-config.yaml", (project / ".pre-commit-config.yaml").read_text())
    accepted = subprocess.run([*GIT, "commit", "-m", "regions"], cwd=project, env=hook_env,
                              capture_output=True, text=True, timeout=900)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert _git(project, "rev-list", "--count", "HEAD").strip() == "2"


def test_policy_test_hook_runs_when_a_policy_changes(project, hook_config, hook_env):
    _stage(project, "governance/team_test.rego",
           "package team.checks_test\n\nimport rego.v1\n\ntest_truth if {\n\ttrue\n}\n")
    passed = _run_hook(project, hook_config, hook_env, "lacuna-policy-test")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "lacuna policy test" in passed.stdout and "Passed" in passed.stdout
    _stage(project, "governance/team_test.rego",
           "package team.checks_test\n\nimport rego.v1\n\ntest_broken if {\n\tfalse\n}\n")
    failed = _run_hook(project, hook_config, hook_env, "lacuna-policy-test")
    assert failed.returncode == 1
    assert "test_broken" in failed.stdout


def test_the_snippet_lacuna_init_prints_works_as_printed(project, hook_env, lacuna):
    """`lacuna init` prints a local-hooks config: it runs the Lacuna of this environment (the
    checkout under test) without naming any repository URL."""
    printed = lacuna("init", cwd=project).stdout
    start = printed.index("# .pre-commit-config.yaml")
    snippet = printed[start:printed.index("# .github/workflows", start)]
    (project / ".pre-commit-config.yaml").write_text(snippet)
    env = {**hook_env, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{hook_env['PATH']}",
           "PYTHONPATH": str(REPO), "LACUNA_HOOK_SERVER": "0"}
    _stage(project, SCENARIO, (FIXTURES / "shop" / SCENARIO).read_text())
    refused = _run_hook(project, project / ".pre-commit-config.yaml", env)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "LAC-PII-001 BLOCKED" in refused.stdout
    _git(project, "rm", "-q", "--cached", SCENARIO)
    _stage(project, "policies/extra_test.rego", "package team.extra_test\n\nimport rego.v1\n\n"
           "test_true if { true }\n")
    policy = _run_hook(project, project / ".pre-commit-config.yaml", env, "lacuna-policy-test")
    assert policy.returncode == 0, policy.stdout + policy.stderr
    assert "lacuna policy test" in policy.stdout and "Passed" in policy.stdout
