"""A progress bar for long scans, on a terminal only.

Hooks and CI logs must stay quiet (a bar redrawn into a log is noise), so the bar appears only
when stderr is a terminal, neither `CI` nor pre-commit's `PRE_COMMIT` is set, and the scan has
enough files to be worth watching. It draws on stderr, so stdout reports stay clean.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from lacuna_cli.scan import Progress as ProgressCallback

MIN_FILES = 20


def wanted() -> bool:
    quiet = os.environ.get("CI", "").lower() in {"1", "true", "yes"} or "PRE_COMMIT" in os.environ
    return sys.stderr.isatty() and not quiet


@contextmanager
def scan_progress(enabled: bool | None = None) -> Iterator[ProgressCallback | None]:
    """A callback for `scan.extract_paths` (None when no bar is wanted); the bar is created on
    the first call, once the number of files is known, and removed when the scan ends."""
    if not (wanted() if enabled is None else enabled):
        yield None
        return
    shown: list[tuple[Progress, TaskID]] = []  # the bar and its task, once there is one

    def update(done: int, total: int, path: str) -> None:
        if total < MIN_FILES:
            return
        if not shown:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            bar = Progress(TextColumn("extracting"), BarColumn(), MofNCompleteColumn(),
                           TextColumn("{task.description}"), transient=True,
                           console=Console(stderr=True))
            bar.start()
            shown.append((bar, bar.add_task("", total=total)))
        bar, task = shown[0]
        bar.update(task, completed=done, description=path)

    try:
        yield update
    finally:
        for bar, _ in shown:
            bar.stop()
