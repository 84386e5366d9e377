"""`lacuna run -- python SCRIPT`: checked with its local imports, run only when allowed."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from lacuna_cli.runner import local_modules, script_of

ALLOWED = ('import sys\nfrom jobs.util import copy_regions\n\ncopy_regions()\n'
           'print("ran with", sys.argv[1:])\nsys.exit(3)\n')
UTIL = ('import shutil\n\n\ndef copy_regions():\n'
        '    shutil.copy("data/regions.csv", "reports/regions.csv")\n')
LEAKY = ('import shutil\n\n\ndef copy_regions():\n'
         '    shutil.copy("data/customers.csv", "/tmp/lacuna-test-customers.csv")\n')


def _project(shop: Path, util: str) -> Path:
    (shop / "jobs").mkdir()
    (shop / "jobs" / "__init__.py").write_text("")
    (shop / "jobs" / "util.py").write_text(util)
    (shop / "main.py").write_text('open("started.txt", "w").close()\n' + ALLOWED)
    return shop


def test_allowed_script_runs_with_its_arguments_and_exit_code(shop: Path, lacuna) -> None:
    project = _project(shop, UTIL)
    result = lacuna("run", "--", sys.executable, "main.py", "--day", "2026-11-01", cwd=project)
    assert result.code == 3, result.stderr
    assert "ran with ['--day', '2026-11-01']" in result.stdout
    assert "allowed (recorded in the audit log); running" in result.stderr
    assert (project / "reports" / "regions.csv").exists()
    log = json.loads(lacuna("audit", "log", "--format", "json", cwd=project).stdout)["records"]
    assert [r["location"] for r in log] == ["jobs/util.py:5"]  # the imported module's copy


def test_blocked_operation_in_an_imported_module_stops_the_run(shop: Path, lacuna) -> None:
    project = _project(shop, LEAKY)
    result = lacuna("run", "--", sys.executable, "main.py", cwd=project)
    assert result.code == 1
    assert "jobs/util.py:5:5: LAC-PII-001 BLOCKED" in result.stdout
    assert "not running" in result.stderr
    assert not (project / "started.txt").exists()
    denied = json.loads(lacuna("audit", "log", "--format", "json", "--result", "denied",
                               cwd=project).stdout)["records"]
    assert [r["location"] for r in denied] == ["jobs/util.py:5"]


def test_a_command_without_a_script_is_a_usage_error(shop: Path, lacuna) -> None:
    result = lacuna("run", "--", "ls", "-l", cwd=shop)
    assert result.code == 2 and "no Python script to check" in result.stderr


def test_local_modules_follow_imports_inside_the_project_only(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("from . import steps\n")
    (tmp_path / "pkg" / "steps.py").write_text("import json\nfrom .deep import x\n")
    (tmp_path / "pkg" / "deep.py").write_text("x = 1\n")
    (tmp_path / "app.py").write_text("import os, pkg\n")
    found = [p.relative_to(tmp_path).as_posix() for p in local_modules(tmp_path / "app.py",
                                                                       tmp_path)]
    assert found == ["app.py", "pkg/__init__.py", "pkg/deep.py", "pkg/steps.py"]
    assert script_of(["python3", "-X", "dev", "-u", "app.py", "x"], tmp_path) == Path("app.py")
    assert script_of(["python", "-m", "pkg.steps"], tmp_path) == tmp_path / "pkg" / "steps.py"
