"""Commands a script runs (`subprocess.run([...])`, `os.system("...")`) that upload a local
file: the AWS CLI, scp, curl. The file goes where the command says; a word known only at run
time leaves that side unknown, never harmless; other commands do nothing."""

from __future__ import annotations

import json
from pathlib import Path

SCRIPT = '''\
import os
import subprocess
import sys

EXTRACT = "data/customers.csv"
subprocess.run(["aws", "s3", "cp", EXTRACT, "s3://globex-drop/c.csv"], check=True)
subprocess.run(["aws", "s3", "cp", sys.argv[1], "s3://globex-drop/c.csv"], check=True)
subprocess.check_call(f"scp {EXTRACT} ops@files.partner.example:/drop/", shell=True)
os.system("curl -F file=@data/customers.csv https://upload.partner.example.com/drop")
subprocess.run(["aws", "s3", "cp", EXTRACT, "s3://acme-governed/crm/c.csv"], check=True)
subprocess.run(["ls", "-l"])
os.system("pip install pandas")
'''


def _checked(tmp_path: Path, lacuna, script: str):
    """`lacuna check` of a project of `script` beside a customers file; it must block."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "customers.csv").write_text("customer_id,email,phone\n")
    (tmp_path / "ship.py").write_text(script)
    (tmp_path / "lacuna.toml").write_text("embeddings = false\n")
    run = lacuna("check", "--format", "json", ".", cwd=tmp_path)
    assert run.code == 1, run.stderr
    return run


def test_an_upload_command_sends_the_file_where_it_says(tmp_path: Path, lacuna) -> None:
    run = _checked(tmp_path, lacuna, SCRIPT)
    found = {f["operation"]["location"]["line"]: f for f in json.loads(run.stdout)["findings"]}
    expected = {6: ("s3://globex-drop/c.csv", ["data/customers.csv"], False),
                7: ("s3://globex-drop/c.csv", ["sys.argv[1]"], False),
                8: ("sftp://files.partner.example/drop/", ["data/customers.csv"], False),
                9: ("https://upload.partner.example.com/drop", ["data/customers.csv"], False),
                10: ("s3://acme-governed/crm/c.csv", ["data/customers.csv"], True)}
    assert set(found) == set(expected)
    for line, (destination, sources, allowed) in expected.items():
        operation = found[line]["operation"]
        assert operation["action"] == "export", line
        assert operation["destination"]["name"] == destination, line
        assert [s["name"] for s in operation["sources"]] == sources, line
        assert found[line]["decision"]["allowed"] is allowed, line
    assert found[7]["classification"]["tier"] == "UNKNOWN"


CARRIERS = '''\
import os
import subprocess

import pandas as pd
import paramiko

df = pd.read_csv("data/customers.csv")
df.to_csv("c.csv")
os.system("gzip -kf c.csv && aws s3 cp c.csv.gz s3://partner-crm-drop/c.csv.gz")
subprocess.run("cd out; scp ../c.csv acme@sftp.partner.example.com:/in/", shell=True)
os.system(f"curl -d '{df.to_json()}' https://hooks.partner.example.com/in")
subprocess.run(["mail", "-s", "report", "ops@agency-partner.example"], input=df.to_csv(),
               text=True)
subprocess.run(["gh", "issue", "create", "--body", df.to_markdown()])
ssh = paramiko.SSHClient()
ssh.connect("sftp.partner-logistics.example.com", username="acme")
ssh.exec_command(f"echo '{df.to_csv()}' >> /incoming/contacts.txt")
subprocess.run(["gzip", "-kf", "c.csv"])
'''


def test_a_command_carries_what_it_is_built_from_or_given(tmp_path: Path, lacuna) -> None:
    """A later command of a chain uploads (`gzip … && aws s3 cp …`, `cd out; scp …`); data in
    a command's words or on its standard input goes to the URL, address or host it names, or
    the host it runs on, else to a place known only at run time. Each was unseen; a command
    that carries nothing (`gzip`) is still nothing."""
    run = _checked(tmp_path, lacuna, CARRIERS)
    out = {f["operation"]["location"]["line"]: (
        f["operation"]["destination"]["name"], f["decision"]["allowed"])
        for f in json.loads(run.stdout)["findings"]
        if f["operation"]["action"] in ("write", "export") and f["operation"]["location"][
            "line"] > 8}
    assert out == {
        9: ("s3://partner-crm-drop/c.csv.gz", False),
        10: ("sftp://sftp.partner.example.com/in/", False),
        11: ("https://hooks.partner.example.com/in", False),
        12: ("mailto:ops@agency-partner.example", False),
        14: ("command `gh issue create --body {df.to_markdown()}`", False),
        17: ("sftp://sftp.partner-logistics.example.com", False),
    }


def test_a_command_held_in_a_list_or_filled_in_with_percent_uploads(tmp_path: Path,
                                                                    lacuna) -> None:
    """`cmd = ["rsync", ..., OUT, REMOTE]; subprocess.run(cmd)` and `os.system("curl ... @%s
    URL" % shlex.quote(out))`: the command's words are known all the same, so the file the
    job wrote to its governed folder goes to the partner."""
    run = _checked(tmp_path, lacuna, '''\
import os
import shlex
import subprocess

import pandas as pd

OUT = "warehouse/customers.csv"
pd.read_csv("data/customers.csv").to_csv(OUT, index=False)
cmd = ["rsync", "-az", OUT, "drop@sftp.partner-co.example:/inbound/"]
subprocess.run(cmd, check=True)
os.system("curl -sf --data-binary @%s https://intake.partner.example/acme" % shlex.quote(OUT))
''')
    out = {f["operation"]["location"]["line"]: (
        f["operation"]["destination"]["name"], f["decision"]["allowed"])
        for f in json.loads(run.stdout)["findings"] if f["operation"]["action"] == "export"}
    assert out == {10: ("sftp://sftp.partner-co.example/inbound/", False),
                   11: ("https://intake.partner.example/acme", False)}


QUERY_EXPORTS = '''\
import os
import subprocess

os.system("psql -d crm -c \\"\\\\copy (select email, phone from customers) to '/tmp/x.csv' csv\\"")
subprocess.run(["psql", "-c", "SELECT email FROM customers", "-o", "/tmp/emails.txt"])
subprocess.run("mysql -e 'SELECT email, phone FROM crm.customers' > /tmp/contacts.tsv",
               shell=True)
os.system("sqlite3 app.db 'select * from customers' > /tmp/all.csv")
os.system("psql -c 'COPY customers TO STDOUT CSV' > /tmp/copy.csv")
os.system("psql -c 'select count(*) from customers' > /tmp/count.txt")
os.system("psql -c 'vacuum analyze'")
'''


def test_a_database_client_writing_a_query_to_a_file_exports_its_rows(tmp_path: Path,
                                                                       lacuna) -> None:
    """`psql -c "\\copy (...) to 'x.csv'"`, `-o file`, `mysql -e ... > file`, `sqlite3 db SQL
    > file`, `COPY ... TO STDOUT` redirected: the query reads its tables and the file gets
    its rows (a count is an aggregate); a client given no output writes nothing. A notebook's
    `!psql ... > file` line and a DAG's BashOperator are read the same way."""
    (tmp_path / "dump.ipynb").write_text(json.dumps({
        "nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{
            "cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
            "source": "!psql -c \"select email from customers\" > ~/Downloads/e.csv\n"}]}))
    (tmp_path / "dag.py").write_text(
        "from airflow.operators.bash import BashOperator\n\n"
        "BashOperator(task_id='dump', bash_command=\"psql $DB -c \\\"\\\\copy customers to "
        "'/tmp/customers.csv' csv\\\"\")\n")
    run = _checked(tmp_path, lacuna, QUERY_EXPORTS)
    exports = {(f["operation"]["location"]["path"], f["operation"]["location"]["line"]): (
        f["operation"]["destination"]["name"], [s["name"] for s in f["operation"]["sources"]],
        f["classification"]["tier"]) for f in json.loads(run.stdout)["findings"]
        if f["operation"]["action"] == "export"}
    assert exports == {
        ("ship.py", 4): ("/tmp/x.csv", ["customers"], "PROPRIETARY"),
        ("ship.py", 5): ("/tmp/emails.txt", ["customers"], "PROPRIETARY"),
        ("ship.py", 6): ("/tmp/contacts.tsv", ["crm.customers"], "PROPRIETARY"),
        ("ship.py", 8): ("/tmp/all.csv", ["customers"], "PROPRIETARY"),
        ("ship.py", 9): ("/tmp/copy.csv", ["customers"], "PROPRIETARY"),
        ("ship.py", 10): ("/tmp/count.txt", ["customers"], "INTERNAL"),
        ("dump.ipynb", 1): ("~/Downloads/e.csv", ["customers"], "PROPRIETARY"),
        ("dag.py", 3): ("/tmp/customers.csv", ["customers"], "PROPRIETARY"),
    }
