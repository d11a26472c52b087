"""What the names of a function or module are bound to, for the SQLAlchemy questions.

A *binding* is one statement that binds a name in a scope: an assignment's value, an
annotation, a ``with ... as`` item, a parameter, an import, or something else
(``for`` targets, tuple unpacking, nested ``def``/``class``, ``global``): ``Other``. A
question about a name looks at every binding of it in the innermost scope that binds it
(flow-insensitive) and trusts it only when they all agree; the rules stay silent on the
rest. Nested functions, lambdas and classes are their own scopes; comprehension targets
do not leak.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from fastapi_rules_lint.engine.traversal import visit_readonly
from fastapi_rules_lint.semantics.python.names import assigned_names, import_bindings
from fastapi_rules_lint.semantics.python.signatures import all_params


@dataclass(frozen=True)
class Value:
    """``name = value`` (evaluated in the binding scope)."""

    value: cst.BaseExpression


@dataclass(frozen=True)
class Annotated:
    """``name: annotation`` (with or without a value: the annotation says the type)."""

    annotation: cst.BaseExpression


@dataclass(frozen=True)
class Entered:
    """``with item as name``."""

    item: cst.BaseExpression


@dataclass(frozen=True)
class Parameter:
    """A parameter of the scope's function."""

    param: cst.Param


@dataclass(frozen=True)
class Imported:
    """``import``/``from ... import``: the qualified name as written."""

    qualified: str


@dataclass(frozen=True)
class Defined:
    """``def name`` / ``class name`` in this scope."""

    node: cst.FunctionDef | cst.ClassDef


@dataclass(frozen=True)
class Other:
    """Any other binding: nothing is known about the value."""


Binding = Value | Annotated | Entered | Parameter | Imported | Defined | Other
OTHER = Other()


@dataclass
class ScopeBindings:
    """Every binding of every name a scope binds, and what its body yields and returns."""

    names: dict[str, list[Binding]] = field(default_factory=dict)
    returned: list[cst.BaseExpression] = field(default_factory=list)
    yielded: list[cst.BaseExpression] = field(default_factory=list)
    is_generator: bool = False
    """The body has ``yield`` (or ``yield from``, whose values are unknown)."""
    yields_from: bool = False
    self_attributes: dict[str, list[cst.BaseExpression]] = field(default_factory=dict)
    """``self.<attr> = value`` in a method (``self``: the first parameter)."""

    def add(self, name: str, binding: Binding) -> None:
        """Record one binding."""
        self.names.setdefault(name, []).append(binding)


class _Collector(cst.CSTVisitor):
    """Bindings of one scope's own statements (nested scopes are not entered)."""

    def __init__(self, found: ScopeBindings, self_name: str | None) -> None:
        super().__init__()
        self.found = found
        self.self_name = self_name

    def _targets(self, target: cst.BaseExpression, binding: Binding) -> None:
        if isinstance(target, cst.Name):
            self.found.add(target.value, binding)
            return
        if (
            isinstance(target, cst.Attribute)
            and isinstance(target.value, cst.Name)
            and target.value.value == self.self_name
            and isinstance(binding, Value)
        ):
            self.found.self_attributes.setdefault(target.attr.value, []).append(binding.value)
            return
        for name in assigned_names(target):
            self.found.add(name, OTHER)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.found.add(node.name.value, Defined(node))
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self.found.add(node.name.value, Defined(node))
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_ListComp(self, node: cst.ListComp) -> bool:
        return False

    def visit_SetComp(self, node: cst.SetComp) -> bool:
        return False

    def visit_DictComp(self, node: cst.DictComp) -> bool:
        return False

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> bool:
        return False

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._targets(target.target, Value(node.value))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._targets(node.target, Annotated(node.annotation.annotation))
        if node.value is not None and not isinstance(node.target, cst.Name):
            self._targets(node.target, Value(node.value))

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._targets(node.target, OTHER)

    def visit_For(self, node: cst.For) -> None:
        self._targets(node.target, OTHER)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._targets(node.asname.name, Entered(node.item))

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None:
            self._targets(node.name.name, OTHER)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._targets(node.target, Value(node.value))

    def visit_Global(self, node: cst.Global) -> None:
        for item in node.names:
            self.found.add(item.name.value, OTHER)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        for item in node.names:
            self.found.add(item.name.value, OTHER)

    def visit_MatchAs(self, node: cst.MatchAs) -> None:
        if node.name is not None:
            self.found.add(node.name.value, OTHER)

    def visit_Import(self, node: cst.Import) -> bool:
        for bound, qualified in import_bindings(node):
            self.found.add(bound, Imported(qualified))
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        for bound, qualified in import_bindings(node):
            self.found.add(bound, Imported(qualified))
        return False

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None:
            self.found.returned.append(node.value)

    def visit_Yield(self, node: cst.Yield) -> None:
        self.found.is_generator = True
        if isinstance(node.value, cst.From):
            self.found.yields_from = True
        elif node.value is not None:
            self.found.yielded.append(node.value)


def function_bindings(function: cst.FunctionDef) -> ScopeBindings:
    """The bindings of ``function``'s own scope, parameters included."""
    found = ScopeBindings()
    params = list(all_params(function.params))
    for param in params:
        found.add(param.name.value, Parameter(param))
    self_name = params[0].name.value if params else None
    visit_readonly(function.body, _Collector(found, self_name))
    return found


def module_bindings(module: cst.Module) -> ScopeBindings:
    """The bindings of a module's top level (into ``if``/``try``/``with`` blocks)."""
    found = ScopeBindings()
    # One walk of the module (its header and footer are trivia the walk skips), not
    # one per statement: each `visit_readonly` call builds its method tables anew.
    visit_readonly(module, _Collector(found, None))
    return found


def class_bindings(node: cst.ClassDef) -> ScopeBindings:
    """The bindings of a class body (its methods are ``Defined``)."""
    found = ScopeBindings()
    visit_readonly(node.body, _Collector(found, None))  # the suite: not `visit_ClassDef`
    return found
