"""Reading a file to analyse without trusting what sits at its path.

A path named `*.py` may be a FIFO (reading it blocks for ever), a link to `/dev/zero` (reading
it never ends) or a huge file: only regular files are read, never more than the size cap, and
without blocking. Every refusal is a `SourceProblem` whose message becomes one error line.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

MAX_FILE_BYTES = 20 * 1024 * 1024


class SourceProblem(Exception):
    """The file cannot be read for analysis; the message says why, in one line."""


def read_source(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the regular file at `path` (links followed), at most `limit` of them."""
    try:
        # O_NONBLOCK: if the path was swapped for a FIFO after the check, open does not wait.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise SourceProblem(f"cannot read: {exc.strerror}") from None
    with os.fdopen(descriptor, "rb") as handle:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise SourceProblem(f"not a regular file ({_kind(mode)}), not analysed")
        try:
            content = handle.read(limit + 1)
        except OSError as exc:
            raise SourceProblem(f"cannot read: {exc.strerror}") from None
    if len(content) > limit:
        raise SourceProblem(f"larger than {_size(limit)}, not analysed")
    return content


def _size(limit: int) -> str:
    return f"{limit // 2**20} MB" if limit >= 2**20 else f"{limit} bytes"


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a directory"
    return "not a plain file"
