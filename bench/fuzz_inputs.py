"""Fuzz every kind of input Lacuna reads, through the CLI, next to canary files whose denials
must survive every run.

Inputs are mutants of valid seeds — byte and line damage, nasty fragments (Python 2, shell
escapes, magics, NUL, invalid UTF-8, deep nesting), and structural damage to JSON, YAML and
TOML documents (keys dropped, values of the wrong type, deep nesting) — of `.py` files,
notebooks, Databricks sources, `.sql` files, dbt YAML, rules, team policies (Rego and
data.json), the config, the exceptions file and the classifications file, plus `policy eval`
documents. Each run writes its mutants into a copy of `fixtures/shop` that also holds the
canaries (a Python, a notebook, a SQL and a Databricks export of customer data) and runs
`lacuna check` in a worker process, in process (the same `lacuna_cli.cli.main` the console
script calls); a run that does not finish in time is killed and counted as a hang. Every
`--spot`-th run is replayed as a real `python -m lacuna_cli` subprocess and must agree.

Printed: inputs, runs, tracebacks, exit codes outside 0/1/2, runs where a bad file hid a
canary's denial, hangs, internal errors (one line, exit 2 or an error line: caught, but a
bug), per kind, with an example of each problem.

    python bench/fuzz_inputs.py            # ~6,000 inputs
    python bench/fuzz_inputs.py --quick    # ~600 inputs, about a minute
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import io
import json
import multiprocessing
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
SHOP = REPO / "fixtures" / "shop"
DBT = REPO / "fixtures" / "dbt_shop"
RUN_TIMEOUT = 60.0  # seconds before a run counts as a hang
# Kinds whose bad file must be one error line, never the end of the run (exit 2): a bad config,
# rules, policy, exceptions or classifications file stops the run by design (fails closed).
STOPPING_IS_HIDING = {"code", "dbt"}
INTERNAL_CAUSE = re.compile(r"internal error(?: while analysing \()?:? ?(\w+)(?::| \()")
ENV = {"LACUNA_EMBEDDINGS": "false", "NO_COLOR": "1", "COLUMNS": "200"}

# ---- canaries: blocked exports that every run must still report as denied --------------------

CANARY_NOTEBOOK = json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
    {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
     "source": ["import pandas as pd\n", "people = pd.read_csv('data/customers.csv')\n"]},
    {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
     "source": ["people.to_csv('~/Downloads/canary_people.csv')\n"]}]})
CANARY_SQL = "COPY (SELECT email, phone FROM canary.people) TO '/tmp/canary_people.csv';\n"
CANARY_DATABRICKS = ("# Databricks notebook source\nimport pandas as pd\n\n"
                     "# COMMAND ----------\n\n"
                     "canary = pd.read_csv('data/customers.csv')\n"
                     "canary.to_csv('/dbfs/tmp/canary_export.csv')\n")
CANARIES = {  # file -> (path, cell, line) of the denial
    "canary/people.ipynb": ("canary/people.ipynb", 2, 1),
    "canary/people.sql": ("canary/people.sql", None, 1),
    "canary/dbx_export.py": ("canary/dbx_export.py", None, 7),
}
SHOP_CANARY = ("pipelines/customer_sales.py", None, 5)

# ---- seeds: valid inputs of every kind (none of them names a canary's data or paths) ----------

PY_SEEDS = [
    *(path.read_text() for path in sorted((SHOP / "pipelines").glob("*.py"))),
    ('import pandas as pd\norders = pd.read_csv("warehouse/orders.csv")\n'
     'orders.groupby("region").sum().to_parquet("reports/by_region.parquet")\n'),
    ('import duckdb\ncon = duckdb.connect("w.db")\n'
     'rows = con.execute("SELECT id, total FROM sales.orders WHERE total > 10").fetchall()\n'
     'with open("reports/rows.txt", "w") as f:\n    f.write(str(rows))\n'),
    ('def main():\n    df = spark.sql("SELECT * FROM ops.events")\n'
     '    df.write.mode("overwrite").saveAsTable("ops.events_copy")\n\nmain()\n'),
    ('import requests, sys\nimport pandas as pd\nx = pd.read_json(sys.argv[1])\n'
     'requests.post("https://api.acme.example/ingest", json=x.to_dict())\n'),
]
NOTEBOOK_CELLS = [
    ["import pandas as pd\n", "%matplotlib inline\n"],
    ["orders = pd.read_csv('warehouse/orders.csv')\n", "orders.head()\n"],
    ["%%sql totals <<\n", "SELECT region, sum(amount) AS total\n", "FROM sales.orders\n",
     "GROUP BY region\n"],
    ["%sql SELECT count(*) FROM sales.orders\n"],
    ["%%bigquery frame --project acme\n", "SELECT id, amount FROM `acme.sales.orders`\n"],
    ["%sql\n", "CREATE OR REPLACE TEMP VIEW v AS SELECT id FROM ops.events\n"],
    ["!pip install pandas\n", "files = !ls\n", "pd.read_csv?\n"],
    ["%%time\n", "summary = orders.groupby('region').size()\n"],
    ["summary.to_csv('reports/summary_nb.csv')\n"],
    ["%run ../notebooks/regional_revenue.ipynb\n"],
    ["%%bash\n", "ls -la\n"],
    ["df = spark.sql('SELECT * FROM ops.events')\n", "df.toPandas().to_csv('reports/e.csv')\n"],
]
NOTEBOOK_SEEDS = [
    (SHOP / "notebooks" / "regional_revenue.ipynb").read_text(),
    *(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": cells} for cells in NOTEBOOK_CELLS[start:start + 5]]})
      for start in range(0, len(NOTEBOOK_CELLS), 3)),
]
SQL_SEEDS = [
    *(path.read_text() for path in sorted((SHOP / "sql").glob("*.sql"))),
    ("WITH t AS (SELECT id, amount FROM sales.orders)\nINSERT INTO mart.totals\n"
     "SELECT id, sum(amount) FROM t GROUP BY id;\n"),
    ("MERGE INTO mart.a USING staging.b ON a.id = b.id\nWHEN MATCHED THEN UPDATE SET x = b.x\n"
     "WHEN NOT MATCHED THEN INSERT (id, x) VALUES (b.id, b.x);\n"),
    ("CREATE TABLE mart.c AS SELECT o.id, r.name FROM sales.orders o JOIN ref.regions r "
     "ON o.region = r.id WHERE o.amount > 10 AND r.name LIKE 'N%';\n"
     "COPY (SELECT region FROM mart.c) TO 'reports/c.csv' (HEADER);\n"),
]
DATABRICKS_SEEDS = [
    ("# Databricks notebook source\nimport pandas as pd\n\n# COMMAND ----------\n\n"
     "# MAGIC %md\n# MAGIC # Orders\n\n# COMMAND ----------\n\n"
     "# MAGIC %sql\n# MAGIC CREATE OR REPLACE TABLE mart.o AS\n"
     "# MAGIC SELECT id FROM sales.orders\n\n"
     "# COMMAND ----------\n\n"
     "o = spark.table('mart.o').toPandas()\no.to_csv('reports/o.csv')\n"),
    ("# Databricks notebook source\n# MAGIC %run ./helpers\n\n# COMMAND ----------\n\n"
     "x = 1\n"),
]
RULES_SEED = {"version": 1, "kind": "columns", "rules": [
    {"id": "loyalty", "words": ["loyalty_tier", "loyalty_points"], "tier": "INTERNAL",
     "tags": ["FINANCIAL"], "confidence": 0.8, "reasoning": "loyalty data is internal"},
    {"id": "badge", "regex": "^badge_(no|number)$", "tier": "PROPRIETARY", "tags": ["PII"],
     "identifier": True, "confidence": 0.9, "reasoning": "a badge number identifies staff"}]}
TEAM_REGO = """# METADATA
# title: No writes to scratch
# description: Scratch folders are wiped nightly.
# custom:
#   id: TEAM-SCR-001
#   version: 1.0.0
#   steward: team@acme.example
#   severity: low
package lacuna.rules.fuzz_team

