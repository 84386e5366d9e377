"""How a path or URL written in code is named: a `file://` URL is the path it names, and an
fsspec chain (`simplecache::s3://b/k`) is its last URL — both were project files, so a
write to a partner's share or bucket spelt that way was a write inside the project."""

from __future__ import annotations

import pytest

from lacuna_cli.extract.places import normalise_location


@pytest.mark.parametrize(("written", "kind", "name"), [
    ("file:///mnt/partner_share/c.csv", "file", "/mnt/partner_share/c.csv"),
    ("file://localhost/srv/drop/c.csv", "file", "/srv/drop/c.csv"),
    ("simplecache::s3://partner-bucket/c.csv", "url", "s3://partner-bucket/c.csv"),
    ("filecache::gcs://partner/x.parquet", "url", "gcs://partner/x.parquet"),
    ("blockcache::file:///tmp/x.csv", "file", "/tmp/x.csv"),
    ("s3://acme-governed/x.csv", "url", "s3://acme-governed/x.csv"),
    ("data/customers.csv", "file", "data/customers.csv"),
])
def test_a_location_is_named_by_where_it_is(written: str, kind: str, name: str) -> None:
    resource = normalise_location(written)
    assert (resource.kind, resource.name) == (kind, name)
