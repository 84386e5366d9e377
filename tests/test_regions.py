"""Files are handed to pool workers by contiguous regions of the project, stolen from at the end."""

from __future__ import annotations

from lacuna_cli.extract.regions import Regions


def _drain(regions: Regions, order: list[int]) -> list[tuple[int, int]]:
    """(worker, position) in the order workers ask, each asking in turn from `order`."""
    handed: list[tuple[int, int]] = []
    for worker in order:
        position = regions.next_for(worker)
        if position is not None:
            handed.append((worker, position))
    return handed


def test_each_worker_starts_on_its_own_run_of_neighbouring_paths() -> None:
    paths = ["b/2.py", "a/1.py", "b/1.py", "a/2.py", "c/1.py", "a/3.py"]
    regions = Regions(paths, 2)
    first = [paths[regions.next_for(0) or 0] for _ in range(3)]
    second = [paths[regions.next_for(1) or 0] for _ in range(3)]
    assert first == ["a/1.py", "a/2.py", "a/3.py"]
    assert second == ["b/1.py", "b/2.py", "c/1.py"]
    assert regions.next_for(0) is None and regions.next_for(1) is None


def test_a_worker_done_early_takes_from_the_far_end_of_the_largest_run() -> None:
    paths = [f"pkg/{n:02}.py" for n in range(10)]
    regions = Regions(paths, 2)  # runs 0-4 and 5-9
    handed = _drain(regions, [0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1])
    assert handed[:5] == [(0, 0), (0, 1), (0, 2), (0, 3), (0, 4)]
    assert handed[5:7] == [(0, 9), (0, 8)]  # worker 1 is slow: 0 steals its run's tail
    assert [position for _, position in handed[7:]] == [5, 6, 7]
    assert sorted(position for _, position in handed) == list(range(10))  # each file once


def test_more_workers_than_files_and_no_files() -> None:
    assert len(Regions(["a.py"], 1)) == 1
    regions = Regions(["a.py", "b.py"], 2)
    assert sorted(p for _, p in _drain(regions, [1, 1, 1, 0])) == [0, 1]
    assert Regions([], 1).next_for(0) is None