import rego.v1

violations contains v if {
	some i, op in input.operations
	op.action == "write"
	startswith(op.destination.path, "scratch/")
	v := {"index": i, "reason": "scratch is wiped", "alternatives": ["write to reports/"],
		"steward": "team@acme.example"}
}
"""
DATA_SEED = {"lacuna": {"config": {"stewards": {"FINANCIAL": "money@acme.example"},
                                   "approved_destinations": ["https://api.acme.example/ingest"]}}}
EXCEPTIONS_SEED = {"exceptions": [
    {"policy": "LAC-EXT-001", "path": "jobs/quarterly/**", "resource": "https://x.example/*",
     "reason": "regulator feed", "approver": "dpo@acme.example", "expires": "2030-12-31"}]}
CLASSIFICATIONS_SEED = {"version": 1, "overrides": [
    {"resource": "warehouse/orders.csv", "tier": "INTERNAL", "tags": ["FINANCIAL"],
     "reason": "reviewed", "reviewed_by": "dpo@acme.example"}]}
CONFIG_SEED = {"dialect": "duckdb", "role": "analyst", "rules": ["fuzz/rules.yaml"],
               "policies": ["fuzz/policies"], "exclude": ["build/*"]}
POLICY_EVAL_SEED = {
    "action": "export",
    "source": {"tier": "PROPRIETARY", "tags": ["PII"], "lineage": ["crm.customers"],
               "columns": {"email": ["PII"]}},
    "destination": {"type": "unmanaged", "path": "~/x.csv", "kind": "file", "encrypted": False,
                    "reason": "", "parameter": False},
    "user": {"id": "u", "role": "analyst"}, "context": {"purpose": None, "environment": "ci"},
    "dynamic": False}

# Where each project-level input lives (its valid seed is there between runs).
SEED_FILES = {
    "fuzz/rules.yaml": yaml.safe_dump(RULES_SEED, sort_keys=False),
    "fuzz/policies/team.rego": TEAM_REGO,
    "fuzz/policies/data.json": json.dumps(DATA_SEED, indent=1),
    "lacuna-exceptions.yaml": yaml.safe_dump(EXCEPTIONS_SEED, sort_keys=False),
    "lacuna-classifications.yaml": yaml.safe_dump(CLASSIFICATIONS_SEED, sort_keys=False),
    "dbt/dbt_project.yml": (DBT / "dbt_project.yml").read_text(),
    "dbt/models/staging/sources.yml": (DBT / "models" / "staging" / "sources.yml").read_text(),
}

# ---- mutation --------------------------------------------------------------------------------

FRAGMENTS = {
    "python": ['print "x"\n', "!pip install x\n", "%%sql\n", "\0", "\t", "    ", "(((((", ")",
               '"""', "'", "\\\n", "lambda:", "def f(:\n", "@dec\n", "\u2028", "\ufeff",
               "# lacuna: allow[] \n", "# lacuna: allow[LAC-PII-001]\n", "exec(open('x').read())\n",
               "x = " + "(" * 300 + "1" + ")" * 300 + "\n", "y = " + "+1" * 3000 + "\n",
               "f'{x!r:{y}}'", "match x:\n  case 1: pass\n", "async def g(): await h()\n",
               "import pandas as pd\npd.read_csv('data/regions.csv').to_csv('~/r.csv')\n"],
    "sql": ["SELECT", ";", "'", '"', "`", "[", "--", "/*", "$$", "%s", ":name", "?", "{{ x }}",
            "(" * 200 + "1" + ")" * 200, "CASE WHEN 1 THEN " * 60 + "1" + " END" * 60,
            " AND ".join(["a = 1"] * 300), "BEGIN ", " END;", "GO\n", "\0", "COPY ", " TO '",
            "CREATE TABLE ", "INSERT INTO x ", "@stage/path", "$1", "{% if x %}"],
    "json": ['"', "{", "}", "[", "]", ",", ":", "null", "\\u0000", "\\ud800", "1e999", "-",
             "[" * 3000, "\0", "\xff"],
    "yaml": [":", "- ", "  ", "\t", "&a ", "*a", "!!python/object:os.system ", "{", "[", "'",
             '"', "? ", "|\n", ">\n", "---\n", "...\n", "[" * 500, "\0", "%YAML 1.1\n",
             "<<: *a\n"],
    "toml": ["[", "]", "=", '"', "'", "[tool.lacuna]\n", "[[x]]\n", "\0", "\xff", "{", "}",
             '"""', "1979-05-27T07:32:00Z", "inf", "nan"],
    "rego": ["{", "}", "if", "contains", "import future.keywords\n", "package x\n", "\0",
             "[" * 20 + "]" * 20, "some i in", ":=", "==", "not ", "default x := 1\n",
             "# METADATA\n# custom:\n#   id: X\n"],
}
NASTY_VALUES = [None, True, False, 0, -1, 2**70, 1.5e308, "", " ", "x" * 5000, "\0", "ÿ",
                "\ud800", [], {}, [None], {"": None}, ["a", 1, None], "PUBLIC", "SECRET",
                "2020-02-30", "LAC-PII-001", "1.0", "yes"]


