"""Catalog rows for libraries real pipelines move data with: database drivers that name their
server (a partner's is judged as the place it is, the machine's own stays the project's
database), AWS SDK for pandas, DynamoDB and CloudWatch Logs through boto3, chat bots and
webhooks that keep what they are made with, and calls of an SDK marked `remote` that no row
describes."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import operation_rows, write_files

CUSTOMERS = "customer_id,email,full_name\n1,ada@example.com,Ada Lovelace\n"


def _outputs(tmp_path: Path, code: str) -> set[tuple[int, str, bool]]:
    project = write_files(tmp_path, {"lacuna.toml": "embeddings = false\n",
                                     "data/customers.csv": CUSTOMERS, "job.py": code})
    return {(line, destination, allowed) for _, line, action, _, destination, allowed
            in operation_rows(project) if action in ("write", "export")}


def test_database_drivers_write_to_the_server_they_are_made_for(tmp_path: Path) -> None:
    assert _outputs(tmp_path, '''\
import clickhouse_connect
import oracledb
import pandas as pd
import pymssql
import trino
from pyhive import hive

df = pd.read_csv("data/customers.csv")
rows = df.values.tolist()
mssql = pymssql.connect(server="sql.partner.example", user="u", password="p", database="crm")
mssql.cursor().executemany("INSERT INTO customers VALUES (%s, %s, %s)", rows)
oracle = oracledb.connect(user="u", password="p", dsn="db.partner.example/ORCL")
oracle.cursor().executemany("INSERT INTO customers VALUES (:1, :2, :3)", rows)
trino.dbapi.connect(host="trino.partner.example").cursor().execute(
    "INSERT INTO customers VALUES (?, ?, ?)", rows[0])
hive.Connection(host="hive.partner.example").cursor().execute(
    "INSERT INTO customers VALUES (%s, %s, %s)", rows[0])
clickhouse_connect.get_client(host="ch.partner.example").insert_df("customers", df)
pymssql.connect("localhost", "u", "p", "crm").cursor().executemany(
    "INSERT INTO customers VALUES (%s, %s, %s)", rows)
''') == {(11, "mssql://sql.partner.example/customers", False),
         (13, "oracle://db.partner.example/ORCL/customers", False),
         (14, "trino://trino.partner.example/customers", False),
         (16, "hive://hive.partner.example/customers", False),
         (18, "clickhouse://ch.partner.example/customers", False),
         (19, "customers", True)}


def test_aws_sdk_for_pandas_writes_frames_to_s3_athena_and_dynamodb(tmp_path: Path) -> None:
    """A partner's bucket is outside; the governed bucket and the account's own Athena and
    DynamoDB tables are not; what is read back from the partner's bucket is the customers."""
    assert _outputs(tmp_path, '''\
import awswrangler as wr
import pandas as pd

df = pd.read_csv("data/customers.csv")
wr.s3.to_parquet(df, path="s3://partner-bucket/customers/", dataset=True)
wr.s3.to_json(df=df, path="s3://acme-governed/customers.json")
wr.athena.to_iceberg(df, database="crm", table="customers_ice", temp_path="s3://acme-governed/t/")
wr.dynamodb.put_df(df=df, table_name="customers")
wr.s3.read_csv("s3://partner-bucket/customers/part.csv").to_csv("/tmp/back.csv")
''') == {(5, "s3://partner-bucket/customers/", False),
         (6, "s3://acme-governed/customers.json", True),
         (7, "crm.customers_ice", True), (8, "dynamodb:customers", True),
         (9, "/tmp/back.csv", False)}


