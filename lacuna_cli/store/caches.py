"""The caches: each file's analysis (an index row in `analysis_index` keyed by path and the
digest of everything the extraction depends on, naming the analysis by its identity; the text
in a file of its own beside the database), each file's stat when it was last hashed
(`file_stamps`) and layer 2/3 classification results (`classify_cache`, by kind and content
key). What goes in them is decided by `extract/batch.py`, `extract/stamps.py` and
`classify/cache.py`.

The analyses' text lived in a table once. DuckDB then rewrote the table's whole row group, all
of the project's analyses, whenever one changed: a tenth of a second per check of a 2,000-file
project, growing with it. A file per analysis, named by its content, costs one write.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Collection, Iterable
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING

from lacuna_cli.store import delete_by_path, insert_columns, rows_by_path

if TYPE_CHECKING:
    import duckdb

    from lacuna_cli.extract.batch import Cached
    from lacuna_cli.extract.stamps import Stamped

INDEX_COLUMNS = ("path", "digest", "analysis")


def analysis_id(payload: str) -> str:
    """The identity of an analysis (a cache entry's or a shard entry's payload): equal
    identities are equal extractions, so the lineage a file contributed need not be written
    again (`store/lineage.py`), and the name of the file holding it."""
    return hashlib.sha256(payload.encode()).hexdigest()


def analyses_folder(db_path: Path) -> Path:
    """Where the analyses of the database at `db_path` are kept (`.lacuna/lacuna-analyses`)."""
    return db_path.with_name(f"{db_path.stem}-analyses")


def cached_extractions(connection: duckdb.DuckDBPyConnection, folder: Path,
                       paths: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Path -> (digest, payload) of the cached analyses of `paths`. An analysis whose file is
    gone or unreadable is not cached: the file is analysed again."""
    found = {}
    for path, digest, analysis in rows_by_path(connection, "analysis_index", INDEX_COLUMNS, paths):
        try:
            with open(_analysis_file(folder, analysis), encoding="utf-8") as handle:
                found[path] = (digest, handle.read())
        except (OSError, UnicodeDecodeError):
            continue
    return found


def store_extractions(connection: duckdb.DuckDBPyConnection, folder: Path,
                      fresh: list[Cached]) -> None:
    """Write each analysis in `fresh` to its file, point its path's index row at it, and
    delete the files of the analyses it replaces that no row names any more."""
    rows = [{"path": entry.path, "digest": entry.digest, "analysis": entry.analysis}
            for entry in fresh]
    targets = [_analysis_file(folder, row["analysis"]) for row in rows]
    for entry, target in zip(fresh, targets, strict=True):
        _write_analysis(target, entry.payload)
    _delete_leftovers({os.path.dirname(target) for target in targets})
    replaced = {analysis for _, _, analysis in rows_by_path(
        connection, "analysis_index", INDEX_COLUMNS, (row["path"] for row in rows))}
    _replace_rows(connection, "analysis_index", INDEX_COLUMNS, rows)
    _delete_unnamed(connection, folder, replaced)


def forget_other_files(connection: duckdb.DuckDBPyConnection, folder: Path,
                       project: Collection[str]) -> None:
    """Forget the cached analysis and stamp of every file not in `project` (deleted, renamed,
    excluded since): kept, they would only grow the tables and the folder."""
    gone = sorted({path for (path,) in connection.execute(
        "SELECT path FROM analysis_index").fetchall()} - set(project))
    if not gone:
        return
    analyses = {analysis for _, _, analysis in rows_by_path(connection, "analysis_index",
                                                        INDEX_COLUMNS, gone)}
    for table in ("analysis_index", "file_stamps"):
        delete_by_path(connection, table, gone)
    _delete_unnamed(connection, folder, analyses)


def _delete_unnamed(connection: duckdb.DuckDBPyConnection, folder: Path,
                    analyses: set[str]) -> None:
    """Delete the files of those of `analyses` no index row names any more."""
    if not analyses:
        return
    named = {analysis for (analysis,) in connection.execute(
        "SELECT analysis FROM analysis_index WHERE analysis IN (SELECT unnest(?))",
        [sorted(analyses)]).fetchall()}
    for analysis in analyses - named:
        with suppress(FileNotFoundError):
            os.unlink(_analysis_file(folder, analysis))