def mutate_text(text: str, kind: str, rng: random.Random) -> bytes:
    """1-3 text damages: byte flips, cut or doubled spans, lines swapped, fragments inserted,
    a truncation; sometimes bytes that are not UTF-8."""
    data = text.encode("utf-8", "surrogatepass")
    for _ in range(rng.randint(1, 3)):
        operation = rng.randrange(8)
        at = rng.randrange(len(data) + 1)
        if operation == 0 and data:
            index = rng.randrange(len(data))
            data = data[:index] + bytes([data[index] ^ (1 << rng.randrange(8))]) + data[index + 1:]
        elif operation == 1:
            data = data[:at] + data[at + rng.randint(1, 40):]
        elif operation == 2:
            data = data[:at] + data[at:at + rng.randint(1, 80)] * rng.randint(2, 4) + data[at:]
        elif operation == 3:
            lines = data.split(b"\n")
            if len(lines) > 1:
                a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
                lines[a], lines[b] = lines[b], lines[a]
            data = b"\n".join(lines)
        elif operation in (4, 5):
            fragment = rng.choice(FRAGMENTS[kind])
            data = data[:at] + fragment.encode("utf-8", "surrogatepass") + data[at:]
        elif operation == 6:
            data = data[:at]
        else:
            data = data[:at] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 6))) + \
                data[at:]
    return data


