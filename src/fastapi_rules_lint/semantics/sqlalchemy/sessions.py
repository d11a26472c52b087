"""Is this expression a known *sync* SQLAlchemy ``Session``? Answered once for every rule.

An expression is a known session (``Kind.SESSION``) when it is:

- built by a session class: ``Session(engine)``, ``sqlmodel.Session(engine)``;
- built by a session factory: ``SessionLocal()`` after ``SessionLocal =
  sessionmaker(...)`` (module level or local), ``sessionmaker(...)()``, a
  ``scoped_session`` called; ``with Session(engine) as s``, ``with SessionLocal() as
  s``, ``with SessionLocal.begin() as s``;
- annotated so: ``db: Session`` (``sqlalchemy.orm``, ``sqlmodel``; under ``Optional``,
  ``| None``, ``Annotated``), through an ``Annotated`` alias of this module or of
  another one (``SessionDep = Annotated[Session, Depends(get_db)]``, ``view.aliases``);
- a dependency's result: ``db = Depends(get_db)`` where ``get_db`` (this module's)
  is annotated ``-> Session``/``Iterator[Session]``/``Generator[Session, ...]`` or
  yields/returns a known session, or (imported) what the project model says a
  dependency on it provides (``view.provides``: its return annotation, or what an
  annotated generator yields); ``Depends(SessionLocal)`` on an imported factory;
- an imported session factory or ``scoped_session`` (``SessionLocal =
  sessionmaker(...)`` in ``db.py``, ``view.instances``), called or used as is;
- a call of a function annotated ``-> Session`` (this module's or imported);
- ``self.db`` in a method when every binding of ``db`` in the class (a class-level
  annotation, ``self.db = ...`` in any method) is a known session.

A ``scoped_session`` (``Kind.SCOPED``) proxies the session API, so ``.query`` on it
is a session's. ``AsyncSession``, ``async_sessionmaker`` and ``sessionmaker(class_=...)``
with another class are not sync sessions. A name is known only
when every binding of it in the innermost scope binding it agrees
(``semantics.sqlalchemy.scopes``); anything else is unknown, and rules stay silent.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping, Sequence

import libcst as cst

from fastapi_rules_lint.project.view import ModuleView
from fastapi_rules_lint.semantics.python.annotations import (
    EnclosingFrame,
    unquoted,
    unwrap_annotation,
)
from fastapi_rules_lint.semantics.python.names import BindingTable, dotted_name
from fastapi_rules_lint.semantics.sqlalchemy.scopes import (
    Annotated,
    Binding,
    Defined,
    Entered,
    Imported,
    Parameter,
    ScopeBindings,
    Value,
    class_bindings,
    function_bindings,
    module_bindings,
)


class Kind(enum.Enum):
    """What a known SQLAlchemy value is."""

    SESSION = "sqlalchemy.orm.Session"
    SCOPED = "sqlalchemy.orm.scoped_session"
    FACTORY = "sqlalchemy.orm.sessionmaker"


TYPES: Mapping[str, Kind] = {
    "sqlalchemy.orm.Session": Kind.SESSION,
    "sqlalchemy.orm.session.Session": Kind.SESSION,
    "sqlmodel.Session": Kind.SESSION,
    "sqlmodel.orm.session.Session": Kind.SESSION,
    "sqlalchemy.orm.scoped_session": Kind.SCOPED,
    "sqlalchemy.orm.scoping.scoped_session": Kind.SCOPED,
    "sqlalchemy.orm.sessionmaker": Kind.FACTORY,
    "sqlalchemy.orm.session.sessionmaker": Kind.FACTORY,
}
"""Qualified names of the sync session classes (what calling or annotating them means)."""

ITERATORS = frozenset(
    f"{module}.{name}"
    for module in ("typing", "typing_extensions", "collections.abc")
    for name in ("Iterator", "Generator", "Iterable", "AsyncIterator", "AsyncGenerator")
)
"""A generator dependency's return annotation: FastAPI injects the first argument."""

DEPENDS = frozenset(
    {"fastapi.Depends", "fastapi.params.Depends", "fastapi.param_functions.Depends"}
)

SESSION_MODULES = ("sqlalchemy", "sqlmodel", "flask_sqlalchemy")

Scope = tuple[tuple[cst.FunctionDef | cst.Lambda, cst.ClassDef | None], ...]
"""Enclosing functions, innermost last, each with the class it is a method of."""


def scope_of(frames: Sequence[EnclosingFrame]) -> Scope:
    """The ``Scope`` of the traversal's function frames (``ModuleContext.functions``)."""
    return tuple((frame.node, frame.class_node) for frame in frames)


