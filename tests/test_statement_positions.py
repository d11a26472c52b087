"""Ranges from the reported statements only (``engine.statement_positions``) equal the
ranges of the whole module's code generation, and every case the shortcut cannot
trust falls back to it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import libcst as cst
import pytest

from fastapi_rules_lint.engine.positions import LineIndex, NodeRanges, node_ranges
from fastapi_rules_lint.engine.statement_positions import Needs, statement_ranges
from fastapi_rules_lint.lint import linter
from fastapi_rules_lint.lint.linter import LintSettings, lint_text
from fastapi_rules_lint.lint.registry import select_codes
from fastapi_rules_lint.rulebase.rule import Rule

FIXTURES = Path(__file__).parent / "fixtures"

SOURCES = {
    "decorators with comments": (
        "# head\n\nimport os\n\n\n# about f\n@dec  # trailing\n# between\n@dec2(\n    1,\n)\n"
        "\n# before def\ndef f(a, b):\n    # inside\n    return {'a': a}\n"
        "\n\n@dataclass\nclass C:\n    x: int = 1\n\n    @property\n    def y(self): ...\n"
    ),
    "semicolons": "import os; import sys\nx = 1; y = 2\nif x:\n    z = 3; w = 4\nv = 5\n",
    "crlf": "x = 1\r\n\r\n# c\r\ndef f():\r\n    return 2\r\n",
    "strings at column 0": 'x = """\nline\n"""\n\ndef g():\n    """doc\nmore\n"""\n    pass\n',
    "continuations": "x = 1 + \\\n    2\ny = (\n3\n)\nasync def h():\n    await x\n",
    "parenthesized decorator": "@(\n    dec\n)\ndef f():\n    pass\nz = 1\n",
    "footer": "x = 1\n# the end\n\n",
}


def _nodes(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    yield node
    for child in node.children:
        yield from _nodes(child)


def _same(partial: NodeRanges, whole: NodeRanges, nodes: list[cst.CSTNode]) -> None:
    for node in nodes:
        assert partial.syntactic.get(node) == whole.syntactic.get(node), node
        assert partial.inclusive.get(node) == whole.inclusive.get(node), node
        assert partial.indents.get(node) == whole.indents.get(node), node


def _each_statement(
    text: str,
) -> Iterator[tuple[int, NodeRanges | None, NodeRanges, list[cst.CSTNode]]]:
    """Per top-level statement of ``text``: its index, its ranges asked alone (every
    node of it reported and a fix target), the whole module's, and its nodes."""
    module = cst.parse_module(text)
    starts = LineIndex.of(text).line_starts
    for index, statement in enumerate(module.body):
        nodes = list(_nodes(statement))
        whole = node_ranges(module, nodes)
        recorded = [node for node in nodes if node in whole.syntactic]
        partial = statement_ranges(module, text, starts, {index: Needs(recorded, nodes)})
        yield index, partial, whole, nodes


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_each_statement_gives_the_whole_modules_ranges(name: str) -> None:
    text = SOURCES[name]
    for index, partial, whole, nodes in _each_statement(text):
        assert partial is not None, index
        assert partial.code is text
        _same(partial, whole, nodes)


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_statements_found_by_their_first_line_give_the_same_ranges(name: str) -> None:
    # Each statement twice: its code is not found once, so `ast` gives its first line.
    text = SOURCES[name] * 2
    for index, partial, whole, nodes in _each_statement(text):
        if name == "parenthesized decorator" and index in (0, 2):
            assert partial is None  # `ast` puts the decorator a line below its `@`
            continue
        assert partial is not None, index
        assert partial.code is text
        _same(partial, whole, nodes)


def test_stops_once_the_needed_ranges_exist() -> None:
    text = "def f(a):\n    x = 1\n    return {'a': a}\n"
    module = cst.parse_module(text)
    function = module.body[0]
    assert isinstance(function, cst.FunctionDef)
    partial = statement_ranges(
        module, text, LineIndex.of(text).line_starts, {0: Needs([function.name])}
    )
    assert partial is not None
    assert partial.syntactic[function.name] == node_ranges(module, ()).syntactic[function.name]
    assert function.body not in partial.syntactic  # the body was never generated


@pytest.mark.parametrize(
    ("parsed", "text", "index"),
    [
        ("x = 1\ny = 2\n", "x = 1\ny = 3\n", 1),  # the code is not the text
        # No final newline: LibCST ends the last statement past it (its inclusive range).
        ("x = 1\ny = 2", "x = 1\ny = 2", 1),
        # Found twice, so its first line must come from `ast`, which refuses the text.
        ('x = "\\N{NOT A NAME}"\ny = 2\ny = 2\n', 'x = "\\N{NOT A NAME}"\ny = 2\ny = 2\n', 1),
        # Found once, but before its place: the generated final newline is not in the text.
        ("y = 2\nx = 1\ny = 2", "y = 2\nx = 1\ny = 2", 2),
    ],
)
def test_what_cannot_be_trusted_is_refused(parsed: str, text: str, index: int) -> None:
    module = cst.parse_module(parsed)
    statement = module.body[index]
    needs = {index: Needs([statement], [statement])}
    assert statement_ranges(module, text, LineIndex.of(text).line_starts, needs) is None


def test_a_last_line_without_newline_needs_no_newline_for_its_syntactic_range() -> None:
    text = "x = 1\ny = 2"
    module = cst.parse_module(text)
    partial = statement_ranges(module, text, (0, 6), {1: Needs([module.body[1]])})
    assert partial is not None
    whole = node_ranges(module, ())
    assert partial.syntactic[module.body[1]] == whole.syntactic[module.body[1]] == (6, 11)


