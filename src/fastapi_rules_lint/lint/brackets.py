"""Bracket groups in a LibCST tree, for laying them out (``lint.layout``).

A group is a pair of brackets with comma-separated elements — a call's arguments, a
subscript's slice, a list, set, dict or parenthesised tuple, a signature's parameters —
with the lines its brackets are on. ``rebuild`` gives a group new whitespace after its
opening bracket, after each element, and before its closing bracket, through LibCST's
own whitespace nodes (``ParenthesizedWhitespace`` for a line break), so comments in the
whitespace it keeps stay where they are.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import CodePosition, CodeRange

from fastapi_rules_lint.engine.lines import LineIndex
from fastapi_rules_lint.engine.positions import every_node_offsets

_LINE_BREAK = re.compile(r"\r\n|\r|\n")

Element = (
    cst.Arg
    | cst.Param
    | cst.ParamStar
    | cst.ParamSlash
    | cst.SubscriptElement
    | cst.BaseElement
    | cst.BaseDictElement
)
Bracketed = cst.Call | cst.Subscript | cst.List | cst.Set | cst.Dict | cst.Tuple | cst.FunctionDef


def newline_count(text: str) -> int:
    """How many line breaks ``text`` holds."""
    return len(_LINE_BREAK.findall(text))


@dataclass(frozen=True)
class Group:
    """A bracket pair and its elements, with where the brackets are."""

    node: Bracketed
    elements: tuple[Element, ...]
    open_line: int
    close_line: int
    span: CodeRange
    statement_line: int
    """The first line of the enclosing statement: its indentation is the block's."""
    element_spans: tuple[CodeRange, ...]
    is_slot: bool
    """The value of a statement or of an element (what a right-hand split may split)."""

    @property
    def is_collection(self) -> bool:
        return isinstance(self.node, cst.List | cst.Set | cst.Dict | cst.Tuple)

    @property
    def is_signature(self) -> bool:
        return isinstance(self.node, cst.FunctionDef)


class Collector(cst.CSTVisitor):
    """Every bracket group in the statements that hold one of some lines, with the
    slots among them. Visit ``module`` with it (positions as ``PositionProvider``'s,
    from ``engine.positions``: one code generation that only counts characters)."""

    def __init__(self, module: cst.Module, lines: Sequence[int]) -> None:
        super().__init__()
        self.module = module
        self.lines = sorted(lines)
        self._offsets, code = every_node_offsets(module)
        self._index = LineIndex.of(code)
        self.groups: list[Group] = []
        self._statements: list[tuple[cst.CSTNode, int]] = []
        self._slots: set[int] = set()
        self.enclosing: dict[int, tuple[int, ...]] = {}
        """By ``id`` of a group's node: the ``id`` of each statement around it."""

    def _range(self, node: cst.CSTNode) -> CodeRange:
        start, end = self._offsets[id(node)]
        return CodeRange(self._position(start), self._position(end))

    def _position(self, offset: int) -> CodePosition:
        starts = self._index.line_starts
        line = bisect.bisect_right(starts, offset)
        return CodePosition(line, offset - starts[line - 1])

    def on_visit(self, node: cst.CSTNode) -> bool:
        span = self._range(node)
        # Only statements are pruned: some nodes' ranges leave parts out (a parameter's
        # is its name; a function's starts after its decorators).
        decorated = isinstance(node, cst.FunctionDef | cst.ClassDef) and node.decorators
        first = bisect.bisect_left(self.lines, span.start.line)
        outside = first == len(self.lines) or self.lines[first] > span.end.line
        if outside and isinstance(node, cst.BaseStatement) and not decorated:
            return False
        if isinstance(node, cst.SimpleStatementLine | cst.BaseCompoundStatement):
            self._statements.append((node, span.start.line))
        self._mark_slots(node)
        if isinstance(node, Bracketed) and self._statements:
            group = self._group(node, span)
            if group is not None:
                self.groups.append(group)
                self.enclosing[id(node)] = tuple(id(n) for n, _ in self._statements)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if self._statements and self._statements[-1][0] is original_node:
            self._statements.pop()

    def _mark_slots(self, node: cst.CSTNode) -> None:
        values: list[cst.BaseExpression | None] = []
        if isinstance(node, cst.Decorator):
            values.append(node.decorator)
        elif isinstance(node, cst.Return | cst.Expr | cst.Assign | cst.AnnAssign):
            values.append(node.value)
        elif isinstance(node, cst.Raise):
            values.append(node.exc)
        elif isinstance(node, cst.Arg | cst.Element | cst.DictElement):
            values.append(node.value)
        elif isinstance(node, cst.Param):
            values.append(node.annotation.annotation if node.annotation else None)
            values.append(node.default)
        elif isinstance(node, cst.SubscriptElement) and isinstance(node.slice, cst.Index):
            values.append(node.slice.value)
        for value in values:
            if isinstance(value, cst.Await):
                value = value.expression
            if value is not None:
                self._slots.add(id(value))

    def _made(
        self,
        node: Bracketed,
        elements: tuple[Element, ...],
        open_line: int,
        close_line: int,
        span: CodeRange,
        statement: int,
        is_slot: bool,
    ) -> Group:
        spans = tuple(self._range(element) for element in elements)
        return Group(node, elements, open_line, close_line, span, statement, spans, is_slot)

    def _group(self, node: Bracketed, span: CodeRange) -> Group | None:
        statement = self._statements[-1][1]
        is_slot = id(node) in self._slots
        if isinstance(node, cst.FunctionDef):
            if node.type_parameters is not None:
                return None
            open_line = self._range(node.name).end.line
            elements = _parameters(node.params)
            # The parameters' range ends where `)` starts.
            close_line = self._range(node.params).end.line if elements else open_line
            return self._made(node, elements, open_line, close_line, span, statement, False)
        if isinstance(node, cst.Call):
            if node.lpar or not is_empty(node.whitespace_after_func):
                return None
            # A call chain (`a(b).c(d)`): the formatters have their own ways there.
            is_slot = is_slot and _is_dotted(node.func)
            open_line = self._range(node.func).end.line
            return self._made(
                node, tuple(node.args), open_line, span.end.line, span, statement, is_slot
            )
        brackets = _brackets(node)
        if brackets is None:
            return None
        if isinstance(node, cst.Subscript):
            is_slot = is_slot and _is_dotted(node.value)
            elements = tuple(node.slice)
        else:
            elements = tuple(node.elements)
        open_line = self._range(brackets[0]).start.line
        close_line = self._range(brackets[1]).end.line
        return self._made(node, elements, open_line, close_line, span, statement, is_slot)


