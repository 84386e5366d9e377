"""Classifications teams already keep in their catalogs, imported as layer `catalog`.

Each format module reads one export into `Tagged` rows (a resource, maybe a column, the
foreign labels, where in the file); `mapping.py` turns foreign labels into Lacuna tiers and
tags with the YAML mapping under `rules/catalog/`; `store.py` keeps the result in the DuckDB file.
"""
