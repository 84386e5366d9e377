"""Search engines, document and key-value stores (Elasticsearch, OpenSearch, MongoDB, Redis):
what is indexed or inserted is a table of the store. A store the organisation runs is its own
database; one on a public host outside it is that host's, and personal data may not go there.
So does what a raw socket connected to such a host sends."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import operation_rows, write_files

PEOPLE = "customer_id,first_name,email,phone\n"


def _outputs(project: Path) -> dict[str, bool]:
    return {dest: allowed for _, _, action, _, dest, allowed in operation_rows(project)
            if action in ("write", "export")}


def test_a_store_on_a_partner_host_is_that_host(tmp_path: Path) -> None:
    """The client names the server; the index call, the bulk helper and a collection reached
    through the client's attributes all write there."""
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "sync.py": '''\
import json

import pandas as pd
import redis
from elasticsearch import Elasticsearch, helpers
from pymongo import MongoClient

rows = pd.read_csv("data/customers.csv").to_dict("records")
es = Elasticsearch("https://search.partner-agency.com:9200", api_key="k")
es.index(index="acme-customers", document=rows[0])
helpers.bulk(es, ({"_index": "acme-customers", "_source": r} for r in rows))
client = MongoClient("mongodb+srv://sync:pw@cluster0.partner-agency.com/crm")
client.crm.customers.insert_many(rows)
cache = redis.Redis(host="cache.partner-agency.com")
cache.set("customers", json.dumps(rows))
'''})
    assert _outputs(project) == {
        "https://search.partner-agency.com/acme-customers": False,
        "https://search.partner-agency.com/elasticsearch": False,
        "mongodb://cluster0.partner-agency.com/crm/mongodb": False,
        "redis://cache.partner-agency.com/redis": False,
    }


def test_the_organisations_own_stores_are_its_databases(tmp_path: Path) -> None:
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "sync.py": '''\
import os

import pandas as pd
import redis
from opensearchpy import OpenSearch
from pymongo import MongoClient

rows = pd.read_csv("data/customers.csv").to_dict("records")
OpenSearch(hosts=[{"host": "search.internal", "port": 9200}]).index(index="customers", body=rows[0])
MongoClient("mongodb://mongo:27017").crm.customers.insert_many(rows)
MongoClient(os.environ["MONGO_URL"]).crm.customers.insert_one(rows[0])
redis.Redis(host="redis").hset("customer:1", mapping=rows[0])
'''})
    assert _outputs(project) == {"customers": True, "mongodb": True, "redis": True}


def test_what_a_socket_connected_to_a_host_sends_goes_there(tmp_path: Path) -> None:
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "ship.py": '''\
import socket

import pandas as pd

s = socket.create_connection(("collector.partner-agency.com", 9000))
s.sendall(pd.read_csv("data/customers.csv").to_csv().encode())
'''})
    assert _outputs(project) == {"tcp://collector.partner-agency.com": False}


def test_a_chroma_collection_is_on_its_clients_server(tmp_path: Path) -> None:
    """A collection got from a client made for a partner's Chroma server is that server's;
    one of a local persistent client is the project's own store."""
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "index.py": '''\
import chromadb
import pandas as pd

df = pd.read_csv("data/customers.csv")
remote = chromadb.HttpClient(host="chroma.partner-agency.com").get_or_create_collection("c")
remote.add(ids=["1"], documents=df["email"].tolist())
local = chromadb.PersistentClient(path="warehouse/chroma").get_collection("c")
local.add(ids=["1"], documents=df["email"].tolist())
'''})
    assert _outputs(project) == {"chroma://chroma.partner-agency.com/chroma": False,
                                 "chroma": True}


def test_hosted_stores_named_by_their_account_are_the_vendors(tmp_path: Path) -> None:
    """`Elasticsearch(cloud_id=...)` is an Elastic Cloud deployment, and a Snowflake
    connection names its account: what is written through them is on the vendor's servers
    (both were the organisation's own database). An account the organisation owns
    (`acme-*` in own_cloud_accounts) and one from the environment (the deployment's own)
    stay allowed; DogStatsD tags are sent to Datadog (they were no
    operation at all)."""
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "sync.py": '''\
import os

import pandas as pd
import snowflake.connector
from datadog import statsd
from elasticsearch import Elasticsearch
from snowflake.connector.pandas_tools import write_pandas

df = pd.read_csv("data/customers.csv")
es = Elasticsearch(cloud_id=os.environ["ES_CLOUD_ID"], api_key=os.environ["ES_KEY"])
es.index(index="customers", document=df.iloc[0].to_dict())
partner = snowflake.connector.connect(account="partnerco-xy12345", user="LOADER")
write_pandas(partner, df, "CUSTOMERS_SHARE")
ours = snowflake.connector.connect(account="acme-prod", user="LOADER")
write_pandas(ours, df, "CUSTOMERS")
deployed = snowflake.connector.connect(account=os.environ["SF_ACCOUNT"])
write_pandas(deployed, df, "CUSTOMERS_COPY")
for email in df["email"]:
    statsd.increment("crm.seen", tags=[f"email:{email}"])
'''})
    assert _outputs(project) == {
        "elasticsearch://cloud.es.io/customers": False,
        "snowflake://partnerco-xy12345.snowflakecomputing.com/customers_share": False,
        "snowflake://acme-prod.snowflakecomputing.com/customers": True,
        "customers_copy": True,
        "datadog": False,
    }


def test_a_collection_read_is_named_and_classified_by_its_name(tmp_path: Path) -> None:
    """`db.customers.find()` and `client["crm"]["customers"].find()` read the customers
    (both were a read of `mongodb`, INTERNAL by default, so copying them to /tmp was
    allowed); a collection of products stays internal data."""
    project = write_files(tmp_path, {"dump.py": '''\
import json

from pymongo import MongoClient

client = MongoClient("mongodb://mongo:27017")
db = client.crm
json.dump(list(db.customers.find({}, {"email": 1})), open("/tmp/a.json", "w"))
coll = client["crm"]["customers"]
json.dump(list(coll.find({"segment": "gold"})), open("/tmp/b.json", "w"))
json.dump(list(db.products.find()), open("/tmp/c.json", "w"))
'''})
    reads = {sources for _, _, action, sources, _, _ in operation_rows(project)
             if action == "read"}
    assert {("customers",), ("products",)} <= reads
    assert _outputs(project) == {"/tmp/a.json": False, "/tmp/b.json": False,
                                 "/tmp/c.json": True}
