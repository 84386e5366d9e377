"""A generated data-team monorepo of any size, for the scale bench and the shard tests.

    python bench/monorepo.py DIR --files 2000 [--seed 7]

Teams own folders of pipelines in the styles data teams write: pandas ETL jobs that read CSV
extracts and write parquet, Jupyter notebooks, Airflow DAGs, psycopg loaders with `%s`
parameters, SQL kept in a `queries.py` beside the code that runs it, plain `.sql` models, and
jobs that send data on to S3, an LLM API, Slack or a webhook — some to governed places, some
not. Every name (tables, columns, buckets, functions, variables) is drawn per file from a
seeded generator, so no two files are the same bytes and nothing is trivially cached; files of
one team read what another file of the team wrote, so lineage crosses files (and shards). One
file in 400 is broken (a syntax error, or binary), as in any real tree.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

TEAMS = ("growth", "finance", "risk", "support", "marketing", "ops", "people", "product",
         "sales", "logistics", "fraud", "pricing")
DOMAINS = ("customers", "orders", "payments", "tickets", "leads", "invoices", "shipments",
           "employees", "accounts", "subscriptions", "refunds", "sessions")
PERSONAL = ("email", "full_name", "phone", "date_of_birth", "home_address", "ssn", "iban",
            "ip_address", "first_name", "last_name")
PLAIN = ("region", "country", "amount", "currency", "status", "channel", "plan", "score",
         "created_at", "updated_at", "category", "quantity", "segment", "sku", "tier")
WORDS = ("nightly", "weekly", "backfill", "daily", "hourly", "rollup", "snapshot", "sync",
         "refresh", "export", "digest", "audit", "cleanup", "merge", "reconcile")
# What a team's jobs write to: governed (warehouse/, reports/, the governed bucket) or not.
WRITE_TARGETS = ("warehouse/{team}/{name}.parquet", "reports/{team}/{name}.csv",
                 "s3://acme-governed/{team}/{name}.parquet", "/tmp/{team}_{name}.csv",
                 "~/Downloads/{name}.xlsx")
BROKEN_EVERY = 400


@dataclass
class Names:
    """The names one file is written with: its own, so files differ."""

    rng: random.Random
    team: str
    index: int

    def pick(self, options: tuple[str, ...]) -> str:
        return self.rng.choice(options)

    def entity(self) -> str:
        return f"{self.pick(DOMAINS)}_{self.index}_{self.rng.randrange(1000)}"

    def columns(self, personal: int) -> list[str]:
        chosen = self.rng.sample(PERSONAL, personal) + self.rng.sample(PLAIN, 4)
        return [f"customer_id_{self.index % 7}", *chosen]

    def ident(self, stem: str) -> str:
        return f"{stem}_{self.pick(WORDS)}_{self.rng.randrange(100_000)}"

    def target(self, name: str) -> str:
        return self.pick(WRITE_TARGETS).format(team=self.team, name=name)

    def comment(self) -> str:
        words = " ".join(self.rng.choice(WORDS) for _ in range(6))
        return f"# {words} (ticket {self.team.upper()}-{self.rng.randrange(10_000)})"


def pandas_etl(n: Names, shared: str) -> tuple[str, str]:
    source = f"data/{n.team}/extract_{n.index % 5}.csv"
    result = n.ident("frame")
    grouped = n.ident("by")
    column = n.pick(PLAIN)
    out = n.target(n.ident("out"))
    code = f'''"""{n.pick(WORDS).title()} job for the {n.team} team."""
import pandas as pd

{n.comment()}
RAW = "{source}"


def {n.ident("load")}():
    {result} = pd.read_csv(RAW)
    other = pd.read_parquet("{shared}")
    {result} = {result}.merge(other, on="customer_id_{n.index % 7}")
    {grouped} = {result}.groupby("{column}").agg(total=("amount", "sum"))
    {grouped}.to_csv("reports/{n.team}/{n.ident("summary")}.csv")
    {result}.to_parquet("{out}")
    {result}.to_parquet("{shared}")
    return {result}
'''
    return "py", code


def notebook(n: Names, shared: str) -> tuple[str, str]:
    frame = n.ident("df")
    cells = [
        "import pandas as pd\nimport requests",
        f'{frame} = pd.read_parquet("{shared}")\n{frame}.head()',
        f'{frame} = {frame}[{frame}["{n.pick(PLAIN)}"] == "{n.pick(WORDS)}"]',
        f'{frame}.to_csv("{n.target(n.ident("nb"))}")',
        (f'requests.post("https://hooks.slack.com/services/T0/{n.rng.randrange(10**6)}", '
        f'json={{"text": {frame}.to_string()}})'),
    ]
    document = {
        "cells": [{"cell_type": "code", "execution_count": i + 1, "metadata": {}, "outputs": [],
                   "source": cell.splitlines(keepends=True)} for i, cell in enumerate(cells)],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                    "language": "python"}},
        "nbformat": 4, "nbformat_minor": 5,
    }
    return "ipynb", json.dumps(document, indent=1)


def airflow_dag(n: Names, shared: str) -> tuple[str, str]:
    task = n.ident("task")
    bucket = n.pick(("acme-governed", f"{n.team}-scratch-{n.rng.randrange(99)}"))
    table = f"{n.team}.{n.entity()}"
    code = f'''from datetime import datetime

import boto3
import pandas as pd
import psycopg2
from airflow import DAG
from airflow.operators.python import PythonOperator

{n.comment()}


def {task}():
    frame = pd.read_parquet("{shared}")
    frame.to_csv("/tmp/{task}.csv", index=False)
    boto3.client("s3").upload_file("/tmp/{task}.csv", "{bucket}", "{n.team}/{task}.csv")
    with psycopg2.connect("dbname={n.team}") as conn:
        cur = conn.cursor()
        cur.execute("SELECT * FROM {table} WHERE updated_at > %s", (datetime(2026, 1, 1),))


with DAG("{n.ident(n.team)}", start_date=datetime(2026, 1, 1), schedule="@daily") as dag:
    PythonOperator(task_id="{task}", python_callable={task})
'''
    return "py", code


def psycopg_loader(n: Names, shared: str) -> tuple[str, str]:
    columns = n.columns(personal=n.rng.randrange(0, 3))
    table = f"{n.team}.{n.entity()}"
    marks = ", ".join(["%s"] * len(columns))
    rows = n.ident("rows")
    code = f'''import csv

import psycopg

{n.comment()}


def {n.ident("copy")}(path="data/{n.team}/extract_{n.index % 5}.csv"):
    with open(path, newline="") as handle:
        {rows} = list(csv.DictReader(handle))
    with psycopg.connect("postgresql://etl@db/{n.team}") as conn:
        with conn.cursor() as cur:
            for row in {rows}:
                cur.execute(
                    "INSERT INTO {table} ({", ".join(columns)}) VALUES ({marks})",
                    tuple(row[c] for c in {columns!r}),
                )
'''
    return "py", code


def queries_user(n: Names, shared: str, queries: str) -> tuple[str, str]:
    code = f'''import duckdb
import pandas as pd

from {queries} import EXTRACT_SQL, EXPORT_PATH

{n.comment()}


def {n.ident("run")}():
    con = duckdb.connect("warehouse/{n.team}.duckdb")
    frame = con.execute(EXTRACT_SQL).df()
    frame.to_csv(EXPORT_PATH)
'''
    return "py", code


def queries_module(n: Names) -> str:
    columns = n.columns(personal=n.rng.randrange(0, 3))
    return f'''"""SQL and paths of the {n.team} jobs in this folder."""
{n.comment()}
EXTRACT_SQL = """
    SELECT {", ".join(columns)}
    FROM {n.team}.{n.entity()}
    WHERE status = '{n.pick(WORDS)}'
