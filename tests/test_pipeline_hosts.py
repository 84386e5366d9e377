"""Places uploads go to, through the CLI: hosts told from the connection they go through
(paramiko's `SSHClient().connect(host)` and `Transport((host, port))`, the SFTP session opened
on them; a session whose host cannot be told is a destination computed at run time), and
bucket and blob names a function is given by its caller (`bucket.blob(name)`)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import operation_rows, write_files

STAFF = "employee_id,full_name,bank_account,salary\n"


def test_sftp_sessions_put_to_the_host_their_client_connected_to(tmp_path: Path) -> None:
    project = write_files(tmp_path, {"data/employees.csv": STAFF, "payroll.py": '''\
import os

import paramiko

BANK = "sftp.bank.example"


def push(local):
    ssh = paramiko.SSHClient()
    ssh.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    ssh.connect(BANK, username="payroll", key_filename=os.path.expanduser("~/.ssh/bank"))
    with ssh.open_sftp() as sftp:
        sftp.put(local, "/incoming/payroll.csv")


def push_legacy(local):
    transport = paramiko.Transport(("legacy.bank.example", 22))
    transport.connect(username="payroll", password=os.environ["SFTP_PASSWORD"])
    paramiko.SFTPClient.from_transport(transport).put(local, "/in/payroll.csv")


def push_anywhere(sftp, local):
    sftp.put(local, "/in/payroll.csv")


push("data/employees.csv")
push_legacy("data/employees.csv")
'''})
    exports = {(line, dest): (sources, allowed) for _, line, action, sources, dest, allowed
               in operation_rows(project) if action == "export"}
    assert exports[(13, "sftp://sftp.bank.example/incoming/payroll.csv")] == \
        (("data/employees.csv",), False)
    assert exports[(19, "sftp://legacy.bank.example/in/payroll.csv")] == \
        (("data/employees.csv",), False)
    # a session handed in: its host is not known, so the place is computed at run time,
    # never a host-less name that looks resolved
    assert not [dest for (_, dest) in exports if dest.startswith("sftp:/in")]


def test_a_blob_name_given_by_the_caller_names_the_upload(tmp_path: Path) -> None:
    project = write_files(tmp_path, {"data/employees.csv": STAFF, "drops.py": '''\
import os
import sys

import pandas as pd
from google.cloud import storage

client = storage.Client()


def drop(frame, bucket_name, blob_name):
    blob = client.bucket(bucket_name).blob(blob_name)
    blob.upload_from_string(frame.to_csv(index=False))


def drop_local(frame, name):
    frame.to_csv(os.path.join("/tmp/drops", name))


staff = pd.read_csv("data/employees.csv")
drop(staff, "payroll-partner", "acme/staff.csv")
drop(staff, "payroll-partner", sys.argv[1])
drop_local(staff, "staff.csv")
'''})
    exports = {(line, dest): (sources, allowed) for _, line, action, sources, dest, allowed
               in operation_rows(project) if action == "export"}
    staff = (("data/employees.csv",), False)
    assert exports[(12, "gs://payroll-partner/acme/staff.csv")] == staff
    assert exports[(16, "/tmp/drops/staff.csv")] == staff
    # a name from the command line: still an export, to a place computed at run time
    assert [dest for (line, dest) in exports if line == 12 and not dest.startswith("gs://")]
