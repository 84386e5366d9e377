"""Upload the daily claims file to the insurer's SFTP. Two code paths: paramiko (new) and
pysftp (legacy box, to be removed)."""
import logging
import os

import pandas as pd
import paramiko
import pysftp

log = logging.getLogger("claims_sftp")
HOST = "sftp.insurer-partner.example"
LOCAL = "outbox/claims_daily.csv"
REMOTE = "/inbound/acme/claims_daily.csv"


def build_file():
    patients = pd.read_csv("data/patients.csv")
    os.makedirs("outbox", exist_ok=True)
    patients[["patient_id", "full_name", "date_of_birth", "insurance_number", "diagnosis_code"]].to_csv(LOCAL, index=False)


def upload_paramiko():
    transport = paramiko.Transport((HOST, 22))
    transport.connect(username="acme", pkey=paramiko.RSAKey.from_private_key_file(os.path.expanduser("~/.ssh/insurer")))
    sftp = paramiko.SFTPClient.from_transport(transport)
    try:
        sftp.put(LOCAL, REMOTE)
    finally:
        sftp.close()
        transport.close()


def upload_pysftp():
    cnopts = pysftp.CnOpts()
    with pysftp.Connection(HOST, username="acme", private_key="~/.ssh/insurer", cnopts=cnopts) as conn:
        conn.put(LOCAL, remotepath=REMOTE)


if __name__ == "__main__":
    build_file()
    if os.environ.get("LEGACY"):
        upload_pysftp()
    else:
        upload_paramiko()
    log.info("claims uploaded")
