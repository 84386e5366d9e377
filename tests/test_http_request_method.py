"""`request(method, url, ...)` of requests, httpx, urllib3 and aiohttp: the URL is the second
argument (urllib3's `request("POST", url)` used to write to a file named `POST`, and
`requests.request` was not known at all), and any method may carry the payload."""

from __future__ import annotations

from pathlib import Path

from conftest import outputs_by_line

SENDS = '''\
import json

import httpx
import pandas as pd
import requests
import urllib3

df = pd.read_csv("data/customers.csv")
body = json.dumps(df.to_dict("records"))
urllib3.PoolManager().request("POST", "https://api.partner.example.com/a", body=body)
requests.request("POST", "https://api.partner.example.com/b", json=df.to_dict("records"))
requests.Session().request("PUT", url="https://api.partner.example.com/c", data=body)
httpx.request("POST", "https://api.partner.example.com/d", content=body)
with httpx.Client() as client:
    client.request("POST", "https://api.partner.example.com/e", content=body)
requests.request("GET", "https://api.partner.example.com/status")
'''


def test_the_url_of_request_method_url_is_where_the_payload_goes(tmp_path: Path,
                                                                  lacuna) -> None:
    sent = outputs_by_line(lacuna, tmp_path, {"data/customers.csv": "customer_id,email,phone\n",
                                              "send.py": SENDS})
    for line, letter in {10: "a", 11: "b", 12: "c", 13: "d", 15: "e"}.items():
        operation = sent[line]["operation"]
        assert operation["destination"]["name"] == f"https://api.partner.example.com/{letter}"
        assert [s["name"] for s in operation["sources"]] == ["data/customers.csv"], line
        assert sent[line]["decision"]["allowed"] is False, line
    status = sent[16]  # a request without a payload sends nothing that may not leave
    assert status["operation"]["sources"] == [] and status["decision"]["allowed"] is True
