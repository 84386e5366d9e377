"""A bound on bracket nesting in Rego source, checked before the engine parses it.

regorus's parser takes time exponential in the nesting of array, object and set literals:
measured here, 2.3 s at depth 14, 4.3 s at 15, 8.3 s at 16 — a project `.rego` file with
twenty nested `[` would hold every check for minutes. Real policies nest a few levels (a rule
body holding a comprehension holding an object), so a file deeper than `MAX_DEPTH` is refused
with one line naming where it goes too deep, before the parser sees it.
"""

from __future__ import annotations

import re

from lacuna_cli.errors import PolicyLoadError

MAX_DEPTH = 10
# What the scan looks at: a string (ended by its quote, a line's end or the text's end; a
# backslash escapes the next character), a raw string, a comment, or a bracket. Matching
# whole strings and comments at once is a sixth of the time of a loop over characters, which
# every check paid for every policy module.
_TOKENS = re.compile(r'"(?:\\.|[^"\\\n])*"?|`[^`]*`?|#[^\n]*|[\[\]{}]', re.DOTALL)


def check_nesting(path: str, text: str) -> None:
    """Raise PolicyLoadError naming `path:line` when `[`/`{` nest deeper than MAX_DEPTH
    (brackets in strings, raw strings and comments do not count)."""
    depth = 0
    for token in _TOKENS.finditer(text):
        char = token.group()
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, token.start()) + 1
                raise PolicyLoadError(
                    f"{path}:{line}: brackets nest deeper than {MAX_DEPTH} levels (the Rego "
                    "parser takes exponential time on them); flatten the literal")
        elif char in "]}":
            depth = max(depth - 1, 0)