def mutate_tree(value: object, rng: random.Random) -> object:
    """1-3 structural damages to a parsed document: a key dropped, a value of the wrong type,
    a list item doubled, a node nested hundreds deep."""
    document = copy.deepcopy(value)
    for _ in range(rng.randint(1, 3)):
        nodes = list(_containers(document))
        if not nodes:
            return rng.choice(NASTY_VALUES)
        parent = rng.choice(nodes)
        keys = list(parent) if isinstance(parent, dict) else list(range(len(parent)))
        if not keys:
            continue
        key = rng.choice(keys)
        operation = rng.randrange(5)
        if operation == 0:
            del parent[key]
        elif operation == 1:
            parent[key] = rng.choice(NASTY_VALUES)
        elif operation == 2 and isinstance(parent, list):
            parent.insert(key, parent[key])  # the same object twice: no deep copy of a deep tree
        elif operation == 3:
            nested: object = parent[key]
            for _ in range(rng.choice([10, 200, 2000])):
                nested = [nested]
            parent[key] = nested
        else:
            parent[key] = {"unexpected": parent[key]} if rng.random() < 0.5 else [parent[key]]
    return document


def _containers(value: object, depth: int = 0):
    if isinstance(value, (dict, list)) and depth < 50:
        yield value
        for child in (value.values() if isinstance(value, dict) else value):
            yield from _containers(child, depth + 1)


def dump_json(value: object) -> bytes:
    try:
        return json.dumps(value, indent=1).encode("utf-8", "surrogatepass")
    except (RecursionError, ValueError):
        return b"[" * 5000


def dump_yaml(value: object) -> bytes:
    try:
        return yaml.safe_dump(value, sort_keys=False, allow_unicode=True).encode(
            "utf-8", "surrogatepass")
    except (RecursionError, yaml.YAMLError, ValueError):
        return b"[" * 5000


def dump_toml(table: object) -> bytes:
    """`[tool.lacuna]` with the (damaged) keys; values TOML cannot hold become strings."""
    lines = ["[project]", 'name = "shop"', "", "[tool.lacuna]"]
    if isinstance(table, dict):
        lines += [f"{_toml_key(key)} = {_toml_value(value, 0)}" for key, value in table.items()]
    else:
        lines.append(f"value = {_toml_value(table, 0)}")
    return "\n".join(lines).encode("utf-8", "surrogatepass") + b"\n"


def _toml_key(key: object) -> str:
    return json.dumps(str(key))


def _toml_value(value: object, depth: int) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)) and value is not None:
        return repr(value) if abs(value) < 2**63 else json.dumps(str(value))
    if isinstance(value, (list, dict)) and depth >= 100:
        return "[" * 400 + "]" * 400  # deeper than this: nesting is all that is left to test
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v, depth + 1) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml_key(k)} = {_toml_value(v, depth + 1)}"
                               for k, v in value.items()) + "}"
    return json.dumps("" if value is None else str(value))


# ---- the inputs of one run ------------------------------------------------------------------


@dataclass
class Task:
    """One run: the files it writes (path -> bytes) and the command."""

    kind: str
    files: dict[str, bytes]
    args: list[str] = field(default_factory=lambda: ["check", ".", "--format", "json"])
    inputs: int = 1


def code_task(rng: random.Random) -> Task:
    """Four mutants each of .py, .ipynb and .sql files and two Databricks sources."""
    files: dict[str, bytes] = {}
    for index in range(4):
        files[f"fuzz/f{index}.py"] = mutate_text(rng.choice(PY_SEEDS), "python", rng)
        notebook = rng.choice(NOTEBOOK_SEEDS)
        files[f"fuzz/n{index}.ipynb"] = (
            dump_json(mutate_tree(json.loads(notebook), rng)) if rng.random() < 0.5
            else mutate_text(notebook, "json", rng))
        files[f"fuzz/s{index}.sql"] = mutate_text(rng.choice(SQL_SEEDS), "sql", rng)
    for index in range(2):
        files[f"fuzz/d{index}.py"] = mutate_text(rng.choice(DATABRICKS_SEEDS), "python", rng)
    return Task("code", files, inputs=len(files))


