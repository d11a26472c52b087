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


def with_argument(call: cst.Call, arg: cst.Arg) -> cst.Call:
    """``call`` with ``arg`` appended after its last argument."""
    args = list(call.args)
    if not args:
        return call.with_changes(args=(arg,))
    old_comma, new_comma = _appended_commas([a.comma for a in args], call.whitespace_before_args)
    args[-1] = args[-1].with_changes(comma=old_comma)
    return call.with_changes(args=(*args, arg.with_changes(comma=new_comma)))


def with_dict_element(mapping: cst.Dict, element: cst.DictElement) -> cst.Dict:
    """``mapping`` with ``element`` appended."""
    elements = list(mapping.elements)
    if not elements:
        return mapping.with_changes(elements=(element,))
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
