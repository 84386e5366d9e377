"""Field prefixes shared by a whole table (`CMNAME`, `CMADR1`, `CMPHON` of an AS/400 file,
`PH-NAME`, `PH-ZIP` of a COBOL record).

AS/400 files name every field with the file's own two or three letters and no separator, COBOL
records with a short word and a hyphen, so no rule knows `MBPHON` or `PH-NAME` though every
rule knows `phon(e)` and `name`. Which letters are a prefix is decided from the table's other
columns, never from one name alone: most of its fields must begin with the same short word and
a separator, or be single words beginning with the same letters. A field no rule knows as
written is then read without them, which can only fill a gap (a rule's verdict is never
changed), and the record's entity still decides whose it is (a location file's own phone).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace

from lacuna_cli.classify.heuristics import RuleSet, normalise_name
from lacuna_cli.classify.inherit import ColumnSensitivity
from lacuna_cli.classify.layers import CONFIDENT, rule_verdict

# A prefix is decided from at least this many fields, and must begin this share of them.
_MIN_FIELDS = 4
_SHARE = 0.75
# Prefix lengths tried, longest first (`EMP` of EMPNAME, `CM` of CMNAME).
_LENGTHS = (3, 2)
# What is left of a field once its prefix is dropped is at least this long (`CMST` -> `st`).
_MIN_REST = 2
# A separated prefix is a word of at most this many letters (`ph_` of PH-NAME, `ws_`).
_MAX_WORD = 3


def shared_prefix(columns: Sequence[str]) -> str | None:
    """The letters (normalised, lower case; with their separator when the fields have one)
    that begin most of a table's fields: a short first word (`ph_`), or the first letters of
    fields that are single words as AS/400 writes them (`cm`); None otherwise."""
    words = [normalise_name(column) for column in columns]
    if len(words) < _MIN_FIELDS:
        return None
    firsts = Counter(w.split("_", 1)[0] + "_" for w in words if "_" in w)
    if firsts:
        first, count = firsts.most_common(1)[0]
        if count >= _SHARE * len(words) and len(first) <= _MAX_WORD + 1 and first[0].isalpha():
            return first
    single = [w for w in words if w.isalnum() and w[:1].isalpha()]
    if len(single) < _SHARE * len(words):
        return None
    for length in _LENGTHS:
        counts = Counter(w[:length] for w in single if len(w) >= length + _MIN_REST)
        if not counts:
            continue
        prefix, count = counts.most_common(1)[0]
        if count >= _SHARE * len(words) and prefix.isalpha():
            return prefix
    return None


def without_prefix(verdicts: Mapping[str, ColumnSensitivity], rules: RuleSet
                   ) -> dict[str, ColumnSensitivity]:
    """The verdicts with each field no rule knows read again without the table's shared
    prefix, when a rule knows what is left (`MBPHON` as `phon`, `PH-NAME` as `name`); the
    others as they are."""
    prefix = shared_prefix(list(verdicts))
    if prefix is None:
        return dict(verdicts)
    read: dict[str, ColumnSensitivity] = {}
    for column, verdict in verdicts.items():
        read[column] = verdict
        normal = normalise_name(column)
        if verdict.sensitive or verdict.layer not in ("default", "embedding") \
                or not normal.startswith(prefix) or ("_" in normal) != prefix.endswith("_"):
            continue
        rest = normal[len(prefix):]
        found = rule_verdict(rest, rules)
        if found.layer == "heuristic" and found.confidence >= CONFIDENT:
            read[column] = replace(found, why=f"{found.why} (read as {rest}: the table's "
                                              f"fields share the prefix "
                                              f"{prefix.rstrip('_').upper()})")
    return read