def document_task(kind: str, path: str, seed: object, rng: random.Random) -> Task:
    """One damaged project document: text damage or structural damage."""
    if kind == "policies-rego":
        return Task(kind, {path: mutate_text(str(seed), "rego", rng)})
    text_kind = "json" if path.endswith(".json") else "yaml"
    if rng.random() < 0.5:
        dumped = (dump_json if text_kind == "json" else dump_yaml)(seed)
        return Task(kind, {path: mutate_text(dumped.decode("utf-8", "surrogatepass"),
                                             text_kind, rng)})
    damaged = mutate_tree(seed, rng)
    return Task(kind, {path: (dump_json if text_kind == "json" else dump_yaml)(damaged)})


def config_task(rng: random.Random) -> Task:
    if rng.random() < 0.5:
        return Task("config", {"pyproject.toml": dump_toml(mutate_tree(CONFIG_SEED, rng))})
    text = dump_toml(CONFIG_SEED).decode()
    return Task("config", {"pyproject.toml": mutate_text(text, "toml", rng)})


def dbt_task(rng: random.Random) -> Task:
    """A damaged `dbt_project.yml` and `sources.yml`. The models are rewritten too (a comment
    added): the extraction cache keys a model by its own bytes only, so without a change to
    them the damaged YAML would never be read."""
    files = {}
    for path in ("dbt/dbt_project.yml", "dbt/models/staging/sources.yml"):
        seed = yaml.safe_load(SEED_FILES[path])
        files.update(document_task("dbt", path, seed, rng).files)
    inputs = len(files)
    for model in sorted(DBT.glob("models/**/*.sql")):
        comment = f"\n-- fuzz {rng.random()}\n".encode()
        files[f"dbt/{model.relative_to(DBT).as_posix()}"] = model.read_bytes() + comment
    return Task("dbt", files, inputs=inputs)


def policy_eval_task(rng: random.Random) -> Task:
    document = mutate_tree(POLICY_EVAL_SEED, rng)
    if rng.random() < 0.3:
        document = {"operations": [POLICY_EVAL_SEED, document]}
    content = dump_json(document) if rng.random() < 0.7 else mutate_text(
        json.dumps(POLICY_EVAL_SEED), "json", rng)
    return Task("policy-eval", {"fuzz/input.json": content},
                args=["policy", "eval", "--input", "fuzz/input.json", "--format", "json"])


def plan(rng: random.Random, scale: float) -> list[Task]:
    """Every run of the bench, shuffled."""
    counts = {"code": 340, "dbt": 80, "rules": 100, "policies-rego": 60, "policies-data": 60,
              "config": 100, "exceptions": 100, "classifications": 100, "policy-eval": 300}
    tasks: list[Task] = []
    for kind, count in counts.items():
        for _ in range(max(1, round(count * scale))):
            if kind == "code":
                tasks.append(code_task(rng))
            elif kind == "dbt":
                tasks.append(dbt_task(rng))
            elif kind == "config":
                tasks.append(config_task(rng))
            elif kind == "policy-eval":
                tasks.append(policy_eval_task(rng))
            else:
                path, seed = {
                    "rules": ("fuzz/rules.yaml", RULES_SEED),
                    "policies-rego": ("fuzz/policies/team.rego", TEAM_REGO),
                    "policies-data": ("fuzz/policies/data.json", DATA_SEED),
                    "exceptions": ("lacuna-exceptions.yaml", EXCEPTIONS_SEED),
                    "classifications": ("lacuna-classifications.yaml", CLASSIFICATIONS_SEED),
                }[kind]
                tasks.append(document_task(kind, path, seed, rng))
    rng.shuffle(tasks)
    return tasks


# ---- the project and the runs ----------------------------------------------------------------


def build_project(folder: Path) -> Path:
    """A copy of the shop with the canaries, a dbt project and every document's valid seed."""
    project = folder / "shop"
    shutil.copytree(SHOP, project, ignore=shutil.ignore_patterns(".lacuna"))
    shutil.copytree(DBT, project / "dbt")
    for relpath, text in {**SEED_FILES, "canary/people.ipynb": CANARY_NOTEBOOK,
                          "canary/people.sql": CANARY_SQL,
                          "canary/dbx_export.py": CANARY_DATABRICKS,
                          "pyproject.toml": dump_toml(CONFIG_SEED).decode()}.items():
        (project / relpath).parent.mkdir(parents=True, exist_ok=True)
        (project / relpath).write_text(text, encoding="utf-8")
    (project / "fuzz").mkdir(exist_ok=True)
    return project


