"""Parses of other project files, and the interpreters that read them, kept for later files.

Summaries of another module's functions are made by an interpreter of that module, one per
depth it is reached at (a module read deep in an import chain follows fewer imports, so its
answers differ). Its syntax tree and where each node starts do not depend on the depth, and
they were the costliest part of each such interpreter: on every 8th standard-library module,
libcst parses and positions of other files took a quarter of the run's CPU. One parse per
module serves every depth.

A worker used to keep every module it ever interpreted, and a libcst tree takes tens of times
its source in memory: analysing half the standard library, a worker grew past 600 MB. The
modules least recently asked about are dropped, tree and interpreters together, beyond a
budget of source bytes; a dropped module asked about again is parsed and interpreted again,
with the same answers (what callers were told is remembered apart, in `pyimports._RETURNED`).
"""

from __future__ import annotations

from collections import OrderedDict
from functools import cached_property
from typing import TYPE_CHECKING

import libcst as cst

from lacuna_cli.extract.pyparse import parse_cst
from lacuna_cli.extract.pypositions import NodeStarts

if TYPE_CHECKING:
    from lacuna_cli.extract.python import _Interpreter

# Source characters whose parses and interpreters stay in memory. Files of one package are
# analysed one after another by one worker (see `regions.py`), so the modules they call stay.
SOURCE_BUDGET = 6_000_000


class SharedParse:
    """One module's libcst tree and, on first use, where its nodes start (generated statement by
    statement as they are asked about: see `NodeStarts`); its interpreters by project root,
    path, the depth of the file asking and the catalog they read with."""

    def __init__(self, module: cst.Module, source: str) -> None:
        self.module = module
        self.source = source
        self.interpreters: dict[tuple[str, str, int, str], _Interpreter] = {}

    @cached_property
    def positions(self) -> NodeStarts:
        return NodeStarts(self.module, self.source)


# By the module's source text (its path alone could hold other text in another run), least
# recently asked first.
_PARSED: OrderedDict[str, SharedParse] = OrderedDict()


def shared_parse(source: str) -> SharedParse:
    """The shared parse of a project module's source; raises what `parse_cst` raises."""
    found = _PARSED.get(source)
    if found is not None:
        _PARSED.move_to_end(source)
        return found
    found = _PARSED[source] = SharedParse(parse_cst(source), source)
    held = sum(map(len, _PARSED))
    while held > SOURCE_BUDGET and len(_PARSED) > 1:
        dropped, _ = _PARSED.popitem(last=False)
        held -= len(dropped)
    return found
