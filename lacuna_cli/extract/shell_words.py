"""A shell command line as the shell splits it: its words, and the commands between its
operators. Shared by the readers of what commands do (`shell_uploads.py` for uploads,
`shell_queries.py` for database clients writing query results to files)."""

from __future__ import annotations

import shlex

# The characters of the shell's operators between commands (`&&`, `||`, `;`, `|`, `&`).
OPERATOR_CHARACTERS = set("&|;")


def command_words(command: str) -> list[str]:
    """The words of a shell command line as the shell splits them, its operators (`&&`, `;`,
    `|`) words of their own ([] when it cannot be split)."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    try:
        return list(lexer)
    except ValueError:
        return []


def commands(words: list[str]) -> list[list[str]]:
    """The commands of a line, split at the shell's operators."""
    found: list[list[str]] = [[]]
    for word in words:
        if word and set(word) <= OPERATOR_CHARACTERS:
            found.append([])
        else:
            found[-1].append(word)
    return [command for command in found if command]


def is_literal(word: str) -> bool:
    """Whether a command word is known as written (no `{name}` or `$VAR` filled in later)."""
    return not any(c in word for c in "{$")
