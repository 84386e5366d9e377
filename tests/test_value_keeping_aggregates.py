"""An aggregate lowers sensitivity only when it summarises: a count, a sum, a mean is about the
group; `max(email)`, `string_agg(email, ',')`, `groupby(...).head(5)`, `.first()`,
`agg(list)` and `value_counts()` hand out the members' own values. Those were INTERNAL without
their PII and allowed to leave for /tmp or a home folder."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import operation_rows, write_files

CUSTOMERS = "customer_id,email,region,ltv\n1,ada@example.com,EU,10\n"
SCHEMA = ("CREATE TABLE crm.customers (customer_id BIGINT, email TEXT, phone TEXT, "
          "region TEXT, ltv NUMERIC);\n")


def _exports(project: Path) -> dict[str, bool]:
    return {dest: allowed for _, _, action, _, dest, allowed in operation_rows(project)
            if action == "export"}


def test_pandas_groups_keep_their_members_unless_summarised(tmp_path: Path) -> None:
    project = write_files(tmp_path, {"data/customers.csv": CUSTOMERS, "report.py": '''\
import numpy as np
import pandas as pd

df = pd.read_csv("data/customers.csv")
df.groupby("region").agg(n=("customer_id", "count"), ltv=("ltv", "mean")).to_csv("/tmp/a.csv")
df.groupby("region")["ltv"].sum().to_csv("/tmp/b.csv")
df.groupby("region").agg({"ltv": ["sum", np.mean]}).to_csv("/tmp/c.csv")
df.groupby("region").size().to_csv("/tmp/d.csv")
df.groupby("region").head(5).to_csv("/tmp/e.csv")
df.groupby("region").first().to_csv("/tmp/f.csv")
df.groupby("region").agg(emails=("email", list)).to_csv("/tmp/g.csv")
df.groupby("region").agg(lambda s: s.iloc[0]).to_csv("/tmp/h.csv")
df["email"].value_counts().to_csv("/tmp/i.csv")
'''})
    assert _exports(project) == {
        "/tmp/a.csv": True, "/tmp/b.csv": True, "/tmp/c.csv": True, "/tmp/d.csv": True,
        "/tmp/e.csv": False, "/tmp/f.csv": False, "/tmp/g.csv": False, "/tmp/h.csv": False,
        "/tmp/i.csv": False,
    }


def test_sql_aggregates_that_list_values_keep_them(tmp_path: Path) -> None:
    project = write_files(tmp_path, {"schema.sql": SCHEMA, "exports.sql": '''\
COPY (SELECT region, count(*) AS n, avg(ltv) AS ltv, count(DISTINCT email) AS people
      FROM crm.customers GROUP BY region) TO '/tmp/by_region.csv';
COPY (SELECT region, string_agg(email, ',') AS emails FROM crm.customers GROUP BY region)
  TO '/tmp/emails.csv';
COPY (SELECT region, max(email) AS last_email FROM crm.customers GROUP BY region)
  TO '/tmp/last.csv';
COPY (SELECT region, array_agg(phone) AS phones FROM crm.customers GROUP BY region)
  TO '/tmp/phones.csv';
COPY (SELECT region, ltv FROM analytics.region_ltv) TO '/tmp/ltv.csv';
''', "ltv.sql": '''\
CREATE TABLE analytics.region_ltv AS
WITH customer_orders AS (
    SELECT c.customer_id, c.region, o.amount
    FROM crm.customers AS c JOIN sales.orders AS o ON o.customer_id = c.customer_id)
SELECT region, SUM(amount) AS ltv, COUNT(DISTINCT customer_id) AS customers
FROM customer_orders GROUP BY region;
'''})
    assert _exports(project) == {"/tmp/by_region.csv": True, "/tmp/emails.csv": False,
                                 "/tmp/last.csv": False, "/tmp/phones.csv": False,
                                 "/tmp/ltv.csv": True}  # a sum and a count per region


def test_columns_kept_only_for_safety_do_not_stop_a_summary_lowering() -> None:
    """`SELECT region, SUM(amount) ... GROUP BY region` whose lineage does not cover every
    output column keeps the source's other columns (e-mail, phone) to be safe; they were not
    handed out by the aggregate, so it still lowers the tier. A column a value-keeping
    aggregate lists (`string_agg(email)`) does stop it."""
    from lacuna_cli.classify.inherit import ColumnSensitivity, Sensitivity, through
    from lacuna_cli.models import ColumnFlow, LineageEdge, Location, Tier

    personal = ColumnSensitivity(Tier.PROPRIETARY, frozenset({"PII"}), False, "an e-mail")
    region = ColumnSensitivity(Tier.INTERNAL, frozenset(), False, "a region")
    source = Sensitivity(Tier.PROPRIETARY, frozenset(), {"email": personal, "region": region})

    def aggregated(*flows: ColumnFlow) -> Sensitivity:
        return through(source, LineageEdge(
            source="crm.customers", target="analytics.ltv", transform="aggregate",
            location=Location(path="ltv.sql", line=1, column=1), keys=("region",),
            columns=None, column_flows=flows))

    summed = aggregated(ColumnFlow(column="region", sources=("region",)),
                        ColumnFlow(column="ltv", sources=("amount",), aggregate=True))
    assert summed.tier < Tier.PROPRIETARY and "PII" not in summed.tags
    listed = aggregated(ColumnFlow(column="region", sources=("region",)),
                        ColumnFlow(column="emails", sources=("email",)))
    assert listed.tier == Tier.PROPRIETARY and "PII" in listed.tags


def test_the_least_or_greatest_value_is_a_value(tmp_path: Path) -> None:
    """`max(df["email"])` and `np.min(...)` hand out one of the e-mails: they were numbers
    about the data, PUBLIC, sent to a partner; `len(df)` and `np.mean` stay summaries."""
    project = write_files(tmp_path, {"data/customers.csv": CUSTOMERS, "report.py": '''\
import numpy as np
import pandas as pd
import requests

df = pd.read_csv("data/customers.csv")
requests.post("https://api.partner.example/top", json={"newest": max(df["email"])})
requests.post("https://api.partner.example/low", json={"first": np.min(df["email"].to_numpy())})
requests.post("https://api.partner.example/n", json={"n": len(df), "ltv": np.mean(df["ltv"])})
'''})
    assert _exports(project) == {"https://api.partner.example/top": False,
                                 "https://api.partner.example/low": False,
                                 "https://api.partner.example/n": True}


def test_a_table_built_earlier_in_the_script_is_read_with_its_own_lineage(
        tmp_path: Path) -> None:
    """An aggregate by region built into a table, then copied out: the copy is the aggregate
    (internal), not the customers it was built from; a table built by selecting e-mails is
    still the e-mails when copied out."""
    project = write_files(tmp_path, {"lacuna.toml": "embeddings = false\n", "rollup.sql": """\
CREATE TABLE crm.customers (customer_id BIGINT, full_name TEXT, email TEXT, region TEXT);
CREATE TABLE reporting.by_region AS SELECT region, count(*) AS n FROM crm.customers GROUP BY region;
COPY (SELECT region, n FROM reporting.by_region) TO '/tmp/by_region.csv';
CREATE TEMP TABLE contacts AS SELECT email, full_name FROM crm.customers;
COPY (SELECT * FROM contacts) TO '/tmp/contacts.csv';
"""})
    out = {destination: allowed for _, _, action, _, destination, allowed
           in operation_rows(project) if action == "export"}
    assert out == {"/tmp/by_region.csv": True, "/tmp/contacts.csv": False}