"""
EXPORT_PATH = "{n.target(n.ident("export"))}"
'''


def llm_sender(n: Names, shared: str) -> tuple[str, str]:
    frame = n.ident("records")
    code = f'''import pandas as pd
from openai import OpenAI

{n.comment()}
client = OpenAI()


def {n.ident("summarise")}():
    {frame} = pd.read_parquet("{shared}")
    prompt = "Summarise these accounts:\\n" + {frame}.to_csv()
    reply = client.chat.completions.create(
        model="gpt-4o-mini", messages=[{{"role": "user", "content": prompt}}])
    return reply.choices[0].message.content
'''
    return "py", code


def sql_model(n: Names, shared: str) -> tuple[str, str]:
    columns = n.columns(personal=n.rng.randrange(0, 2))
    source = f"{n.team}.{n.entity()}"
    code = f'''-- {n.comment()[2:]}
CREATE OR REPLACE TABLE {n.team}_mart.{n.entity()} AS
SELECT {", ".join(columns[:4])}, count(*) AS events
FROM {source}
GROUP BY {", ".join(columns[:4])};
'''
    return "sql", code


Family = Callable[[Names, str], tuple[str, str]]
FAMILIES: tuple[tuple[str, Family, int], ...] = (
    ("etl", pandas_etl, 5), ("notebook", notebook, 2), ("dag", airflow_dag, 3),
    ("loader", psycopg_loader, 3), ("llm", llm_sender, 2), ("model", sql_model, 2),
    ("report", lambda n, shared: queries_user(n, shared, "queries"), 2),
)


def generate(root: Path, files: int, seed: int = 7) -> int:
    """Write `files` analysable files (plus data and query modules they need) under `root`;
    returns how many analysable files were written."""
    rng = random.Random(seed)
    weights = [weight for _, _, weight in FAMILIES]
    written = 0
    while written < files:
        index = written
        team = TEAMS[index % len(TEAMS)]
        folder = root / "teams" / team / f"project_{index // 60}"
        folder.mkdir(parents=True, exist_ok=True)
        names = Names(rng, team, index)
        shared = f"warehouse/{team}/project_{index // 60}_{DOMAINS[index % len(DOMAINS)]}.parquet"
        kind, family, _ = rng.choices(FAMILIES, weights)[0]
        if kind == "report" and not (folder / "queries.py").exists():
            (folder / "queries.py").write_text(queries_module(names))
            written += 1
            if written >= files:
                break
        suffix, text = family(names, shared)
        path = folder / f"{kind}_{names.ident(DOMAINS[index % len(DOMAINS)])}.{suffix}"
        if index % BROKEN_EVERY == BROKEN_EVERY - 1:  # a half-written edit, or a stray blob
            text += "\ndef unfinished(:\n" if suffix == "py" else "\0\x01"
        path.write_text(text)
        written += 1
        _data_file(root, names, team)
    return written


def _data_file(root: Path, names: Names, team: str) -> None:
    """A CSV extract for the team's jobs to read, its header with personal columns or not."""
    data = root / "data" / team
    data.mkdir(parents=True, exist_ok=True)
    header = names.columns(personal=names.rng.randrange(0, 3))
    target = data / f"extract_{names.index % 5}.csv"
    if not target.exists():
        target.write_text(",".join(header) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(f"{generate(args.directory, args.files, args.seed)} files under {args.directory}")


if __name__ == "__main__":
    main()
