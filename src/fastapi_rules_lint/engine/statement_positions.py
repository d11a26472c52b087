"""Ranges for the nodes a file reports, generating only the statements they are in.

``positions.node_ranges`` generates the code of the whole module to learn a few nodes'
offsets: in a file that reports anything, about as much work as the traversal. A report
knows the top-level statement the traversal was in (``Report.statement``). Each such
statement is generated from offset 0, and only until every node its reports need has its
range (a missing parameter annotation needs the `def` line, not the body): a range is
final once recorded, so stopping early changes no offset. Then the ranges move to where
the statement is in the text. LibCST round-trips the text exactly, so the generated code
is in the text, at a line start after the statements before it: found there exactly
once, that is the place (a ``str.find``, no second parse). Found twice or not at all,
the place is where its first line is (CPython's ``ast`` gives that line, decorators
included, at C speed) minus the blank and comment lines LibCST gives the statement
(``leading_lines``). The last statement of a file without a final newline generates a
newline the text lacks: it is always placed by its first line.

Before a statement is generated from its start, two shortcuts place pieces of it on
their own (``engine.piece_positions``): a reported line inside a block (``return
{...}``) and the header of a decorated function or class whose name or parameters are
reported, so that neither the body above the line nor the decorators are generated.
A fix that edits another top-level statement than its report's (FRL201 adds
``lifespan=`` to ``app = FastAPI()``) names that statement as a target: it is generated
whole, which records every target inside it.

Everything is checked, never assumed: the generated code must equal the text at its
offset, and every node asked for must get its range. Anything else (a statement found
more than once in grammar this Python does not parse, a statement that ends with a
newline the text lacks, a fix that edits a node inside another statement) answers
None, and the caller generates the whole module as before.
"""

from __future__ import annotations

import ast
import contextlib
import warnings
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import libcst as cst

from fastapi_rules_lint.engine.piece_positions import (
    Done,
    StoppingState,
    header_nodes,
    place_header,
    place_line,
)
from fastapi_rules_lint.engine.positions import NodeOffsets, NodeRanges, _OffsetCodegenState


@dataclass(frozen=True)
class Needs:
    """What the reports of one statement need: syntactic ranges (reported nodes and
    their anchors) and inclusive ranges (what their fixes replace)."""

    nodes: Collection[cst.CSTNode]
    targets: Collection[cst.CSTNode] = ()
    lines: Collection[cst.SimpleStatementLine] = ()
    """Report anchors that are simple statement lines: each one inside a block is
    placed alone first (``piece_positions.place_line``)."""


def statement_ranges(
    module: cst.Module,
    text: str,
    line_starts: Sequence[int],
    needs: Mapping[int, Needs],
) -> NodeRanges | None:
    """``positions.node_ranges(module, targets)`` for the nodes ``needs`` names, by
    top-level statement (index into ``module.body``), generating only those statements
    of ``module`` (parsed from ``text``); None when that cannot be trusted.
    ``line_starts``: ``LineIndex.of(text).line_starts``."""
    targets = {target for need in needs.values() for target in need.targets}
    syntactic: dict[int, tuple[int, int]] = {id(module): (0, 0)}  # a file-level report
    inclusive: dict[cst.CSTNode, tuple[int, int]] = {}
    indents: dict[cst.CSTNode, tuple[str, ...]] = {}
    first_lines: dict[int, int] | None = None
    last_index = len(module.body) - 1
    end = 0
    # A fix may edit another top-level statement than the one its report came from
    # (FRL201 adds `lifespan=` to `app = FastAPI()`): such a statement is a target
    # itself, so generating it whole records it and every target inside it.
    elsewhere = _top_level_targets(module, targets)
    indexes = sorted(needs.keys() | elsewhere.keys())
    for index in indexes:
        need = needs.get(index, _NO_NEEDS)
        awaited_nodes = {id(n) for n in need.nodes if id(n) not in syntactic}
        awaited_targets = {id(t) for t in need.targets if t not in inclusive}
        statement_target = elsewhere.get(index)
        if statement_target is not None and statement_target not in inclusive:
            awaited_targets.add(id(statement_target))
        statement = module.body[index]
        lines_end = end
        for line in need.lines:
            if line is statement or not awaited_nodes or id(line) not in awaited_nodes:
                continue
            placed = place_line(module, line, text, end, targets)
            if placed is not None:
                line_state, line_start = placed
                _move(line_state, line_start, syntactic, inclusive, indents)
                awaited_nodes.difference_update(line_state.syntactic)
                awaited_targets.difference_update(id(t) for t in line_state.inclusive)
                lines_end = max(lines_end, line_start + line_state.offset)
        if not awaited_nodes and not awaited_targets:
            end = lines_end
            continue  # all recorded by an earlier statement (a report's hint was off)
        header = header_nodes(statement)
        if header is not None and awaited_nodes <= header and awaited_targets <= header:
            assert isinstance(statement, (cst.FunctionDef, cst.ClassDef))
            state = _stopping(module, targets, set(awaited_nodes), set(awaited_targets))
            start = place_header(module, statement, text, end, state)
            if start >= 0:
                _move(state, start, syntactic, inclusive, indents)
                end = max(start + state.offset, lines_end)
                continue
        # Generated from offset 0, then moved to where the statement is in the text.
        state = _stopping(module, targets, awaited_nodes, awaited_targets)
        with contextlib.suppress(Done):
            statement._codegen(state)
        code = "".join(state.tokens)
        start = -1
        # LibCST round-trips exactly, except that the last statement of a file without
        # a final newline generates one: any other statement's code is in the text at
        # a line start at or after `end`; found there once, that is where it is.
        if index != last_index or module.has_trailing_newline:
            found = text.find(code, end)
            if (
                found >= 0
                and (found == 0 or text[found - 1] in "\r\n")
                and text.find(code, found + 1) < 0
            ):
                start = found
        if start < 0:
            # Not found, or found more than once: its first line from CPython's parser.
            if first_lines is None:
                first_lines = _first_lines(module, text, indexes)
                if first_lines is None:
                    return None
            row = first_lines[index] - _lines_above(statement)
            if not 1 <= row <= len(line_starts) or line_starts[row - 1] < end:
                return None
            start = line_starts[row - 1]
            # A statement that ends with a newline the text lacks (the last one of a
            # file without a final newline) or any other disagreement: no shortcut.
            if not text.startswith(code, start):
                return None
        _move(state, start, syntactic, inclusive, indents)
        end = max(start + len(code), lines_end)
    everything = (node for need in needs.values() for node in need.nodes)
    if any(id(node) not in syntactic for node in everything) or any(
        target not in inclusive for target in targets
    ):
        return None
    return NodeRanges(text, NodeOffsets(syntactic), inclusive, indents)


