"""NodeStarts reports the same starts as libcst's PositionProvider, at a fraction of its cost."""

from __future__ import annotations

import ast

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from lacuna_cli.extract.pyparse import parse_cst
from lacuna_cli.extract.pypositions import NodeStarts

SHARED = (cst.SimpleWhitespace, cst.Newline)  # one object per text in the extractor's trees

TRICKY = '''"""Module docstring."""
import pandas as pd  # a comment


@decorator(arg=1)
@other
def load(path, /, *args, sep=",", **options):
    frame = (pd.read_csv(path, sep=sep)
             .query("x > 1")
             .assign(y=lambda row: row.x * 2))
    label = f"{path!r:>10} rows: {len(frame)}"
    return frame[["x", "y"]], label


class Report(Base, metaclass=Meta):
    def save(self, frame):
        if frame is not None: frame.to_csv("out.csv"); print("done")
        return [v for v in frame.values if v]

x = 1 if True else 2
y = {"k": (1, 2), **z}; w = x[1:2, ...]
caf\u00e9 = "cr\u00e8me"  # non-ASCII names and text
'''


def _pairs(ours: cst.CSTNode, theirs: cst.CSTNode):
    """Each node of one tree with the node at the same place in an equal tree."""
    yield ours, theirs
    for mine, other in zip(ours.children, theirs.children, strict=True):
        yield from _pairs(mine, other)


def test_the_extractor_shares_whitespace_leaves_and_prints_the_same_code() -> None:
    module = parse_cst(TRICKY)
    spaces = [n for n, _ in _pairs(module, module) if isinstance(n, cst.SimpleWhitespace)
              and n.value == " "]
    assert len(spaces) > 20 and all(space is spaces[0] for space in spaces)
    assert module.code == TRICKY and module.deep_equals(cst.parse_module(TRICKY))
    assert cst.SimpleWhitespace(" ") is not cst.SimpleWhitespace(" ")  # only while parsing


def compare(source: str, lazy: bool = False, order: int = 1) -> int:
    """Nodes compared; `lazy`: statements generated as asked, in `order` (1 or -1). The
    expected starts come from libcst's own parse; ours from the extractor's (which shares
    whitespace leaves between nodes)."""
    module = parse_cst(source)
    reference = cst.parse_module(source)
    assert module.deep_equals(reference) and module.code == source
    positions = MetadataWrapper(reference, unsafe_skip_copy=True).resolve(PositionProvider)
    expected = {ours: positions[theirs] for ours, theirs in _pairs(module, reference)
                if not isinstance(ours, SHARED)}
    starts = NodeStarts(module, source if lazy else None)
    compared = 0
    for node, code_range in list(expected.items())[::order]:
        try:
            found = starts.at(node)
        except KeyError:
            continue  # whitespace and punctuation: never asked about
        assert found == (code_range.start.line, code_range.start.column), (
            type(node).__name__, module.code_for_node(node))
        compared += 1
    return compared


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_every_node_starts_where_position_provider_says(newline) -> None:
    source = TRICKY.replace("\n", newline)
    assert compare(source) > 150


