"""A short run of the fuzz bench (`bench/fuzz_inputs.py`): a few hundred damaged `.py`,
notebook, Databricks, `.sql`, dbt YAML files and policy inputs, each run through the CLI's entry
point beside the canaries. No run may print a traceback, exit outside 0/1/2, or lose a
canary's denial; no damaged policy input may be allowed."""

from __future__ import annotations

import importlib.util
import random
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("fuzz_inputs", REPO / "bench" / "fuzz_inputs.py")
fuzz = sys.modules.setdefault("fuzz_inputs", importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(fuzz)


def test_damaged_inputs_never_crash_the_run_nor_hide_a_denial(tmp_path, monkeypatch):
    for name, value in {**fuzz.ENV, "LACUNA_DB": str(tmp_path / "run.duckdb")}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("LACUNA_DEBUG", raising=False)
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    monkeypatch.chdir(tmp_path)
    project = fuzz.build_project(tmp_path)
    clean = fuzz.run_in_process(project, ["check", ".", "--format", "json"])
    assert clean.code == 1 and not fuzz.judge(fuzz.Task("code", {}), clean).hidden
    shutil.copyfile(tmp_path / "run.duckdb", tmp_path / "golden.duckdb")
    rng = random.Random(19)
    tasks = ([fuzz.code_task(rng) for _ in range(12)] + [fuzz.dbt_task(rng) for _ in range(4)]
             + [fuzz.policy_eval_task(rng) for _ in range(25)])

    problems = []
    for task in tasks:
        shutil.copyfile(tmp_path / "golden.duckdb", tmp_path / "run.duckdb")
        before = fuzz.apply(project, task.files)
        try:
            outcome = fuzz.run_in_process(project, task.args)
        finally:
            fuzz.restore(project, before)
        verdict = fuzz.judge(task, outcome)
        if verdict.traceback or verdict.bad_exit or verdict.hidden or verdict.invalid_allowed:
            problems.append((task.kind, outcome.code, verdict, outcome.stderr[-500:]))

    assert sum(task.inputs for task in tasks) >= 200
    assert problems == []
