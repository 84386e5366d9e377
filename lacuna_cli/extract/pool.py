"""The pool of processes a cold run analyses its files in, one per core.

Imported only when a run has enough files to analyse (`batch.PARALLEL_FROM`): a one-file
check never pays for `concurrent.futures` and `multiprocessing`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import ExitStack
from multiprocessing import forkserver, get_all_start_methods, get_context
from multiprocessing.context import BaseContext

from lacuna_cli.extract.batch import Job, Progress
from lacuna_cli.extract.regions import Regions
from lacuna_cli.gcpause import start_extraction_worker
from lacuna_cli.models import Extraction

SLOW_FILE_SECONDS = 5.0  # a file analysed longer than this is named on the progress line
# The extractor's modules, imported once by the process the pool's workers are forked from.
PRELOADED = ["lacuna_cli.extract.batch", "lacuna_cli.extract.python"]


def pooled_run(jobs: list[Job], indexes: list[int], workers: int,
               progress: Progress | None = None) -> Iterable[tuple[int, Extraction]]:
    """(index, extraction) as each file is done, in completion order, from up to `workers`
    processes. Files are submitted one by one so progress moves per file; while none
    completes, the progress line names the file that has been running longest once it passes
    SLOW_FILE_SECONDS."""
    context = _context()
    try:
        yield from _pooled_run(jobs, indexes, workers, context, progress)
    finally:
        if context.get_start_method() == "forkserver":
            # Python's one way to stop the server and wait for it (its own tests use it).
            forkserver._forkserver._stop()  # type: ignore[attr-defined]  # not in typeshed


def _context() -> BaseContext:
    """How the pool's workers start. Never by forking this process: it may hold DuckDB's
    threads, which must not be forked. A fork server imports the extractor once and forks
    each worker from itself (spawning imported it again in every worker: about a second of
    CPU each). It is stopped, and so waited for, when the pool is done: its CPU time and its
    workers' then count as this process's children's, as they do with spawn. Where there is
    no fork server (Windows), workers are spawned."""
    if "forkserver" not in get_all_start_methods():
        return get_context("spawn")
    context = get_context("forkserver")
    context.set_forkserver_preload(PRELOADED)
    return context


def _pooled_run(jobs: list[Job], indexes: list[int], workers: int, context: BaseContext,
                progress: Progress | None) -> Iterable[tuple[int, Extraction]]:
    """One single-process executor per worker, each fed from its own region of the project
    (see `regions.py`) with one file queued behind the one it runs, so it never waits."""
    regions = Regions([job.relpath for job in jobs], min(workers, len(jobs)))
    with ExitStack() as stack:
        pools = [stack.enter_context(ProcessPoolExecutor(
            max_workers=1, mp_context=context, initializer=start_extraction_worker))
            for _ in range(len(regions))]
        pending: dict[Future[Extraction], tuple[int, str]] = {}
        worker_of: dict[Future[Extraction], int] = {}

        def feed(worker: int) -> None:
            position = regions.next_for(worker)
            if position is not None:
                future = pools[worker].submit(Job.run, jobs[position])
                pending[future] = (indexes[position], jobs[position].relpath)
                worker_of[future] = worker

        for worker in range(len(pools)):
            feed(worker)
            feed(worker)
        running_since: dict[Future[Extraction], float] = {}
        finished = 0
        while pending:
            done, _ = wait(pending, timeout=1.0, return_when=FIRST_COMPLETED)
            for future in done:
                index, _path = pending.pop(future)
                running_since.pop(future, None)
                feed(worker_of.pop(future))
                finished += 1
                yield index, future.result()
            if progress is not None and not done:
                slow = _slowest(pending, running_since)
                if slow is not None:
                    progress(finished, len(jobs), slow)


def _slowest(pending: dict[Future[Extraction], tuple[int, str]],
             running_since: dict[Future[Extraction], float]) -> str | None:
    """The file running longest, as `path (N s)`, if past SLOW_FILE_SECONDS."""
    now = time.monotonic()
    for future in pending:
        if future.running():
            running_since.setdefault(future, now)
    if not running_since:
        return None
    future, since = min(running_since.items(), key=lambda item: item[1])
    if now - since < SLOW_FILE_SECONDS:
        return None
    return f"{pending[future][1]} (running for {now - since:.0f} s)"
