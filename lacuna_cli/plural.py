"""Counts in sentences: "1 file", "2 files". A report that says "1 checkpoints" reads as
careless, and careless reads as untrustworthy."""

from __future__ import annotations


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """`number` and the noun in the form it takes (`plural` when adding "s" is wrong)."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"