def might_use_sessions(table: BindingTable, view: ModuleView) -> bool:
    """Whether a module can name a sync session at all: it imports SQLAlchemy/SQLModel,
    or a name it uses is an alias or a function of the project typed with a session.
    A cheap gate for rules that must also run in modules importing neither."""
    if table.imports_module(*SESSION_MODULES):
        return True
    return (
        any(alias.head in TYPES for alias in view.aliases.values())
        or any(found in TYPES for found in view.returns.values())
        or any(found in TYPES for found in view.provides.values())
        or any(found in TYPES for found in view.instances.values())
    )


class SessionFacts:
    """The session question for one module (built once per file, evaluated lazily)."""

    def __init__(self, module: cst.Module, table: BindingTable, view: ModuleView) -> None:
        self._module_node = module
        self._table = table
        self._view = view
        self._module: ScopeBindings | None = None
        self._functions: dict[cst.FunctionDef, ScopeBindings] = {}
        self._classes: dict[cst.ClassDef, ScopeBindings] = {}
        self._busy: set[int] = set()

    # --- questions ------------------------------------------------------------------
    def kind(self, node: cst.BaseExpression, scope: Scope) -> Kind | None:
        """What ``node`` (an expression evaluated in ``scope``) is known to be."""
        if id(node) in self._busy:
            return None
        self._busy.add(id(node))
        try:
            return self._expression(node, scope)
        finally:
            self._busy.discard(id(node))

    def is_session(self, node: cst.BaseExpression, scope: Scope) -> bool:
        """True when ``node`` is a known sync session (or ``scoped_session``)."""
        return self.kind(node, scope) in (Kind.SESSION, Kind.SCOPED)

    def parameter_kind(self, param: cst.Param, scope: Scope) -> Kind | None:
        """What the value of ``param`` of ``scope``'s innermost function is known to be:
        by its annotation, else by the dependency its default ``Depends(...)`` names."""
        outer = scope[:-1]
        if param.annotation is not None:
            return self.annotation_kind(param.annotation.annotation, outer)
        default = param.default
        if isinstance(default, cst.Call) and self._qualified(default.func, outer) & DEPENDS:
            target = _dependency_argument(default)
            return self.dependency_kind(target, outer) if target is not None else None
        return None

    def annotation_kind(
        self, node: cst.BaseExpression, scope: Scope, depth: int = 0
    ) -> Kind | None:
        """The kind an annotation names (see the module docs)."""
        if depth > 4:
            return None
        parsed = unquoted(node)
        if parsed is None:
            return None
        core, _ = unwrap_annotation(parsed, lambda n: self._qualified(n, scope))
        if isinstance(core, cst.Subscript):  # scoped_session[Session], sessionmaker[Session]
            core = core.value
        if not isinstance(core, (cst.Name, cst.Attribute)):
            return None
        names = self._qualified(core, scope) | self._canonical(core, scope)
        # A name imported twice (`SessionDep` from two modules) has several: they must
        # agree (and the answer must not depend on the set's order, i.e. the hash seed).
        named: set[Kind | None] = set()
        for name in names:
            alias = self._view.aliases.get(name)
            if name in TYPES:
                named.add(TYPES[name])
            elif alias is not None and alias.head is not None:
                named.add(TYPES.get(alias.head))
        if named:
            return named.pop() if len(named) == 1 else None
        if isinstance(core, cst.Name):
            found = self._lookup(core.value, scope)
            if found is not None:
                bindings, where = found
                values = [b.value for b in bindings if isinstance(b, Value)]
                if len(values) == len(bindings) == 1:
                    return self.annotation_kind(values[0], where, depth + 1)
        return None

    def dependency_kind(self, target: cst.BaseExpression, scope: Scope) -> Kind | None:
        """What FastAPI injects for ``Depends(target)``: a function's return value (the
        yielded value of a generator), a session factory's session."""
        if isinstance(target, cst.Name):
            found = self._lookup(target.value, scope)
            if found is not None:
                bindings, where = found
                if len(bindings) == 1 and isinstance(bindings[0], Defined):
                    function = bindings[0].node
                    if isinstance(function, cst.FunctionDef):
                        return self._provides(function, where)
                    return None
                if not all(isinstance(b, Imported) for b in bindings):
                    kind = self._agreed(bindings, where)
                    return Kind.SESSION if kind in (Kind.FACTORY, Kind.SCOPED) else None
        for canonical in self._canonical(target, scope):
            provided = self._view.provides.get(canonical)
            if provided is not None:
                return TYPES.get(provided)
            made = self._instance_kind(canonical)
            if made in (Kind.FACTORY, Kind.SCOPED):
                return Kind.SESSION  # `Depends(SessionLocal)`: calling it makes a session
        return None

    def _instance_kind(self, canonical: str) -> Kind | None:
        """What a module-level ``X = sessionmaker(...)`` of another module is."""
        callee = self._view.instances.get(canonical)
        kind = TYPES.get(callee) if callee is not None else None
        return kind if kind in (Kind.FACTORY, Kind.SCOPED) else None

    # --- evaluation -------------------------------------------------------------------
    def _expression(self, node: cst.BaseExpression, scope: Scope) -> Kind | None:
        if isinstance(node, cst.Name):
            found = self._lookup(node.value, scope)
            if found is None:
                return None
            bindings, where = found
            if bindings and all(isinstance(b, Imported) for b in bindings):
                # `from app.db import ScopedSession`: what the project built there.
                canonical = self._view.canonical(node.value)
                return self._instance_kind(canonical) if canonical is not None else None
            return self._agreed(bindings, where)
        if isinstance(node, cst.Attribute):
            return self._self_attribute(node, scope)
        if isinstance(node, cst.Call):
            return self._call(node, scope)
        return None

    def _call(self, call: cst.Call, scope: Scope) -> Kind | None:
        func = call.func
        if isinstance(func, cst.Name):
            found = self._lookup(func.value, scope)
            if found is not None:
                bindings, where = found
                if len(bindings) == 1 and isinstance(bindings[0], Defined):
                    function = bindings[0].node
                    if isinstance(function, cst.FunctionDef) and function.returns is not None:
                        return self.annotation_kind(function.returns.annotation, where)
                    return None
                if not all(isinstance(b, Imported) for b in bindings):
                    made = self._agreed(bindings, where)
                    return Kind.SESSION if made in (Kind.FACTORY, Kind.SCOPED) else None
        elif isinstance(func, cst.Call):
            made = self.kind(func, scope)
            return Kind.SESSION if made in (Kind.FACTORY, Kind.SCOPED) else None
        # Sorted: the answer must not depend on the set's order (the hash seed).
        for name in sorted(self._qualified(func, scope) | self._canonical(func, scope)):
            kind = TYPES.get(name)
            if kind is Kind.FACTORY and _has_keyword(call, "class_"):
                return None  # sessionmaker(class_=AsyncSession): not ours to know
            if kind is not None:
                return kind
            returned = self._view.returns.get(name)
            if returned is not None:
                return TYPES.get(returned)
            if self._instance_kind(name) is not None:
                return Kind.SESSION  # `SessionLocal()` with `SessionLocal` built elsewhere
        return None

    def _entered(self, item: cst.BaseExpression, scope: Scope) -> Kind | None:
        """What ``with item as x`` binds ``x`` to."""
        if (
            isinstance(item, cst.Call)
            and isinstance(item.func, cst.Attribute)
            and item.func.attr.value == "begin"
        ):  # `with SessionLocal.begin() as s`; `Session.begin()` enters a transaction
            return Kind.SESSION if self.kind(item.func.value, scope) is Kind.FACTORY else None
        return Kind.SESSION if self.kind(item, scope) is Kind.SESSION else None

    def _binding(self, binding: Binding, scope: Scope) -> Kind | None:
        if isinstance(binding, Value):
            return self.kind(binding.value, scope)
        if isinstance(binding, Annotated):
            return self.annotation_kind(binding.annotation, scope)
        if isinstance(binding, Entered):
            return self._entered(binding.item, scope)
        if isinstance(binding, Parameter):
            return self.parameter_kind(binding.param, scope)
        return None

    def _agreed(self, bindings: Sequence[Binding], scope: Scope) -> Kind | None:
        kinds = {self._binding(binding, scope) for binding in bindings}
        return kinds.pop() if len(kinds) == 1 else None

    def _provides(self, function: cst.FunctionDef, scope: Scope) -> Kind | None:
        """What FastAPI injects for a dependency ``function`` (defined in ``scope``)."""
        found = self._bindings(function)
        inner: Scope = (*scope, (function, None))
        if function.returns is not None:
            annotation = function.returns.annotation
            if found.is_generator:
                if not isinstance(annotation, cst.Subscript):
                    return None
                if not self._qualified(annotation.value, scope) & ITERATORS:
                    return None
                first = annotation.slice[0].slice if annotation.slice else None
                if not isinstance(first, cst.Index):
                    return None
                annotation = first.value
            return self.annotation_kind(annotation, scope)
        values = found.yielded if found.is_generator else found.returned
        if not values or found.yields_from:
            return None
        kinds = {self.kind(value, inner) for value in values}
        return kinds.pop() if len(kinds) == 1 else None

    def _self_attribute(self, node: cst.Attribute, scope: Scope) -> Kind | None:
        """``self.attr`` in a method, when every binding of ``attr`` in the class agrees."""
        if not scope or not isinstance(node.value, cst.Name):
            return None
        function, class_node = scope[-1]
        if class_node is None or not isinstance(function, cst.FunctionDef):
            return None
        params = function.params.params
        if not params or params[0].name.value != node.value.value:
            return None
        if self._lookup(node.value.value, scope) != ([Parameter(params[0])], scope):
            return None  # `self` rebound in the method
        attr = node.attr.value
        outer = scope[:-1]
        kinds: set[Kind | None] = set()
        for binding in self._class(class_node).names.get(attr, ()):
            kinds.add(self._binding(binding, outer))
        for method in _methods(class_node):
            method_scope: Scope = (*outer, (method, class_node))
            for value in self._bindings(method).self_attributes.get(attr, ()):
                kinds.add(self.kind(value, method_scope))
        return kinds.pop() if len(kinds) == 1 else None

    # --- names ------------------------------------------------------------------------
    def _lookup(self, name: str, scope: Scope) -> tuple[list[Binding], Scope] | None:
        """The bindings of ``name`` in the innermost scope binding it, and that scope;
        None when only a builtin (or nothing) binds it."""
        for index in range(len(scope) - 1, -1, -1):
            function, _ = scope[index]
            if isinstance(function, cst.Lambda):
                if any(param.name.value == name for param in _lambda_params(function)):
                    return [], scope[: index + 1]
                continue
            found = self._bindings(function).names.get(name)
            if found is not None:
                return found, scope[: index + 1]
        if self._module is None:
            self._module = module_bindings(self._module_node)
        module_found = self._module.names.get(name)
        return (module_found, ()) if module_found is not None else None

    def _qualified(self, node: cst.BaseExpression, scope: Scope) -> frozenset[str]:
        """Qualified names of a Name/Attribute chain through imports (as written)."""
        dotted = dotted_name(node)
        if dotted is None:
            return frozenset()
        head, _, rest = dotted.partition(".")
        found = self._lookup(head, scope)
        if found is None:
            return self._table.resolve_name(head) if not rest else frozenset()
        bindings, _ = found
        if not bindings or not all(isinstance(b, Imported) for b in bindings):
            return frozenset()
        bases = {b.qualified for b in bindings if isinstance(b, Imported)}
        return frozenset(f"{base}.{rest}" if rest else base for base in bases)

    def _canonical(self, node: cst.BaseExpression, scope: Scope) -> frozenset[str]:
        """The project's canonical name of a module-level name chain (``view.canonical``)."""
        dotted = dotted_name(node)
        if dotted is None:
            return frozenset()
        found = self._lookup(dotted.partition(".")[0], scope)
        if found is None or found[1]:
            return frozenset()  # unbound, or bound in a function
        canonical = self._view.canonical(dotted)
        return frozenset({canonical}) if canonical is not None else frozenset()

    def _bindings(self, function: cst.FunctionDef) -> ScopeBindings:
        found = self._functions.get(function)
        if found is None:
            found = self._functions[function] = function_bindings(function)
        return found

    def _class(self, node: cst.ClassDef) -> ScopeBindings:
        found = self._classes.get(node)
        if found is None:
            found = self._classes[node] = class_bindings(node)
        return found


def _has_keyword(call: cst.Call, keyword: str) -> bool:
    return any(arg.keyword is not None and arg.keyword.value == keyword for arg in call.args)


def _dependency_argument(call: cst.Call) -> cst.BaseExpression | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == "dependency":
            return arg.value
    first = call.args[0] if call.args else None
    return first.value if first is not None and first.keyword is None and not first.star else None


def _lambda_params(node: cst.Lambda) -> Iterator[cst.Param]:
    params = node.params
    yield from params.posonly_params
    yield from params.params
    yield from params.kwonly_params
    if isinstance(params.star_arg, cst.Param):
        yield params.star_arg
    if params.star_kwarg is not None:
        yield params.star_kwarg


def _methods(node: cst.ClassDef) -> Iterator[cst.FunctionDef]:
    for statement in node.body.body:
        if isinstance(statement, cst.FunctionDef):
            yield statement
