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


SPELLED_EXPORTS = '''\
import os
import subprocess

DB = "crm"
os.system("PGPASSWORD=$X psql -h db -c \\"\\\\copy (SELECT email FROM customers) TO '/tmp/b.csv' CSV\\"")
os.system("psql crm -c \\"\\\\copy customers (email, full_name) TO '/tmp/c.csv' CSV\\"")
os.system("psql crm -c 'SELECT email, phone FROM customers' | gzip > /tmp/d.csv.gz")
subprocess.run(["/usr/bin/psql", DB, "-c", "SELECT email FROM customers", "-o", "/tmp/e.csv"])
os.system("bq --format=csv query --nouse_legacy_sql 'SELECT email FROM crm.customers' > /tmp/f.csv")
os.system("sqlite3 -cmd '.mode csv' app.db 'SELECT email, phone FROM customers' > /tmp/h.csv")
os.system("psql crm -c \\"\\\\copy (SELECT email FROM customers) TO STDOUT WITH CSV\\" > /tmp/j.csv")
os.system("psql crm -f sql/export_customers.sql -o /tmp/k.csv")
os.system("sudo -u postgres psql crm -c \\"\\\\copy customers TO '/tmp/l.csv'\\"")
os.system("psql crm -Atc 'SELECT email FROM customers' | tee /tmp/m.txt")
subprocess.run(["bash", "-c", "psql crm -c 'SELECT email FROM customers' > /tmp/x.csv"])
os.system("mysql crm -e 'SELECT email, phone FROM customers' 2>/dev/null > warehouse/snap.tsv")
os.system("duckdb -csv app.duckdb 'select 1'")
os.system(f"psql -c '{input()}' > /tmp/dyn.csv")
os.system("psql -c \\"\\\\copy customers TO PROGRAM 'aws s3 cp - s3://public-bucket/c.csv'\\"")
os.system("psql -c \\"\\\\copy customers TO '/tmp/x5.csv'\\" && aws s3 cp /tmp/x5.csv s3://partner/x5.csv")
'''  # noqa: E501 - shell lines as teams write them


def test_database_exports_however_the_command_is_spelled(tmp_path: Path, lacuna) -> None:
    """Variables and wrappers before the client (`PGPASSWORD=...`, `sudo -u postgres`, `bash
    -c`), its full path, flags written together (`-Atc`), a column list in `\\copy`, `TO
    STDOUT` redirected, output piped through `gzip` or `tee`, SQL in a project file (`-f`),
    `bq`'s flags before its subcommand, `sqlite3 -cmd`; `2>` is not the output; a query
    filled in at run time is of unknown data; `TO PROGRAM` sends to the program; an export
    then an upload of its file on one line are both read."""
    (tmp_path / "sql").mkdir()
    (tmp_path / "sql" / "export_customers.sql").write_text("SELECT email, phone FROM customers;\n")
    run = _checked(tmp_path, lacuna, SPELLED_EXPORTS)
    exports = sorted((f["operation"]["location"]["line"], f["operation"]["destination"]["name"],
                      f["classification"]["tier"], f["decision"]["allowed"])
                     for f in json.loads(run.stdout)["findings"]
                     if f["operation"]["action"] in ("write", "export"))
    assert exports == [
        (5, "/tmp/b.csv", "PROPRIETARY", False), (6, "/tmp/c.csv", "PROPRIETARY", False),
        (7, "/tmp/d.csv.gz", "PROPRIETARY", False), (8, "/tmp/e.csv", "PROPRIETARY", False),
        (9, "/tmp/f.csv", "PROPRIETARY", False), (10, "/tmp/h.csv", "PROPRIETARY", False),
        (11, "/tmp/j.csv", "PROPRIETARY", False), (12, "/tmp/k.csv", "PROPRIETARY", False),
        (13, "/tmp/l.csv", "PROPRIETARY", False), (14, "/tmp/m.txt", "PROPRIETARY", False),
        (15, "/tmp/x.csv", "PROPRIETARY", False),
        (16, "warehouse/snap.tsv", "PROPRIETARY", True),
        (18, "/tmp/dyn.csv", "UNKNOWN", False),
        (19, "aws s3 cp - s3://public-bucket/c.csv", "PROPRIETARY", False),
        (20, "/tmp/x5.csv", "PROPRIETARY", False),
        (20, "s3://partner/x5.csv", "PROPRIETARY", False),
    ]


