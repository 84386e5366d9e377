"""Where libcst nodes start (line, column), at a fraction of PositionProvider's cost.

The extractor needs the start of the nodes it reports (calls, parameters, definitions), and
every value node's id carries one, so positions are needed in nearly every analysed module.
libcst's `MetadataWrapper.resolve(PositionProvider)` spends more than the parse itself on the
stdlib: it builds a line/column pair for every token and a CodeRange for every node, and
resolve() also walks the whole tree once more with an empty batch of visitors. This module
runs libcst's own code generator once, records only the token index at which each node starts
(the same "syntactic" start PositionProvider reports: after any parentheses and owned
whitespace), and turns an index into a line and column only when asked.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate

import libcst as cst
from libcst._nodes.internal import CodegenState  # what every node's _codegen writes to

NEWLINE = re.compile(r"\r\n?|\n")  # the line breaks libcst and CPython count


@dataclass(frozen=False)
class _StartRecorder(CodegenState):
    """A code generator state that notes the first token of every node with a syntactic
    position: expressions, statements, parameters — all the extractor asks about; whitespace
    and punctuation nodes have none (hooking every node for them cost a quarter of the pass).

    libcst opens one `record_syntactic_position` block per such node, so the state is its own
    context manager over a stack of open nodes: a generator-based one per node cost more than
    the rest of the recording."""

    starts: dict[cst.CSTNode, int] = field(default_factory=dict)
    _open: list[tuple[cst.CSTNode, cst.CSTNode | None, int]] = field(default_factory=list)

    def record_syntactic_position(  # type: ignore[override]  # a context manager, not a generator's
            self, node: cst.CSTNode, *, start_node: cst.CSTNode | None = None,
            end_node: cst.CSTNode | None = None) -> _StartRecorder:
        self._open.append((node, start_node, len(self.tokens)))
        return self

    def __enter__(self) -> None:
        return None

    def __exit__(self, *_exception: object) -> None:
        node, start_node, start = self._open.pop()
        self.starts[node] = self.starts[start_node] if start_node is not None else start


class NodeStarts:
    """The (1-based line, 0-based column) at which each node of one module starts, as libcst's
    PositionProvider reports it (KeyError for a whitespace or punctuation node)."""

    def __init__(self, module: cst.Module) -> None:
        state = _StartRecorder(default_indent=module.default_indent,
                               default_newline=module.default_newline)
        module._codegen(state)
        self._starts = state.starts
        self._offsets = list(accumulate(map(len, state.tokens), initial=0))
        code = "".join(state.tokens)
        self._line_starts = [0, *(match.end() for match in NEWLINE.finditer(code))]

    def alias(self, node: cst.CSTNode, like: cst.CSTNode) -> None:
        """Place a node the interpreter made itself (a call it reads a call as) where `like`
        is written."""
        self._starts[node] = self._starts[like]

    def __getitem__(self, node: cst.CSTNode) -> tuple[int, int]:
        offset = self._offsets[self._starts[node]]
        line = bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1]
