"""Jinja in SQL, rendered without executing anything: control flow picked, expressions resolved
by the caller or left in place as template holes.

dbt models, Airflow and other templated SQL share this: an `if` keeps its first branch (the
caller may skip conditions, e.g. dbt's `is_incremental()`), a loop keeps its body once, macro,
call, test, docs and `set` blocks go, comments go. An expression the caller cannot resolve stays
as written, `{{ ... }}`, for sql_holes to turn into a placeholder. Line numbers are kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# A tag or expression ends at the first closing delimiter outside its quoted strings
# (`config(post_hook="grant select on {{ this }} to reporter")` is one expression).
_INSIDE = r"""((?:'[^']*'|"[^"]*"|[^'"])*?)"""
JINJA = re.compile(r"{#.*?#}|{%-?\s*" + _INSIDE + r"\s*-?%}|{{-?\s*" + _INSIDE + r"\s*-?}}",
                   re.S)
BLOCKS_DROPPED = {"macro", "call", "test", "docs", "materialization"}
BLOCKS_KEPT = {"for", "snapshot", "filter", "raw", "block", "with", "autoescape"}

Resolve = Callable[[str], "str | None"]
Condition = Callable[[str], bool]


def has_jinja(text: str) -> bool:
    """A cheap test: only text with Jinja delimiters needs rendering."""
    return "{{" in text or "{%" in text or "{#" in text


def render_jinja(text: str, resolve: Resolve, taken: Condition = lambda _: True) -> str:
    """`text` with its Jinja rendered: `resolve(expression)` replaces `{{ expression }}` (None
    keeps it as written); `taken(condition)` says whether an `if`/`elif` branch may be kept."""
    keeping: list[list[bool]] = []  # per open block: [keep this branch, a branch was kept]
    out: list[str] = []
    position = 0
    for match in JINJA.finditer(text):
        out.append(_kept(text[position:match.start()], keeping))
        position = match.end()
        tag, expression = match.group(1), match.group(2)
        newlines = "\n" * match.group(0).count("\n")
        if tag is not None:
            _tag(tag.strip(), keeping, taken)
        if expression is None or not all(keep for keep, _ in keeping):
            out.append(newlines)
            continue
        replacement = resolve(expression.strip())
        out.append(match.group(0) if replacement is None else replacement + newlines)
    out.append(_kept(text[position:], keeping))
    return "".join(out)


def _kept(text: str, keeping: list[list[bool]]) -> str:
    return text if all(keep for keep, _ in keeping) else "\n" * text.count("\n")


def _tag(tag: str, keeping: list[list[bool]], taken: Condition) -> None:
    word = tag.split(None, 1)[0] if tag else ""
    if word == "if":
        keep = taken(tag)
        keeping.append([keep, keep])
    elif word in ("elif", "else") and keeping:
        frame = keeping[-1]
        frame[0] = not frame[1] and (word == "else" or taken(tag))
        frame[1] = frame[1] or frame[0]
    elif word in BLOCKS_KEPT:
        keeping.append([True, True])
    elif word in BLOCKS_DROPPED or (word == "set" and "=" not in tag):
        keeping.append([False, False])
    elif word.startswith("end") and keeping:
        keeping.pop()