def test_boto3_tables_logs_and_calls_no_row_describes(tmp_path: Path) -> None:
    """DynamoDB items through a Table, its batch writer and the client are the account's own
    table; log events go to CloudWatch Logs; an AWS call with the customers that no row
    describes (Comprehend) sends them where Lacuna cannot tell, and one without data sends
    nothing."""
    assert _outputs(tmp_path, '''\
import boto3
import pandas as pd

df = pd.read_csv("data/customers.csv")
table = boto3.resource("dynamodb").Table("customers")
table.put_item(Item=df.to_dict("records")[0])
with table.batch_writer() as batch:
    batch.put_item(Item=df.to_dict("records")[0])
boto3.client("dynamodb").put_item(TableName="people", Item={"email": {"S": df.email[0]}})
boto3.client("logs").put_log_events(logGroupName="g", logStreamName="s",
                                    logEvents=[{"message": df.to_json()}])
boto3.client("comprehend").detect_pii_entities(Text=df.to_csv(), LanguageCode="en")
boto3.client("s3").list_objects_v2(Bucket="acme-governed")
''') == {(6, "dynamodb:customers", True), (8, "dynamodb:customers", True),
         (9, "dynamodb:people", True), (10, "cloudwatch-logs", False),
         (12, "boto3.client.detect_pii_entities()", False)}


def test_chat_bots_and_webhooks_send_what_they_are_made_with(tmp_path: Path) -> None:
    """A Discord webhook made with the customers as its content, or given them later, sends
    them on `execute()`; one made with a constant sends nothing personal; a Telegram bot's
    message is a chat message, not a mail."""
    assert _outputs(tmp_path, '''\
import pandas as pd
from discord_webhook import DiscordWebhook
from telegram import Bot

df = pd.read_csv("data/customers.csv")
DiscordWebhook(url="https://discord.com/api/webhooks/1/a", content=df.to_csv()).execute()
hook = DiscordWebhook(url="https://discord.com/api/webhooks/1/a")
hook.set_content(df.to_csv())
hook.execute()
DiscordWebhook(url="https://discord.com/api/webhooks/1/a", content="deployed").execute()
Bot(token="t").send_message(chat_id="-100123", text=df.to_csv())
''') == {(6, "chat-webhook", False), (9, "chat-webhook", False), (10, "chat-webhook", True),
         (11, "telegram", False)}


def test_a_rabbitmq_connection_publishes_to_the_broker_it_is_made_for(tmp_path: Path) -> None:
    """Parameters naming a partner's broker (by host or URL) make its channel publish there;
    the deployment's own broker (`rabbitmq`, a single-label name) is the organisation's bus."""
    assert _outputs(tmp_path, '''\
import pandas as pd
import pika

df = pd.read_csv("data/customers.csv")
partner = pika.BlockingConnection(pika.ConnectionParameters(host="mq.partner.example"))
partner.channel().basic_publish(exchange="", routing_key="customers", body=df.to_json())
by_url = pika.BlockingConnection(pika.URLParameters("amqps://u:p@mq2.partner.example/vhost"))
by_url.channel().basic_publish(exchange="", routing_key="people", body=df.to_json())
own = pika.BlockingConnection(pika.ConnectionParameters("rabbitmq"))
own.channel().basic_publish(exchange="", routing_key="customers", body=df.to_json())
''') == {(6, "amqp://mq.partner.example/customers", False),
         (8, "amqps://mq2.partner.example/vhost/people", False),
         (10, "amqp:customers", True)}


def test_pipeline_frameworks_write_where_their_datasets_and_clients_stand(
        tmp_path: Path) -> None:
    """A Kedro dataset stands for its file (saved to, loaded from); Metaflow's S3 client puts
    under its root (one slash between them); a Prefect table artifact goes to Prefect's
    server."""
    assert _outputs(tmp_path, '''\
import pandas as pd
from kedro_datasets.pandas import CSVDataset
from metaflow import S3
from prefect.artifacts import create_table_artifact

df = pd.read_csv("data/customers.csv")
CSVDataset(filepath="s3://partner-bucket/customers.csv").save(df)
CSVDataset(filepath="s3://acme-governed/customers.csv").save(df)
CSVDataset(filepath="data/customers.csv").load().to_csv("/tmp/back.csv")
with S3(s3root="s3://partner-bucket/flows/") as s3:
    s3.put("customers.csv", df.to_csv(index=False))
create_table_artifact(key="customers", table=df.to_dict("records"))
''') == {(7, "s3://partner-bucket/customers.csv", False),
         (8, "s3://acme-governed/customers.csv", True), (9, "/tmp/back.csv", False),
         (11, "s3://partner-bucket/flows/customers.csv", False),
         (12, "prefect:customers", False)}


