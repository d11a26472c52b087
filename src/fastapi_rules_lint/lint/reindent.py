"""Moving a multi-line element of a bracket one indentation level in (``lint.layout``).

When a bracket is split, an element that started on its opening line moves to a line of
its own, one level further in; its continuation lines (LibCST ``ParenthesizedWhitespace``
and the comment lines in it, all relative to the block's indentation) must follow. A
multi-line string cannot: its lines are part of its value.
"""

from __future__ import annotations

import libcst as cst

from fastapi_rules_lint.lint.brackets import Element, newline_count


class _CannotShift(Exception):
    pass


class _Shift(cst.CSTTransformer):
    def __init__(self, unit: str) -> None:
        super().__init__()
        self.unit = unit

    def visit_SimpleString(self, node: cst.SimpleString) -> bool:
        if newline_count(node.value):
            raise _CannotShift  # its inner lines are part of the string
        return False

    def visit_FormattedString(self, node: cst.FormattedString) -> bool:
        if node.start.endswith(('"""', "'''")):
            raise _CannotShift
        return True

    def leave_EmptyLine(
        self, original_node: cst.EmptyLine, updated_node: cst.EmptyLine
    ) -> cst.EmptyLine:
        if not updated_node.indent:
            return updated_node
        whitespace = cst.SimpleWhitespace(updated_node.whitespace.value + self.unit)
        return updated_node.with_changes(whitespace=whitespace)

    def leave_ParenthesizedWhitespace(
        self, original_node: cst.ParenthesizedWhitespace, updated_node: cst.ParenthesizedWhitespace
    ) -> cst.ParenthesizedWhitespace:
        if not updated_node.indent:
            raise _CannotShift
        last_line = cst.SimpleWhitespace(updated_node.last_line.value + self.unit)
        return updated_node.with_changes(last_line=last_line)


def shifted(element: Element, unit: str) -> Element | None:
    """``element`` with its continuation lines (not the whitespace after it) indented
    by one more ``unit``; None when a multi-line string or an unindented line is in
    the way."""
    inner = _without_after(element)
    try:
        moved = inner.visit(_Shift(unit))
    except _CannotShift:
        return None
    if not isinstance(moved, type(element)):
        return None
    if isinstance(element.comma, cst.Comma):
        moved = moved.with_changes(comma=element.comma)
    return _with_trailing_of(moved, element)


def _without_after(element: Element) -> Element:
    changes: dict[str, object] = {"comma": cst.MaybeSentinel.DEFAULT}
    if isinstance(element, cst.Arg):
        changes["whitespace_after_arg"] = cst.SimpleWhitespace("")
    elif isinstance(element, cst.Param):
        changes["whitespace_after_param"] = cst.SimpleWhitespace("")
    elif isinstance(element, cst.ParamSlash):
        changes["whitespace_after"] = cst.SimpleWhitespace("")
    if isinstance(element, cst.ParamStar):
        return element
    return element.with_changes(**changes)


def _with_trailing_of(moved: Element, element: Element) -> Element:
    if isinstance(element, cst.Arg) and isinstance(moved, cst.Arg):
        return moved.with_changes(whitespace_after_arg=element.whitespace_after_arg)
    if isinstance(element, cst.Param) and isinstance(moved, cst.Param):
        return moved.with_changes(whitespace_after_param=element.whitespace_after_param)
    if isinstance(element, cst.ParamSlash) and isinstance(moved, cst.ParamSlash):
        return moved.with_changes(whitespace_after=element.whitespace_after)
    return moved
