"""FRL601's questions: is this a boolean binding, does its name read as a question, may
the class it lives in impose the name (a base class, a model), and the local rename.

The rename (the unsafe fix) is offered only when LibCST's scope analysis and a plain
count of the name's occurrences in the function agree: every ``Name`` spelled like the
variable inside the function (attribute names and keyword arguments aside) is an
assignment or an access of that one function-local variable. Anything else (a nested
function's parameter of the same name, ``del``, ``global``/``nonlocal``, a string
annotation, ``locals()``/``eval``) and there is no fix.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable

import libcst as cst
from libcst.metadata import Assignment, FunctionScope, Scope

from fastapi_rules_lint.engine.traversal import visit_readonly
from fastapi_rules_lint.semantics.python.names import class_body_names

# Auxiliary verbs (and `allow`): what a yes/no question starts with.
DEFAULT_PREFIXES = (
    "is", "are", "was", "were", "has", "have", "had", "can", "could", "should", "would",
    "will", "shall", "may", "might", "must", "do", "does", "did", "needs", "need",
    "allow", "allows",
)  # fmt: skip

BOOL_WRAPPERS = frozenset(
    {
        "typing.Optional",
        "typing.Annotated",
        "typing_extensions.Annotated",
        "typing.Final",
        "typing.ClassVar",
    }
)
# Classes whose instances' attributes are fields (constructor keywords, keys).
FIELD_CLASS_DECORATORS = frozenset(
    {
        "dataclasses.dataclass",
        "pydantic.dataclasses.dataclass",
        "attr.s",
        "attr.attrs",
        "attr.define",
        "attr.frozen",
        "attr.mutable",
        "attrs.define",
        "attrs.frozen",
        "attrs.mutable",
    }
)
FIELD_CLASS_BASES = frozenset(
    {
        "typing.TypedDict",
        "typing_extensions.TypedDict",
        "typing.NamedTuple",
        "msgspec.Struct",
        "sqlmodel.SQLModel",
    }
)
# Bases known to bring no attributes a subclass would override by name.
PROTOCOLS = frozenset({"typing.Protocol", "typing_extensions.Protocol"})
NEUTRAL_BASES = frozenset({"typing.Generic", "abc.ABC"})
CONFIG_CLASSES = frozenset({"Config", "Meta"})
Qualifier = Callable[[cst.BaseExpression], frozenset[str]]


def has_question_prefix(name: str, prefixes: Iterable[str]) -> bool:
    """``is_ready``, ``_has_items``, ``isReady`` read as questions."""
    bare = name.lstrip("_")
    for written in prefixes:
        prefix = written.rstrip("_")
        if not prefix:
            continue
        if bare.startswith(f"{prefix}_"):
            return True
        rest = bare[len(prefix) :]
        if bare.startswith(prefix) and rest[:1].isupper():
            return True
    return False


def is_exempt_name(name: str) -> bool:
    """UPPER_CASE constants, dunders and names without letters."""
    bare = name.strip("_")
    return not any(c.isalpha() for c in bare) or name.isupper() or name.startswith("__")


def is_bool_literal(node: cst.BaseExpression | None, names: Qualifier) -> bool:
    """``True`` or ``False`` (the builtins)."""
    return isinstance(node, cst.Name) and bool(names(node) & {"builtins.True", "builtins.False"})


def is_bool_annotation(node: cst.BaseExpression, names: Qualifier) -> bool:
    """``bool``, ``Optional[bool]``, ``bool | None``, ``Annotated[bool, ...]``,
    ``Final[bool]``, ``ClassVar[bool]``."""
    if isinstance(node, cst.Name):
        return "builtins.bool" in names(node)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        sides = (node.left, node.right)
        others = [
            side for side in sides if not (isinstance(side, cst.Name) and side.value == "None")
        ]
        return len(others) == 1 and is_bool_annotation(others[0], names)
    if isinstance(node, cst.Subscript) and names(node.value) & BOOL_WRAPPERS and node.slice:
        first = node.slice[0].slice
        return isinstance(first, cst.Index) and is_bool_annotation(first.value, names)
    return False


def decorator_names(node: cst.FunctionDef | cst.ClassDef, names: Qualifier) -> frozenset[str]:
    """The qualified names of the decorators (called or not)."""
    found: set[str] = set()
    for decorator in node.decorators:
        expression = decorator.decorator
        if isinstance(expression, cst.Call):
            expression = expression.func
        found |= names(expression)
    return frozenset(found)


def is_field_class(node: cst.ClassDef, names: Qualifier) -> bool:
    """A dataclass, attrs class, ``TypedDict``, ``NamedTuple``, ``msgspec.Struct``."""
    if decorator_names(node, names) & FIELD_CLASS_DECORATORS:
        return True
    return any(names(base.value) & FIELD_CLASS_BASES for base in node.bases)


def is_protocol(node: cst.ClassDef, names: Qualifier) -> bool:
    """A ``Protocol``: its members describe someone else's interface."""
    return any(names(_unsubscripted(base.value)) & PROTOCOLS for base in node.bases)