@dataclass
class Outcome:
    code: object  # an int, or "crash" / "hang"
    stdout: str
    stderr: str


def run_in_process(project: Path, args: list[str]) -> Outcome:
    """`lacuna ARGS` through the console script's own entry point, output captured. Caches
    Lacuna keeps per process (loaded rules, ...) are emptied first, so each run reads every
    file as a fresh process would."""
    from lacuna_cli.cli import main

    forget_process_caches()
    out, err = io.StringIO(), io.StringIO()
    os.chdir(project)
    sys.argv = ["lacuna", *args]
    code: object = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
        except BaseException:  # noqa: BLE001 - anything escaping main is what we count
            traceback.print_exc()
            code = "crash"
    return Outcome(code, out.getvalue(), err.getvalue())


def forget_process_caches() -> None:
    for name, module in list(sys.modules.items()):
        if name.startswith("lacuna_cli"):
            for value in list(vars(module).values()):
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


def apply(project: Path, files: dict[str, bytes]) -> dict[str, bytes | None]:
    """Write the task's files; return what was there before (None: nothing)."""
    before: dict[str, bytes | None] = {}
    for relpath, content in files.items():
        path = project / relpath
        before[relpath] = path.read_bytes() if path.is_file() else None
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return before


def restore(project: Path, before: dict[str, bytes | None]) -> None:
    for relpath, content in before.items():
        path = project / relpath
        if content is None:
            path.unlink(missing_ok=True)
        else:
            path.write_bytes(content)


def worker(connection, folder: str) -> None:
    """Runs tasks sent over `connection` in its own project, each from the same golden
    database (so no run sees what an earlier run's bad files left in the lineage store)."""
    os.environ.update(ENV)
    project = build_project(Path(folder))
    golden, database = Path(folder) / "golden.duckdb", Path(folder) / "run.duckdb"
    os.environ["LACUNA_DB"] = str(database)
    run_in_process(project, ["check", ".", "--format", "json"])  # fills the extraction cache
    shutil.copyfile(database, golden)
    connection.send("ready")
    while True:
        task: Task | None = connection.recv()
        if task is None:
            return
        shutil.copyfile(golden, database)
        before = apply(project, task.files)
        try:
            outcome = run_in_process(project, task.args)
        finally:
            restore(project, before)
        connection.send(outcome)


class Worker:
    """A worker process with a deadline per run: a run that hangs is killed and replaced."""

    def __init__(self, root: Path, number: int) -> None:
        self.root, self.number, self.process = root, number, None
        self.start()

    def start(self) -> None:
        folder = self.root / f"worker{self.number}-{time.monotonic_ns()}"
        folder.mkdir()
        context = multiprocessing.get_context("spawn")
        self.connection, child = context.Pipe()
        self.process = context.Process(target=worker, args=(child, str(folder)), daemon=True)
        self.process.start()
        if not self.connection.poll(300) or self.connection.recv() != "ready":
            raise RuntimeError("fuzz worker did not start")

    def run(self, task: Task) -> Outcome:
        self.connection.send(task)
        if self.connection.poll(RUN_TIMEOUT):
            try:
                return self.connection.recv()
            except EOFError:
                outcome = Outcome("crash", "", "the worker process died")
        else:
            outcome = Outcome("hang", "", f"no answer in {RUN_TIMEOUT:.0f} s")
        self.process.kill()
        self.process.join()
        self.start()
        return outcome

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.connection.send(None)
        self.process.join(10)


def run_subprocess(project: Path, database: Path, golden: Path | None, task: Task) -> Outcome:
    """The same task through a real `python -m lacuna_cli` process (from the golden database
    when there is one)."""
    if golden is not None:
        shutil.copyfile(golden, database)
    before = apply(project, task.files)
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "lacuna_cli", *task.args], cwd=project, capture_output=True,
            text=True, timeout=RUN_TIMEOUT * 2,
            env={**os.environ, **ENV, "LACUNA_DB": str(database)})
        return Outcome(completed.returncode, completed.stdout, completed.stderr)
    except subprocess.TimeoutExpired:
        return Outcome("hang", "", "")
    finally:
        restore(project, before)


# ---- judging a run ------------------------------------------------------------------------------


@dataclass
class Verdict:
    traceback: bool
    bad_exit: bool
    hidden: list[str]
    internal: bool
    invalid_allowed: bool = False


