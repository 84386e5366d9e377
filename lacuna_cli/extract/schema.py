"""Column names of data files that sit in the project, read from their header only.

Knowing that `data/customers.csv` has `email` and `phone` columns is what lets the classifier
see PII and the policy name the columns to anonymize. Only the header line is read — never a
data value — and a file that is missing or unreadable simply has unknown columns.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

HEADER_BYTES = 64 * 1024
DELIMITED = {".csv": ",", ".tsv": "\t", ".psv": "|"}


@lru_cache(maxsize=1024)
def header_columns(path: Path) -> tuple[str, ...]:
    """The header row of a delimited text file, or () when it cannot be read."""
    delimiter = DELIMITED.get(path.suffix.lower())
    if delimiter is None or not path.is_file():
        return ()
    try:
        with path.open(encoding="utf-8", errors="replace", newline="") as handle:
            first = handle.readline(HEADER_BYTES)
    except OSError:
        return ()
    rows = list(csv.reader([first], delimiter=delimiter))
    return tuple(cell.strip() for cell in rows[0] if cell.strip()) if rows else ()
