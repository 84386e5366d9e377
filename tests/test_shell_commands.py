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


def test_an_upload_command_sends_the_file_where_it_says(tmp_path: Path, lacuna) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "customers.csv").write_text("customer_id,email,phone\n")
    (tmp_path / "ship.py").write_text(SCRIPT)
    (tmp_path / "lacuna.toml").write_text("embeddings = false\n")
    run = lacuna("check", "--format", "json", ".", cwd=tmp_path)
    assert run.code == 1, run.stderr
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