def test_serialisers_and_file_formats_write_where_they_dump(tmp_path: Path) -> None:
    """`orjson.dumps` keeps the rows in the process (what is posted of it carries them, and
    the call itself sends nothing); `simplejson.dump` writes into the handle's file; a
    geospatial frame written to a file, and one read from a file and written, are what they
    hold — listing a library as keeping data in the process never hides its reads."""
    assert _outputs(tmp_path, '''\
import geopandas as gpd
import orjson
import pandas as pd
import requests
import simplejson

df = pd.read_csv("data/customers.csv")
requests.post("https://api.partner.example.com/x", data=orjson.dumps(df.to_dict("records")))
with open("warehouse/customers.json", "w") as fh:
    simplejson.dump(df.to_dict("records"), fh)
with open("/tmp/customers.json", "w") as fh:
    simplejson.dump(df.to_dict("records"), fh)
gpd.GeoDataFrame(df).to_file("/tmp/customers.geojson")
gpd.read_file("data/customers.csv").to_csv("/tmp/read_back.csv")
''') == {(8, "https://api.partner.example.com/x", False),
         (10, "warehouse/customers.json", True), (12, "/tmp/customers.json", False),
         (13, "/tmp/customers.geojson", False), (14, "/tmp/read_back.csv", False)}


def test_a_map_keeps_the_markers_added_to_it_and_saves_them(tmp_path: Path) -> None:
    """folium: a marker made with a customer's e-mail, added with `add_to(m)` or
    `m.add_child(...)`, is in the HTML file `m.save` writes; a map of constant markers writes
    no customer."""
    assert _outputs(tmp_path, '''\
import folium
import pandas as pd

df = pd.read_csv("data/customers.csv")
m = folium.Map(location=[52.0, 4.0])
for _, row in df.iterrows():
    folium.Marker([52.0, 4.0], popup=row.email).add_to(m)
m.save("/tmp/customers_map.html")
names = folium.Map()
names.add_child(folium.CircleMarker([1, 2], tooltip=df.full_name[0]))
names.save("/tmp/names.html")
static = folium.Map()
folium.Marker([1, 2], popup="head office").add_to(static)
static.save("/tmp/static.html")
''') == {(8, "/tmp/customers_map.html", False), (11, "/tmp/names.html", False),
         (14, "/tmp/static.html", True)}


def test_a_map_keeps_what_its_layers_and_a_lambda_put_on_it(tmp_path: Path) -> None:
    """A cluster or layer put into a map is part of it (`cluster = MarkerCluster().add_to(m)`:
    markers added to the cluster are on the map); markers a lambda adds, `df.apply(lambda r:
    folium.Marker(..., popup=r.email).add_to(m), axis=1)`, are on the module's map."""
    assert _outputs(tmp_path, '''\
import folium
import pandas as pd
from folium.plugins import MarkerCluster

df = pd.read_csv("data/customers.csv")
m = folium.Map(location=[52.0, 4.0])
cluster = MarkerCluster().add_to(m)
for _, row in df.iterrows():
    folium.Marker([row["lat"], row["lon"]], popup=row["full_name"]).add_to(cluster)
m.save("/tmp/clustered.html")
layered = folium.Map()
layer = folium.FeatureGroup(name="customers").add_to(layered)
for row in df.itertuples():
    folium.CircleMarker([row.lat, row.lon], tooltip=row.email).add_to(layer)
layered.save("/tmp/layered.html")
applied = folium.Map()
df.apply(lambda r: folium.Marker([r.lat, r.lon], popup=r.email).add_to(applied), axis=1)
applied.save("/tmp/applied.html")
empty = folium.Map()
folium.FeatureGroup(name="offices").add_to(empty)
empty.save("/tmp/empty.html")
''') == {(10, "/tmp/clustered.html", False), (15, "/tmp/layered.html", False),
         (18, "/tmp/applied.html", False), (21, "/tmp/empty.html", True)}
