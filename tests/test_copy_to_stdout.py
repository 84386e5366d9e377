"""`COPY (query) TO STDOUT`: psql prints the rows; a driver's `copy_expert(sql, file)` puts
them in the file it is given (a path or an open handle), which is the real destination."""

from __future__ import annotations

import json
from pathlib import Path

DUMPS = '''\
import psycopg2
from airflow.providers.postgres.hooks.postgres import PostgresHook

QUERY = "COPY (SELECT user_id, email FROM app.users) TO STDOUT WITH CSV HEADER"

hook = PostgresHook(postgres_conn_id="app_db")
hook.copy_expert(QUERY, "/data/sftp/bi_vendor/users.csv")

connection = psycopg2.connect("dbname=app")
with connection.cursor() as cur, open("/tmp/users.csv", "w") as out:
    cur.copy_expert(QUERY, out)
with connection.cursor() as cur, open("warehouse/regions.csv", "w") as out:
    cur.copy_expert("COPY (SELECT region, count(*) FROM app.users GROUP BY region) TO STDOUT", out)
'''


def test_copy_to_stdout_lands_where_the_driver_puts_it(tmp_path: Path, lacuna) -> None:
    (tmp_path / "dump.py").write_text(DUMPS)
    (tmp_path / "dump.sql").write_text(
        "COPY (SELECT user_id, email FROM app.users) TO STDOUT WITH CSV HEADER;\n")
    (tmp_path / "lacuna.toml").write_text("embeddings = false\n")
    run = lacuna("check", "--format", "json", ".", cwd=tmp_path)
    assert run.code == 1, run.stderr
    found = {(f["operation"]["location"]["path"], f["operation"]["location"]["line"]): f
             for f in json.loads(run.stdout)["findings"]}
    expected = {("dump.py", 7): ("/data/sftp/bi_vendor/users.csv", False),
                ("dump.py", 11): ("/tmp/users.csv", False),
                ("dump.py", 13): ("warehouse/regions.csv", True),
                ("dump.sql", 1): ("stdout", False)}
    for where, (destination, allowed) in expected.items():
        finding = found[where]
        assert finding["operation"]["destination"]["name"] == destination, where
        assert [s["name"] for s in finding["operation"]["sources"]] == ["app.users"], where
        assert finding["decision"]["allowed"] is allowed, where


PSYCOPG3 = '''\
import psycopg

with psycopg.connect("dbname=app") as conn, conn.cursor() as cur:
    with open("/tmp/users.csv", "wb") as out:
        with cur.copy("COPY (SELECT user_id, email FROM app.users) TO STDOUT WITH CSV") as copy:
            for block in copy:
                out.write(block)
    with open("warehouse/users.csv", "wb") as out:
        with cur.copy("COPY (SELECT user_id, email FROM app.users) TO STDOUT WITH CSV") as copy:
            for block in copy:
                out.write(block)
'''


def test_psycopg3_copy_hands_the_rows_back_to_the_program(tmp_path: Path, lacuna) -> None:
    """`with cur.copy("COPY (q) TO STDOUT") as copy`: the rows come back to Python (a query of
    the table, not a print), and go wherever the program writes them."""
    (tmp_path / "dump.py").write_text(PSYCOPG3)
    (tmp_path / "lacuna.toml").write_text("embeddings = false\n")
    run = lacuna("check", "--format", "json", ".", cwd=tmp_path)
    assert run.code == 1, run.stderr
    found = {f["operation"]["location"]["line"]: f for f in json.loads(run.stdout)["findings"]}
    assert {line: f["operation"]["action"] for line, f in found.items()} == {
        5: "query", 7: "export", 9: "query", 11: "write"}
    for line in (5, 9):
        assert [s["name"] for s in found[line]["operation"]["sources"]] == ["app.users"]
        assert found[line]["operation"].get("destination") is None
    for line, (destination, allowed) in {7: ("/tmp/users.csv", False),
                                         11: ("warehouse/users.csv", True)}.items():
        assert found[line]["operation"]["destination"]["name"] == destination
        assert [s["name"] for s in found[line]["operation"]["sources"]] == ["app.users"]
        assert found[line]["decision"]["allowed"] is allowed, line
