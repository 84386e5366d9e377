"""`check --alert-webhook URL` against local HTTP servers on 127.0.0.1 that stop by themselves."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from conftest import local_http_server


@contextmanager
def webhook(statuses: list[int], delay: float = 0.0) -> Iterator[tuple[str, list[dict]]]:
    """A receiver answering with `statuses` in turn (after `delay` seconds); it records the
    JSON bodies and is shut down when the block ends."""
    received: list[dict] = []
    answers = iter(statuses)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # http.server's naming
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            time.sleep(delay)
            self.send_response(next(answers, 200))
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    with local_http_server(Handler) as base:
        yield f"{base}/hook", received


def test_denial_is_posted_as_a_slack_message_after_one_retry(shop: Path, lacuna) -> None:
    with webhook([500, 200]) as (url, received):
        result = lacuna("check", ".", "--alert-webhook", url, cwd=shop)
    assert result.code == 1 and "alert webhook" not in result.stderr
    assert len(received) == 2 and received[0] == received[1]  # one retry after the 500
    message = received[0]
    assert message["text"].startswith("Lacuna blocked 1 data operation(s) in ")
    assert message["blocks"][0]["type"] == "header"
    section = message["blocks"][1]["text"]
    assert section["type"] == "mrkdwn"
    assert section["text"].startswith("*LAC-PII-001* export of PROPRIETARY data to "
                                      "`~/Downloads/export.csv` at `pipelines/customer_sales.py:5`")
    assert "1. Anonymize the personal columns" in section["text"]


def test_a_clean_run_posts_nothing(shop: Path, lacuna) -> None:
    (shop / "pipelines" / "customer_sales.py").unlink()
    with webhook([]) as (url, received):
        assert lacuna("check", ".", "--alert-webhook", url, cwd=shop).code == 0
    assert received == []


def test_a_slow_or_refusing_receiver_never_changes_the_result(shop: Path, lacuna) -> None:
    with webhook([200, 200], delay=3) as (url, received):
        result = lacuna("check", ".", "--alert-webhook", url, cwd=shop,
                        env={"LACUNA_ALERT_TIMEOUT": "0.5"})
    # The timeout fired on both tries (the receiver answers after 3 s) and the result stands.
    assert result.code == 1 and len(received) == 2
    assert "lacuna: warning: alert webhook: ReadTimeout" in result.stderr
    with webhook([400]) as (url, received):
        result = lacuna("check", ".", "--alert-webhook", url, cwd=shop)
    assert result.code == 1 and len(received) == 1  # a 4xx is not retried
    assert "lacuna: warning: alert webhook: HTTP 400" in result.stderr