@pytest.mark.parametrize("order", [1, -1], ids=["top-down", "bottom-up"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_statements_generated_as_asked_start_where_position_provider_says(newline, order
                                                                          ) -> None:
    source = TRICKY.replace("\n", newline)
    assert compare(source, lazy=True, order=order) == compare(source)


@pytest.mark.parametrize("source", [
    "x = 1\nprint(x)\nx = 1\nprint(x)\n",  # the same statement twice: placed by neighbours
    "import os\n\n\ndef f():\n    return os.sep",  # no final line break
    "# header\n\nx = 1\n\n# footer\n",
], ids=["repeated", "no-final-newline", "header-and-footer"])
def test_statements_that_cannot_be_placed_alone_fall_back_to_the_whole_module(source) -> None:
    assert compare(source, lazy=True, order=-1) == compare(source) > 0


def test_a_hint_generates_only_the_statement_holding_the_node() -> None:
    module = cst.parse_module(TRICKY)
    starts = NodeStarts(module, TRICKY)
    report = next(s for s in module.body if isinstance(s, cst.ClassDef))
    method = report.body.body[0]
    assert isinstance(method, cst.FunctionDef)
    assert starts.at(method.params.params[1], near=method) == (16, 19)  # `frame`
    assert starts._pending == set(range(len(module.body)))  # CPython placed the parameter
    returned = method.body.body[1]
    assert starts.at(returned, near=method) == (18, 8)
    assert starts._pending == set(range(len(module.body))) - {module.body.index(report)}


def test_the_nodes_the_extractor_asks_about_all_have_a_start() -> None:
    module = cst.parse_module(TRICKY)
    starts = NodeStarts(module)
    asked = (cst.Call, cst.Name, cst.Param, cst.FunctionDef, cst.ClassDef, cst.Attribute)

    class Visitor(cst.CSTVisitor):
        seen = 0

        def on_visit(self, node: cst.CSTNode) -> bool:
            if isinstance(node, asked):
                starts.at(node)  # raises KeyError if missing
                Visitor.seen += 1
            return True

    module.visit(Visitor())
    assert Visitor.seen > 50



BADLY_PRINTED = ("import os\n\n\ndef probe():\n    try:\n        os.stat('x')\n"
                 "    except OSError :\n        pass\n\nwith open('out.txt', 'w') as out:\n"
                 "    out.write('x')\n")


def test_a_statement_libcst_prints_differently_shifts_no_later_line() -> None:
    """libcst prints `except OSError :` without the space before the colon, so the function
    cannot be placed in the source by its text and the whole module is generated: lines and
    columns are then read in that generated text, and the write after it stays at (11, 4)."""
    module = parse_cst(BADLY_PRINTED)
    assert module.code != BADLY_PRINTED
    starts = NodeStarts(module, BADLY_PRINTED)
    probe, block = module.body[1], module.body[2]
    assert isinstance(probe, cst.FunctionDef) and isinstance(block, cst.With)
    assert starts.at(probe.name) == (4, 4)
    statement = block.body.body[0]
    assert isinstance(statement, cst.SimpleStatementLine)
    write = statement.body[0]
    assert isinstance(write, cst.Expr)
    assert starts.at(write.value) == (11, 4)


def test_a_start_given_before_a_fallback_is_given_after_it_too() -> None:
    """libcst prints `except OSError\\` + newline + `:` on one line: the generated text has a
    line fewer than the source. A node placed in the source before the fallback keeps the
    start it was given (CPython's), and the module is generated whole once, however many
    statements were placed before."""
    source = ("import os\n\n\ndef probe():\n    try:\n        os.stat('x')\n"
              "    except OSError\\\n    :\n        pass\n\nout = open('out.txt', 'w')\n"
              + "".join(f"x{i} = f({i})\n" for i in range(50)))
    module = parse_cst(source)
    starts = NodeStarts(module, source)
    assignment = module.body[2]
    assert isinstance(assignment, cst.SimpleStatementLine)
    statement = assignment.body[0]
    assert isinstance(statement, cst.Assign)
    before = starts.at(statement.value, assignment)
    for later in module.body[3::2]:
        starts.at(later, later)
    wholes = []
    real_whole = NodeStarts._generate_whole

    def counted(self: NodeStarts, into: dict) -> str:
        wholes.append(1)
        return real_whole(self, into)

    NodeStarts._generate_whole = counted  # type: ignore[method-assign]
    try:
        probe = module.body[1]
        assert isinstance(probe, cst.FunctionDef)
        assert starts.at(probe.name) == (4, 4)
        starts.at(module.body[-2])  # not placed before the fallback: read in its text
    finally:
        NodeStarts._generate_whole = real_whole  # type: ignore[method-assign]
    assert before == starts.at(statement.value) == (11, 6)
    assert wholes == [1]


# Statements, headers and parameters CPython and libcst may place differently: parenthesized
# tuples and tests, a star apart from its parameter's name, non-ASCII text before a node on
# its line, pieces continued on indented lines, every compound statement.
ANCHORED = '''import json


@app.route("/x",
           methods=["POST"])
async def handler(request, *  rest, key: str = "k", **extra):
    caf\u00e9 = "cr\u00e8me"; body = json.dumps({"k": caf\u00e9,
                                         "v": request})
    async with session() as s, (open("f")) as f:
        await s.post(URL, data=body)
    for (name, value) in (extra.items()):
        print(name,
              value)
    else:
        pass
    while (rest and
           key):
        rest = rest[1:]
    if not rest:
        raise ValueError(f"empty {key!r}")
    elif key == "x":
        assert rest, ("no", key)
    try:
        json.loads(body)
    except (ValueError, TypeError) as exc:
        log(exc)
    finally:
        done = lambda  x, *a: x
    match request:
        case {"k": v} if v > 1:
            return v
        case _:
            return None
'''


# What the interpreter asks about inside a piece (whitespace and punctuation have no start).
ASKED_INSIDE = (cst.BaseExpression, cst.BaseSmallStatement, cst.Param, cst.Arg)


def _inside(node: cst.CSTNode):
    yield node
    for child in node.children:
        yield from _inside(child)


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_nodes_asked_with_the_piece_holding_them_generate_that_piece_only(newline) -> None:
    """Asked with the small statement or header being interpreted (the `near` hint), a node is
    placed by generating that piece alone where CPython says it starts: no top-level statement
    is generated, and every start is PositionProvider's."""
    source = ANCHORED.replace("\n", newline)
    module = parse_cst(source)
    reference = cst.parse_module(source)
    positions = MetadataWrapper(reference, unsafe_skip_copy=True).resolve(PositionProvider)
    expected = {ours: positions[theirs] for ours, theirs in _pairs(module, reference)
                if not isinstance(ours, SHARED)}
    starts = NodeStarts(module, source)
    pieces = list(starts._anchors.anchors)
    assert len(pieces) > 25
    compared = 0
    for piece in pieces:
        for node in _inside(piece):
            if not isinstance(node, ASKED_INSIDE):
                continue  # whitespace and punctuation: never asked about
            found = starts.at(node, near=piece)
            start = expected[node].start
            assert found == (start.line, start.column), (type(node).__name__,
                                                         module.code_for_node(node))
            compared += 1
    assert compared > 100
    assert starts._pending == set(range(len(module.body)))  # no top-level statement generated


def test_definitions_and_parameters_start_where_cpython_says_without_generating_code(
        monkeypatch) -> None:
    module = parse_cst(ANCHORED)
    reference = cst.parse_module(ANCHORED)
    positions = MetadataWrapper(reference, unsafe_skip_copy=True).resolve(PositionProvider)
    handler = module.body[1]
    assert isinstance(handler, cst.FunctionDef)
    params = handler.params
    asked = [handler, *params.params, params.star_arg, *params.kwonly_params, params.star_kwarg]
    expected = {ours: positions[theirs] for ours, theirs in _pairs(module, reference)
                if not isinstance(ours, SHARED)}
    starts = NodeStarts(module, ANCHORED)
    generated: list[object] = []
    monkeypatch.setattr(NodeStarts, "_generate_piece", lambda *a: generated.append(a))
    monkeypatch.setattr(NodeStarts, "_generate", lambda *a: generated.append(a))
    for node in asked:
        assert isinstance(node, cst.CSTNode)
        start = expected[node].start
        assert starts.at(node) == (start.line, start.column)
    assert [starts.at(node)[1] for node in asked[1:]] == [18, 27, 36, 52]  # `*  rest` at 27
    assert generated == []


def test_a_tree_that_does_not_pair_with_libcsts_leaves_positions_to_generated_code() -> None:
    """CPython's tree of other text (a statement more) pairs with nothing: no anchor is
    trusted, and every start still comes out right from generated code."""
    module = parse_cst(ANCHORED)
    other = ast.parse(ANCHORED + "x = 1\n")
    starts = NodeStarts(module, ANCHORED, other)
    assert starts._anchors.anchors == {} and starts._anchors.starts == {}
    handler = module.body[1]
    assert isinstance(handler, cst.FunctionDef)
    assert starts.at(handler.params.star_arg) == (6, 27)
    assert compare(ANCHORED, lazy=True) == compare(ANCHORED) > 150