def _brackets(node: Bracketed) -> tuple[cst.CSTNode, cst.CSTNode] | None:
    if isinstance(node, cst.Subscript | cst.List):
        return node.lbracket, node.rbracket
    if isinstance(node, cst.Set | cst.Dict):
        return node.lbrace, node.rbrace
    if isinstance(node, cst.Tuple) and len(node.lpar) == 1 and len(node.elements) >= 2:
        return node.lpar[0], node.rpar[0]
    return None


def _is_dotted(node: cst.BaseExpression) -> bool:
    while isinstance(node, cst.Attribute):
        node = node.value
    return isinstance(node, cst.Name)


def _parameters(params: cst.Parameters) -> tuple[Element, ...]:
    elements: list[Element] = [*params.posonly_params]
    if isinstance(params.posonly_ind, cst.ParamSlash):
        elements.append(params.posonly_ind)
    elements.extend(params.params)
    if isinstance(params.star_arg, cst.Param | cst.ParamStar):
        elements.append(params.star_arg)
    elements.extend(params.kwonly_params)
    if params.star_kwarg is not None:
        elements.append(params.star_kwarg)
    return tuple(elements)


def is_inside(group: Group, other: Group) -> bool:
    """True when ``group`` lies strictly inside ``other``."""
    if group is other:
        return False
    start, end = group.span.start, group.span.end
    outer_start, outer_end = other.span.start, other.span.end
    return (outer_start.line, outer_start.column) <= (start.line, start.column) and (
        end.line,
        end.column,
    ) <= (outer_end.line, outer_end.column)


def is_empty(whitespace: cst.BaseParenthesizableWhitespace) -> bool:
    """True for whitespace without a line break or comment."""
    return isinstance(whitespace, cst.SimpleWhitespace) and not whitespace.value.strip()


def has_magic_comma(group: Group) -> bool:
    """True when the last element has a comma: the formatters keep one per line."""
    return isinstance(group.elements[-1].comma, cst.Comma)


def may_end_with_comma(group: Group) -> bool:
    """A trailing comma keeps the meaning: not in ``x[a]`` (a tuple then), nor after a
    lone generator argument."""
    if isinstance(group.node, cst.Subscript) and len(group.elements) == 1:
        return False
    return not (
        isinstance(group.node, cst.Call)
        and len(group.elements) == 1
        and isinstance(group.node.args[0].value, cst.GeneratorExp)
        and not group.node.args[0].value.lpar
    )


def after_open(node: Bracketed) -> cst.BaseParenthesizableWhitespace:
    """The whitespace after the opening bracket."""
    if isinstance(node, cst.Call):
        return node.whitespace_before_args
    if isinstance(node, cst.FunctionDef):
        return node.whitespace_before_params
    if isinstance(node, cst.Subscript | cst.List):
        return node.lbracket.whitespace_after
    if isinstance(node, cst.Set | cst.Dict):
        return node.lbrace.whitespace_after
    return node.lpar[0].whitespace_after


def breaks_after_open(node: Bracketed) -> bool:
    """True when a line break follows the opening bracket."""
    return isinstance(after_open(node), cst.ParenthesizedWhitespace)


