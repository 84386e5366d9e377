"""`lacuna init`: scaffolds config and policies without overwriting, prints the snippets."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import yaml

from conftest import REPO


def test_init_scaffolds_a_working_project(tmp_path: Path, lacuna) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "analytics"\n')
    result = lacuna("init", cwd=tmp_path)
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines()[:4] == [
        "added [tool.lacuna] to pyproject.toml", "wrote policies/data.json",
        "wrote policies/team_test.rego", "added .lacuna/ to .gitignore"]
    config = tomllib.loads((tmp_path / "pyproject.toml").read_text())
    assert config["project"]["name"] == "analytics"
    assert config["tool"]["lacuna"] == {"policies": ["policies"], "exclude": []}
    assert json.loads((tmp_path / "policies" / "data.json").read_text()) == json.loads(
        (REPO / "policies" / "data.json").read_text())
    assert (tmp_path / ".gitignore").read_text() == ".lacuna/\n"
    tested = lacuna("policy", "test", cwd=tmp_path)
    assert tested.code == 0, tested.stdout + tested.stderr
    snippets = result.stdout.split("# .pre-commit-config.yaml\n", 1)[1]
    pre_commit, actions = snippets.split("# .github/workflows/lacuna.yml\n")
    hooks = yaml.safe_load(pre_commit)["repos"][0]["hooks"]
    assert [hook["id"] for hook in hooks] == ["lacuna", "lacuna-policy-test"]
    steps = yaml.safe_load(actions)["jobs"]["lacuna"]["steps"]
    assert steps[-1]["uses"] == "github/codeql-action/upload-sarif@v3"
    (tmp_path / "ok.py").write_text('import pandas as pd\npd.read_csv("data/products.csv")'
                                    '.to_csv("reports/products.csv")\n')
    assert lacuna("check", "ok.py", cwd=tmp_path).code == 0


def test_init_keeps_what_exists(tmp_path: Path, lacuna) -> None:
    (tmp_path / "lacuna.toml").write_text('policies = ["governance"]\n')
    (tmp_path / "governance").mkdir()
    (tmp_path / "governance" / "data.json").write_text("{}\n")
    (tmp_path / ".gitignore").write_text("*.pyc\n.lacuna/\n")
    result = lacuna("init", "--policies", "governance", cwd=tmp_path)
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines()[:4] == [
        "kept lacuna.toml", "kept governance/data.json", "wrote governance/team_test.rego",
        "kept .gitignore"]
    assert (tmp_path / "governance" / "data.json").read_text() == "{}\n"
    assert (tmp_path / "lacuna.toml").read_text() == 'policies = ["governance"]\n'
