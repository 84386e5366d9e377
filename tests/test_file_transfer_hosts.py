"""File transfers name the server they go to, through the CLI: an FTP or SFTP connection made
for one host is where what is stored or put through it goes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_lacuna


def test_ftp_and_sftp_uploads_name_the_host(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "customers.csv").write_text("customer_id,first_name,email\n")
    (tmp_path / "ship.py").write_text(
        "import ftplib\n\nimport pysftp\n\n"
        "ftp = ftplib.FTP_TLS('ftp.printer.example')\n"
        "with open('data/customers.csv', 'rb') as fh:\n"
        "    ftp.storbinary('STOR labels.csv', fh)\n"
        "with pysftp.Connection('sftp.partner.example', username='acme') as conn:\n"
        "    conn.put('data/customers.csv', remotepath='/inbound/customers.csv')\n")
    run = run_lacuna("check", ".", "--format", "json", cwd=tmp_path)
    assert run.code == 1, run.stderr
    sent = {f["operation"]["location"]["line"]: (f["operation"]["destination"]["name"],
                                                 f["decision"]["allowed"])
            for f in json.loads(run.stdout)["findings"] if f["operation"]["action"] == "export"}
    assert sent == {7: ("ftp://ftp.printer.example", False),
                    9: ("sftp://sftp.partner.example/inbound/customers.csv", False)}
