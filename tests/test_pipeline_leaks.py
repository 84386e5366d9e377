"""Two ways real pipelines used to leak: a projection of data whose columns were never seen
was declared "no personal column left", and a cursor passed into a function lost the rows
its query fetched."""

from __future__ import annotations

import json
from pathlib import Path

S3_EXPORT = '''\
import io
import boto3
import pandas as pd

s3 = boto3.client("s3")
obj = s3.get_object(Bucket="acme-landing", Key="crm/customers_full.csv")
raw = pd.read_csv(io.BytesIO(obj["Body"].read()))
active = raw[raw["plan"] != "cancelled"][["customer_id", "first_name", "email", "phone"]]
active.to_csv("/tmp/active_customers.csv", index=False)
'''

CURSOR_EXPORT = '''\
import pandas as pd
import psycopg2


def export_reachable(cur):
    cur.execute("SELECT customer_id, email, phone FROM crm.customers WHERE city IS NOT NULL")
    cols = [d[0] for d in cur.description]
    out = pd.DataFrame(cur.fetchall(), columns=cols)
    out.to_csv("/tmp/crm_exports/dialler_customers.csv", index=False)


conn = psycopg2.connect("dbname=crm")
export_reachable(conn.cursor())
'''


def _export(project: Path, name: str, text: str, lacuna) -> dict:
    (project / name).write_text(text)
    (project / "lacuna.toml").write_text("embeddings = false\n")
    run = lacuna("check", "--format", "json", name, cwd=project)
    exports = [f for f in json.loads(run.stdout)["findings"]
               if f["operation"]["action"] == "export"]
    assert len(exports) == 1, run.stdout
    return exports[0]


def test_selecting_columns_of_unseen_data_keeps_it_personal(tmp_path: Path, lacuna) -> None:
    export = _export(tmp_path, "export.py", S3_EXPORT, lacuna)
    assert "PII" in export["classification"]["tags"]
    assert not export["decision"]["allowed"]
    assert "no personal column left" not in export["classification"]["reasoning"]


def test_a_cursor_parameter_carries_what_its_query_fetched(tmp_path: Path, lacuna) -> None:
    export = _export(tmp_path, "dialler.py", CURSOR_EXPORT, lacuna)
    assert [s["name"] for s in export["operation"]["sources"]] == ["crm.customers"]
    assert not export["decision"]["allowed"]
    assert export["decision"]["policy_id"] == "LAC-PII-001"
