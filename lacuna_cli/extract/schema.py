"""Column names of data files that sit in the project, read from their header only.

Knowing that `data/customers.csv` has `email` and `phone` columns is what lets the classifier
see PII and the policy name the columns to anonymize. Only the first line is read, and it is
kept only if it looks like a header (names, not values); a file that is missing, unreadable or
headerless simply has unknown columns. A Parquet file's footer and the first record of a JSON
(Lines) file name their columns the same way. A folder holds the columns of the data files
directly in it: copying or packing `data/` (`shutil.copytree`, `make_archive`) moves every one
of them; a glob pattern (`data/raw/*.csv`, read file by file and concatenated) the columns of
the files it matches.
"""

from __future__ import annotations

import csv
import json
import re
from functools import lru_cache
from pathlib import Path

HEADER_BYTES = 64 * 1024
# A header cell is a name: it starts with a letter or underscore and holds no @, +, digits-only
# or other punctuation a data value would. A first line that fails this is data, not a header,
# and is dropped without being kept anywhere.
HEADER_CELL = re.compile(r"^[A-Za-z_][A-Za-z0-9_ .#()/-]{0,79}$")
DELIMITED = {".csv": ",", ".tsv": "\t", ".psv": "|"}
FOLDER_FILES = 200  # data files of a folder whose headers are read; a bigger one reads the first
GLOB = re.compile(r"[*?\[]")
JSON_BYTES = 256 * 1024  # a JSON document (not lines) larger than this is not parsed for keys


def forget_headers() -> None:
    """Start a new run: a data file may have gained a column since the last one (a process
    that checks again, as an IPython session does, must see the new `email`)."""
    header_columns.cache_clear()


@lru_cache(maxsize=1024)
def header_columns(path: Path) -> tuple[str, ...]:
    """The header row of a delimited text file, the columns of the delimited files directly in
    a folder (each once, in file-name order), or () when they cannot be read. Remembered for
    one run (`forget_headers`)."""
    if path.is_dir():
        return _folder_columns(path)
    if GLOB.search(path.name):
        return _matched_columns(path)
    suffix = path.suffix.lower()
    if suffix in SELF_DESCRIBED and path.is_file():
        return _named(SELF_DESCRIBED[suffix](path))
    delimiter = DELIMITED.get(suffix)
    if delimiter is None or not path.is_file():
        return ()
    try:
        with path.open(encoding="utf-8", errors="replace", newline="") as handle:
            first = handle.readline(HEADER_BYTES)
    except OSError:
        return ()
    rows = list(csv.reader([first], delimiter=delimiter))
    cells = [cell.strip() for cell in rows[0]] if rows else []
    if not cells or not all(HEADER_CELL.match(cell) for cell in cells if cell):
        return ()
    return tuple(cell for cell in cells if cell)


def _parquet_columns(path: Path) -> list[str]:
    """The columns in a Parquet file's footer, nested fields as `parent.child` (read by DuckDB
    through the store, imported here so that a run reading no Parquet file never loads it)."""
    from lacuna_cli.store.file_schemas import parquet_fields
    rows = parquet_fields(path)
    names: list[str] = []

    def take(index: int, prefix: str) -> int:
        name, children = rows[index]
        if not children:
            names.append(prefix + name)
            return index + 1
        following = index + 1
        for _ in range(children):
            following = take(following, f"{prefix}{name}.")
        return following

    following = 1
    for _ in range((rows[0][1] or 0) if rows else 0):
        if following >= len(rows):
            break
        following = take(following, "")
    return names


def _json_columns(path: Path) -> list[str]:
    """The keys of the first record of a JSON Lines file, or of a small JSON file holding a
    list of records (nested keys as `parent.child`, as `pd.json_normalize` names them)."""
    try:
        with path.open("rb") as handle:
            text = handle.read(JSON_BYTES + 1)
    except OSError:
        return []
    try:
        if path.suffix.lower() in (".jsonl", ".ndjson"):
            first = json.loads(text.split(b"\n", 1)[0])
        else:
            whole = json.loads(text) if len(text) <= JSON_BYTES else None
            first = whole[0] if isinstance(whole, list) and whole else whole
    except ValueError:
        return []
    return _keys(first, "") if isinstance(first, dict) else []


def _keys(record: dict[object, object], prefix: str) -> list[str]:
    return [name for key, value in record.items() for name in (
        _keys(value, f"{prefix}{key}.") if isinstance(value, dict) and value
        else [f"{prefix}{key}"])]


def _named(names: list[str]) -> tuple[str, ...]:
    """The names that look like column names (a file whose keys are values says nothing)."""
    return tuple(dict.fromkeys(n for n in names if HEADER_CELL.match(n)))


SELF_DESCRIBED = {".parquet": _parquet_columns, ".pq": _parquet_columns,
                  ".jsonl": _json_columns, ".ndjson": _json_columns, ".json": _json_columns}


def _matched_columns(pattern: Path) -> tuple[str, ...]:
    """The columns of the delimited files a glob pattern's last part matches in its folder
    (`data/raw/part-*.csv`): what reading each of them and concatenating holds."""
    try:
        names = sorted(entry for entry in pattern.parent.glob(pattern.name)
                       if entry.suffix.lower() in DELIMITED and entry.is_file())[:FOLDER_FILES]
    except (OSError, ValueError):
        return ()
    return _columns_of(names)


def _folder_columns(folder: Path) -> tuple[str, ...]:
    """The columns of the delimited files directly in `folder`: what a copy of it carries."""
    try:
        names = sorted(entry for entry in folder.iterdir()
                       if entry.suffix.lower() in DELIMITED and entry.is_file())[:FOLDER_FILES]
    except OSError:
        return ()
    return _columns_of(names)


def _columns_of(files: list[Path]) -> tuple[str, ...]:
    """Each column of the files' headers once, in file order."""
    return tuple(dict.fromkeys(column for name in files for column in header_columns(name)))
