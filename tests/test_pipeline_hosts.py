"""Hosts that uploads go to, told from the connection they go through, through the CLI:
paramiko's `SSHClient().connect(host)` and `Transport((host, port))`, the SFTP session opened
on them, and a session whose host cannot be told (a destination computed at run time)."""

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
