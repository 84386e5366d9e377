"""Python's cyclic garbage collector, paused while a run builds and reports its decisions, and
spaced out while files are extracted.

After extraction a check allocates hundreds of thousands of objects that all stay alive until
its report is written (the lineage graph, every node's sensitivity, policy inputs, findings,
audit rows). Each collection those allocations trigger traverses all of them again: on a warm
check of 10,000 operations that was a third of the process's CPU. Almost none of it is cyclic
garbage (reference counting frees it), so the pause costs no memory worth measuring; collection
is re-enabled afterwards, so a long-lived process (the warm hook server, an IPython session)
still collects between runs. Extraction is never paused, even inside a check's pause: files
analysed in this process are collected meanwhile (`collections_spaced`), and pool workers start
from the fork server, not from this process.

Extraction does make cyclic garbage (interpreters and their summaries refer to each other), so
it is collected, but less often: a worker's heap grows to hundreds of megabytes of trees and
summaries it keeps for later files, and with the default thresholds (a young collection every
700 allocations) full collections kept walking all of it — a quarter of the CPU of checking
every 8th standard-library module in one process, with the same peak memory at the thresholds
below.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# Allocations between young collections, then young collections per older one, while files are
# extracted (Python's defaults: 700, 10, 10). Each parsed tree outlives many young collections
# and is walked again by every middle one until it reaches the oldest generation: on every 4th
# standard-library module in one process, (10,000, 10, 10) spent 8.2-8.4 s in 50 middle and 4
# full collections, (50,000, 20, 10) 4.2-4.3 s in 4 middle ones, for 4% less CPU over two
# side-by-side runs and the same peak memory (402 and 404 MB).
EXTRACTION_THRESHOLDS = (50_000, 20, 10)


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


# Whether this process moved what it had imported out of the collector's sight for good (a
# pool worker, the hook server and its children). Kept here rather than asked of the collector:
# `gc.get_freeze_count()` walks every frozen object, 12 ms of a warm hook call.
_frozen_for_good = False


def freeze_for_good() -> None:
    """What this process holds now is never garbage: out of the collector's sight, for good."""
    global _frozen_for_good  # one flag per process, as the collector's state is
    gc.freeze()
    _frozen_for_good = True


def start_extraction_worker() -> None:
    """A pool worker's first step: what the fork server imported is never garbage, so it leaves
    the collector's sight (`gc.freeze`), and collections are spaced for extraction."""
    freeze_for_good()
    gc.set_threshold(*EXTRACTION_THRESHOLDS)


@contextmanager
def collections_spaced() -> Iterator[None]:
    """Collection on, at extraction thresholds, inside (for files extracted in this process,
    even within a check's pause: extraction makes cyclic garbage); as before afterwards.

    What was allocated before stays out of the collector's sight meanwhile (`gc.freeze`): a
    check decodes its cached analyses with the collector paused, so they all sat in the young
    generation, and the first collection inside walked every one of them — 0.2 s of a
    one-file check of a 2,000-file project, with no file to analyse at all. They are put back
    afterwards (into the oldest generation), unless objects were frozen before (the hook
    server's children freeze what it imported for good): one process-wide freeze cannot be
    undone in part, so they stay frozen there, still freed by reference counting."""
    # Another freeze is kept too (an application embedding Lacuna may have made one); asked of
    # the collector only where this process did not freeze for good, as counting walks them.
    before, enabled = gc.get_threshold(), gc.isenabled()
    frozen = _frozen_for_good or gc.get_freeze_count() > 0
    gc.freeze()
    gc.set_threshold(*EXTRACTION_THRESHOLDS)
    gc.enable()
    try:
        yield
    finally:
        gc.set_threshold(*before)
        if not enabled:
            gc.disable()
        if not frozen:
            gc.unfreeze()
