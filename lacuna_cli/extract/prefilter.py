"""A literal prefilter: Python files that cannot hold a data operation skip the libcst pass.

semgrep's lesson (shared/notes/static-analysis-speed.md): the winners skip work. Every
operation the extractor reports starts at an entry point — a data library, `open()`, a path's
read/write method, a SQL `execute`, a copy, an upload — and each entry point is spelled in the
source. A file that spells none of them is still checked for syntax by CPython's fast parser,
but not interpreted. The pattern errs towards analysing (a word in a comment is enough).
"""

from __future__ import annotations

import re
from functools import cache

from lacuna_cli.extract import pyapi

# Modules (and the `spark` session notebooks get for free) whose mention makes a file worth
# analysing: every module-level read, SQL, copy, HTTP or upload function belongs to one.
DATA_MODULES = (
    "pandas", "polars", "pyspark", "spark", "SparkSession", "duckdb", "sqlalchemy", "sqlite3",
    "psycopg", "psycopg2", "pymysql", "snowflake", "numpy", "joblib", "boto3", "botocore",
    "requests", "httpx", "urllib3", "aiohttp", "smtplib", "shutil", "google.cloud", "azure",
)
# Calls that are entry points whatever they are called on.
ENTRY_CALLS = ("open", "read_text", "read_bytes", "write_text", "write_bytes")


def _names(*tables: object) -> set[str]:
    names: set[str] = set()
    for table in tables:
        for name in table:  # type: ignore[attr-defined]
            names.add(str(name).rsplit(".", 1)[-1])
    return names


@cache
def _pattern() -> re.Pattern[str]:
    modules = "|".join(re.escape(m) for m in DATA_MODULES)
    calls = _names(ENTRY_CALLS, pyapi.SQL_METHODS, pyapi.UPLOAD_METHODS, pyapi.MAIL_METHODS)
    call_names = "|".join(sorted(map(re.escape, calls), key=len, reverse=True))
    return re.compile(rf"\b(?:{modules})\b|\b(?:{call_names})\s*\(|\bos\.(?:rename|replace)\(")


def may_hold_operations(source: str) -> bool:
    """False only when no entry point of any data operation is spelled in `source`."""
    return _pattern().search(source) is not None


@cache
def _write_pattern() -> re.Pattern[str]:
    spark = ("saveAsTable", "insertInto")  # the other terminals follow a spelled `.write`
    writes = {*pyapi.WRITE_METHODS, *pyapi.CLIPBOARD_WRITES, *pyapi.HANDLE_WRITE_METHODS,
              *spark, *_names(pyapi.DUMP_FUNCTIONS)}
    names = "|".join(sorted(map(re.escape, writes), key=len, reverse=True))
    return re.compile(rf"\b(?:{names})\s*\(|\.write\b")


def may_write(source: str) -> bool:
    """Whether `source` spells a write of data it may have been handed (`frame.to_csv(p)` in
    a function of its parameters: reported even if nothing calls it)."""
    return _write_pattern().search(source) is not None
