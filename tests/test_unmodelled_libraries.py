"""Data handed to a library the catalog does not describe goes wherever that library takes it.

Real pipelines push rows to SDKs nobody wrote a catalog row for yet (an MQTT client, a vendor's
package). Lacuna cannot tell where such a call sends what it is given, so it is a write to a
destination known only at run time: personal data handed to it is denied, other data is
allowed but counted as unresolved. Libraries that keep data in the process (plots, models,
date and text helpers) are listed `in_process` in the catalog, and a team lists its own the
same way; the project's own modules are never foreign.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import operation_rows, run_lacuna, write_files

CUSTOMERS = "customer_id,email,full_name,phone\n1,ada@example.com,Ada Lovelace,555\n"
ORDERS = "order_id,region,amount\n1,north,12.5\n"
JOB = '''\
import pandas as pd
import paho.mqtt.client as mqtt
import seaborn as sns
from acme_telemetry import Reporter

import helpers

customers = pd.read_csv("data/customers.csv")
orders = pd.read_csv("data/orders.csv")
totals = orders.groupby("region").agg({"amount": "sum"})

client = mqtt.Client()
client.connect("broker.example.com")
client.publish("customers/new", customers.to_json())
client.publish("customers/all", customers.to_csv())
sns.barplot(data=customers, x="email", y="customer_id")
Reporter("team-a").push(totals)
helpers.tidy(customers)
'''
HELPERS = '''\
def tidy(frame):
    return frame.dropna()
'''


def _project(tmp_path: Path, config: str = "") -> Path:
    return write_files(tmp_path, {"lacuna.toml": "embeddings = false\n" + config,
                                  "data/customers.csv": CUSTOMERS, "data/orders.csv": ORDERS,
                                  "jobs/helpers.py": HELPERS, "jobs/job.py": JOB})


def _outputs(project: Path) -> dict[int, tuple[str, bool]]:
    return {line: (destination, allowed) for _, line, action, _, destination, allowed
            in operation_rows(project) if action in ("write", "export")}


def test_data_handed_to_an_unknown_library_is_sent_to_a_place_lacuna_cannot_tell(
        tmp_path: Path) -> None:
    """Each MQTT publish of the customers is denied and names the library (the client stays a
    client after its first send); the totals pushed
    through an unknown vendor package are allowed (no personal data) but still reported; the
    plot (seaborn keeps data in the process) and the project's own helper send nothing."""
    project = _project(tmp_path)
    assert _outputs(project) == {
        14: ("paho.mqtt.client.Client.publish()", False),
        15: ("paho.mqtt.client.Client.publish()", False),
        17: ("acme_telemetry.Reporter.push()", True),
    }
    run = run_lacuna("check", "jobs/job.py", cwd=project)
    assert run.code == 1
    assert "`paho`, a library Lacuna's catalog does not describe" in run.stdout
    assert "3 with an unresolved source or destination" in run.stdout


def test_a_team_lists_its_own_in_process_library_in_its_catalog(tmp_path: Path) -> None:
    """Knowledge is data: a project catalog file listing `acme_telemetry` as keeping data in
    the process makes the push nothing; the MQTT publishes stay denied."""
    project = _project(tmp_path, 'apis = ["catalog/acme.yaml"]\n')
    write_files(project, {"catalog/acme.yaml":
                          "version: 1\nlibrary: acme\nin_process: [acme_telemetry]\n"})
    assert _outputs(project) == {14: ("paho.mqtt.client.Client.publish()", False),
                                 15: ("paho.mqtt.client.Client.publish()", False)}


def test_hosted_backends_and_trackers_are_their_services(tmp_path: Path) -> None:
    """Rows pushed to Supabase, GitHub issues, Jira, Algolia, a Replicate model and a Teams card
    (its text held until `send()`) are sends to those services; a Firestore document is the
    organisation's own database; an S3 object copied server-side from a governed bucket to a
    partner's carries what its source holds, and a source given as a dict is unresolved."""
    project = write_files(tmp_path, {
        "lacuna.toml": "embeddings = false\n", "data/customers.csv": CUSTOMERS,
        "push.py": '''\
import boto3
import pandas as pd
import pymsteams
import replicate
from algoliasearch.search_client import SearchClient
from firebase_admin import firestore
from github import Github
from jira import JIRA
from supabase import create_client

df = pd.read_csv("data/customers.csv")
rows = df.to_dict("records")
create_client("https://xyz.supabase.co", "key").table("leads").insert(rows).execute()
Github("token").get_repo("acme/data").create_issue(title="dump", body=df.to_csv())
JIRA("https://acme.atlassian.net").create_issue(project="D", description=df.to_string())
SearchClient.create("APP", "KEY").init_index("people").save_objects(rows)
replicate.run("meta/llama-2-70b-chat", input={"prompt": df.to_string()})
card = pymsteams.connectorcard("https://outlook.office.com/webhook/abc")
card.text(df.to_string())
card.send()
firestore.client().collection("customers").document("c1").set(rows[0])
s3 = boto3.client("s3")
s3.copy_object(Bucket="partner-drop", Key="c.csv", CopySource="acme-crm/customers.csv")
s3.copy_object(Bucket="partner-drop", Key="d.csv", CopySource={"Bucket": "b", "Key": "k"})
'''})
    sent = {line: (destination, allowed) for _, line, action, sources, destination, allowed
            in operation_rows(project) if action in ("write", "export")}
    assert sent == {
        13: ("supabase", False), 14: ("github", False), 15: ("jira", False),
        16: ("algolia", False), 17: ("replicate:meta/llama-2-70b-chat", False),
        20: ("chat-webhook", False), 21: ("firestore", True),
        23: ("s3://partner-drop/c.csv", False), 24: ("s3://partner-drop/d.csv", False),
    }
