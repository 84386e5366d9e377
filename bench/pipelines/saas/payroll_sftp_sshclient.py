"""Nightly payroll file for the bank. Runs from cron on the finance box:

    0 2 * * * cd /opt/payroll && python payroll_sftp_sshclient.py
"""
import logging
import os

import pandas as pd
import paramiko

log = logging.getLogger("payroll")

BANK_HOST = "sftp.bank-partner.example"
EXPORT = "outbox/payroll_batch.csv"


def build_batch():
    staff = pd.read_csv("data/employees.csv")
    batch = staff[["employee_id", "full_name", "bank_account", "salary"]]
    os.makedirs("outbox", exist_ok=True)
    batch.to_csv(EXPORT, index=False)


def push_to_bank():
    ssh = paramiko.SSHClient()
    ssh.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    ssh.connect(BANK_HOST, username="acme-payroll",
                key_filename=os.path.expanduser("~/.ssh/bank_payroll"))
    sftp = ssh.open_sftp()
    try:
        sftp.put(EXPORT, "/incoming/acme/payroll_batch.csv")
    finally:
        sftp.close()
        ssh.close()
    log.info("payroll batch delivered")


if __name__ == "__main__":
    build_batch()
    push_to_bank()
