"""What a repository's own policy folders may do: add, never weaken.

Trusted policies are the shipped ones and the folders the trusted config lists (outside the
repository). The folders a project's own config lists travel with the code under review, so:
- a Rego module there must live in a package of its own (`lacuna.rules.<new name>` adds a
  rule, since the entry point collects every package under `lacuna.rules`): a package that is,
  contains or lies inside a trusted package, or that would define values over the trusted
  policy data, could redefine what a trusted rule relies on, so it stops the run (exit 2);
- a `data.json` there may add keys; a value that differs from the trusted data (governed
  locations, approved destinations, stewards...) is ignored with a warning naming file and key.
Test files (`*_test.rego`) are not evaluated by `check` and are not restricted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lacuna_cli.errors import PolicyLoadError, warn

Ref = tuple[str, ...]
_PACKAGE = re.compile(r"^[ \t]*package[ \t]+(\S+)", re.MULTILINE)
_PLAIN_REF = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")


def package_of(text: str) -> Ref | None:
    """The dotted package a module declares (None when there is no plain `package` line)."""
    found = _PACKAGE.search(text)
    if found is None or not _PLAIN_REF.fullmatch(found[1]):
        return None
    return tuple(found[1].split("."))


def _nested(outer: Ref, inner: Ref) -> bool:
    """One reference is the other or lies inside it."""
    shorter = min(len(outer), len(inner))
    return outer[:shorter] == inner[:shorter]


def _data_nodes(data: Any, at: Ref = ()) -> Iterator[tuple[Ref, bool]]:
    """Every key path of a data document, and whether its value is an object."""
    for key, value in data.items():
        path = (*at, str(key))
        yield path, isinstance(value, dict)
        if isinstance(value, dict):
            yield from _data_nodes(value, path)


class TrustedPolicies:
    """The trusted packages and data a project's additions are checked against."""

    def __init__(self, packages: set[Ref], data: dict[str, Any]) -> None:
        self.packages = packages
        self.data = data
        self._nodes = dict(_data_nodes(data))

    def check_module(self, path: Path, text: str) -> None:
        """A project module adds a package of its own, or the run stops (one line)."""
        package = package_of(text)
        if package is None:
            raise PolicyLoadError(f"{path}: a project policy must declare a plain dotted "
                                  "`package` name")
        name = ".".join(package)
        clash = next((t for t in sorted(self.packages) if _nested(package, t)), None)
        if clash is not None:
            raise PolicyLoadError(
                f"{path}: package {name}: a repository may add rule packages of its own "
                f"(lacuna.rules.<new name>), not add to or redefine the trusted package "
                f"{'.'.join(clash)}")
        over = next((node for node, is_object in self._nodes.items()
                     if node[:len(package)] == package
                     or (not is_object and package[:len(node)] == node)), None)
        if over is not None:
            raise PolicyLoadError(f"{path}: package {name}: a repository's policies cannot "
                                  f"define values over the trusted policy data "
                                  f"data.{'.'.join(over)}")

    def additions(self, path: Path, document: dict[str, Any]) -> dict[str, Any]:
        """What a project `data.json` adds; each change to trusted data is named and ignored."""
        return self._additions(path, document, self.data, ())

    def _additions(self, path: Path, given: dict[str, Any], trusted: dict[str, Any] | None,
                   at: Ref) -> dict[str, Any]:
        kept: dict[str, Any] = {}
        for key, value in given.items():
            where = (*at, str(key))
            if trusted is not None and key in trusted:
                if isinstance(value, dict) and isinstance(trusted[key], dict):
                    kept[key] = self._additions(path, value, trusted[key], where)
                elif value != trusted[key]:
                    self._ignored(path, where, "change the shipped or trusted value")
                continue
            inside = [p for p in self.packages if _nested(where, p)]
            if not inside:
                kept[key] = value
            elif isinstance(value, dict) and all(len(p) > len(where) for p in inside):
                kept[key] = self._additions(path, value, None, where)  # around trusted packages
            else:
                shortest: Ref = min(inside, key=len)
                self._ignored(path, where, "write into the trusted policy package "
                              + ".".join(shortest))
        return kept

    @staticmethod
    def _ignored(path: Path, where: Ref, what: str) -> None:
        warn(f"{path}: {'.'.join(where)}: ignored: a repository's data.json may add keys, not "
             f"{what} (see the README, \"Trust model\")")
