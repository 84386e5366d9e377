"""Config, rules, exceptions, classifications, policy data and the trusted config holding bytes
that are not UTF-8 or nesting deep enough to exhaust a parser: one error line naming the file,
exit 2, never an internal error (through the real CLI)."""

from __future__ import annotations

from pathlib import Path

import pytest

DEPTH = 5000
NOT_UTF8 = b"\n# caf\xe9 \xff\xfe\n"


def deep(opening: str, closing: str) -> str:
    return opening * DEPTH + closing * DEPTH


# (file, what the project's lacuna.toml says, bad contents by kind)
CASES = {
    "lacuna.toml": ("", {"utf8": b'dialect = "duckdb"' + NOT_UTF8,
                         "deep": f"exclude = {deep('[', ']')}\n".encode()}),
    "pyproject.toml": (None, {"utf8": b"[tool.lacuna]" + NOT_UTF8,
                              "deep": f"[tool.lacuna]\nexclude = {deep('[', ']')}\n".encode()}),
    "team-rules.yaml": ('rules = ["team-rules.yaml"]\n',
                        {"utf8": b"version: 1" + NOT_UTF8,
                         "deep": f"version: 1\nrules: {deep('[', ']')}\n".encode()}),
    "lacuna-exceptions.yaml": ("", {"utf8": b"exceptions: []" + NOT_UTF8,
                                    "deep": f"exceptions: {deep('[', ']')}\n".encode()}),
    "lacuna-classifications.yaml": ("", {"utf8": b"version: 1" + NOT_UTF8,
                                         "deep": f"overrides: {deep('[', ']')}\n".encode()}),
    "governance/data.json": ('policies = ["governance"]\n',
                             {"utf8": b'{"team": 1}' + NOT_UTF8,
                              "deep": f'{{"team": {deep("[", "]")}}}'.encode()}),
    "trusted.toml": ("", {"utf8": b'opa_timeout = 2' + NOT_UTF8,
                          "deep": f"policies = {deep('[', ']')}\n".encode()}),
}


@pytest.mark.parametrize("kind", ["utf8", "deep"])
@pytest.mark.parametrize("name", list(CASES))
def test_a_file_that_is_not_utf8_or_nested_too_deeply_is_one_error_naming_it(
        tmp_path: Path, lacuna, name: str, kind: str) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "job.py").write_text("import pandas as pd\npd.read_csv('a.csv')"
                                    ".to_csv('reports/a.csv')\n")
    config, contents = CASES[name]
    if config is not None:
        (project / "lacuna.toml").write_text(config)
    env = {}
    if name == "trusted.toml":
        bad = tmp_path / "operator" / name  # the trusted config lives outside the project
        env["LACUNA_TRUSTED_CONFIG"] = str(bad)
    else:
        bad = project / name
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_bytes(contents[kind])
    result = lacuna("check", ".", cwd=project, env=env)
    assert result.code == 2, result.stdout + result.stderr
    line = result.stderr.strip()
    assert "\n" not in line, result.stderr
    assert line.startswith("lacuna: error: ") and "internal error" not in line
    assert name in line
    expected = "not valid UTF-8" if kind == "utf8" else (
        "nested too deeply" if name.endswith((".toml", ".json")) else
        "exceeded maximum nesting depth")
    assert expected in line


def test_a_bad_environment_value_is_blamed_on_the_variable_not_the_file(tmp_path: Path,
                                                                        lacuna) -> None:
    (tmp_path / "lacuna.toml").write_text("embeddings = true\n")
    result = lacuna("check", ".", cwd=tmp_path, env={"LACUNA_EMBEDDINGS": "sometimes"})
    assert result.code == 2
    assert result.stderr.strip().startswith("lacuna: error: LACUNA_EMBEDDINGS: embeddings: ")
    assert result.stderr.count("\n") == 1


def test_a_policy_nested_deep_enough_to_stall_the_rego_parser_is_refused_at_once(
        tmp_path: Path, lacuna) -> None:
    """regorus parses nested array/object/set literals in exponential time (depth 20: minutes);
    such a file is one line naming it, and brackets inside strings and comments don't count."""
    project = tmp_path / "project"
    (project / "governance").mkdir(parents=True)
    (project / "lacuna.toml").write_text('policies = ["governance"]\n')
    (project / "job.py").write_text("import pandas as pd\npd.read_csv('a.csv')"
                                    ".to_csv('reports/a.csv')\n")
    brackets = "[" * 30
    (project / "governance" / "notes.rego").write_text(
        f'package lacuna.rules.notes\n\nimport rego.v1\n\n# {brackets}\nlabel := "{brackets}"\n'
        f"shape := `{brackets}`\n")
    assert lacuna("check", ".", cwd=project).code == 0
    (project / "governance" / "deep.rego").write_text(
        "package lacuna.rules.deep\n\nimport rego.v1\n\n"
        f"x := {'[' * 20}1{']' * 20}\n")
    result = lacuna("check", ".", cwd=project, timeout=60)
    assert result.code == 2
    assert result.stderr.strip() == (
        f"lacuna: error: {project / 'governance' / 'deep.rego'}:5: brackets nest deeper than "
        "10 levels (the Rego parser takes exponential time on them); flatten the literal")


def test_a_policy_data_string_with_a_lone_surrogate_is_one_error_line(tmp_path: Path,
                                                                      lacuna) -> None:
    """`"\\ud800"` is valid JSON syntax but no Unicode text (found by bench/fuzz_inputs.py)."""
    project = tmp_path / "project"
    (project / "governance").mkdir(parents=True)
    (project / "lacuna.toml").write_text('policies = ["governance"]\n')
    (project / "job.py").write_text("import pandas as pd\npd.read_csv('a.csv')"
                                    ".to_csv('reports/a.csv')\n")
    (project / "governance" / "data.json").write_text('{"team": {"note": "\\ud800x"}}')
    result = lacuna("check", ".", cwd=project)
    assert result.code == 2
    line = result.stderr.strip()
    assert "\n" not in line and "internal error" not in line
    assert line.startswith(f"lacuna: error: {project / 'governance' / 'data.json'}: invalid JSON")
