"""`%load_ext lacuna_cli` and the `%%lacuna` cell magic in IPython's real InteractiveShell."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path
from typing import ClassVar

import pytest

IPython = pytest.importorskip("IPython")
from IPython.core.interactiveshell import InteractiveShell  # noqa: E402
from IPython.utils.capture import capture_output  # noqa: E402


class _Frame:
    """Stands in for a pandas DataFrame so that the cells can really run without pandas."""

    written: ClassVar[list[str]] = []

    def merge(self, other, **kwargs):
        return self

    def to_csv(self, path: str) -> None:
        _Frame.written.append(path)


@pytest.fixture
def shell(shop: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(shop)
    fake = types.ModuleType("pandas")
    fake.read_csv = lambda path: _Frame()
    fake.read_parquet = lambda path: _Frame()
    monkeypatch.setitem(sys.modules, "pandas", fake)
    _Frame.written = []
    instance = InteractiveShell.instance()
    instance.run_cell("%load_ext lacuna_cli", store_history=True)
    yield instance
    InteractiveShell.clear_instance()


def test_a_denied_cell_is_shown_inline_and_not_run(shell, shop: Path, lacuna) -> None:
    shell.run_cell('import pandas as pd\ncustomers = pd.read_csv("data/customers.csv")',
                   store_history=True)
    shell.run_cell('sales = pd.read_parquet("warehouse/sales.parquet")', store_history=True)
    with capture_output() as captured:
        shell.run_cell('%%lacuna\nanalysis = customers.merge(sales, on="customer_id")\n'
                       'analysis.to_csv("~/Downloads/export.csv")\nran = True',
                       store_history=True)
    assert "ran" not in shell.user_ns and _Frame.written == []
    (output,) = captured.outputs
    html = output.data["text/html"]
    assert "Lacuna did not run this cell." in html
    assert "LAC-PII-001 BLOCKED: export of PROPRIETARY data to <code>~/Downloads/export.csv" in html
    assert "inherited from data/customers.csv" in html
    assert html.count("<li>") == 3 and "Anonymize the personal columns" in html
    denied = json.loads(lacuna("audit", "log", "--format", "json", "--result", "denied",
                               cwd=shop).stdout)["records"]
    assert [r["resource"] for r in denied] == ["~/Downloads/export.csv"]


def test_an_allowed_cell_runs_and_refused_cells_are_not_context(shell) -> None:
    shell.run_cell('import pandas as pd\nproducts = pd.read_csv("data/products.csv")',
                   store_history=True)
    with capture_output() as captured:
        shell.run_cell('%%lacuna\nproducts.to_csv("reports/products.csv")\nran = True\nran',
                       store_history=True)
    assert shell.user_ns["ran"] is True and _Frame.written == ["reports/products.csv"]
    assert captured.outputs == [] and "True" in captured.stdout  # the cell's value is shown
    with capture_output() as refused:  # never ran: `products` is still the product list
        shell.run_cell('%%lacuna\nproducts = pd.read_csv("data/customers.csv")\n'
                       'products.to_csv("~/Downloads/people.csv")', store_history=True)
    assert "LAC-PII-001 BLOCKED" in refused.outputs[0].data["text/html"]
    shell.run_cell("%%lacuna\nproducts.to_csv('~/Downloads/products.csv')", store_history=True)
    assert _Frame.written[-1] == "~/Downloads/products.csv"
