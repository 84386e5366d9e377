"""A bound on bracket nesting in Rego source, checked before the engine parses it.

regorus's parser takes time exponential in the nesting of array, object and set literals:
measured here, 2.3 s at depth 14, 4.3 s at 15, 8.3 s at 16 — a project `.rego` file with
twenty nested `[` would hold every check for minutes. Real policies nest a few levels (a rule
body holding a comprehension holding an object), so a file deeper than `MAX_DEPTH` is refused
with one line naming where it goes too deep, before the parser sees it.
"""

from __future__ import annotations

from lacuna_cli.errors import PolicyLoadError

MAX_DEPTH = 10
_OPEN, _CLOSE = "[{", "]}"


def check_nesting(path: str, text: str) -> None:
    """Raise PolicyLoadError naming `path:line` when `[`/`{` nest deeper than MAX_DEPTH
    (brackets in strings, raw strings and comments do not count)."""
    depth, line, quote, index = 0, 1, "", 0
    while index < len(text):
        char = text[index]
        if char == "\n":
            line += 1
        if quote:
            if char == "\\" and quote == '"':
                index += 1
            elif char == quote or (char == "\n" and quote == '"'):
                quote = ""
        elif char in "\"`":
            quote = char
        elif char == "#":
            end = text.find("\n", index)
            index = len(text) if end < 0 else end - 1
        elif char in _OPEN:
            depth += 1
            if depth > MAX_DEPTH:
                raise PolicyLoadError(
                    f"{path}:{line}: brackets nest deeper than {MAX_DEPTH} levels (the Rego "
                    "parser takes exponential time on them); flatten the literal")
        elif char in _CLOSE:
            depth = max(depth - 1, 0)
        index += 1
