"""Reachability by worklist: the closure both slicing and lineage trimming are built on."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

T = TypeVar("T", bound=Hashable)


def reach(found: set[T], starts: Iterable[T], neighbours: Callable[[T], Iterable[T]]) -> None:
    """Add to `found` each start not in it yet and everything `neighbours` leads to from those,
    never walking on from what `found` already held."""
    todo = [start for start in dict.fromkeys(starts) if start not in found]
    found.update(todo)
    while todo:
        for other in neighbours(todo.pop()):
            if other not in found:
                found.add(other)
                todo.append(other)
