"""The collector's settings around extraction and decisions are put back as they were."""

from __future__ import annotations

import gc
import subprocess
import sys

from lacuna_cli.gcpause import EXTRACTION_THRESHOLDS, collections_spaced, collector_paused


def test_collections_spaced_inside_and_restored_after_an_error() -> None:
    before = gc.get_threshold()
    try:
        with collections_spaced():
            assert gc.get_threshold() == EXTRACTION_THRESHOLDS
            raise RuntimeError("a file failed")
    except RuntimeError:
        pass
    assert gc.get_threshold() == before


def test_pause_nests_and_reenables_only_what_was_enabled() -> None:
    assert gc.isenabled()
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_pool_worker_starts_frozen_with_spaced_collections() -> None:
    code = ("import gc; from lacuna_cli.gcpause import start_extraction_worker; "
            "start_extraction_worker(); print(gc.get_threshold(), gc.get_freeze_count() > 0)")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout.strip()
    assert shown == f"{EXTRACTION_THRESHOLDS} True"


def test_a_process_frozen_for_good_stays_frozen_after_extracting() -> None:
    """The hook server freezes what it imported before it forks children; a child's check
    extracts with collections spaced and must not put the server's imports back in sight."""
    code = ("import gc; from lacuna_cli.gcpause import freeze_for_good, collections_spaced; "
            "freeze_for_good(); frozen = gc.get_freeze_count()\n"
            "with collections_spaced(): kept = [[i] for i in range(1000)]\n"
            "print(gc.get_freeze_count() >= frozen > 0)")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout.strip()
    assert shown == "True"


def test_files_analysed_inside_a_pause_are_still_collected() -> None:
    """A check pauses the collector from its cache read to its decisions; a file it analyses
    in process makes cyclic garbage, which must be collected meanwhile."""
    with collector_paused():
        with collections_spaced():
            assert gc.isenabled()
            assert gc.get_threshold() == EXTRACTION_THRESHOLDS
        assert not gc.isenabled()
    assert gc.isenabled()


def test_what_was_allocated_before_is_not_walked_by_collections_inside() -> None:
    """A check decodes its cached analyses with the collector paused; the collections made
    while it analyses a changed file must not walk them all (the young generation held them)."""
    if gc.get_freeze_count():
        gc.unfreeze()  # another test's process-wide freeze would hide what this one measures
    walked: list[int] = []

    def young_at_start(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and info["generation"] == 0:
            walked.append(len(gc.get_objects(generation=0)))

    with collector_paused():
        decoded = [[index] for index in range(200_000)]  # tracked containers, all kept alive
        gc.callbacks.append(young_at_start)
        try:
            with collections_spaced():
                garbage = [[index] for index in range(3 * EXTRACTION_THRESHOLDS[0])]
                del garbage
        finally:
            gc.callbacks.remove(young_at_start)
    assert walked, "no young collection ran while files were analysed"
    assert max(walked) < 100_000, walked  # a young generation, not the 200,000 decoded
    assert gc.get_freeze_count() == 0  # put back afterwards
    del decoded