def whitespace_after(
    node: Bracketed, element: Element, is_last: bool
) -> cst.BaseParenthesizableWhitespace:
    """The whitespace after ``element`` (and its comma)."""
    if isinstance(element.comma, cst.Comma):
        return element.comma.whitespace_after
    if isinstance(element, cst.Arg):
        return element.whitespace_after_arg
    if isinstance(element, cst.Param):
        return element.whitespace_after_param
    if isinstance(element, cst.ParamSlash):
        return element.whitespace_after
    if not is_last or isinstance(node, cst.Call | cst.FunctionDef):
        return cst.SimpleWhitespace("")
    if isinstance(node, cst.Subscript | cst.List):
        return node.rbracket.whitespace_before
    if isinstance(node, cst.Set | cst.Dict):
        return node.rbrace.whitespace_before
    assert isinstance(node, cst.Tuple)
    return node.rpar[0].whitespace_before


def flat_text(module: cst.Module, element: Element) -> str:
    """The code of ``element`` without its comma and the whitespace after it."""
    if isinstance(element, cst.ParamStar):
        return "*"
    placed = with_after(element, False, cst.SimpleWhitespace(""))
    assert placed is not None
    return module.code_for_node(placed)


def with_after(
    element: Element, comma: bool, whitespace: cst.BaseParenthesizableWhitespace
) -> Element | None:
    """``element`` with or without a comma and ``whitespace`` after it (without a
    comma, a bracket's closing whitespace is the bracket's: see ``rebuild``)."""
    none = cst.SimpleWhitespace("")
    new_comma: cst.Comma | cst.MaybeSentinel = (
        cst.Comma(whitespace_before=none, whitespace_after=whitespace)
        if comma
        else cst.MaybeSentinel.DEFAULT
    )
    rest = none if comma else whitespace
    if isinstance(element, cst.Arg):
        return element.with_changes(comma=new_comma, whitespace_after_arg=rest)
    if isinstance(element, cst.Param):
        return element.with_changes(comma=new_comma, whitespace_after_param=rest)
    if isinstance(element, cst.ParamSlash):
        return element.with_changes(comma=new_comma, whitespace_after=rest)
    if isinstance(element, cst.ParamStar):
        return element.with_changes(comma=new_comma) if comma else None
    return element.with_changes(comma=new_comma)


def rebuild(
    node: Bracketed,
    opening: cst.BaseParenthesizableWhitespace,
    elements: Sequence[Element],
    closing: cst.BaseParenthesizableWhitespace | None,
) -> cst.CSTNode | None:
    """``node`` with ``elements`` and the whitespace after its opening bracket and (when
    the last element has no comma) before its closing one."""
    before_close = closing if closing is not None else cst.SimpleWhitespace("")
    if isinstance(node, cst.Call):
        return node.with_changes(whitespace_before_args=opening, args=elements)
    if isinstance(node, cst.FunctionDef):
        params = _parameters_with(node.params, elements)
        return node.with_changes(whitespace_before_params=opening, params=params)
    if isinstance(node, cst.Subscript):
        return node.with_changes(
            lbracket=node.lbracket.with_changes(whitespace_after=opening),
            slice=elements,
            rbracket=node.rbracket.with_changes(whitespace_before=before_close),
        )
    if isinstance(node, cst.List):
        return node.with_changes(
            lbracket=node.lbracket.with_changes(whitespace_after=opening),
            elements=elements,
            rbracket=node.rbracket.with_changes(whitespace_before=before_close),
        )
    if isinstance(node, cst.Set | cst.Dict):
        return node.with_changes(
            lbrace=node.lbrace.with_changes(whitespace_after=opening),
            elements=elements,
            rbrace=node.rbrace.with_changes(whitespace_before=before_close),
        )
    return node.with_changes(
        lpar=[node.lpar[0].with_changes(whitespace_after=opening)],
        elements=elements,
        rpar=[node.rpar[0].with_changes(whitespace_before=before_close)],
    )


def _parameters_with(params: cst.Parameters, elements: Sequence[Element]) -> cst.Parameters:
    """``params`` with its parts replaced, in order, by ``elements``."""
    queue = list(elements)

    def take(count: int) -> list[cst.CSTNode]:
        taken = queue[:count]
        del queue[:count]
        return list(taken)

    changes: dict[str, object] = {"posonly_params": take(len(params.posonly_params))}
    if isinstance(params.posonly_ind, cst.ParamSlash):
        changes["posonly_ind"] = take(1)[0]
    changes["params"] = take(len(params.params))
    if isinstance(params.star_arg, cst.Param | cst.ParamStar):
        changes["star_arg"] = take(1)[0]
    changes["kwonly_params"] = take(len(params.kwonly_params))
    if params.star_kwarg is not None:
        changes["star_kwarg"] = take(1)[0]
    return params.with_changes(**changes)
