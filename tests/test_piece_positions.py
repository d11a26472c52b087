"""Lines and headers placed alone (``engine.piece_positions``) get the ranges the whole
module's code generation gives them, and a piece that cannot be placed for sure is
left to the statement's own generation."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst
import pytest

from fastapi_rules_lint.engine import piece_positions, statement_positions
from fastapi_rules_lint.engine.positions import LineIndex, NodeRanges, node_ranges
from fastapi_rules_lint.engine.statement_positions import Needs, statement_ranges
from tests.test_statement_positions import _nodes

LINES = {
    "one line": "def f(a):\n    x = 1\n    return {'a': a}\n",
    "a comment above": "def f(a):\n    x = 1\n    # why\n\n    return {'a': a}  # what\n",
    "continued in brackets": (
        "@app.get('/')\ndef f(a):\n    if a:\n        return {\n            'a': a,\n"
        "        }\n    return None\n"
    ),
    "tabs and crlf": "class C:\r\n\tdef m(self):\r\n\t\treturn call(\r\n\t\t\t1)\r\n",
    "semicolons": "def f():\n    a = 1; b = (\n        2)\n",
}


def _spy(monkeypatch: pytest.MonkeyPatch, name: str) -> list[object]:
    """What each call of ``piece_positions.<name>`` (as the positions code calls it)
    returned, in order."""
    placed: list[object] = []
    place = getattr(piece_positions, name)

    def spy(*arguments: object) -> object:
        found = place(*arguments)
        placed.append(found)
        return found

    monkeypatch.setattr(statement_positions, name, spy)
    return placed


def _lines(node: cst.CSTNode, top: cst.CSTNode) -> Iterator[cst.SimpleStatementLine]:
    for found in _nodes(node):
        if isinstance(found, cst.SimpleStatementLine) and found is not top:
            yield found


def _same(partial: NodeRanges, whole: NodeRanges, nodes: list[cst.CSTNode]) -> None:
    for node in nodes:
        assert partial.syntactic.get(node) == whole.syntactic.get(node), node
        assert partial.inclusive.get(node) == whole.inclusive.get(node), node
        # A line placed alone knows its indentation as one string: all a
        # replacement's generation uses is the concatenation.
        assert "".join(partial.indents.get(node, ())) == "".join(whole.indents.get(node, ()))


@pytest.mark.parametrize("name", sorted(LINES))
@pytest.mark.parametrize("with_targets", [False, True])
def test_a_line_placed_alone_has_the_whole_modules_ranges(
    name: str, with_targets: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = LINES[name]
    module = cst.parse_module(text)
    starts = LineIndex.of(text).line_starts
    placed = _spy(monkeypatch, "place_line")
    for index, statement in enumerate(module.body):
        for line in _lines(statement, statement):
            nodes = [node for node in _nodes(line) if node is not line]
            whole = node_ranges(module, nodes if with_targets else ())
            recorded = [line, *(node for node in nodes if node in whole.syntactic)]
            needs = Needs(recorded, nodes if with_targets else (), [line])
            partial = statement_ranges(module, text, starts, {index: needs})
            assert partial is not None
            _same(partial, whole, recorded)
    assert placed and all(found is not None for found in placed)


def test_a_line_found_twice_is_generated_with_its_statement() -> None:
    text = "def f():\n    return 1\n\ndef g():\n    return 1\n"
    module = cst.parse_module(text)
    function = module.body[0]
    assert isinstance(function, cst.FunctionDef)
    line = next(_lines(function, function))
    assert piece_positions.place_line(module, line, text, 0, ()) is None
    starts = LineIndex.of(text).line_starts
    partial = statement_ranges(module, text, starts, {0: Needs([line], (), [line])})
    assert partial is not None
    _same(partial, node_ranges(module, ()), [line])


HEADERS = {
    "decorated": "@app.get('/')\n# about\n@other\ndef read(a: int, *, b=1) -> int:\n    return a\n",
    "a longer name after": (
        "@app.get('/a')\ndef read(a):\n    return a\n\n@app.get('/b')\ndef reads(b):\n"
        "    return b\n"
    ),
    "async with spaces": "@dec\nasync  def  read (\n    a,\n    b,\n):\n    pass\n",
    "class": "@dataclass(frozen=True)\nclass Item(Base):\n    x: int = 1\n",
}


@pytest.mark.parametrize("name", sorted(HEADERS))
def test_a_header_placed_without_its_decorators_has_the_whole_modules_ranges(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = HEADERS[name]
    module = cst.parse_module(text)
    starts = LineIndex.of(text).line_starts
    placed = _spy(monkeypatch, "place_header")
    for index, statement in enumerate(module.body):
        header = piece_positions.header_nodes(statement)
        assert header is not None
        nodes = [node for node in _nodes(statement) if id(node) in header]
        params = [node for node in nodes if isinstance(node, cst.Param)]
        whole = node_ranges(module, params)
        for node in nodes:
            partial = statement_ranges(module, text, starts, {index: Needs([node])})
            assert partial is not None
            assert partial.syntactic.get(node) == whole.syntactic.get(node), node
        partial = statement_ranges(module, text, starts, {index: Needs(nodes, params)})
        assert partial is not None
        _same(partial, whole, nodes)
    assert placed and all(isinstance(found, int) and found >= 0 for found in placed)


def test_a_header_found_twice_is_generated_from_its_decorators() -> None:
    text = "@a\ndef f():\n    pass\n\n@b\ndef f():\n    pass\n"
    module = cst.parse_module(text)
    second = module.body[1]
    assert isinstance(second, cst.FunctionDef)
    starts = LineIndex.of(text).line_starts
    partial = statement_ranges(module, text, starts, {1: Needs([second.name])})
    assert partial is not None
    _same(partial, node_ranges(module, ()), [second.name])
