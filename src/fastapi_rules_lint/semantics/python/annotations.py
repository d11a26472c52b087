"""Small facts about annotations shared by the annotation rules (FRL101, FRL102).

- ``literal_type``: the builtin type a literal evaluates to, for fixes that annotate
  from a default or a returned value.
- ``builtin_is_visible``: whether writing ``int`` in a signature means the builtin,
  given the scopes a signature's annotations are evaluated in.
- ``unwrap_annotation``/``is_dict_type``: what an annotation is under ``Annotated`` and
  ``Optional`` (FRL104, FRL105 and ``fastapi.is_body_parameter``).

It sits below ``semantics.fastapi`` (``apps``/``params`` use it), so it never imports
``ModuleContext``: the helpers that read the traversal take an ``EnclosingScopes``, the
few members of ``ModuleContext`` they use, as a protocol.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

import libcst as cst

from fastapi_rules_lint.semantics.python.literals import literal_value, string_literal
from fastapi_rules_lint.semantics.python.names import BindingTable

Qualifier = Callable[[cst.BaseExpression], frozenset[str]]
"""Resolves a Name/Attribute to its qualified names (``ModuleContext.qualified_names``)."""


class EnclosingFrame(Protocol):
    """An enclosing ``def`` or ``lambda`` as the traversal records it (``FunctionFrame``)."""

    @property
    def node(self) -> cst.FunctionDef | cst.Lambda: ...

    @property
    def class_node(self) -> cst.ClassDef | None: ...

    @property
    def locals(self) -> Mapping[str, frozenset[str]]: ...


class EnclosingScopes(Protocol):
    """What the helpers below read of the traversal (``ModuleContext`` provides it): the
    enclosing functions, the module's bindings, and name resolution."""

    @property
    def functions(self) -> Sequence[EnclosingFrame]: ...

    @property
    def table(self) -> BindingTable: ...

    def resolves_to(self, node: cst.BaseExpression, names: frozenset[str] | set[str]) -> bool: ...

DICT_TYPES = frozenset(
    {
        "builtins.dict",
        *(
            f"{module}.{name}"
            for module in ("typing", "typing_extensions")
            for name in ("Dict", "Mapping", "MutableMapping")
        ),
        "collections.abc.Mapping",
        "collections.abc.MutableMapping",
    }
)
OVERLOAD = frozenset({"typing.overload", "typing_extensions.overload"})
ANNOTATED = frozenset({"typing.Annotated", "typing_extensions.Annotated"})
OPTIONAL = frozenset({"typing.Optional", "typing_extensions.Optional"})
UNION = frozenset({"typing.Union", "typing_extensions.Union"})


def literal_type(node: cst.BaseExpression) -> str | None:
    """The builtin type name of a literal (``0`` → ``int``), None when not a plain literal.

    ``None`` gives None (``Optional`` of what?), and so do complex numbers and
    containers: their element types would be guesses.
    """
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, (cst.Minus, cst.Plus)):
        inner = literal_type(node.expression)
        return inner if inner in {"int", "float"} else None
    if isinstance(node, cst.Integer):
        return "int"
    if isinstance(node, cst.Float):
        return "float"
    if isinstance(node, cst.FormattedString):
        return "str"
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = literal_value(node)
        if isinstance(value, bytes):
            return "bytes"
        return "str" if isinstance(value, str) else None
    if isinstance(node, cst.Name) and node.value in {"True", "False"}:
        return "bool"
    return None


class OverloadTracker:
    """Recognises the implementation of an overloaded function: a ``def`` right after
    an ``@overload`` ``def`` of the same name, with no function or class definition in
    between (the typing docs let it go unannotated; ruff and flake8-annotations skip
    it). Feed it every ``def`` and ``class`` in traversal order."""

    def __init__(self) -> None:
        self._overloaded: str | None = None

    def is_implementation(self, node: cst.FunctionDef, context: EnclosingScopes) -> bool:
        """Whether ``node`` implements the overloads just seen; call once per ``def``."""
        is_overload = any(context.resolves_to(d.decorator, OVERLOAD) for d in node.decorators)
        previous, self._overloaded = self._overloaded, (node.name.value if is_overload else None)
        return not is_overload and previous == node.name.value

    def saw_class(self) -> None:
        """A class definition ends any run of overloads."""
        self._overloaded = None


