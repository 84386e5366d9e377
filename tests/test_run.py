"""`lacuna run -- COMMAND`: every file the command will execute is checked first; a blocked one
stops the run (exit 1), code that cannot be known before the run refuses it (exit 2). In every
case that does not run, a marker file the code would create must not exist afterwards."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from lacuna_cli.runner import Plan, Unfollowable, interpreter_launch

ALLOWED = ('import sys\nfrom jobs.util import copy_regions\n\ncopy_regions()\n'
           'print("ran with", sys.argv[1:])\nsys.exit(3)\n')
UTIL = ('import shutil\n\n\ndef copy_regions():\n'
        '    shutil.copy("data/regions.csv", "reports/regions.csv")\n')
LEAKY = ('import shutil\n\n\ndef copy_regions():\n'
         '    shutil.copy("data/customers.csv", "/tmp/lacuna-test-customers.csv")\n')
# Code that marks that it ran, then exports personal data: blocked wherever Lacuna reads it.
LEAK = ('import shutil\nopen("ran.txt", "w").close()\n'
        'shutil.copy("data/customers.csv", "/tmp/lacuna-test-customers.csv")\n')
HARMLESS = 'print("hello")\n'


def _project(shop: Path, util: str) -> Path:
    (shop / "jobs").mkdir()
    (shop / "jobs" / "__init__.py").write_text("")
    (shop / "jobs" / "util.py").write_text(util)
    (shop / "main.py").write_text('open("started.txt", "w").close()\n' + ALLOWED)
    return shop


def _write(project: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


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


# (files written into the project, the command after the interpreter or None for `./job.py`,
#  PYTHONPATH, the file:line the denial is reported at)
BLOCKED = {
    "script": ({"job.py": LEAK}, ["job.py"], None, "job.py:3"),
    "options before the script": ({"job.py": LEAK}, ["-u", "-X", "dev", "-W", "ignore",
                                                      "job.py"], None, "job.py:3"),
    "executable with #! line": ({"job.py": "#!/usr/bin/env python3\n" + LEAK}, None, None,
                                "job.py:4"),
    "-c CODE, then a harmless file as its argument": (
        {"ok.py": HARMLESS}, ["-c", LEAK, "ok.py"], None, ".lacuna/run/code-"),
    "grouped options ending in c": ({"ok.py": HARMLESS}, ["-Bc", LEAK, "ok.py"], None,
                                    ".lacuna/run/code-"),
    "-m package runs its __main__.py": (
        {"pkg/__init__.py": "", "pkg/__main__.py": LEAK}, ["-m", "pkg"], None,
        "pkg/__main__.py:3"),
    "-m module runs its package's __init__.py first": (
        {"pkg/__init__.py": LEAK, "pkg/tool.py": HARMLESS}, ["-m", "pkg.tool"], None,
        "pkg/__init__.py:3"),
    "import found through the src layout": (
        {"src/mylib/__init__.py": LEAK, "app.py": "import mylib\n"}, ["app.py"], None,
        "src/mylib/__init__.py:3"),
    "import found through PYTHONPATH": (
        {"lib/helpers.py": LEAK, "app.py": "import helpers\n"}, ["app.py"], "lib",
        "lib/helpers.py:3"),
    "importlib.import_module of a literal name": (
        {"steps/leak.py": LEAK, "steps/__init__.py": "",
         "app.py": "import importlib\nimportlib.import_module('steps.leak')\n"},
        ["app.py"], None, "steps/leak.py:3"),
    "exec(open(...).read())": (
        {"steps/leak.py": LEAK, "app.py": "exec(open('steps/leak.py').read())\n"},
        ["app.py"], None, "steps/leak.py:3"),
    "exec of a file opened in a with block": (
        {"steps/leak.py": LEAK,
         "app.py": "with open('steps/leak.py') as f:\n    exec(compile(f.read(), 'x', 'exec'))\n"},
        ["app.py"], None, "steps/leak.py:3"),
    "runpy.run_path": (
        {"steps/leak.py": LEAK,
         "app.py": "from runpy import run_path\nrun_path('steps/leak.py')\n"},
        ["app.py"], None, "steps/leak.py:3"),
    "subprocess running the interpreter on a file": (
        {"steps/leak.py": LEAK,
         "app.py": "import subprocess as sp, sys\nsp.run([sys.executable, 'steps/leak.py'])\n"},
        ["app.py"], None, "steps/leak.py:3"),
    "subprocess started in a literal folder": (
        {"steps/leak.py": LEAK,
         "app.py": "import subprocess, sys\nsubprocess.run([sys.executable, 'leak.py'], "
                   "cwd='steps')\n"},
        ["app.py"], None, "steps/leak.py:3"),
    "os.system with a shell line": (
        {"steps/leak.py": LEAK,
         "app.py": "import os\nos.system('echo start && python3 steps/leak.py > out.txt')\n"},
        ["app.py"], None, "steps/leak.py:3"),
}


@pytest.mark.parametrize("form", BLOCKED)
def test_code_the_command_executes_is_checked_and_a_blocked_run_never_starts(
        form: str, shop: Path, lacuna) -> None:
    files, words, pythonpath, location = BLOCKED[form]
    _write(shop, files)
    argv = ["./job.py"] if words is None else [sys.executable, *words]
    if words is None:
        (shop / "job.py").chmod(0o755)
    # the project's folder first, then the one this test's Lacuna is imported from
    env = {"PYTHONPATH": os.pathsep.join(filter(None, [pythonpath, os.environ.get(
        "PYTHONPATH")]))} if pythonpath else None
    result = lacuna("run", "--", *argv, cwd=shop, env=env)
    assert result.code == 1, (result.stdout, result.stderr)
    assert f"{location}" in result.stdout and "LAC-PII-001 BLOCKED" in result.stdout
    assert not (shop / "ran.txt").exists()


# (files, the command after the interpreter, what the one error line must say)
REFUSED = {
    "code from standard input": ({}, ["-"], "standard input"),
    "interactive interpreter": ({}, [], "standard input"),
    "-i after a script": ({"ok.py": HARMLESS}, ["-i", "ok.py"], "`-i`"),
    "-m module that is not in the project": ({}, ["-m", "pytest"], "module `pytest`"),
    "importlib.import_module of a computed name": (
        {"app.py": "import importlib, sys\nimportlib.import_module(sys.argv[1])\n"},
        ["app.py", "steps.leak"], "app.py:2: importlib.import_module() of a module known"),
    "exec of a file named at run time": (
        {"app.py": "import sys\nexec(open(sys.argv[1]).read())\n"},
        ["app.py", "steps/leak.py"], "app.py:2: builtins.exec() of code known only at run"),
    "subprocess with a computed command": (
        {"app.py": "import subprocess, sys\nsubprocess.run(sys.argv[1:])\n"},
        ["app.py", "python", "steps/leak.py"], "app.py:2: subprocess.run() of a command"),
    "subprocess through a shell program": (
        {"app.py": "import subprocess\nsubprocess.run(['bash', '-c', 'python steps/leak.py'])\n"},
        ["app.py"], "app.py:2: `bash` runs a command Lacuna does not follow"),
    "a shell line that changes folder before Python": (
        {"app.py": "import os\nos.system('cd steps && python3 leak.py')\n"}, ["app.py"],
        "app.py:2: a command that changes folder before it starts Python"),
    "a shell line that sets PYTHONPATH for Python": (
        {"app.py": "import os\nos.system('PYTHONPATH=steps python3 -m leak')\n"}, ["app.py"],
        "app.py:2: a command that gives it an environment of its own"),
    "subprocess with an environment of its own": (
        {"app.py": "import subprocess, sys\nsubprocess.run([sys.executable, 'steps/leak.py'], "
                   "env={'PYTHONPATH': 'steps'})\n"},
        ["app.py"], "app.py:2: a command that gives it an environment of its own"),
    "exec of a file that does not exist yet": (
        {"app.py": "exec(open('later.py').read())\n"}, ["app.py"],
        "app.py:1: later.py: no such file"),
}


@pytest.mark.parametrize("form", REFUSED)
def test_code_that_cannot_be_checked_before_the_run_is_refused(form: str, shop: Path,
                                                                lacuna) -> None:
    files, words, message = REFUSED[form]
    _write(shop, {"steps/leak.py": LEAK, **files})
    result = lacuna("run", "--", sys.executable, *words, cwd=shop)
    assert result.code == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("lacuna: error: not running `"), result.stderr
    assert message in lines[0]
    assert not (shop / "ran.txt").exists()


def test_a_file_run_by_a_shell_line_is_refused(shop: Path, lacuna) -> None:
    _write(shop, {"job.py": "#!/bin/sh\ntouch ran.txt\n"})
    (shop / "job.py").chmod(0o755)
    result = lacuna("run", "--", "./job.py", cwd=shop)
    assert result.code == 2 and "does not name a Python interpreter" in result.stderr
    assert not (shop / "ran.txt").exists()


def test_followed_code_that_is_allowed_runs(shop: Path, lacuna) -> None:
    _write(shop, {"steps/ok.py": 'open("ran.txt", "w").close()\n',
                  "app.py": "import subprocess, sys\nsubprocess.run(['git', '--version'])\n"
                            "subprocess.run([sys.executable, 'steps/ok.py'], check=True)\n"})
    result = lacuna("run", "--", sys.executable, "app.py", cwd=shop)
    assert result.code == 0, result.stderr
    assert "in 2 file(s) allowed" in result.stderr
    assert (shop / "ran.txt").exists()


def test_interpreter_options_are_read_as_python_reads_them() -> None:
    env: dict[str, str] = {}
    assert interpreter_launch(["-X", "dev", "-uB", "app.py", "-c", "x"], env).target == "app.py"
    code = interpreter_launch(["-Ic", "print(1)", "app.py"], env)
    assert (code.kind, code.target, code.safe_path, code.ignore_env) == ("code", "print(1)",
                                                                         True, True)
    assert interpreter_launch(["-mpkg.tool"], env).target == "pkg.tool"
    assert interpreter_launch(["-u", "--", "-odd-name.py"], env).target == "-odd-name.py"
    with pytest.raises(Unfollowable, match="PYTHONINSPECT"):
        interpreter_launch(["app.py"], {"PYTHONINSPECT": "1"})


def test_an_isolated_interpreter_does_not_search_pythonpath(tmp_path: Path) -> None:
    _write(tmp_path, {"lib/helpers.py": "x = 1\n", "app.py": "import helpers\n"})
    env = {"PYTHONPATH": "lib"}
    normal = Plan(tmp_path, tmp_path, env, tmp_path / "scratch")
    isolated = Plan(tmp_path, tmp_path, env, tmp_path / "scratch")
    assert [p.name for p in normal.follow(interpreter_launch(["app.py"], env))] == [
        "app.py", "helpers.py"]
    assert [p.name for p in isolated.follow(interpreter_launch(["-I", "app.py"], env))] == [
        "app.py"]
