"""Objects that stand for a place (`locate` catalog rows): a GCS bucket and blob, an S3
resource Bucket and Object. Uploads through them name their destination, so an upload into a
governed bucket is governed and one into a partner's is an export of what was uploaded."""

from __future__ import annotations

import json
from pathlib import Path

UPLOADS = '''\
from google.cloud import storage
import boto3
import pandas as pd

client = storage.Client()
bucket = client.bucket("partner-drop")
blob = bucket.blob("exports/customers.csv")
blob.upload_from_filename("data/customers.csv")
client.get_bucket("acme-governed").blob("x/regions.csv").upload_from_filename("data/regions.csv")

s3 = boto3.resource("s3")
s3.Bucket("partner-drop").upload_file("data/customers.csv", "in/customers.csv")
governed = s3.Bucket("acme-governed")
governed.upload_file("data/customers.csv", "crm/customers.csv")
frame = pd.read_csv("data/customers.csv")
s3.Object("scratch", "c.csv").put(Body=frame.to_csv())


def push(blob_from_caller):
    blob_from_caller.upload_from_filename("data/customers.csv")
'''


def test_uploads_through_bucket_and_blob_objects_name_their_destination(tmp_path: Path,
                                                                        lacuna) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "customers.csv").write_text("email,name\nana@example.org,Ana\n")
    (tmp_path / "data" / "regions.csv").write_text("region,total\nnorth,3\n")
    (tmp_path / "upload.py").write_text(UPLOADS)
    (tmp_path / "lacuna.toml").write_text("embeddings = false\n")
    run = lacuna("check", "--format", "json", ".", cwd=tmp_path)
    assert run.code == 1, run.stderr
    found = {f["operation"]["location"]["line"]: f for f in json.loads(run.stdout)["findings"]
             if f["operation"]["destination"]}
    expected = {
        8: ("gs://partner-drop/exports/customers.csv", False),
        9: ("gs://acme-governed/x/regions.csv", True),
        12: ("s3://partner-drop/in/customers.csv", False),
        14: ("s3://acme-governed/crm/customers.csv", True),
        16: ("s3://scratch/c.csv", False),
    }
    for line, (destination, allowed) in expected.items():
        assert found[line]["operation"]["destination"]["name"] == destination, line
        assert found[line]["decision"]["allowed"] is allowed, line
    unknown = found[20]  # a blob handed in by a caller: the place is not known, never allowed
    assert unknown["operation"]["destination"]["kind"] == "unknown"
    assert not unknown["decision"]["allowed"]


RUN_TIME_FILE = '''import boto3
import pandas as pd
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"


def export(since):
    frame = pd.read_csv("data/customers.csv")
    local = OUT / f"customers_{since}.csv"
    frame.to_csv(local)
    boto3.client("s3").upload_file(local, "partner-drop", "customers.csv")
    boto3.client("s3").upload_file(str(local), "partner-drop", "again.csv")
'''


def test_an_upload_of_a_file_named_at_run_time_is_never_sent_as_nothing(tmp_path: Path,
                                                                        lacuna) -> None:
    """The file the job just wrote personal data to, named by a path built at run time, is
    uploaded: the same expression is the same file, so the upload carries what was written;
    another expression of it is a file no one can name, of unknown data. Both were PUBLIC and
    allowed."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "customers.csv").write_text("email,name\nana@example.org,Ana\n")
    (tmp_path / "export.py").write_text(RUN_TIME_FILE)
    (tmp_path / "lacuna.toml").write_text("embeddings = false\n")
    run = lacuna("check", "--format", "json", ".", cwd=tmp_path)
    found = {f["operation"]["location"]["line"]: f for f in json.loads(run.stdout)["findings"]}
    same, other = found[12], found[13]
    assert same["classification"]["tier"] == "PROPRIETARY"
    assert "PII" in same["classification"]["tags"]
    assert other["classification"]["tier"] == "UNKNOWN"
    assert not same["decision"]["allowed"] and not other["decision"]["allowed"]


def test_an_upload_of_a_temporary_file_carries_what_was_written_to_it(tmp_path: Path,
                                                                      lacuna) -> None:
    """`NamedTemporaryFile()`'s `tmp.name` written with the customers, then uploaded by the
    same name: the upload carries them (it was PUBLIC: only the write was reported)."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "customers.csv").write_text("email,name\nana@example.org,Ana\n")
    (tmp_path / "lacuna.toml").write_text("embeddings = false\n")
    (tmp_path / "ship.py").write_text("""import tempfile

import boto3
import pandas as pd

with tempfile.NamedTemporaryFile(suffix=".csv") as tmp:
    pd.read_csv("data/customers.csv").to_csv(tmp.name)
    boto3.client("s3").upload_file(tmp.name, "partner-bucket", "customers.csv")
""")
    run = lacuna("check", "--format", "json", ".", cwd=tmp_path)
    found = {f["operation"]["location"]["line"]: f for f in json.loads(run.stdout)["findings"]}
    upload = found[8]
    assert upload["classification"]["tier"] == "PROPRIETARY"
    assert not upload["decision"]["allowed"]


def test_a_place_whose_server_is_written_out_is_that_server(tmp_path: Path, lacuna) -> None:
    """A key or path computed at run time under a bucket or server written out: the place is
    that bucket or server (shown with its computed parts in braces), judged as such — the
    company's governed bucket is allowed, a partner's blocked for what it is; a server named
    at run time stays a destination known only then."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "customers.csv").write_text("email,name\nana@example.org,Ana\n")
    (tmp_path / "lacuna.toml").write_text("embeddings = false\n")  # s3://acme-governed/
    # is a governed location of the shipped policy data
    (tmp_path / "ship.py").write_text('''import datetime

import boto3
import pandas as pd
import requests

day = datetime.date.today().isoformat()
pd.read_csv("data/customers.csv").to_csv("out/customers.csv")
s3 = boto3.client("s3")
s3.upload_file("out/customers.csv", "partner-drop", f"acme/customers_{day}.csv")
s3.upload_file("out/customers.csv", "acme-governed", f"crm/{day}.csv")
for email in pd.read_csv("data/customers.csv")["email"]:
    requests.post(f"https://api.enrich.example.com/v1/person/{email}", timeout=10)
requests.post(f"https://{day}.example.com/in", json={"day": day}, timeout=10)
''')
    run = lacuna("check", "--format", "json", ".", cwd=tmp_path)
    assert run.code == 1, run.stderr
    found = {f["operation"]["location"]["line"]: f for f in json.loads(run.stdout)["findings"]
             if f["operation"]["action"] in ("write", "export")}
    assert (found[10]["operation"]["destination"]["name"], found[10]["decision"]["allowed"]) == (
        "s3://partner-drop/acme/customers_{day}.csv", False)
    assert (found[11]["operation"]["destination"]["name"], found[11]["decision"]["allowed"]) == (
        "s3://acme-governed/crm/{day}.csv", True)
    assert found[13]["operation"]["destination"]["name"] == (
        "https://api.enrich.example.com/v1/person/{email}")
    assert found[14]["operation"]["destination"]["kind"] == "unknown"
