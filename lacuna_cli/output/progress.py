"""A progress line for scans, on a terminal only.

Hooks and CI logs must stay quiet (a bar redrawn into a log is noise), so the line appears only
when stderr is a terminal and neither `CI` nor pre-commit's `PRE_COMMIT` is set. It draws on
stderr, so stdout reports stay clean. A run that looks hung is one a user kills, so the line
appears half a second after the scan starts (quick runs never flash it), moves with every file
analysed, shows the elapsed time and an estimate, names a file that takes long, and says what
the run is doing once extraction is over.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from lacuna_cli.extract.batch import Progress as ProgressCallback

SHOW_AFTER_SECONDS = 0.5
AFTER_EXTRACTION = "lineage, classification and decisions"


def wanted() -> bool:
    quiet = os.environ.get("CI", "").lower() in {"1", "true", "yes"} or "PRE_COMMIT" in os.environ
    return sys.stderr.isatty() and not quiet


class _Line:
    """The rich progress display of one scan, started by a timer, stopped once."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.bar: Progress = Progress(
            TextColumn("{task.fields[phase]}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(),
            TextColumn("{task.description}"), transient=True,
            console=Console(stderr=True, emoji=False))
        self.task: TaskID = self.bar.add_task("", total=None, phase="starting")
        self._lock = threading.Lock()
        self._stopped = False
        self._timer = threading.Timer(SHOW_AFTER_SECONDS, self._start)
        self._timer.daemon = True
        self._timer.start()

    def _start(self) -> None:
        with self._lock:
            if not self._stopped:
                self.bar.start()

    def update(self, done: int, total: int, path: str) -> None:
        phase = "extracting" if done < total else AFTER_EXTRACTION
        self.bar.update(self.task, completed=done, total=total, phase=phase,
                        description=path if done < total else "")

    def stop(self) -> None:
        self._timer.cancel()
        with self._lock:
            self._stopped = True
            self.bar.stop()


@contextmanager
def scan_progress(enabled: bool | None = None) -> Iterator[ProgressCallback | None]:
    """A callback for `scan.extract_paths` (None when no line is wanted)."""
    if not (wanted() if enabled is None else enabled):
        yield None
        return
    line = _Line()
    try:
        yield line.update
    finally:
        line.stop()
