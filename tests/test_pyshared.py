"""Parses of other project files are kept least recently used first, within a budget."""

from __future__ import annotations

import pytest

from lacuna_cli.extract import pyshared


def test_the_least_recently_asked_module_is_dropped_first(monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    monkeypatch.setattr(pyshared, "_PARSED", type(pyshared._PARSED)())
    first, second, third = ("a = 1\n" * 10, "b = 2\n" * 10, "c = 3\n" * 10)
    monkeypatch.setattr(pyshared, "SOURCE_BUDGET", len(first) * 2)
    kept = pyshared.shared_parse(first)
    pyshared.shared_parse(second)
    assert pyshared.shared_parse(first) is kept  # asked again: now the most recent
    pyshared.shared_parse(third)
    assert list(pyshared._PARSED) == [first, third]
    assert pyshared.shared_parse(second) is not None and second in pyshared._PARSED
    assert first not in pyshared._PARSED


def test_a_module_larger_than_the_budget_is_still_kept_while_asked(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pyshared, "_PARSED", type(pyshared._PARSED)())
    monkeypatch.setattr(pyshared, "SOURCE_BUDGET", 1)
    parse = pyshared.shared_parse("x = 1\n")
    assert parse.module.code == "x = 1\n" and parse.positions.at(parse.module.body[0]) == (1, 0)
    assert list(pyshared._PARSED) == ["x = 1\n"]
