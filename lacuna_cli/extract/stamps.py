"""A file's content hash, taken from what was stored for it while its `stat` says it is the
same file, unchanged — as git's index does.

A warm check reads and hashes every project file to key its cached analysis: on a 2,000-file
project that was a tenth of a one-file check. A stored stamp (size, modification and
change times in nanoseconds, inode, device) is trusted instead. Any write to a file moves its
change time, which no program can set back, so a changed file is read again even when its
size stays and its modification time is put back (`touch -d`, `rsync -t`). A hash is stored
only for a file whose times are RACY_SECONDS older than the hash: one changed in the same clock
tick as it was read would otherwise keep a stamp equal to the stored one.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, wraps
from pathlib import Path
from typing import TypeVar

from lacuna_cli.extract.source import MAX_FILE_BYTES, read_source

RACY_SECONDS = 2.0
T = TypeVar("T")


def stamp_of(path: Path) -> str | None:
    """`size:mtime_ns:ctime_ns:inode:device` of the regular file at `path` (links followed);
    None for anything `read_source` would refuse or could not read."""
    try:
        found = os.stat(path)
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(found.st_mode) or found.st_size > MAX_FILE_BYTES:
        return None
    return (f"{found.st_size}:{found.st_mtime_ns}:{found.st_ctime_ns}:{found.st_ino}:"
            f"{found.st_dev}")


@dataclass(frozen=True)
class Stamped:
    """What is stored of a file: its stamp, the SHA-256 of its bytes, and whether they name
    another notebook to `%run` (whose bytes then key the analysis too: see `batch.py`)."""

    stamp: str
    content_hash: str
    runs: bool


def edits_of(paths: tuple[Path, ...]) -> tuple[str | None, ...]:
    """The stamps of a project's own knowledge files (catalog, rules), to key what is parsed
    from them in a process that checks more than once: an edited file has a new stamp."""
    return tuple(stamp_of(path) for path in paths)


def cached_by_edits(parse: Callable[[tuple[Path, ...]], T]) -> Callable[..., T]:
    """`parse(files)` remembered for the process and for each version of `files` (`edits_of`):
    a process that checks again (an IPython session; the hook server's children, which find
    the shipped files parsed) parses a project's edited catalog or rules files again, and
    nothing else."""

    @cache
    def remembered(files: tuple[Path, ...], _edits: tuple[str | None, ...]) -> T:
        return parse(files)

    @wraps(parse)
    def parsed(files: Sequence[Path] = ()) -> T:
        key = tuple(files)
        return remembered(key, edits_of(key))

    return parsed


class Stamps:
    """The stamps stored by earlier runs (`known`, by project path), and those this run
    learned (`learned`), to store with its analyses."""

    def __init__(self, known: dict[str, Stamped] | None = None) -> None:
        self.known = known or {}
        self.learned: dict[str, Stamped] = {}

    def read(self, path: Path, relpath: str) -> Stamped:
        """The file's content hash as `read_source` reads it, from its stored stamp when it
        still holds; raises what `read_source` raises."""
        before = stamp_of(path)
        stored = self.known.get(relpath)
        if before is not None and stored is not None and stored.stamp == before:
            return stored
        content = read_source(path)
        found = Stamped(before or "", hashlib.sha256(content).hexdigest(), b"%run" in content)
        if before is not None and before == stamp_of(path) and _settled(before):
            self.learned[relpath] = found
        return found


def _settled(stamp: str) -> bool:
    """Whether both times of a stamp are RACY_SECONDS in the past."""
    _size, modified, changed, _rest = stamp.split(":", 3)
    return max(int(modified), int(changed)) < time.time_ns() - RACY_SECONDS * 1e9
