"""CSV exports read by header name (any case, any column order), each row with its line."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from lacuna_cli.catalog_import.tagged import bad


def rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, {lower-cased header: value}) for every data row; the header must name every
    `required` column."""
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise bad(str(path), f"cannot read: {exc.strerror}") from exc
    with handle:
        reader = csv.reader(handle)
        try:
            header = [name.strip().lower() for name in next(reader, [])]
            missing = [name for name in required if name not in header]
            if missing:
                raise bad(f"{path}:1", f"header lacks {', '.join(missing).upper()}")
            for row in reader:
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) != len(header):
                    raise bad(f"{path}:{reader.line_num}",
                              f"{len(row)} fields where the header has {len(header)}")
                yield reader.line_num, dict(zip(header, (cell.strip() for cell in row),
                                                strict=True))
        except csv.Error as exc:
            raise bad(f"{path}:{reader.line_num}", f"invalid CSV: {exc}") from exc
        except UnicodeDecodeError as exc:
            raise bad(str(path), f"not valid UTF-8 (byte {exc.start})") from exc


def header(path: Path) -> set[str]:
    """The lower-cased header names (for telling CSV exports apart); empty if unreadable."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return {name.strip().lower() for name in next(csv.reader(handle), [])}
    except (OSError, UnicodeDecodeError, csv.Error):
        return set()
