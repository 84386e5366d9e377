"""Whether a name is one of sqlglot's built-in SQL dialects, answered without importing sqlglot.

Validating the configured dialect at start-up imported sqlglot (about 0.13 s) in runs that
parse no SQL at all, such as a one-file check answered from the extraction cache. sqlglot keeps
each built-in dialect in a module of `sqlglot/dialects/` named as the dialect, so listing that
folder (found, not imported) answers for the plain names almost every config uses. Any other
spelling (`DuckDB`, `mysql, normalization_strategy = lowercase`, a typo) still goes to sqlglot
itself, which accepts it or gives the error: no name is accepted here that sqlglot would refuse
(`tests/test_dialect_names.py` holds the folder to sqlglot's own list).
"""

from __future__ import annotations

from functools import cache
from importlib.util import find_spec
from pathlib import Path

# Modules of `sqlglot/dialects/` that are not a dialect of their own.
NOT_DIALECTS = frozenset({"__init__", "dialect"})


@cache
def builtin_dialects() -> frozenset[str]:
    """The dialect names sqlglot's package holds a module for (none if it cannot be found)."""
    spec = find_spec("sqlglot")
    if spec is None or not spec.submodule_search_locations:
        return frozenset()
    names: set[str] = set()
    for location in spec.submodule_search_locations:
        names.update(p.stem for p in (Path(location) / "dialects").glob("*.py"))
    return frozenset(names - NOT_DIALECTS)


def is_builtin_dialect(name: str) -> bool:
    """True when `name` is exactly a built-in dialect's name; False means "ask sqlglot"."""
    return name in builtin_dialects()