_NO_NEEDS = Needs(())


def _stopping(
    module: cst.Module, targets: Collection[cst.CSTNode], nodes: set[int], awaited: set[int]
) -> StoppingState:
    return StoppingState(
        default_indent=module.default_indent,
        default_newline=module.default_newline,
        targets=targets,
        awaited_nodes=nodes,
        awaited_targets=awaited,
    )


def _move(
    state: _OffsetCodegenState,
    start: int,
    syntactic: dict[int, tuple[int, int]],
    inclusive: dict[cst.CSTNode, tuple[int, int]],
    indents: dict[cst.CSTNode, tuple[str, ...]],
) -> None:
    """Add the ranges ``state`` recorded, moved to ``start`` (where its code begins)."""
    for key, (low, high) in state.syntactic.items():
        syntactic[key] = (low + start, high + start)
    for node, (low, high) in state.inclusive.items():
        inclusive[node] = (low + start, high + start)
    indents.update(state.indents)


def _top_level_targets(
    module: cst.Module, targets: Collection[cst.CSTNode]
) -> dict[int, cst.CSTNode]:
    """The targets that are top-level statements of ``module``, by index."""
    if not targets:
        return {}
    wanted = {id(target) for target in targets}
    return {
        index: statement
        for index, statement in enumerate(module.body)
        if id(statement) in wanted
    }


def _lines_above(statement: cst.BaseStatement) -> int:
    """How many lines a top-level statement's code has above its first line in
    ``ast`` (a decorated definition's first decorator): its blank and comment lines."""
    leading: Sequence[cst.EmptyLine] = getattr(statement, "leading_lines", ())
    above = len(leading)
    decorators: Sequence[cst.Decorator] = getattr(statement, "decorators", ())
    if decorators:
        # LibCST gives the lines above the first `@` to the definition; be sure anyway.
        above += len(decorators[0].leading_lines)
    return above


def _first_lines(
    module: cst.Module, text: str, statements: Collection[int]
) -> dict[int, int] | None:
    """The first line (1-based, decorators included) of each top-level statement in
    ``statements``, from CPython's parser; None when it disagrees with LibCST's."""
    try:
        with warnings.catch_warnings():
            # An invalid escape warns while parsing; reporting it is not our job here.
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return None  # e.g. grammar newer than this Python, which LibCST reads
    parsed = tree.body
    wanted = frozenset(statements)
    found: dict[int, int] = {}
    position = 0  # in `parsed`: a line of `a; b` is several ast statements
    for index, statement in enumerate(module.body):
        if position >= len(parsed):
            return None
        if index in wanted:
            first = parsed[position]
            decorators: list[ast.expr] = getattr(first, "decorator_list", [])
            found[index] = min([first.lineno, *(d.lineno for d in decorators)])
        position += len(statement.body) if isinstance(statement, cst.SimpleStatementLine) else 1
    if position != len(parsed) or len(found) != len(wanted):
        return None
    return found
