"""Python's cyclic garbage collector, paused while a run builds and reports its decisions.

After extraction a check allocates hundreds of thousands of objects that all stay alive until
its report is written (the lineage graph, every node's sensitivity, policy inputs, findings,
audit rows). Each collection those allocations trigger traverses all of them again: on a warm
check of 10,000 operations that was a third of the process's CPU. Almost none of it is cyclic
garbage (reference counting frees it), so the pause costs no memory worth measuring; collection
is re-enabled afterwards, so a long-lived process (the warm hook server, an IPython session)
still collects between runs. Extraction is never paused: the workers its pool forks would
inherit the pause while they parse.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Automatic collection off inside, back to what it was afterwards (nesting is safe)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
