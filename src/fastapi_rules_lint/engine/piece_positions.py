"""Generating part of a statement, and finding where a piece of code is in the text.

``engine.statement_positions`` generates each reported top-level statement from its
first character and stops once every range asked for is recorded (``StoppingState``).
Most of that work is code the ranges do not need: the decorators above a function
whose name or parameters are reported, the body above a reported line. Two shortcuts
skip it, each placed by the same rule: a piece of code generated on its own is a piece
of the text (LibCST round-trips the text exactly), and it lies at or after the point
where the text not yet placed starts (``lower``); found there exactly once, that is
where it is. Anything else (found twice, not found, or the regenerated code is not the
text there) answers None and the statement is generated from its start as before.

- ``place_line``: a report's anchor that is a simple statement line inside a block
  (``return {...}``, the line of a numeric status code). Its code after its
  indentation is generated alone with no indentation, up to where LibCST would first
  indent (all of it, for most lines). Found, the text before it on its line is its
  indentation; when the line needs it (a bracket continued on a line LibCST indents,
  a target whose replacement is indented like it), the line is generated again with
  it, which must give the text there.
- ``place_header``: a decorated function or class whose reported nodes are its name
  or parameters. A copy without its decorators and the comments above them is
  generated from its ``def``/``class`` keyword to the parenthesis before a function's
  parameters (to the colon of a class's header, or further while awaited nodes
  remain; ``def name`` alone would be a piece of ``def names`` too). A top-level
  statement has no indentation, so the code is the text.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import ClassVar

import libcst as cst
from libcst._nodes.statement import _BaseSimpleStatement

from fastapi_rules_lint.engine.positions import _OffsetCodegenState, _SyntacticSpan


class Done(Exception):
    """Every range the statement being generated was asked for is recorded."""


class _StoppingSpan(_SyntacticSpan):
    __slots__ = ()

    def __exit__(self, *_: object) -> None:
        super().__exit__()
        state = self.state
        assert isinstance(state, StoppingState)
        # `recorded`'s first test inlined: this runs for every generated node.
        awaited = state.awaited_nodes
        if awaited and id(self.node) in awaited:
            state.recorded(awaited, self.node)


@dataclass
class StoppingState(_OffsetCodegenState):
    """Stops a statement's generation (``Done``) once the awaited ranges exist (and
    ``until``, when given, is generated)."""

    awaited_nodes: set[int] = field(default_factory=set)
    awaited_targets: set[int] = field(default_factory=set)
    until: int | None = None
    """The ``id`` of a node to generate before stopping (in a header)."""
    is_stopped_at_until: bool = False
    span_class: ClassVar[type[_SyntacticSpan]] = _StoppingSpan

    def after_codegen(self, node: cst.CSTNode) -> None:
        # Awaited targets are targets: only a target can end the wait (called per node).
        if id(node) in self._target_ids:
            super().after_codegen(node)
            self.recorded(self.awaited_targets, node)
        if self.until is not None and id(node) == self.until:
            self.until = None
            if not self.awaited_nodes and not self.awaited_targets:
                self.is_stopped_at_until = True
                raise Done

    def recorded(self, awaited: set[int], node: cst.CSTNode) -> None:
        if awaited and id(node) in awaited:
            awaited.discard(id(node))
            if not self.awaited_nodes and not self.awaited_targets and self.until is None:
                raise Done


class _LineState(_OffsetCodegenState):
    """Notes where the first part that asks for the indentation starts."""

    first_indent: int = -1

    def add_indent_tokens(self) -> None:
        if self.first_indent < 0:
            self.first_indent = self.offset
        super().add_indent_tokens()


def _find_once(text: str, piece: str, lower: int) -> int:
    """Where ``piece`` is in ``text`` from ``lower`` on, when it is there exactly once."""
    found = text.find(piece, lower) if piece else -1
    if found < 0 or text.find(piece, found + 1) >= 0:
        return -1
    return found


def place_line(
    module: cst.Module,
    line: cst.SimpleStatementLine,
    text: str,
    lower: int,
    targets: Collection[cst.CSTNode],
) -> tuple[_OffsetCodegenState, int] | None:
    """``line`` generated alone, and the offset in ``text`` its ranges start from (see
    the module docs); None when that cannot be trusted. A target's indentation is then
    one string: the concatenation of the block indentation tokens, all a replacement's
    code generation uses."""
    state = _LineState(
        default_indent=module.default_indent,
        default_newline=module.default_newline,
        targets=targets,
    )
    # What `SimpleStatementLine._codegen_impl` generates after its leading lines and
    # its indentation (LibCST's own split of the work).
    _BaseSimpleStatement._codegen_impl(line, state)
    code = "".join(state.tokens)
    found = _find_once(text, code if state.first_indent < 0 else code[: state.first_indent], lower)
    if found < 0:
        return None
    if state.first_indent >= 0 or state.inclusive:
        line_start = max(text.rfind("\n", 0, found), text.rfind("\r", 0, found)) + 1
        indent = text[line_start:found]
        if indent and not indent.isspace():
            return None
        state = _LineState(
            default_indent=module.default_indent,
            default_newline=module.default_newline,
            indent_tokens=[indent] if indent else [],
            targets=targets,
        )
        _BaseSimpleStatement._codegen_impl(line, state)
        if not text.startswith("".join(state.tokens), found):
            return None
    return state, found


def header_nodes(statement: cst.BaseStatement) -> set[int] | None:
    """The ``id`` of every node ``place_header`` can place in ``statement`` (its name,
    its parameters and their names); None when it has no decorator to skip."""
    if isinstance(statement, cst.FunctionDef) and statement.decorators:
        params = statement.params
        every = [*params.posonly_params, *params.params, *params.kwonly_params]
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                every.append(star)
        return {id(statement.name), *map(id, every), *(id(param.name) for param in every)}
    if isinstance(statement, cst.ClassDef) and statement.decorators:
        return {id(statement.name)}
    return None


def place_header(
    module: cst.Module,
    statement: cst.FunctionDef | cst.ClassDef,
    text: str,
    lower: int,
    state: StoppingState,
) -> int:
    """Generate ``statement``'s header into ``state`` (awaiting only nodes of
    ``header_nodes``) and answer the offset in ``text`` its ranges start from; -1
    when that cannot be trusted."""
    bare = statement.with_changes(leading_lines=(), decorators=(), lines_after_decorators=())
    until, then = _header_end(statement)
    state.until = id(until)
    with contextlib.suppress(Done):
        bare._codegen(state)
    # The copy's own range is no node of the module (and its id is free once it is gone).
    state.syntactic.pop(id(bare), None)
    if state.awaited_nodes or state.awaited_targets or state.until is not None:
        return -1
    piece = "".join(state.tokens)
    return _find_once(text, piece + then if state.is_stopped_at_until else piece, lower)


def _header_end(statement: cst.FunctionDef | cst.ClassDef) -> tuple[cst.CSTNode, str]:
    """The node a header's piece ends with, and the token LibCST always writes next.

    ``def name(`` is enough to tell one function from another (``def name`` alone is in
    ``def names(`` too): where nothing else can come between the name and the
    parenthesis, the piece stops at the whitespace before it, so its parameters are
    not generated for a reported name. The whitespace node must be its own object
    (were it also an earlier one, generation would stop before the name's whitespace
    and the parenthesis would not be next)."""
    if isinstance(statement, cst.FunctionDef) and statement.type_parameters is None:
        before_paren = statement.whitespace_after_type_parameters
        earlier = [statement.whitespace_after_def, statement.whitespace_after_name]
        if statement.asynchronous is not None:
            earlier.append(statement.asynchronous.whitespace_after)
        if all(node is not before_paren for node in earlier):
            return before_paren, "("
    return statement.whitespace_before_colon, ""
