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

import ast
import re
from bisect import bisect_right, insort
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate

import libcst as cst
from libcst._nodes.internal import CodegenState  # what every node's _codegen writes to

from lacuna_cli.extract.pyanchors import Anchors, read_anchors

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
    PositionProvider reports it (KeyError for a whitespace or punctuation node).

    Given the module's source, top-level statements are generated one at a time, when a node
    of theirs is first asked about: the interpreter of another project file runs its top level
    and summarises the few functions callers ask for, and generating code for the rest was
    most of what positions cost there. A statement generated alone is the same text it is in
    the module (each starts at no indentation), so where it starts is where that text occurs
    in the source between its neighbours already placed. If it occurs there other than exactly
    once (a file without a final line break changes the last statement's text; libcst prints
    `except OSError :` without its space), the whole module is generated once, and the nodes
    of statements not placed yet are read in that generated text, lines and columns alike:
    read against the source, its offsets would shift every later column. Nodes already
    placed keep the start they were given. (Where libcst's text has a line fewer, a
    backslash before the colon it drops, the statements read there after it are a line
    early.)"""

    def __init__(self, module: cst.Module, source: str | None = None,
                 tree: ast.Module | None = None) -> None:
        self._module = module
        self._tree = tree  # CPython's tree of `source`, when the caller has it
        self._starts: dict[cst.CSTNode, int] = {}  # node -> character offset in the source
        # After a fallback: node -> offset in the whole generated text, and its line starts.
        self._generated: dict[cst.CSTNode, int] = {}
        self._generated_lines: list[int] = []
        # A node the interpreter made -> the written node it stands for and its statement.
        self._aliases: dict[cst.CSTNode, tuple[cst.CSTNode, cst.CSTNode | None]] = {}
        # Top-level statements not generated yet, and where those generated begin and end.
        self._pending = set(range(len(module.body))) if source is not None else set()
        self._placed: dict[int, tuple[int, int]] = {}
        self._placed_order: list[int] = []  # the indexes in `_placed`, ascending
        self._owner: dict[cst.CSTNode, int] | None = None  # statement node -> top-level index
        if source is None:
            source = self._generate_whole(self._starts)
        self._source = source
        self._line_starts = _line_starts(source)

    def alias(self, node: cst.CSTNode, like: cst.CSTNode, near: cst.CSTNode | None = None
              ) -> None:
        """Place a node the interpreter made itself (a call it reads a call as) where `like`
        is written (`near`: the statement being interpreted, see `at`)."""
        if like is not node:
            self._aliases[node] = (like, near)

    def at(self, node: cst.CSTNode, near: cst.CSTNode | None = None) -> tuple[int, int]:
        """Where `node` starts; `near` is a statement that probably holds it (the one being
        interpreted), so only its top-level statement needs generating."""
        while node in self._aliases:
            node, near = self._aliases[node]
        offset = self._offset(node, near)
        lines = self._line_starts
        if offset is None:
            offset, lines = self._generated[node], self._generated_lines
        line = bisect_right(lines, offset)
        return line, offset - lines[line - 1]

    def _offset(self, node: cst.CSTNode, near: cst.CSTNode | None) -> int | None:
        """Where `node` starts in the source; None when only the generated text has it."""
        found = self._starts.get(node)
        if found is not None or not self._pending:
            return found
        anchors = self._anchors
        found = anchors.starts.get(node)
        if found is not None:
            return found
        for piece in (node, near):
            if piece is not None and piece in anchors.anchors:
                self._generate_piece(piece, *anchors.anchors.pop(piece))
                if node in self._starts:
                    return self._starts[node]
        owner = self._owners()
        for hint in (node, near):
            index = owner.get(hint) if hint is not None else None
            if index is not None and index in self._pending:
                self._generate(index)
                if node in self._starts:
                    return self._starts[node]
        while self._pending:
            self._generate(min(self._pending))
        return self._starts.get(node)

    @cached_property
    def _anchors(self) -> Anchors:
        anchors = read_anchors(self._module, self._source, self._line_starts, self._tree)
        self._tree = None  # only the anchors are needed from now on
        return anchors

    def _generate_piece(self, piece: cst.CSTNode, anchor: int, indent: str) -> None:
        """Generate the one statement or header expression `piece`, which CPython says starts
        at `anchor` in a statement indented by `indent`, and place it there, once the source is
        seen to hold its text there."""
        state = self._state()
        state.indent_tokens.append(indent)
        piece._codegen(state)
        text_start = state.starts.get(piece)
        if text_start is None:
            return
        text = "".join(state.tokens)
        before = sum(map(len, state.tokens[:text_start]))  # its parentheses, if any
        # CPython's start of a parenthesized tuple is its parenthesis, libcst's after it.
        for base in (anchor - before, anchor):
            if base >= 0 and self._source.startswith(text, base):
                self._record(state, base, self._starts)
                return

    def _owners(self) -> dict[cst.CSTNode, int]:
        """Every statement (compound, line and small statement) by the index of the top-level
        statement holding it: statements only, never their expressions, so it is cheap."""
        if self._owner is None:
            self._owner = {}
            for index, statement in enumerate(self._module.body):
                stack: list[cst.CSTNode] = [statement]
                while stack:
                    node = stack.pop()
                    self._owner[node] = index
                    stack.extend(_inner_statements(node))
        return self._owner

    def _generate(self, index: int) -> None:
        """Generate one top-level statement and place it in the source (see the class)."""
        self._pending.discard(index)
        state = self._state()
        self._module.body[index]._codegen(state)
        text = "".join(state.tokens)
        after = bisect_right(self._placed_order, index)  # the placed neighbours, either side
        low = self._placed[self._placed_order[after - 1]][1] if after else 0
        high = self._placed[self._placed_order[after]][0] \
            if after < len(self._placed_order) else len(self._source)
        start = self._source.find(text, low, high)
        if start < 0 or self._source.find(text, start + 1, high) >= 0:
            self._fall_back_to_whole()
            return
        self._placed[index] = (start, start + len(text))
        insort(self._placed_order, index)
        self._record(state, start, self._starts)

    def _fall_back_to_whole(self) -> None:
        """Generate the whole module once; the statements not placed are read in its text."""
        self._pending.clear()
        self._generated_lines = _line_starts(self._generate_whole(self._generated))

    def _generate_whole(self, into: dict[cst.CSTNode, int]) -> str:
        state = self._state()
        self._module._codegen(state)
        self._record(state, 0, into)
        return "".join(state.tokens)

    def _state(self) -> _StartRecorder:
        return _StartRecorder(default_indent=self._module.default_indent,
                              default_newline=self._module.default_newline)

    def _record(self, state: _StartRecorder, base: int, into: dict[cst.CSTNode, int]) -> None:
        offsets = list(accumulate(map(len, state.tokens), initial=base))
        for node, token in state.starts.items():
            into.setdefault(node, offsets[token])


def _line_starts(text: str) -> list[int]:
    """The offset at which each line of `text` starts."""
    return [0, *(match.end() for match in NEWLINE.finditer(text))]


def _inner_statements(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The statements directly inside a statement: its small statements, the statements of
    its blocks (`body`, `orelse`, `handlers`, `finalbody`, a match's `cases`)."""
    inner: list[cst.CSTNode] = []
    if isinstance(node, cst.SimpleStatementLine | cst.SimpleStatementSuite):
        return list(node.body)
    for name in ("body", "orelse", "handlers", "finalbody", "cases"):
        part = getattr(node, name, None)
        if isinstance(part, cst.IndentedBlock | cst.SimpleStatementSuite):
            inner.extend(part.body if isinstance(part, cst.IndentedBlock) else [part])
        elif isinstance(part, cst.Else | cst.Finally | cst.If):
            inner.append(part)
        elif isinstance(part, Sequence):
            inner.extend(part)
    return inner