def judge(task: Task, outcome: Outcome) -> Verdict:
    text = outcome.stdout + outcome.stderr
    traceback_seen = "Traceback (most recent call last)" in text or outcome.code == "crash"
    bad_exit = outcome.code not in (0, 1, 2)
    internal = "internal error" in text
    hidden: list[str] = []
    if task.kind in STOPPING_IS_HIDING and outcome.code not in (0, 1):
        hidden = ["the whole run"]  # a code or dbt file must never stop the run
    elif task.kind != "policy-eval" and outcome.code in (0, 1):
        try:
            findings = json.loads(outcome.stdout)["findings"]
        except (ValueError, KeyError, TypeError):
            findings = None
        denied = set() if findings is None else {
            (f["operation"]["location"]["path"], f["operation"]["location"]["cell"],
             f["operation"]["location"]["line"]) for f in findings
            if not f["decision"]["allowed"]}
        hidden = [c[0] for c in (SHOP_CANARY, *CANARIES.values()) if c not in denied]
    invalid_allowed = task.kind == "policy-eval" and outcome.code == 0 and not _valid_eval(task)
    return Verdict(traceback_seen, bad_exit, hidden, internal, invalid_allowed)


def _valid_eval(task: Task) -> bool:
    """Whether a fuzzed policy input still has every documented field, typed (checked here
    independently of Lacuna's own schema module)."""
    try:
        document = json.loads(task.files["fuzz/input.json"])
    except ValueError:
        return False
    operations = document.get("operations") if isinstance(document, dict) and \
        "operations" in document else [document]
    return isinstance(operations, list) and all(_valid_operation(op) for op in operations)


def _valid_operation(op: object) -> bool:
    types = {"action": str, "dynamic": bool,
             "source": {"tier": str, "tags": list, "lineage": list, "columns": dict},
             "destination": {"type": str, "path": str, "kind": str, "encrypted": bool,
                             "reason": str},
             "user": {"id": str, "role": str}, "context": {"environment": str}}

    def fits(value: object, shape: object) -> bool:
        if isinstance(shape, dict):
            return isinstance(value, dict) and all(k in value and fits(value[k], s)
                                                   for k, s in shape.items())
        return isinstance(value, shape) and (shape is not int or not isinstance(value, bool))

    return fits(op, types) and isinstance(op, dict) and "purpose" in op["context"]


# ---- main -----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the runs")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--spot", type=int, default=60,
                        help="replay every Nth run as a subprocess (0: never)")
    parser.add_argument("--kinds", help="comma-separated kinds to run (default: all)")
    options = parser.parse_args()
    rng = random.Random(options.seed)
    tasks = plan(rng, 0.1 if options.quick else 1.0)
    if options.kinds:
        tasks = [task for task in tasks if task.kind in options.kinds.split(",")]
    started = time.monotonic()
    memory = Path("/dev/shm")  # runs write a database each: keep them off the disk if we can
    with tempfile.TemporaryDirectory(prefix="lacuna-fuzz-",
                                     dir=memory if memory.is_dir() else None) as temp:
        root = Path(temp)
        spot_project = build_project(root / "spot")
        spot_db, spot_golden = root / "spot.duckdb", root / "spot-golden.duckdb"
        baseline = run_subprocess(spot_project, spot_db, None, Task("baseline", {}))
        if judge(Task("baseline", {}), baseline).hidden or baseline.code != 1:
            sys.exit(f"the canaries are not denied on a clean project: {baseline.stderr[-500:]}")
        shutil.copyfile(spot_db, spot_golden)
        workers = [Worker(root, number) for number in range(options.workers)]
        results = run_all(tasks, workers)
        for each in workers:
            each.stop()
        spots = [(tasks[i], results[i], run_subprocess(spot_project, spot_db, spot_golden,
                                                       tasks[i]))
                 for i in range(0, len(tasks), options.spot or len(tasks) + 1)]
    report(tasks, results, spots, time.monotonic() - started)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"  CPU seconds of the runs: {usage.ru_utime + usage.ru_stime:.0f} "
          f"(load average {os.getloadavg()[0]:.1f} at the end)")


def run_all(tasks: list[Task], workers: list[Worker]) -> list[Outcome]:
    """Tasks spread over the workers, one thread each waiting on its worker."""
    from concurrent.futures import ThreadPoolExecutor
    from queue import Queue

    free: Queue[Worker] = Queue()
    for each in workers:
        free.put(each)

    def one(task: Task) -> Outcome:
        each = free.get()
        try:
            return each.run(task)
        finally:
            free.put(each)

    done = 0
    outcomes: list[Outcome] = []
    with ThreadPoolExecutor(max_workers=len(workers)) as pool:
        for outcome in pool.map(one, tasks):
            outcomes.append(outcome)
            done += 1
            if done % 250 == 0:
                print(f"  {done}/{len(tasks)} runs", file=sys.stderr, flush=True)
    return outcomes