def test_a_node_outside_its_statement_is_refused() -> None:
    text = "x = 1\ny = 2\n"
    module = cst.parse_module(text)
    starts = LineIndex.of(text).line_starts
    elsewhere = {0: Needs([module.body[1]])}
    assert statement_ranges(module, text, starts, elsewhere) is None
    statement = module.body[1]
    assert isinstance(statement, cst.SimpleStatementLine)
    inside = statement.body[0]  # a target inside another statement, not itself one
    target_elsewhere = {0: Needs([module.body[0]], [inside])}
    assert statement_ranges(module, text, starts, target_elsewhere) is None


@pytest.mark.parametrize("is_function_first", [False, True])
def test_a_fix_editing_another_top_level_statement_generates_it(is_function_first: bool) -> None:
    # FRL201's fix edits `app = FastAPI()` (the statement and a call in it) from a
    # report on a decorated function, before or after it.
    text = "import x\napp = FastAPI()\n\n@app.on_event('startup')\ndef f():\n    pass\n"
    if is_function_first:
        text = "@app.on_event('startup')\ndef f():\n    pass\napp = FastAPI()\nimport x\n"
    module = cst.parse_module(text)
    other = next(s for s in module.body if "FastAPI" in module.code_for_node(s))
    assert isinstance(other, cst.SimpleStatementLine)
    assign = other.body[0]
    assert isinstance(assign, cst.Assign)
    function = next(s for s in module.body if isinstance(s, cst.FunctionDef))
    index = module.body.index(function)
    targets = [other, assign.value, function]
    partial = statement_ranges(
        module, text, LineIndex.of(text).line_starts, {index: Needs([function.name], targets)}
    )
    assert partial is not None
    _same(partial, node_ranges(module, targets), [function.name, *targets])


class ReportsAtTheEnd(Rule):
    """Reports every ``marker`` name once the module is walked, with no anchor."""

    code, name, message, summary = "FRL989", "at-the-end", "end", ""

    def setup(self) -> None:
        self.names: list[cst.Name] = []

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == "marker":
            self.names.append(node)

    def leave_Module(self, original_node: cst.Module) -> None:
        for name in self.names:
            self.report(name)


class ReportsMarkers(Rule):
    code, name, message, summary = "FRL988", "markers", "marker", ""

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == "marker":
            self.report(node)


def _spy(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[object]]:
    calls: dict[str, list[object]] = {"whole": [], "statements": []}
    whole, partial = linter.node_ranges, linter.statement_ranges

    def spy_whole(module: cst.Module, targets: object) -> NodeRanges:
        calls["whole"].append(module)
        return whole(module, targets)  # type: ignore[arg-type]

    def spy_partial(
        module: cst.Module, text: str, starts: object, needs: dict[int, Needs]
    ) -> NodeRanges | None:
        calls["statements"].append(sorted(needs))
        return partial(module, text, starts, needs)  # type: ignore[arg-type]

    monkeypatch.setattr(linter, "node_ranges", spy_whole)
    monkeypatch.setattr(linter, "statement_ranges", spy_partial)
    return calls


def test_reports_carry_their_top_level_statement(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(linter, "all_rules", lambda: (ReportsMarkers,))
    calls = _spy(monkeypatch)
    text = "a = 1\n\n@deco(marker)\ndef f():\n    if a:\n        return marker\nb = marker; c = 2\n"
    found = lint_text(text, "t.py", LintSettings(enabled=frozenset({"FRL988"})))
    assert [(d.location.row, d.location.column) for d in found] == [(3, 7), (6, 16), (7, 5)]
    assert calls == {"whole": [], "statements": [[1, 2]]}


def test_a_report_from_leave_module_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(linter, "all_rules", lambda: (ReportsAtTheEnd,))
    calls = _spy(monkeypatch)
    text = "a = 1\ndef f():\n    return marker\n"
    found = lint_text(text, "t.py", LintSettings(enabled=frozenset({"FRL989"})))
    assert [(d.location.row, d.location.column, d.noqa_row) for d in found] == [(3, 12, 3)]
    assert len(calls["whole"]) == 1 and calls["statements"] == []


@pytest.mark.parametrize(
    "path", sorted(p for p in FIXTURES.glob("*.py") if not p.name.endswith(".fixed.py")),
    ids=lambda path: path.name,
)
def test_fixture_diagnostics_and_fixes_do_not_depend_on_the_shortcut(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = path.read_text(encoding="utf-8")
    settings = LintSettings(enabled=select_codes(["ALL"]))
    shortcut = lint_text(text, path.name, settings)
    monkeypatch.setattr(linter, "statement_ranges", lambda *arguments: None)
    assert lint_text(text, path.name, settings) == shortcut


def test_the_last_statement_without_newline_is_not_placed_on_an_earlier_twin() -> None:
    # Statement 1 is the text LibCST generates for statement 2 (which, last in a file
    # without a final newline, generates a newline the text lacks): placing statement 2
    # by a search would put it on statement 1. An earlier needed statement first, so
    # that the last statement is not the first one placed.
    text = "a = 1\nx = 2\nx = 2"
    module = cst.parse_module(text)
    starts = LineIndex.of(text).line_starts
    first, last = module.body[0], module.body[2]
    # A fix target: its range is recorded only after the statement's newline.
    needs = {0: Needs([first]), 2: Needs([last], [last])}
    partial = statement_ranges(module, text, starts, needs)
    whole = node_ranges(module, [last])
    if partial is not None:
        _same(partial, whole, [first, last])
