"""Retention: old records move to Parquet files; verification reads archive + live as one log.

Only a prefix of the log is ever archived (every record up to the last one older than the
cut-off), so the archives and the live table stay one contiguous chain: the first record of
each archive links, through its prev_hash, to the last record of the archive before it.

Moving records is a file write plus a database transaction, and a kill can fall between the
two. The order makes every moment readable and recoverable:

1. the records are copied to `<name>.tmp`, which is fsynced (a kill leaves a stray temp file);
2. the file is entered in the manifest (`audit_archives`) as 'pending', with its SHA-256;
3. it is renamed to its final name and the folder is fsynced;
4. one transaction deletes the records from the live table and marks the file 'archived'.

Readers leave a 'pending' file out — its records are still in the live table — so the log
reads the same at every moment. The next write session (`recover`) finishes the move when the
file holds exactly the live records and undoes it otherwise, and removes stray temp files.
A file missing from the manifest (archived by an older Lacuna) is part of the log unless its
records are still live: then it is the leftover of an archive that older version lost to a
kill, and `recover` settles it the same way.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lacuna_cli.store.audit_records import COLUMNS_SQL, read_rows
from lacuna_cli.errors import LacunaError
from lacuna_cli.store import has_table, one_row, transaction

if TYPE_CHECKING:
    import duckdb

PATTERN = "audit-*.parquet"
NAME = re.compile(r"audit-(\d{12})-(\d{12})\.parquet")
TEMP_SUFFIX = ".tmp"
PENDING, ARCHIVED = "pending", "archived"


@dataclass(frozen=True)
class Segment:
    """One archive file that is part of the log, and the seq range it holds."""

    path: Path
    first: int
    last: int
    digest: str | None  # SHA-256 recorded when it was written; None: archived before manifests


@dataclass(frozen=True)
class Damage:
    """An archive file that is not what was written: missing, altered or unreadable."""

    segment: Segment
    kind: str
    detail: str

    @property
    def readable(self) -> bool:
        return self.kind == "archive-altered"


def archive_dir(db_path: Path) -> Path:
    return db_path.parent / "archive"


def folder_of(connection: duckdb.DuckDBPyConnection) -> Path | None:
    """The archive folder of the database `connection` has open (None in memory)."""
    (database,) = one_row(connection.execute("SELECT path FROM duckdb_databases() WHERE "
                                             "database_name = current_database()").fetchone())
    return archive_dir(Path(database)) if database else None


def file_name(first: int, last: int) -> str:
    return f"audit-{first:012d}-{last:012d}.parquet"


def quoted(path: Path) -> str:
    return str(path).replace("'", "''")


# --- reading --------------------------------------------------------------------------------

def _manifest(connection: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int, str, str]]:
    """name -> (first seq, last seq, SHA-256, state); empty for a database older than it."""
    if not has_table(connection, "audit_archives"):
        return {}
    rows = connection.execute("SELECT name, first_seq, last_seq, sha256, state "
                              "FROM audit_archives").fetchall()
    return {name: (first, last, digest, state) for name, first, last, digest, state in rows}


def _named_files(folder: Path) -> Iterator[tuple[Path, int, int]]:
    """Files named like archives, with the seq range their name gives."""
    if not folder.is_dir():
        return
    for path in folder.glob(PATTERN):
        if match := NAME.fullmatch(path.name):
            yield path, int(match[1]), int(match[2])


def _live_start(connection: duckdb.DuckDBPyConnection) -> int | None:
    (start,) = one_row(connection.execute("SELECT min(seq) FROM audit_log").fetchone())
    return start


def segments(connection: duckdb.DuckDBPyConnection, folder: Path) -> list[Segment]:
    """The archive files that are part of the log, oldest first — including any the manifest
    names that are gone from disk (`inspect` reports them)."""
    manifest = _manifest(connection)
    live_start = _live_start(connection)
    found: dict[str, Segment] = {}
    for path, first, last in _named_files(folder):
        entry = manifest.get(path.name)
        if entry is not None:
            if entry[3] == ARCHIVED:
                found[path.name] = Segment(path, entry[0], entry[1], entry[2])
        elif live_start is None or last < live_start:
            found[path.name] = Segment(path, first, last, None)
    for name, (first, last, digest, state) in manifest.items():
        if state == ARCHIVED and name not in found:
            found[name] = Segment(folder / name, first, last, digest)
    return sorted(found.values(), key=lambda segment: segment.first)


def digest_of(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            sha.update(chunk)
    return sha.hexdigest()


def _probe(connection: duckdb.DuckDBPyConnection, sql: str, params: list[Any]
           ) -> tuple[Any, ...] | str:
    """Run a query that reads an archive file on a cursor of its own — a failure there must
    not abort the transaction `connection` may be in — and return its row or the error."""
    import duckdb

    cursor = connection.cursor()
    try:
        return one_row(cursor.execute(sql, params).fetchone())
    except duckdb.Error as exc:
        return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    finally:
        cursor.close()


def _read_error(connection: duckdb.DuckDBPyConnection, path: Path) -> str | None:
    """Why the file cannot be read as audit records (every column decoded), or None."""
    probes = ", ".join(f"max(hash({column}))" for column in COLUMNS_SQL.split(", "))
    outcome = _probe(connection, f"SELECT {probes} FROM read_parquet('{quoted(path)}')", [])
    return outcome if isinstance(outcome, str) else None


def inspect(connection: duckdb.DuckDBPyConnection, found: list[Segment]) -> list[Damage]:
    """Each archive file against the SHA-256 recorded when it was written; files without one
    (or that differ) are read in full to tell an altered file from an unreadable one."""
    damages = []
    for segment in found:
        where = f"{segment.path} (seq {segment.first}..{segment.last})"
        try:
            altered = segment.digest is not None and digest_of(segment.path) != segment.digest
        except FileNotFoundError:
            damages.append(Damage(segment, "archive-missing", f"{where} is missing"))
            continue
        except OSError as exc:
            damages.append(Damage(segment, "archive-unreadable", f"{where}: {exc.strerror}"))
            continue
        error = _read_error(connection, segment.path) if altered or not segment.digest else None
        if error:
            damages.append(Damage(segment, "archive-unreadable",
                                  f"{where} is not a readable archive: {error}"))
        elif altered:
            damages.append(Damage(segment, "archive-altered",
                                  f"{where} differs from the SHA-256 recorded when it was "
                                  "archived"))
    return damages


def records_sql(found: list[Segment]) -> str:
    """One relation over the whole log: archive files, then the live table."""
    parts = [f"SELECT {COLUMNS_SQL} FROM read_parquet('{quoted(segment.path)}')"
             for segment in found]
    parts.append(f"SELECT {COLUMNS_SQL} FROM audit_log")
    return " UNION ALL ".join(parts)


def checked_source(connection: duckdb.DuckDBPyConnection, folder: Path, after: int = 0
                   ) -> tuple[str, list[Segment], list[Damage]]:
    """For verification: the log as one relation over every archive file that can be read,
    the archive files, and what is wrong with them — only the files holding records after
    seq `after` (a push verifies what it sends, not the files it sent before)."""
    found = [segment for segment in segments(connection, folder) if segment.last > after]
    damages = inspect(connection, found)
    unusable = {damage.segment for damage in damages if not damage.readable}
    return records_sql([s for s in found if s not in unusable]), found, damages


def log_source(connection: duckdb.DuckDBPyConnection, folder: Path, after: int = 0) -> str:
    """The whole log as one relation (or its records after seq `after`, with only the archive
    files that hold them read), for commands that list or prove records; a missing or
    unreadable archive file is one error naming it (`audit verify` reports it as tampering)."""
    found = [segment for segment in segments(connection, folder) if segment.last > after]
    for damage in inspect(connection, found):
        if not damage.readable:
            raise LacunaError(f"{damage.detail}; `lacuna audit verify` reports what it affects")
    return records_sql(found)


def read_everything(connection: duckdb.DuckDBPyConnection, folder: Path
                    ) -> Iterator[dict[str, Any]]:
    """Archived records (oldest file first) and then the live table, in seq order."""
    return read_rows(connection, log_source(connection, folder))


def read_after(connection: duckdb.DuckDBPyConnection, folder: Path, seq: int
               ) -> Iterator[dict[str, Any]]:
    """The records after `seq` (archives and live table), in seq order: a push reads only what
    the central store lacks."""
    return read_rows(connection, log_source(connection, folder, seq), "WHERE seq > ?", [seq])


# --- writing and recovery -------------------------------------------------------------------

def archive_before(connection: duckdb.DuckDBPyConnection, cutoff: str, folder: Path
                   ) -> tuple[Path | None, int]:
    """Move every record up to the last one stamped before `cutoff` into one Parquet file,
    in the crash-safe order the module docstring describes."""
    with transaction(connection):
        recover(connection, folder)
    first, last = one_row(connection.execute(
        "SELECT min(seq), max(seq) FROM audit_log WHERE seq <= "
        "(SELECT max(seq) FROM audit_log WHERE timestamp < ?)", [cutoff]).fetchone())
    if first is None:
        return None, 0
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / file_name(first, last)
    temp = target.with_name(target.name + TEMP_SUFFIX)
    try:
        connection.execute(f"COPY (SELECT {COLUMNS_SQL} FROM audit_log WHERE seq BETWEEN ? AND ? "
                           f"ORDER BY seq) TO '{quoted(temp)}' (FORMAT parquet)", [first, last])
        _fsync(temp)
        connection.execute("INSERT INTO audit_archives VALUES (?, ?, ?, ?, ?)",
                           [target.name, first, last, digest_of(temp), PENDING])
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    os.replace(temp, target)
    _fsync(folder)
    with transaction(connection):
        _finish(connection, target, first, last)
    return target, last - first + 1


def recover(connection: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """Finish or undo archives a kill interrupted and remove stray temp files; the caller owns
    the transaction (an undone file is removed first, so a rollback leaves a 'pending' entry
    without a file, which the next call drops)."""
    if not folder.is_dir():
        return
    for stray in folder.glob(PATTERN + TEMP_SUFFIX):
        stray.unlink(missing_ok=True)
    manifest = _manifest(connection)
    for name, (_, _, _, state) in manifest.items():
        if state == PENDING and not (folder / name).exists():
            connection.execute("DELETE FROM audit_archives WHERE name = ?", [name])
    live_start = _live_start(connection)
    for path, first, last in _named_files(folder):
        entry = manifest.get(path.name)
        if entry is not None and entry[3] == ARCHIVED:
            continue
        if live_start is not None and last >= live_start:  # its records are still live
            if _copies_live(connection, path, first, last):
                _finish(connection, path, first, last)
            else:
                path.unlink()
                connection.execute("DELETE FROM audit_archives WHERE name = ?", [path.name])
        elif entry is None and _read_error(connection, path) is None:
            # archived before manifests: its digest is checked from now on
            connection.execute("INSERT INTO audit_archives VALUES (?, ?, ?, ?, ?)",
                               [path.name, first, last, digest_of(path), ARCHIVED])


def _copies_live(connection: duckdb.DuckDBPyConnection, path: Path, first: int, last: int
                 ) -> bool:
    """Does the file hold exactly the live records first..last (same seq, same hash)?"""
    outcome = _probe(connection, f"SELECT count(*), count(live.seq) FROM read_parquet("
                     f"'{quoted(path)}') AS archived LEFT JOIN audit_log AS live ON live.seq = "
                     "archived.seq AND live.hash = archived.hash AND live.seq BETWEEN ? AND ?",
                     [first, last])
    return not isinstance(outcome, str) and outcome[0] == outcome[1] == last - first + 1


def _finish(connection: duckdb.DuckDBPyConnection, path: Path, first: int, last: int) -> None:
    """Step 4: the records leave the live table as the file becomes part of the log."""
    connection.execute("DELETE FROM audit_log WHERE seq BETWEEN ? AND ?", [first, last])
    (marked,) = one_row(connection.execute("UPDATE audit_archives SET state = ? WHERE name = ?",
                                           [ARCHIVED, path.name]).fetchone())
    if not marked:  # the leftover of an older Lacuna's archive
        connection.execute("INSERT INTO audit_archives VALUES (?, ?, ?, ?, ?)",
                           [path.name, first, last, digest_of(path), ARCHIVED])


def _fsync(path: Path) -> None:
    """Flush a file's (or a folder's entries') bytes to disk before the next step relies on
    them."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
