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


def _alternation(names: set[str]) -> str:
    return "|".join(sorted(map(re.escape, names), key=len, reverse=True))


def _entry_names() -> set[str]:
    return _names(ENTRY_CALLS, pyapi.SQL_METHODS, pyapi.UPLOAD_METHODS, pyapi.MAIL_METHODS)


def _write_names() -> set[str]:
    spark = ("saveAsTable", "insertInto")  # the other terminals follow a spelled `.write`
    return {*pyapi.WRITE_METHODS, *pyapi.CLIPBOARD_WRITES, *pyapi.HANDLE_WRITE_METHODS,
            *spark, *_names(pyapi.DUMP_FUNCTIONS)}


def _modules() -> set[str]:
    """DATA_MODULES and the module of every function pyapi knows to read, query or connect
    (`pickle.load` makes `pickle` one), so a table added there cannot be missed here."""
    tables = (pyapi.READ_FUNCTIONS, pyapi.TABLE_READ_FUNCTIONS, pyapi.HANDLE_FUNCTIONS,
              pyapi.SQL_FUNCTIONS, pyapi.CONNECT_FUNCTIONS, pyapi.COMBINE_FUNCTIONS)
    return {*DATA_MODULES, *(name.split(".")[0] for table in tables for name in table)}


@cache
def _pattern() -> re.Pattern[str]:
    modules = _alternation(_modules())
    calls = _alternation(_entry_names())
    return re.compile(rf"\b(?:{modules})\b|\b(?:{calls})\s*\(|\bos\.(?:rename|replace)\(")


def may_hold_operations(source: str) -> bool:
    """False only when no entry point of any data operation is spelled in `source`."""
    return _pattern().search(source) is not None


@cache
def _statement_pattern() -> re.Pattern[str]:
    writes = _alternation(_write_names())
    either = _alternation(_entry_names() | _write_names())
    # An entry point or write named as a value, to be called under another name:
    # `opener = io.open if gz else open`, `from io import open as io_open`, `run = cur.execute`.
    named = (rf"(?:[=(,]|\b(?:if|else|or|and|return|import|as))\s*(?:\w+\.)*(?:{either})\b"
             rf"(?!\s*\()")
    return re.compile(rf"{_pattern().pattern}|\b(?:{writes})\s*\(|\.write\b|{named}")


@cache
def touch_words() -> frozenset[str]:
    """Identifiers one of which a statement spells whenever `may_touch_data` is true: testing a
    statement's identifiers against these first spares the regex most statements."""
    modules = {module.split(".")[0] for module in _modules()}
    return frozenset({*modules, *_entry_names(), *_write_names(), "rename", "replace", "write"})


def may_touch_data(statement: str) -> bool:
    """Whether a statement's text spells an entry point, a write of data it may have been
    handed (`frame.to_csv(p)` in a function of its parameters is reported even when nothing
    calls it), or names either as a value. Finer than `may_hold_operations`, for slicing."""
    return _statement_pattern().search(statement) is not None
