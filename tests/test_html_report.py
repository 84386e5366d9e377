"""`lacuna report --html`: one self-contained file, opened in headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"]


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (.ci/run installs Debian's package)")
        pytest.skip("chromium not installed (apt-get install chromium)")
    return found


@pytest.fixture
def report(shop: Path, lacuna) -> Path:
    result = lacuna("report", ".", "--html", "-o", "out/report.html", cwd=shop)
    assert result.code == 1, result.stderr  # the scenario is blocked
    assert "wrote out/report.html: 1 blocked, 28 operations, audit log verified" in result.stdout
    return shop / "out" / "report.html"


def test_report_is_self_contained_with_findings_graph_and_audit(report: Path) -> None:
    page = report.read_text()
    assert "<script" not in page
    assert not re.search(r'(src|href)="(https?:)?//', page)  # nothing fetched
    assert "LAC-PII-001 BLOCKED: export of PROPRIETARY data to <code>~/Downloads/export.csv" in page
    assert page.count("<li>") >= 3 and "Anonymize the personal columns" in page
    assert "Audit log verified: 28 records, hash chain intact" in page
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert ">data/customers.csv</text>" in svg and ">~/Downloads/export.csv</text>" in svg
    assert svg.count('marker-end="url(#arrow)"') >= 10


def test_report_renders_in_headless_chromium(report: Path, tmp_path: Path) -> None:
    browser = _chromium()
    common = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([*common, "--dump-dom", report.as_uri()], capture_output=True,
                         text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "Blocked: data operations break the policies" in dom.stdout
    assert dom.stdout.count("<g class=\"node\">") >= 20  # the drawing is in the live DOM
    shot = tmp_path / "report.png"
    taken = subprocess.run([*common, "--window-size=1280,1800", f"--screenshot={shot}",
                            report.as_uri()], capture_output=True, text=True, timeout=120)
    assert taken.returncode == 0, taken.stderr[-2000:]
    header = shot.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", header[16:24]) == (1280, 1800)
    assert shot.stat().st_size > 50_000  # a page with content, not a blank one
