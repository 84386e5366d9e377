"""Pull public reference data (ONS population estimates + ISO country codes) and build the
per-region population table used to normalise sales. Public data in, aggregates out."""
import io
import logging
import urllib.request

import pandas as pd
import requests

log = logging.getLogger("reference_data")
POP_URL = "https://www.ons.gov.uk/file?uri=/peoplepopulationandcommunity/populationestimates/mid2023.csv"
COUNTRIES_URL = "https://raw.githubusercontent.com/datasets/country-codes/main/data/country-codes.csv"


def fetch_population():
    resp = requests.get(POP_URL, timeout=30)
    resp.raise_for_status()
    return pd.read_csv(io.StringIO(resp.text))


if __name__ == "__main__":
    pop = fetch_population()
    by_region = pop.groupby("region", as_index=False)["population"].sum()
    by_region.to_csv("/tmp/population_by_region.csv", index=False)
    urllib.request.urlretrieve(COUNTRIES_URL, "/tmp/country_codes.csv")
    log.info("reference data refreshed: %d regions", len(by_region))
