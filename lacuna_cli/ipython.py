"""The IPython/Jupyter extension: `%load_ext lacuna_cli`, then `%%lacuna` on a cell.

The cell is checked in the context of the cells run before it in the session — a DataFrame
read from customer data three cells ago is still customer data — as if the session were a
notebook; a blocked cell is not run and the denial is shown inline (HTML, with the numbered
alternatives); an allowed cell runs as if the magic were not there. Decisions on the cell are
audited like any check. Cells refused earlier are left out of the context: they never ran.
"""

from __future__ import annotations

import json
from pathlib import Path

from IPython.core.interactiveshell import InteractiveShell
from IPython.core.magic import Magics, cell_magic, magics_class
from IPython.display import HTML, display

from lacuna_cli.models import FileProblem, Finding

MAGIC_LINE = "%%lacuna"


class CurrentCell:
    """A `scan.Scope`: only the operations of one cell of the session notebook."""

    def __init__(self, cell: int) -> None:
        self.cell = cell

    def keeps(self, finding: Finding) -> bool:
        return finding.operation.location.cell == self.cell

    def keeps_problem(self, problem: FileProblem) -> bool:
        return True


def _body(raw: str) -> str:
    """A cell's code without the `%%lacuna` line (its body is what ran)."""
    first, _, rest = raw.partition("\n")
    return rest if first.strip().startswith(MAGIC_LINE) else raw


@magics_class
class LacunaMagics(Magics):
    def __init__(self, shell) -> None:
        super().__init__(shell)
        self.refused: set[int] = set()  # history numbers of cells that were not run

    @property
    def _shell(self) -> InteractiveShell:
        """The shell this magic was registered with (IPython gives every magic one)."""
        if self.shell is None:
            raise RuntimeError("the %%lacuna magic runs only inside an IPython shell")
        return self.shell

    def _history(self) -> list[str]:
        """The raw text of the session's cells by number (0 is empty), the running one last."""
        manager = self._shell.history_manager
        if manager is None:
            raise RuntimeError("the %%lacuna magic needs IPython's history (it is switched off)")
        return manager.input_hist_raw

    def _session_cells(self, current: str) -> list[str]:
        history = self._history()
        number = len(history) - 1  # the cell being run is stored before it runs
        earlier = [_body(history[n]) for n in range(1, number) if n not in self.refused]
        return [*earlier, current]

    @cell_magic
    def lacuna(self, line: str, cell: str):
        """Check this cell against the data policies; run it only if nothing is blocked."""
        from lacuna_cli.config import load_config
        from lacuna_cli.extract.notebook import extract_notebook
        from lacuna_cli.extract.python import PythonContext
        from lacuna_cli.output.html import STYLE, finding_html
        from lacuna_cli.results import ExtractResult
        from lacuna_cli.scan import check_extracted

        config = load_config(Path.cwd())
        cells = self._session_cells(cell)
        notebook = {"cells": [{"cell_type": "code", "source": source} for source in cells]}
        name = self._shell.user_ns.get("__session__") or "<ipython-session>"
        extraction = extract_notebook(json.dumps(notebook), str(name),
                                      PythonContext(root=config.root, dialect=None))
        result = check_extracted(ExtractResult(files=1, extractions=[extraction]), config,
                                 scopes=[CurrentCell(len(cells))])
        if result.blocking:
            self.refused.add(len(self._history()) - 1)
            display(HTML(STYLE + "<p><strong>Lacuna did not run this cell.</strong></p>"
                         + "".join(finding_html(f) for f in result.blocking)))
            return None
        outcome = self._shell.run_cell(cell, store_history=False)
        return outcome.result


def load(ipython) -> None:
    ipython.register_magics(LacunaMagics)