def report(tasks: list[Task], outcomes: list[Outcome], spots: list, seconds: float) -> None:
    per_kind: dict[str, Counter] = defaultdict(Counter)
    causes: dict[str, Counter] = defaultdict(Counter)  # kind -> exception names, by run
    examples: dict[str, str] = {}
    totals: Counter = Counter()
    for task, outcome in zip(tasks, outcomes, strict=True):
        verdict = judge(task, outcome)
        counts = per_kind[task.kind]
        counts["runs"] += 1
        counts["inputs"] += task.inputs
        counts[f"exit {outcome.code}"] += 1
        counts["error lines"] += _error_lines(outcome)
        totals["error lines"] += _error_lines(outcome)
        for name, hit in (("tracebacks", verdict.traceback), ("bad exit codes", verdict.bad_exit),
                          ("hidden canaries", bool(verdict.hidden)),
                          ("hangs", outcome.code == "hang"),
                          ("internal errors", verdict.internal),
                          ("invalid inputs allowed", verdict.invalid_allowed)):
            if hit:
                counts[name] += 1
                totals[name] += 1
                examples.setdefault(f"{task.kind}: {name}", _example(task, outcome, verdict))
        totals["inputs"] += task.inputs
        totals["runs"] += 1
        causes[task.kind].update(set(INTERNAL_CAUSE.findall(outcome.stdout + outcome.stderr)))
    disagreements = [(t, a, b) for t, a, b in spots if a.code != b.code
                     or judge(t, a).hidden != judge(t, b).hidden]
    print(f"fuzz_inputs: {totals['inputs']:,} inputs in {totals['runs']:,} runs, "
          f"{seconds:.0f} s")
    print(f"  error lines naming a bad file (reports of exit 0/1, stderr of exit 2): "
          f"{totals['error lines']:,}")
    print(f"  tracebacks: {totals['tracebacks']}")
    print(f"  exit codes outside 0/1/2: {totals['bad exit codes']} "
          f"(of which hangs past {RUN_TIMEOUT:.0f} s: {totals['hangs']})")
    print(f"  runs where a bad file hid a canary's denial: {totals['hidden canaries']}")
    print(f"  policy inputs missing or mistyping a field that were allowed: "
          f"{totals['invalid inputs allowed']}")
    print(f"  internal errors (caught: one line, run completed or exit 2): "
          f"{totals['internal errors']}")
    print(f"  subprocess spot checks: {len(spots)}, disagreeing with the in-process run: "
          f"{len(disagreements)}")
    print("  per kind:")
    for kind, counts in sorted(per_kind.items()):
        exits = ", ".join(f"{k.split()[1]}: {v}" for k, v in sorted(counts.items())
                          if k.startswith("exit "))
        problems = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())
                             if not k.startswith("exit ")
                             and k not in ("runs", "inputs", "error lines"))
        print(f"    {kind:<16} {counts['inputs']:>5} inputs {counts['runs']:>5} runs "
              f"{counts['error lines']:>5} error lines; exit {exits}"
              + (f"; {problems}" if problems else ""))
    for kind, names in sorted(causes.items()):
        if names:
            print(f"  internal errors in {kind} runs, by exception: "
                  + ", ".join(f"{name} {count}" for name, count in names.most_common()))
    for name, example in sorted(examples.items()):
        print(f"  e.g. {name}: {example}")


def _error_lines(outcome: Outcome) -> int:
    """Error lines of the run: the JSON report's errors, or the one line of an exit 2."""
    if outcome.code == 2:
        return 1 if outcome.stderr.strip() else 0
    with contextlib.suppress(ValueError, KeyError, TypeError):
        return len(json.loads(outcome.stdout)["errors"])
    return 0


def _example(task: Task, outcome: Outcome, verdict: Verdict) -> str:
    if verdict.hidden:
        errors = []
        with contextlib.suppress(ValueError, KeyError, TypeError):
            errors = [f"{e['path']}: {e['message']}" for e in json.loads(outcome.stdout)["errors"]]
        files = {path: content[:160] for path, content in task.files.items()} \
            if task.kind != "code" else {}
        stopped = outcome.stderr.strip().splitlines()[-1:] if outcome.code not in (0, 1) else []
        return (f"hid {verdict.hidden}, exit {outcome.code} {stopped}; errors {errors[:3]}; "
                f"input {files}")
    text = outcome.stderr + outcome.stdout
    lines = [line for line in text.splitlines() if "internal error" in line] or \
        [line for line in text.splitlines() if "error" in line.lower()]
    return (lines[-1] if lines else (outcome.stderr or outcome.stdout)[-300:]).strip()[:300]


if __name__ == "__main__":
    main()
