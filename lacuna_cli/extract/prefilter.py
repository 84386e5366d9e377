"""A literal prefilter: Python files that cannot hold a data operation skip the libcst pass.

semgrep's lesson (shared/notes/static-analysis-speed.md): the winners skip work. Every
operation the extractor reports starts at an entry point — a module the catalog knows, `open()`,
a path's read/write method, a call the catalog knows by its method chain (`.execute(`,
`.chat.completions.create(`) — and each entry point is spelled in the source; so is a write of
data itself (`.to_csv(`), which may export what a function of another project file returned.
A file that spells none of them is still checked for syntax by CPython's fast parser, but not
interpreted. The
pattern errs towards analysing (a word in a comment is enough). Every word comes from the
catalog, so a row added there can never be missed here.
"""

from __future__ import annotations

import re
from functools import cache

from lacuna_cli.extract.catalog import Catalog

IDENTIFIER = re.compile(r"[^\W\d]\w*")  # every word a piece of code spells, keywords included
LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n|$)")  # one line with its ending, as the source has it
# Path methods (`Path(p).read_text()`): Python itself, not a library.
PATH_CALLS = ("read_text", "read_bytes", "write_text", "write_bytes", "open")


def _alternation(names: set[str]) -> str:
    """A pattern matching any of `names`, written as a trie (`read_(?:csv|sql)`): Python's
    engine tries an alternation's branches one by one wherever the pattern may start, so a
    flat list of hundreds of names cost hundreds of tries at every word of every file; the
    trie costs one per character the names share. It matches what the flat list did."""
    branches: dict[str, set[str]] = {}
    whole = False
    for name in names:
        if name:
            branches.setdefault(name[0], set()).add(name[1:])
        else:
            whole = True
    alternatives = [re.escape(first) + _alternation(rests)
                    for first, rests in sorted(branches.items())]
    if not alternatives:
        return ""
    pattern = alternatives[0] if len(alternatives) == 1 else f"(?:{'|'.join(alternatives)})"
    if whole:
        return f"(?:{pattern})?" if len(alternatives) == 1 else f"{pattern}?"
    return pattern


def _entry_names(catalog: Catalog) -> set[str]:
    return {*PATH_CALLS, *catalog.entry_calls}


def _write_names(catalog: Catalog) -> set[str]:
    return set(catalog.write_methods)


@cache
def _pattern(catalog: Catalog) -> re.Pattern[str]:
    modules = _alternation(set(catalog.modules))
    calls = _alternation(_entry_names(catalog) | catalog.data_write_methods)
    return re.compile(rf"\b(?:{modules})\b|\b(?:{calls})\s*\(")


def may_hold_operations(source: str, catalog: Catalog) -> bool:
    """False only when no entry point of any data operation is spelled in `source`."""
    return _pattern(catalog).search(source) is not None


@cache
def _statement_pattern(catalog: Catalog) -> re.Pattern[str]:
    writes = _alternation(_write_names(catalog))
    either = _alternation(_entry_names(catalog) | _write_names(catalog))
    # An entry point or write named as a value, to be called under another name:
    # `opener = io.open if gz else open`, `from io import open as io_open`, `run = cur.execute`.
    named = (rf"(?:[=(,]|\b(?:if|else|or|and|return|import|as))\s*(?:\w+\.)*(?:{either})\b"
             rf"(?!\s*\()")
    # A module seeds a statement where code uses it (`requests.post`, `import requests`), not
    # where a comment or docstring says the word.
    modules = _alternation(set(catalog.modules))
    calls = _alternation(_entry_names(catalog))
    used = rf"\b(?:{modules})\.[^\W\d]|\b(?:import|from)\s+(?:{modules})\b|\b(?:{calls})\s*\("
    return re.compile(rf"{used}|\b(?:{writes})\s*\(|\.write(?:Stream)?\b|{named}")


@cache
def touch_words(catalog: Catalog) -> frozenset[str]:
    """Identifiers one of which a statement spells whenever `may_touch_data` is true: testing a
    statement's identifiers against these first spares the regex most statements."""
    modules = {module.split(".")[0] for module in catalog.modules}
    calls = {name.split(".")[0] for name in _entry_names(catalog)}
    return frozenset({*modules, *calls, *_write_names(catalog), "write", "writeStream"})


def may_touch_data(statement: str, catalog: Catalog) -> bool:
    """Whether a statement's text spells an entry point, a write of data it may have been
    handed (`frame.to_csv(p)` in a function of its parameters is reported even when nothing
    calls it), or names either as a value. Finer than `may_hold_operations`, for slicing."""
    return _statement_pattern(catalog).search(statement) is not None