def _unsubscripted(node: cst.BaseExpression) -> cst.BaseExpression:
    return node.value if isinstance(node, cst.Subscript) else node


def may_override(owner: cst.ClassDef, attribute: str, module: cst.Module, names: Qualifier) -> bool:
    """Whether ``attribute`` (a method or class attribute) of ``owner`` may override a
    base class's: a base defined elsewhere may define anything, a base defined in this
    module is looked at (recursively), builtins are asked."""
    # Every dunder overrides `object`'s, whose constructor takes no arguments to match.
    is_constructor = attribute in {"__init__", "__new__"}
    if attribute.startswith("__") and attribute.endswith("__") and not is_constructor:
        return True
    local_classes = {
        statement.name.value: statement
        for statement in module.body
        if isinstance(statement, cst.ClassDef)
    }
    seen: set[str] = set()
    pending = [base.value for base in owner.bases if base.keyword is None]
    while pending:
        base = pending.pop()
        if isinstance(base, cst.Subscript):  # Base[T]
            base = base.value
        qualified = names(base)
        if qualified & NEUTRAL_BASES:
            continue
        builtin = _builtin_class(qualified)
        if builtin is not None:
            if builtin is not object and hasattr(builtin, attribute):
                return True
            continue
        if not isinstance(base, cst.Name) or base.value not in local_classes:
            return True
        if base.value in seen:
            continue
        seen.add(base.value)
        local = local_classes[base.value]
        if attribute in class_body_names(local, with_methods=True, with_classes=True):
            return True
        pending.extend(b.value for b in local.bases if b.keyword is None)
    return False


def _builtin_class(qualified: frozenset[str]) -> type | None:
    for name in qualified:
        if name.startswith("builtins."):
            value = getattr(builtins, name.removeprefix("builtins."), None)
            if isinstance(value, type):
                return value
    return None


# --- the rename -------------------------------------------------------------------------
class _Occurrences(cst.CSTVisitor):
    """Every ``Name`` spelled ``name`` except attribute names and keyword arguments,
    and whether the code can reach variables by name (``locals()``, ``eval``, …)."""

    DYNAMIC = frozenset({"locals", "vars", "eval", "exec"})

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.names: set[int] = set()
        self.excluded: set[int] = set()
        self.is_dynamic = False

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == self.name:
            self.names.add(id(node))
        elif node.value in self.DYNAMIC:
            self.is_dynamic = True

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.excluded.add(id(node.attr))

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self.excluded.add(id(node.keyword))

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        # A string annotation may name the variable; scope analysis would see it.
        if self.name in node.value:
            self.is_dynamic = True


def rename_targets(
    function: cst.FunctionDef, scope: Scope, name: str
) -> tuple[cst.Name, ...] | None:
    """The ``Name`` nodes to rename for the local variable ``name`` of ``function``
    (whose scope is ``scope``), or None when the rename is not certain."""
    if not isinstance(scope, FunctionScope) or name not in scope.assignments:
        return None
    nodes: list[cst.Name] = []
    for assignment in scope.assignments[name]:
        if type(assignment) is not Assignment or not isinstance(assignment.node, cst.Name):
            return None
        nodes.append(assignment.node)
        for access in assignment.references:
            if not isinstance(access.node, cst.Name):
                return None
            nodes.append(access.node)
    occurrences = _Occurrences(name)
    visit_readonly(function, occurrences)
    expected = occurrences.names - occurrences.excluded
    unique = {id(node): node for node in nodes}
    if occurrences.is_dynamic or expected != unique.keys():
        return None
    return tuple(unique.values())


class _AllNames(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)


def module_names(module: cst.Module) -> frozenset[str]:
    """Every identifier spelled anywhere in ``module`` (a new name must be none)."""
    collector = _AllNames()
    visit_readonly(module, collector)
    return frozenset(collector.names)
