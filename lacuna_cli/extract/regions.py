"""Which pool worker analyses which file: contiguous regions of the project, with stealing.

A worker keeps the summaries it made of the project's other modules (see `pyshared.py`)
for every later file it analyses, and files of one package call the same helpers. Handed out
one by one to whichever worker was free, consecutive files alternated between workers, so
every worker summarised nearly every module. Each worker now takes files from its own
contiguous run of the project in path order; one that runs out takes from the far end of the
largest run left, so no worker idles while another has work.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence


class Regions:
    """Positions 0..n-1 of files sorted by path, split into one contiguous run per worker."""

    def __init__(self, paths: Sequence[str], workers: int) -> None:
        order = sorted(range(len(paths)), key=lambda position: paths[position])
        size, extra = divmod(len(order), workers)
        self._runs: list[deque[int]] = []
        start = 0
        for worker in range(workers):
            end = start + size + (worker < extra)
            self._runs.append(deque(order[start:end]))
            start = end

    def next_for(self, worker: int) -> int | None:
        """The next file for `worker`: the front of its own run, else the back of the largest
        other run; None when every file has been handed out."""
        own = self._runs[worker]
        if own:
            return own.popleft()
        largest = max(self._runs, key=len)
        return largest.pop() if largest else None

    def __len__(self) -> int:
        """How many workers the files were split between."""
        return len(self._runs)
