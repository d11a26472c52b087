"""Small building blocks for fixes: is a name free to import here, and how to append
an argument or a dict entry without breaking the layout of the original call.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from functools import lru_cache

import libcst as cst

from fastapi_rules_lint.engine.traversal import visit_readonly
from fastapi_rules_lint.semantics.fastapi.context import ModuleContext
from fastapi_rules_lint.semantics.python.names import assigned_names, import_bindings
from fastapi_rules_lint.semantics.python.signatures import all_params


class NameUse(enum.Enum):
    """Whether a fix may write a name it wants to import."""

    BOUND = "bound"
    """Already bound to what the fix means: use it, import nothing."""
    FREE = "free"
    """Unbound here: use it and request the import."""
    TAKEN = "taken"
    """Bound to something else: the fix would be wrong."""


class _Bindings(cst.CSTVisitor):
    """Names a function body binds (nested scopes' own names excluded)."""

    def __init__(self) -> None:
        super().__init__()
        self.names: dict[str, set[str]] = {}

    def _bind(self, name: str, qualified: str = "") -> None:
        self.names.setdefault(name, set()).add(qualified)

    def _targets(self, target: cst.BaseExpression) -> None:
        for name in assigned_names(target):
            self._bind(name)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self._bind(node.name.value)
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self._bind(node.name.value)
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._targets(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._targets(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._targets(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._targets(node.target)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._targets(node.target)  # harmless over-approximation

    def visit_AsName(self, node: cst.AsName) -> None:
        self._targets(node.name)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._targets(node.target)

    def visit_Global(self, node: cst.Global) -> None:
        for item in node.names:
            self._bind(item.name.value)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        for item in node.names:
            self._bind(item.name.value)

    def visit_MatchAs(self, node: cst.MatchAs) -> None:
        if node.name is not None:
            self._bind(node.name.value)

    def visit_Import(self, node: cst.Import) -> bool:
        for bound, qualified in import_bindings(node):
            self._bind(bound, qualified)
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        for bound, qualified in import_bindings(node):
            self._bind(bound, qualified)
        return False


@lru_cache(maxsize=64)  # a fix-heavy function asks once per diagnostic
def local_bindings(function: cst.FunctionDef) -> dict[str, set[str]]:
    """Every name ``function`` binds in its own scope: parameters, assignments, loop
    and ``with``/``except`` targets, local imports (with what they import), nested
    ``def``/``class`` names. Qualified name ``""`` means "some local value".
    Cached: callers must not mutate the result."""
    collector = _Bindings()
    visit_readonly(function.body, collector)  # LibCST's visit() rebuilds the tree
    for param in all_params(function.params):
        collector.names.setdefault(param.name.value, set()).add("")
    return collector.names


def name_use(
    context: ModuleContext, name: str, meaning: frozenset[str], *, in_decorator: bool = False
) -> NameUse:
    """Whether a fix may write ``name`` meaning one of ``meaning`` (qualified names) at
    the current position: checked against every enclosing function and the module.
    ``in_decorator``: the position is in a decorator of the innermost function, which
    is evaluated outside that function's scope."""
    frames = context.functions[:-1] if in_decorator else context.functions
    for frame in reversed(frames):
        if isinstance(frame.node, cst.Lambda):
            if name in frame.locals:
                return NameUse.TAKEN
            continue
        bound = local_bindings(frame.node).get(name)
        if bound is not None:
            return NameUse.BOUND if bound <= meaning else NameUse.TAKEN
    bound_here = context.table.bindings.get(name)
    if bound_here is None:
        return NameUse.FREE
    return NameUse.BOUND if bound_here <= meaning else NameUse.TAKEN


# --- appending to comma-separated lists, keeping their layout --------------------------
def _appended_commas(
    commas: Sequence[cst.Comma | cst.MaybeSentinel], opening: cst.BaseParenthesizableWhitespace
) -> tuple[cst.Comma, cst.Comma | cst.MaybeSentinel]:
    """(comma for the old last element, comma for the new one).

    A trailing comma means one element per line: the old last element takes the
    separator the list already uses (or the whitespace after the opening bracket) and
    the new element takes the trailing comma. Otherwise ``, `` and no trailing comma.
    """
    last = commas[-1]
    if isinstance(last, cst.Comma):
        separator = commas[-2] if len(commas) > 1 else cst.Comma(whitespace_after=opening)
        if not isinstance(separator, cst.Comma):
            separator = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        return separator, last
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")), cst.MaybeSentinel.DEFAULT


def _split_tail(
    tail: cst.BaseParenthesizableWhitespace, opening: cst.BaseParenthesizableWhitespace
) -> tuple[cst.ParenthesizedWhitespace, cst.ParenthesizedWhitespace] | None:
    """For a list laid out one element per line (``opening`` is the whitespace after the
    opening bracket, ``tail`` the whitespace between the last element and the closing
    bracket): (the whitespace to put after the old last element's comma — its own
    trailing comment, then a new line indented like the elements —, the whitespace
    before the closing bracket — own-line comments and its indentation). None for
    other layouts."""
    if not isinstance(tail, cst.ParenthesizedWhitespace) or not isinstance(
        opening, cst.ParenthesizedWhitespace
    ):
        return None
    element_line = cst.ParenthesizedWhitespace(
        first_line=tail.first_line, indent=opening.indent, last_line=opening.last_line
    )
    return element_line, tail.with_changes(first_line=cst.TrailingWhitespace())


def with_argument(call: cst.Call, arg: cst.Arg) -> cst.Call:
    """``call`` with ``arg`` appended after its last argument. The old last argument
    keeps its trailing comment."""
    args = list(call.args)
    if not args:
        return call.with_changes(args=(arg,))
    last = args[-1]
    has_trailing_comma = isinstance(last.comma, cst.Comma)
    tail = last.comma.whitespace_after if isinstance(last.comma, cst.Comma) else None
    split = _split_tail(tail or last.whitespace_after_arg, call.whitespace_before_args)
    if split is not None:
        element_line, closing = split
        before = last.comma.whitespace_before if isinstance(last.comma, cst.Comma) else None
        args[-1] = last.with_changes(
            comma=cst.Comma(
                whitespace_before=before or cst.SimpleWhitespace(""), whitespace_after=element_line
            ),
            whitespace_after_arg=cst.SimpleWhitespace(""),
        )
        if has_trailing_comma:
            new_arg = arg.with_changes(comma=cst.Comma(whitespace_after=closing))
        else:
            new_arg = arg.with_changes(
                comma=cst.MaybeSentinel.DEFAULT, whitespace_after_arg=closing
            )
        return call.with_changes(args=(*args, new_arg))
    old_comma, new_comma = _appended_commas([a.comma for a in args], call.whitespace_before_args)
    args[-1] = args[-1].with_changes(comma=old_comma)
    return call.with_changes(args=(*args, arg.with_changes(comma=new_comma)))


def with_dict_element(mapping: cst.Dict, element: cst.DictElement) -> cst.Dict:
    """``mapping`` with ``element`` appended. The old last entry keeps its trailing
    comment."""
    elements = list(mapping.elements)
    if not elements:
        return mapping.with_changes(elements=(element,))
    last = elements[-1]
    split = _split_tail(mapping.rbrace.whitespace_before, mapping.lbrace.whitespace_after)
    if split is not None and isinstance(last, cst.DictElement):
        element_line, closing = split
        has_trailing_comma = isinstance(last.comma, cst.Comma)
        before = last.comma.whitespace_before if isinstance(last.comma, cst.Comma) else None
        elements[-1] = last.with_changes(
            comma=cst.Comma(
                whitespace_before=before or cst.SimpleWhitespace(""), whitespace_after=element_line
            )
        )
        new_comma = cst.Comma() if has_trailing_comma else cst.MaybeSentinel.DEFAULT
        return mapping.with_changes(
            elements=(*elements, element.with_changes(comma=new_comma)),
            rbrace=mapping.rbrace.with_changes(whitespace_before=closing),
        )
    old_comma, new_comma = _appended_commas(
        [e.comma for e in elements], mapping.lbrace.whitespace_after
    )
    elements[-1] = elements[-1].with_changes(comma=old_comma)
    return mapping.with_changes(elements=(*elements, element.with_changes(comma=new_comma)))


def keyword_arg(name: str, value: cst.BaseExpression) -> cst.Arg:
    """``name=value`` formatted as PEP 8 wants keyword arguments."""
    return cst.Arg(
        value=value,
        keyword=cst.Name(name),
        equal=cst.AssignEqual(
            whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
        ),
    )
