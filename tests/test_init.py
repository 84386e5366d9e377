"""`lacuna init`: scaffolds config and policies without overwriting, prints the snippets."""

from __future__ import annotations

import tomllib
from pathlib import Path

import yaml



def test_init_scaffolds_a_working_project(tmp_path: Path, lacuna) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "analytics"\n')
    result = lacuna("init", cwd=tmp_path)
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines()[:3] == [
        "added [tool.lacuna] to pyproject.toml", "wrote policies/team_test.rego",
        "added .lacuna/ and lacuna-report.html to .gitignore"]
    assert "Set your organisation's in a trusted policy folder" in result.stdout
    config = tomllib.loads((tmp_path / "pyproject.toml").read_text())
    assert config["project"]["name"] == "analytics"
    assert config["tool"]["lacuna"] == {"policies": ["policies"], "exclude": []}
    assert not (tmp_path / "policies" / "data.json").exists()  # its edits would be ignored
    assert (tmp_path / ".gitignore").read_text() == ".lacuna/\nlacuna-report.html\n"
    tested = lacuna("policy", "test", cwd=tmp_path)
    assert tested.code == 0, tested.stdout + tested.stderr
    snippets = result.stdout[result.stdout.index("# .pre-commit-config.yaml"):]
    pre_commit, actions = snippets.split("# .github/workflows/lacuna.yml\n")
    hooks = yaml.safe_load(pre_commit)["repos"][0]["hooks"]
    assert [hook["id"] for hook in hooks] == ["lacuna", "lacuna-policy-test"]
    assert {hook["entry"] for hook in hooks} == {"lacuna-hook check", "lacuna policy test"}
    steps = yaml.safe_load(actions)["jobs"]["lacuna"]["steps"]
    assert steps[-1]["uses"] == "github/codeql-action/upload-sarif@v3"
    (tmp_path / "ok.py").write_text('import pandas as pd\npd.read_csv("data/products.csv")'
                                    '.to_csv("reports/products.csv")\n')
    assert lacuna("check", "ok.py", cwd=tmp_path).code == 0


def test_init_keeps_what_exists(tmp_path: Path, lacuna) -> None:
    (tmp_path / "lacuna.toml").write_text('policies = ["governance"]\n')
    (tmp_path / "governance").mkdir()
    (tmp_path / "governance" / "data.json").write_text("{}\n")
    (tmp_path / ".gitignore").write_text("*.pyc\n.lacuna/\nlacuna-report.html\n")
    result = lacuna("init", "--policies", "governance", cwd=tmp_path)
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines()[:3] == [
        "kept lacuna.toml", "wrote governance/team_test.rego", "kept .gitignore"]
    assert (tmp_path / "governance" / "data.json").read_text() == "{}\n"
    assert (tmp_path / "lacuna.toml").read_text() == 'policies = ["governance"]\n'


def test_init_policies_names_the_folder_in_an_existing_config(tmp_path: Path, lacuna) -> None:
    (tmp_path / "lacuna.toml").write_text('exclude = ["tests/**"]\n')
    first = lacuna("init", "--policies", "gov/rules", cwd=tmp_path)
    assert first.code == 0 and first.stdout.splitlines()[0] == (
        'added policies = ["gov/rules"] to lacuna.toml')
    second = lacuna("init", "--policies", "team", cwd=tmp_path)
    assert second.stdout.splitlines()[0] == 'added "team" to the policies of lacuna.toml'
    config = tomllib.loads((tmp_path / "lacuna.toml").read_text())
    assert config == {"policies": ["gov/rules", "team"], "exclude": ["tests/**"]}
    checked = lacuna("policy", "test", cwd=tmp_path)
    assert checked.code == 0, checked.stdout + checked.stderr