def builtin_is_visible(
    context: EnclosingScopes, name: str, function: cst.FunctionDef
) -> bool:
    """Whether ``name`` means the builtin in ``function``'s signature.

    A signature is evaluated in the enclosing scopes (not the function's own): the
    enclosing functions (parameters, imports, any binding in their bodies), the class
    body for a method, and the module.
    """
    for frame in context.functions:
        if frame.node is function:
            continue
        if name in frame.locals:
            return False
        # Rare (a nested function being fixed), so a small walk is affordable here.
        if isinstance(frame.node, cst.FunctionDef) and _binds(frame.node, name):
            return False
    for frame in context.functions:
        if (
            frame.node is function
            and frame.class_node is not None
            and name in class_level_names(frame.class_node)
        ):
            return False
    return context.table.resolve_name(name) == frozenset({f"builtins.{name}"})


def class_level_names(node: cst.ClassDef) -> set[str]:
    """Names a class body binds directly (definitions and simple assignments)."""
    names: set[str] = set()
    for statement in node.body.body:
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            names.add(statement.name.value)
        elif isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                targets: list[cst.BaseExpression] = []
                if isinstance(small, cst.Assign):
                    targets = [target.target for target in small.targets]
                elif isinstance(small, cst.AnnAssign):
                    targets = [small.target]
                names.update(t.value for t in targets if isinstance(t, cst.Name))
    return names


def _resolves(names: Qualifier, node: cst.BaseExpression, wanted: frozenset[str]) -> bool:
    return not names(node).isdisjoint(wanted)


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def unwrap_annotation(
    node: cst.BaseExpression, names: Qualifier
) -> tuple[cst.BaseExpression, tuple[cst.BaseExpression, ...]]:
    """The type under ``Annotated[T, ...]``, ``Optional[T]``, ``Union[T, None]`` and
    ``T | None``, and the ``Annotated`` metadata met on the way."""
    metadata: list[cst.BaseExpression] = []
    while True:
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
            if _is_none(node.right):
                node = node.left
                continue
            if _is_none(node.left):
                node = node.right
                continue
            break
        if not isinstance(node, cst.Subscript):
            break
        elements = [
            element.slice.value for element in node.slice if isinstance(element.slice, cst.Index)
        ]
        if not elements or len(elements) != len(node.slice):
            break
        if _resolves(names, node.value, ANNOTATED):
            metadata.extend(elements[1:])
            node = elements[0]
        elif _resolves(names, node.value, OPTIONAL) and len(elements) == 1:
            node = elements[0]
        elif _resolves(names, node.value, UNION):
            kept = [element for element in elements if not _is_none(element)]
            if len(kept) != 1:
                break
            node = kept[0]
        else:
            break
    return node, tuple(metadata)


def is_dict_type(node: cst.BaseExpression, names: Qualifier) -> bool:
    """True for ``dict``, ``Dict[...]``, ``Mapping``, ``MutableMapping`` (``typing``,
    ``collections.abc``, builtins; subscripted or not), also under ``Annotated`` and
    ``Optional``. String annotations are not parsed."""
    core, _ = unwrap_annotation(node, names)
    if isinstance(core, cst.Subscript):
        core = core.value
    return _resolves(names, core, DICT_TYPES)


def _binds(function: cst.FunctionDef, name: str) -> bool:
    """Whether ``function``'s body binds ``name`` in its own scope (over-approximated:
    comprehension targets count too)."""
    finder = _BindingFinder(name)
    function.body.visit(finder)
    return finder.found


class _BindingFinder(cst.CSTVisitor):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.found = False

    def _target(self, node: cst.CSTNode | None) -> None:
        if isinstance(node, cst.Name):
            self.found = self.found or node.value == self.name
        elif isinstance(node, (cst.Tuple, cst.List)):
            for element in node.elements:
                self._target(element.value)
        elif isinstance(node, cst.StarredElement):
            self._target(node.value)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._target(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._target(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._target(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._target(node.target)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._target(node.target)

    def visit_AsName(self, node: cst.AsName) -> None:
        self._target(node.name)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._target(node.target)

    def visit_MatchAs(self, node: cst.MatchAs) -> None:
        self._target(node.name)

    def visit_Global(self, node: cst.Global) -> None:
        for item in node.names:
            self._target(item.name)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        for item in node.names:
            self._target(item.name)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self._target(node.name)
        return False  # its body is its own scope

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self._target(node.name)
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False


def unquoted(node: cst.BaseExpression) -> cst.BaseExpression | None:
    """A string annotation's expression (``"Session"`` → ``Session``), the node itself
    when it is not a string; None when the string is not a valid expression (or a
    literal LibCST accepts but Python rejects, such as ``"\\N{BOGUS}"``)."""
    if not isinstance(node, cst.SimpleString):
        return node
    value = string_literal(node)
    if value is None:
        return None
    try:
        return cst.parse_expression(value)
    except (cst.ParserSyntaxError, SyntaxError, ValueError, UnicodeError, OverflowError):
        return None
