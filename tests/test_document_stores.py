"""Search engines and document stores (Elasticsearch, OpenSearch, MongoDB): what is indexed or
inserted is a table of the store. A store the organisation runs is its own database; one on a
public host outside it is that host's, and personal data may not go there."""

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
import pandas as pd
from elasticsearch import Elasticsearch, helpers
from pymongo import MongoClient

rows = pd.read_csv("data/customers.csv").to_dict("records")
es = Elasticsearch("https://search.partner-agency.com:9200", api_key="k")
es.index(index="acme-customers", document=rows[0])
helpers.bulk(es, ({"_index": "acme-customers", "_source": r} for r in rows))
client = MongoClient("mongodb+srv://sync:pw@cluster0.partner-agency.com/crm")
client.crm.customers.insert_many(rows)
'''})
    assert _outputs(project) == {
        "https://search.partner-agency.com/acme-customers": False,
        "https://search.partner-agency.com/elasticsearch": False,
        "mongodb://cluster0.partner-agency.com/crm/mongodb": False,
    }


def test_the_organisations_own_stores_are_its_databases(tmp_path: Path) -> None:
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "sync.py": '''\
import os

import pandas as pd
from opensearchpy import OpenSearch
from pymongo import MongoClient

rows = pd.read_csv("data/customers.csv").to_dict("records")
OpenSearch(hosts=[{"host": "search.internal", "port": 9200}]).index(index="customers", body=rows[0])
MongoClient("mongodb://mongo:27017").crm.customers.insert_many(rows)
MongoClient(os.environ["MONGO_URL"]).crm.customers.insert_one(rows[0])
'''})
    assert _outputs(project) == {"customers": True, "mongodb": True}
