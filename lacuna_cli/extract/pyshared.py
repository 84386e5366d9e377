"""Parses of other project files, shared by the interpreters that read them at every depth.

Summaries of another module's functions are made by an interpreter of that module, one per
depth it is reached at (see `python._MODULES`: a module read deep in an import chain follows
fewer imports, so its answers differ). Its syntax tree and where each node starts do not
depend on the depth, and they were the costliest part of each such interpreter: on every 8th
standard-library module, libcst parses and positions of other files took a quarter of the
run's CPU. One parse per module and process serves every depth, and holds one tree in memory
instead of one per depth.
"""

from __future__ import annotations

from functools import cached_property

import libcst as cst

from lacuna_cli.extract.pyparse import parse_cst
from lacuna_cli.extract.pypositions import NodeStarts


class SharedParse:
    """One module's libcst tree and, on first use, where its nodes start (generated statement by
    statement as they are asked about: see `NodeStarts`)."""

    def __init__(self, module: cst.Module, source: str) -> None:
        self.module = module
        self.source = source

    @cached_property
    def positions(self) -> NodeStarts:
        return NodeStarts(self.module, self.source)


# By the module's source text (its path alone could hold other text in another run).
_PARSED: dict[str, SharedParse] = {}


def shared_parse(source: str) -> SharedParse:
    """The shared parse of a project module's source; raises what `parse_cst` raises."""
    found = _PARSED.get(source)
    if found is None:
        found = _PARSED[source] = SharedParse(parse_cst(source), source)
    return found
