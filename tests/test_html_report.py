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


# Measures the drawing as laid out; appended to a copy of the report (the report has no script).
PROBE = """<script>window.addEventListener("load", () => {
  const box = document.querySelector("svg.lineage").getBoundingClientRect();
  const out = document.createElement("pre");
  out.id = "probe";
  out.textContent = JSON.stringify({left: box.left, right: box.right,
    page: document.documentElement.clientWidth, scroll: document.documentElement.scrollWidth});
  document.body.appendChild(out);
});</script>"""


def test_lineage_drawing_fits_a_1400_px_page(report: Path, tmp_path: Path) -> None:
    import json
    browser = _chromium()
    probed = tmp_path / "probed.html"
    probed.write_text(report.read_text().replace("</body>", PROBE + "</body>"))
    dom = subprocess.run([browser, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
                          "--window-size=1400,900", "--virtual-time-budget=2000", "--dump-dom",
                          probed.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    found = re.search(r'<pre id="probe">([^<]*)</pre>', dom.stdout)
    assert found, dom.stdout[-2000:]
    layout = json.loads(found.group(1))
    assert layout["left"] >= 0 and layout["right"] <= layout["page"], layout  # nothing cut off
    assert layout["scroll"] <= layout["page"], layout  # and the page does not scroll sideways
    assert layout["right"] - layout["left"] > 0.6 * layout["page"], layout  # still large
