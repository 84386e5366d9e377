"""Assets an orchestrator runs, through the CLI: Dagster hands each `@asset` the results of the
assets its parameters name, so what a downstream asset sends or logs carries the data the
upstream asset read (each parameter was data of unknown origin, and a log of one carried
nothing at all)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import operation_rows, write_files

PEOPLE = "customer_id,full_name,email,phone,country\n"


def _sent(project: Path) -> dict[int, tuple[tuple[str, ...], bool]]:
    return {line: (sources, allowed)
            for _, line, action, sources, _, allowed in operation_rows(project)
            if action in ("write", "export")}


def test_an_asset_gets_what_the_assets_its_parameters_name_returned(tmp_path: Path) -> None:
    """Through a pure transform in between, a renamed asset and `ins` with `AssetIn`, by
    position and by `key=`: every send carries the customers file; the counts by country
    logged the same way carry no customer (aggregated) and pass."""
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "assets.py": '''\
import dagster as dg
import pandas as pd
import requests
from dagster import AssetIn, asset


@asset
def raw_customers() -> pd.DataFrame:
    return pd.read_csv("data/customers.csv")


@asset(name="contacts")
def contact_columns(raw_customers: pd.DataFrame) -> pd.DataFrame:
    return raw_customers[["email", "full_name"]].dropna()


@dg.asset(compute_kind="python")
def logged(context: dg.AssetExecutionContext, contacts: pd.DataFrame) -> None:
    context.log.info(f"syncing {contacts.to_dict('records')}")


@asset(ins={"people": AssetIn("contacts")})
def crm_sync(people: pd.DataFrame) -> None:
    requests.post("https://api.crm-partner.com/v1/contacts", json=people.to_dict("records"))


@asset(ins={"rows": AssetIn(key="raw_customers")})
def country_counts(rows: pd.DataFrame) -> pd.DataFrame:
    return rows.groupby("country").size().reset_index(name="customers")


@asset
def country_report(context: dg.AssetExecutionContext, country_counts: pd.DataFrame) -> None:
    context.log.info(f"customers by country: {country_counts.to_dict('records')}")


defs = dg.Definitions(assets=[raw_customers, contact_columns, logged, crm_sync,
                              country_counts, country_report])
'''})
    sent = _sent(project)
    assert sent == {
        19: (("data/customers.csv",), False),
        24: (("data/customers.csv",), False),
        34: (("data/customers.csv",), True),
    }


def test_an_upstream_asset_of_another_file_stays_unknown(tmp_path: Path) -> None:
    """An asset named by a parameter but defined in another module is not followed: the send
    keeps the parameter's unknown data and is denied, never allowed as carrying nothing."""
    project = write_files(tmp_path, {"data/customers.csv": PEOPLE, "sync.py": '''\
import requests
from dagster import asset


@asset
def crm_sync(raw_customers) -> None:
    requests.post("https://api.crm-partner.com/v1/contacts", json=raw_customers.to_dict("records"))
'''})
    (sources, allowed), = _sent(project).values()
    assert not allowed
    assert sources == ("parameter `raw_customers` of `crm_sync()` (line 6)",)