OPTIONED_UPLOADS = '''\
import os
import subprocess

import pandas as pd

pd.read_csv("data/customers.csv").to_csv("out/c.csv")
subprocess.run(["aws", "s3", "cp", "--profile", "prod", "out/c.csv", "s3://partner-drop/c.csv"])
os.system("scp -i ~/.ssh/partner.pem -P 2222 out/c.csv acme@files.partner.example:/in/")
os.system("rsync -avz -e 'ssh -p 2222' out/c.csv acme@sftp.agency.example:/drop/")
os.system("sudo -u etl /usr/local/bin/aws s3 cp out/c.csv s3://vendor-share/c.csv")
subprocess.run("hdfs dfs -put -f out/c.csv /landing/crm/", shell=True)
os.system("s3cmd put out/c.csv s3://analytics-sandbox/c.csv")
'''


def test_upload_options_that_take_a_value_are_not_the_file_sent(tmp_path: Path, lacuna) -> None:
    """`--profile prod`, `-i key.pem`, `-e "ssh -p 2222"` are option values, not the file;
    a wrapper (`sudo -u etl`) and a full path still run the command; `hdfs dfs -put` sends
    to a path of HDFS. Each upload carries the customers written to the file it sends (the
    commands and their options are rows of `rules/shell/uploads.yaml`)."""
    run = _checked(tmp_path, lacuna, OPTIONED_UPLOADS)
    exports = sorted((f["operation"]["location"]["line"], f["operation"]["destination"]["name"],
                      [s["name"] for s in f["operation"]["sources"]],
                      f["classification"]["tier"])
                     for f in json.loads(run.stdout)["findings"]
                     if f["operation"]["action"] == "export")
    assert exports == [
        (7, "s3://partner-drop/c.csv", ["out/c.csv"], "PROPRIETARY"),
        (8, "sftp://files.partner.example/in/", ["out/c.csv"], "PROPRIETARY"),
        (9, "sftp://sftp.agency.example/drop/", ["out/c.csv"], "PROPRIETARY"),
        (10, "s3://vendor-share/c.csv", ["out/c.csv"], "PROPRIETARY"),
        (11, "hdfs:///landing/crm/", ["out/c.csv"], "PROPRIETARY"),
        (12, "s3://analytics-sandbox/c.csv", ["out/c.csv"], "PROPRIETARY"),
    ]


SPELLED_UPLOADS = '''\
import os

import pandas as pd

pd.read_csv("data/customers.csv").to_csv("out/c.csv")
os.system("gsutil cp -p out/c.csv gs://partner-drop/p.csv")
os.system("azcopy copy --put-md5 out/c.csv https://acct.blob.core.windows.net/drop/c.csv")
os.system("aws --profile prod s3 cp out/c.csv s3://partner-drop/profile.csv")
os.system("gsutil -m -h Content-Type:text/csv cp out/c.csv gs://partner-drop/h.csv")
os.system("hdfs dfs -D dfs.replication=2 -put -t 4 out/c.csv landing/crm/")
os.system("timeout 10m /usr/bin/sudo aws s3 cp out/c.csv s3://partner-drop/t.csv")
os.system("rsync -avze ssh out/c.csv acme@sftp.agency.example:/drop/")
os.system("gsutil cp -a public-read out/c.csv gs://partner-drop/a.csv")
'''


def test_upload_commands_however_their_options_are_written(tmp_path: Path, lacuna) -> None:
    """Flags that take no value (`gsutil cp -p`, `azcopy --put-md5`) are not taken for one;
    options before the subcommand (`aws --profile prod s3 cp`, `gsutil -m -h K:V cp`,
    `hdfs dfs -D k=v -put`), wrappers given by full path or with a duration (`timeout 10m
    /usr/bin/sudo`) and flags written together ending with one taking a value (`rsync -avze
    ssh`) still name the file and the place; a relative HDFS path is a path of HDFS."""
    run = _checked(tmp_path, lacuna, SPELLED_UPLOADS)
    exports = sorted((f["operation"]["location"]["line"], f["operation"]["destination"]["name"],
                      [s["name"] for s in f["operation"]["sources"]])
                     for f in json.loads(run.stdout)["findings"]
                     if f["operation"]["action"] == "export")
    assert exports == [
        (6, "gs://partner-drop/p.csv", ["out/c.csv"]),
        (7, "https://acct.blob.core.windows.net/drop/c.csv", ["out/c.csv"]),
        (8, "s3://partner-drop/profile.csv", ["out/c.csv"]),
        (9, "gs://partner-drop/h.csv", ["out/c.csv"]),
        (10, "hdfs:///landing/crm/", ["out/c.csv"]),
        (11, "s3://partner-drop/t.csv", ["out/c.csv"]),
        (12, "sftp://sftp.agency.example/drop/", ["out/c.csv"]),
        (13, "gs://partner-drop/a.csv", ["out/c.csv"]),
    ]