def _delete_leftovers(places: set[str]) -> None:
    """Delete the temporary files (`_write_analysis`) left in `places` by a check killed
    while writing: only one process writes at a time, under the database's lock, and this
    one's are all replaced by now. A killed write leaves its file beside the analysis it was
    writing, which the next check writes again when the file has not changed; the folders
    written to are swept, so they never grow with leftovers and a sweep costs what was
    written."""
    for place in places:
        try:
            names = os.listdir(place)
        except OSError:
            continue
        for name in names:
            if name.startswith("."):
                with suppress(OSError):  # one that cannot be deleted only takes room
                    os.unlink(os.path.join(place, name))


def _analysis_file(folder: Path, analysis: str) -> str:
    """`<folder>/<first two hex digits>/<id>.json`; a string, not a Path: a warm check opens
    every file's analysis."""
    return os.path.join(folder, analysis[:2], f"{analysis}.json")


def _write_analysis(target: str, payload: str) -> None:
    """Whole or not at all: a check killed while writing leaves a temporary file, never a
    truncated analysis. Written even when a file of that name exists: it may be damaged.
    (Only one process writes, under the database's lock, so the process id names the
    temporary file; `tempfile` cost a cold check of 300 files a quarter of a second.)"""
    folder, name = os.path.split(target)
    temporary = os.path.join(folder, f".{name}.{os.getpid()}")
    try:
        handle = open(temporary, "w", encoding="utf-8")  # noqa: SIM115  # closed just below
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)
        handle = open(temporary, "w", encoding="utf-8")  # noqa: SIM115
    with handle:
        handle.write(payload)
    os.replace(temporary, target)


STAMP_COLUMNS = ("path", "stamp", "content_hash", "runs")


def stored_stamps(connection: duckdb.DuckDBPyConnection, paths: Iterable[str]
                  ) -> dict[str, Stamped]:
    """Path -> what was stored of the file's stat and content, for `paths`."""
    from lacuna_cli.extract.stamps import Stamped

    rows = rows_by_path(connection, "file_stamps", STAMP_COLUMNS, paths)
    return {path: Stamped(stamp, content_hash, runs) for path, stamp, content_hash, runs in rows}


def store_stamps(connection: duckdb.DuckDBPyConnection, learned: dict[str, Stamped]) -> None:
    """Replace the stored stamp of each file in `learned`."""
    _replace_rows(connection, "file_stamps", STAMP_COLUMNS,
                  [{"path": path, **stamped.__dict__} for path, stamped in learned.items()])


def _replace_rows(connection: duckdb.DuckDBPyConnection, table: str, columns: tuple[str, ...],
                  rows: list[dict]) -> None:
    """Replace the rows of a per-file table (keyed by `path`) with `rows`."""
    delete_by_path(connection, table, (row["path"] for row in rows))
    insert_columns(connection, table, columns, rows)


def cached_results(connection: duckdb.DuckDBPyConnection, kind: str, keys: list[str]
                   ) -> list[tuple[str, str]]:
    """(key, JSON value) of the stored classification results of `kind` among `keys`."""
    return connection.execute("SELECT key, value FROM classify_cache"
                              " WHERE kind = ? AND key IN (SELECT unnest(?))",
                              [kind, keys]).fetchall()


def store_results(connection: duckdb.DuckDBPyConnection, kind: str,
                  values: dict[str, str]) -> None:
    """Add classification results of `kind`: key -> JSON value. A key stored already keeps
    its row (a result is decided by its key): inserted again, it broke the whole check with a
    duplicate key when a caller classified something this run had not looked up."""
    stored = {key for key, _ in cached_results(connection, kind, sorted(values))}
    insert_columns(connection, "classify_cache", ("kind", "key", "value"),
                   [{"kind": kind, "key": k, "value": v} for k, v in values.items()
                    if k not in stored])


def drop_result_kinds(connection: duckdb.DuckDBPyConnection | None, prefix: str, keep: str
                      ) -> None:
    """Forget the classification results of every kind starting with `prefix` but `keep`
    (results made under rules or settings no longer in force)."""
    if connection is not None:
        connection.execute("DELETE FROM classify_cache WHERE starts_with(kind, ?) AND kind <> ?",
                           [prefix, keep])
