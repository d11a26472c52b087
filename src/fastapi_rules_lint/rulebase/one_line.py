"""Writing a multi-line expression on one line, for a fix that moves it elsewhere.

A fix that moves an expression (FRL202 moves a parameter's default ``Query(...)`` into
``Annotated[...]``) must not carry the expression's line breaks along: they were laid
out for where it was, and inside the new brackets they leave stray lines that no
formatter would write. The moved expression is written on one line instead; when that
line is too long, the fixer splits it as the formatters do (``lint.layout``).
"""

from __future__ import annotations

from typing import TypeVar

import libcst as cst

from fastapi_rules_lint.engine.traversal import visit_readonly

_Node = TypeVar("_Node", bound=cst.CSTNode)

_NONE = cst.SimpleWhitespace("")
_SPACE = cst.SimpleWhitespace(" ")


def on_one_line(node: _Node) -> _Node:
    """``node`` written on one line: line breaks become spaces (none just inside
    brackets), trailing commas go (except where they make a tuple). ``node`` itself
    when it holds a comment or a multi-line string, which cannot go on one line."""
    if not _is_multi_line(node) or _has_unmovable(node):
        return node
    flat = node.visit(_OnOneLine())
    return flat if isinstance(flat, type(node)) else node


def _is_multi_line(node: cst.CSTNode) -> bool:
    finder = _MultiLineFinder()
    visit_readonly(node, finder)  # LibCST's `visit` would rebuild every node it passes
    return finder.found


def _has_unmovable(node: cst.CSTNode) -> bool:
    finder = _UnmovableFinder()
    visit_readonly(node, finder)
    return finder.found


# Module-level classes: `visit_readonly` caches its method table per visitor class.
class _MultiLineFinder(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def visit_ParenthesizedWhitespace(self, node: cst.ParenthesizedWhitespace) -> bool:
        self.found = True
        return False


class _UnmovableFinder(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def visit_Comment(self, node: cst.Comment) -> bool:
        self.found = True
        return False

    def visit_SimpleString(self, node: cst.SimpleString) -> bool:
        self.found = self.found or "\n" in node.value or "\r" in node.value
        return False

    def visit_FormattedString(self, node: cst.FormattedString) -> bool:
        self.found = self.found or node.start.endswith(('"""', "'''"))
        return False


def _without_trailing_comma(elements: tuple[cst.CSTNode, ...], keep: bool) -> list[cst.CSTNode]:
    """``elements`` with the last one's comma removed (or, when ``keep``, kept tight)."""
    result = list(elements)
    if result:
        last = result[-1]
        comma = getattr(last, "comma", cst.MaybeSentinel.DEFAULT)
        if isinstance(comma, cst.Comma):
            new_comma = comma.with_changes(whitespace_after=_NONE) if keep else None
            result[-1] = last.with_changes(comma=new_comma or cst.MaybeSentinel.DEFAULT)
    return result


class _OnOneLine(cst.CSTTransformer):
    def leave_ParenthesizedWhitespace(
        self, original_node: cst.ParenthesizedWhitespace, updated_node: cst.ParenthesizedWhitespace
    ) -> cst.BaseParenthesizableWhitespace:
        return _SPACE

    def leave_Comma(self, original_node: cst.Comma, updated_node: cst.Comma) -> cst.Comma:
        return updated_node.with_changes(whitespace_before=_NONE, whitespace_after=_SPACE)

    def leave_LeftParen(
        self, original_node: cst.LeftParen, updated_node: cst.LeftParen
    ) -> cst.LeftParen:
        return updated_node.with_changes(whitespace_after=_NONE)

    def leave_RightParen(
        self, original_node: cst.RightParen, updated_node: cst.RightParen
    ) -> cst.RightParen:
        return updated_node.with_changes(whitespace_before=_NONE)

    def leave_LeftSquareBracket(
        self, original_node: cst.LeftSquareBracket, updated_node: cst.LeftSquareBracket
    ) -> cst.LeftSquareBracket:
        return updated_node.with_changes(whitespace_after=_NONE)

    def leave_RightSquareBracket(
        self, original_node: cst.RightSquareBracket, updated_node: cst.RightSquareBracket
    ) -> cst.RightSquareBracket:
        return updated_node.with_changes(whitespace_before=_NONE)

    def leave_LeftCurlyBrace(
        self, original_node: cst.LeftCurlyBrace, updated_node: cst.LeftCurlyBrace
    ) -> cst.LeftCurlyBrace:
        return updated_node.with_changes(whitespace_after=_NONE)

    def leave_RightCurlyBrace(
        self, original_node: cst.RightCurlyBrace, updated_node: cst.RightCurlyBrace
    ) -> cst.RightCurlyBrace:
        return updated_node.with_changes(whitespace_before=_NONE)

    def leave_Arg(self, original_node: cst.Arg, updated_node: cst.Arg) -> cst.Arg:
        return updated_node.with_changes(whitespace_after_arg=_NONE)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        args = _without_trailing_comma(tuple(updated_node.args), keep=False)
        return updated_node.with_changes(whitespace_before_args=_NONE, args=args)

    def leave_Subscript(
        self, original_node: cst.Subscript, updated_node: cst.Subscript
    ) -> cst.Subscript:
        keep = len(updated_node.slice) == 1  # `x[a,]` indexes with a tuple
        return updated_node.with_changes(
            slice=_without_trailing_comma(tuple(updated_node.slice), keep=keep)
        )

    def leave_List(self, original_node: cst.List, updated_node: cst.List) -> cst.List:
        elements = _without_trailing_comma(tuple(updated_node.elements), keep=False)
        return updated_node.with_changes(elements=elements)

    def leave_Set(self, original_node: cst.Set, updated_node: cst.Set) -> cst.Set:
        elements = _without_trailing_comma(tuple(updated_node.elements), keep=False)
        return updated_node.with_changes(elements=elements)

    def leave_Dict(self, original_node: cst.Dict, updated_node: cst.Dict) -> cst.Dict:
        elements = _without_trailing_comma(tuple(updated_node.elements), keep=False)
        return updated_node.with_changes(elements=elements)

    def leave_Tuple(self, original_node: cst.Tuple, updated_node: cst.Tuple) -> cst.Tuple:
        keep = len(updated_node.elements) == 1  # `(a,)` is a tuple by its comma
        elements = _without_trailing_comma(tuple(updated_node.elements), keep=keep)
        return updated_node.with_changes(elements=elements)
