"""Dependencies followed through the module's own definitions.

``DependencyGraph`` indexes a module's top-level functions, classes, callable instances
(``checker = Checker(...)``) and constants once, then answers: which request names does
a handler (with its dependencies, recursively) consume — or "cannot know"; and which
type does a dependency inject (for fixes that must write the type down). Dependencies
and ``Annotated`` aliases imported from the project are followed through the project
model (``imported_dependencies``); anything else defined elsewhere cannot be known,
except a name that is no project alias, taken for a plain type.
"""

from __future__ import annotations

from collections.abc import Iterable

import libcst as cst

from fastapi_rules_lint.engine.traversal import OwnScopeVisitor
from fastapi_rules_lint.project.view import ModuleView
from fastapi_rules_lint.semantics.fastapi.imported_dependencies import ImportedDependencies
from fastapi_rules_lint.semantics.fastapi.params import (
    CONNECTION_TYPES,
    Marker,
    alias_names,
    annotated_parts,
    parameter_marker,
)
from fastapi_rules_lint.semantics.python.annotations import Qualifier
from fastapi_rules_lint.semantics.python.names import LOCAL, BindingTable, dotted_name


def local_constructor(function: cst.FunctionDef, owner: str) -> cst.Call | None:
    """The call assigned to ``owner`` by a statement directly in ``function``'s body."""
    found: cst.Call | None = None
    for statement in function.body.body:
        if isinstance(statement, cst.BaseStatement):
            for target, value in _simple_assignments(statement):
                if target == owner and isinstance(value, cst.Call):
                    found = value
    return found


def _contains_yield(body: cst.CSTNode) -> bool:
    finder = _YieldFinder()
    body.visit(finder)
    return finder.found


class _YieldFinder(OwnScopeVisitor):
    """Does a function body yield (nested functions and classes excluded)?"""

    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def visit_Yield(self, node: cst.Yield) -> bool:
        self.found = True
        return False


_GENERATOR_TYPES = frozenset(
    f"{module}.{name}"
    for module in ("typing", "typing_extensions", "collections.abc")
    for name in (
        "Generator",
        "Iterator",
        "Iterable",
        "AsyncGenerator",
        "AsyncIterator",
        "AsyncIterable",
    )
)


class DependencyGraph:
    """The module's top-level functions and classes, as dependency targets.

    Only names bound once, and only by a ``def``/``class`` (or ``x = Class(...)`` for a
    callable instance), are known; everything else is "defined elsewhere".
    """

    def __init__(
        self,
        module: cst.Module,
        table: BindingTable,
        names: Qualifier,
        view: ModuleView | None = None,
    ) -> None:
        self.names = names
        self.imported = ImportedDependencies(view or ModuleView())
        self.ambiguous: set[str] = set()
        """Module-level names bound more than once or also imported: unknown."""
        self.definitions: dict[str, cst.FunctionDef | cst.ClassDef] = {}
        self.instances: dict[str, cst.ClassDef] = {}
        self.assignments: dict[str, cst.BaseExpression] = {}
        counts: dict[str, int] = {}
        for statement in module.body:
            if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
                self.definitions[statement.name.value] = statement
                counts[statement.name.value] = counts.get(statement.name.value, 0) + 1
        for statement in module.body:
            for target, value in _simple_assignments(statement):
                counts[target] = counts.get(target, 0) + 1
                if value is None:
                    continue
                self.assignments[target] = value
                if isinstance(value, cst.Call) and isinstance(value.func, cst.Name):
                    built = self.definitions.get(value.func.value)
                    if isinstance(built, cst.ClassDef):
                        self.instances[target] = built
        for name, count in counts.items():
            if count > 1 or table.bindings.get(name) != {LOCAL}:
                self.ambiguous.add(name)
                self.definitions.pop(name, None)
                self.instances.pop(name, None)
                self.assignments.pop(name, None)

    def target(self, expression: cst.BaseExpression) -> cst.FunctionDef | cst.ClassDef | None:
        """The module-level function or class ``expression`` names."""
        if isinstance(expression, cst.Name):
            return self.definitions.get(expression.value)
        return None

    def injected_type(self, expression: cst.BaseExpression) -> cst.BaseExpression | None:
        """The type a dependency injects, from its definition: a class itself, a
        function's return annotation (the yielded type for a generator)."""
        target = self.target(expression)
        if isinstance(target, cst.ClassDef):
            return expression
        if target is None or target.returns is None:
            return None
        returns = target.returns.annotation
        if not _contains_yield(target.body):
            return returns
        if isinstance(returns, cst.Subscript) and not self.names(returns.value).isdisjoint(
            _GENERATOR_TYPES
        ):
            first = returns.slice[0].slice
            return first.value if isinstance(first, cst.Index) else None
        return None

    # --- which request names a callable consumes ----------------------------------
    def consumed_names(
        self,
        params: cst.Parameters,
        body: cst.CSTNode | None,
        module: cst.Module,
        *,
        skip_first: bool = False,
        seen: frozenset[int] = frozenset(),
    ) -> frozenset[str] | None:
        """Names ``params`` take from the request (own names, aliases, and those of
        their dependencies, recursively); None when it cannot be known (a dependency
        defined elsewhere, or a ``Request`` whose ``path_params`` the body reads)."""
        found: set[str] = set()
        candidates = [*params.params, *params.kwonly_params][1 if skip_first else 0 :]
        for param in candidates:
            found.add(param.name.value)
            if param.annotation is not None and self._reads_path_params(param, body, module):
                return None
            markers = self.markers(param)
            if markers is None:
                return None
            if param.annotation is not None:
                imported = self._imported_alias_names(param.annotation.annotation)
                if imported is None:
                    return None
                found |= imported
            for marker, base in markers:
                found |= alias_names(marker.call)
                if marker.is_dependency:
                    nested = self.callable_names(marker.dependency() or base, module, seen)
                    if nested is None:
                        return None
                    found |= nested
        return frozenset(found)

    def markers(self, param: cst.Param) -> list[tuple[Marker, cst.BaseExpression | None]] | None:
        """The markers of ``param`` with the type they annotate, following the module's
        ``Annotated`` aliases and marker constants (``item_path = Path(...)``); None when
        an alias or metadata item defined elsewhere may hide one."""
        found: list[tuple[Marker, cst.BaseExpression | None]] = []
        if param.annotation is not None:
            expanded = self._expand(param.annotation.annotation, depth=0)
            if expanded is None:
                return None
            base, metadata = expanded
            for item in metadata:
                call = self._marker_call(item)
                is_name = isinstance(item, (cst.Name, cst.Attribute))
                if call is None and is_name and self._assigned(item) is None:
                    return None  # an imported or unknown object: maybe a marker
                if call is not None:
                    kind = parameter_marker(call, self.names)
                    assert kind is not None
                    found.append((Marker(kind, call, is_default=False), base))
        else:
            base = None
        if param.default is not None:
            call = self._marker_call(param.default)
            kind = parameter_marker(call, self.names) if call is not None else None
            if call is not None and kind is not None:
                found.append((Marker(kind, call, is_default=True), base))
        return found

    def _expand(
        self, annotation: cst.BaseExpression, depth: int
    ) -> tuple[cst.BaseExpression, list[cst.BaseExpression]] | None:
        """``(T, metadata)`` of an annotation, through nested ``Annotated`` and the
        module's aliases; None when an alias from elsewhere may carry metadata."""
        if depth > 10:
            return None
        parts = annotated_parts(annotation, self.names)
        if parts is not None:
            inner = self._expand(parts[0], depth + 1)
            if inner is None:
                return None
            return inner[0], [*inner[1], *parts[1]]
        if isinstance(annotation, (cst.Name, cst.Attribute)):
            value = self._assigned(annotation)
            if value is not None:
                return self._expand(value, depth + 1)
        return annotation, []

    def _imported_alias_names(self, annotation: cst.BaseExpression) -> frozenset[str] | None:
        """Names consumed through the project alias an annotation ends in (after the
        module's own aliases); empty for a plain type, None when unknown."""
        expanded = self._expand(annotation, depth=0)
        if expanded is None:
            return None
        written = self._written(expanded[0])
        alias = self.imported.alias(written) if written is not None else None
        if written is None or alias is None:
            return frozenset()
        if written.split(".", 1)[0] in self.ambiguous:
            return None  # bound to an alias, and to something else too
        return self.imported.alias_names(alias)

    def _written(self, node: cst.BaseExpression) -> str | None:
        """The dotted name ``node`` is, as written, unless a local definition binds it."""
        if not isinstance(node, (cst.Name, cst.Attribute)):
            return None
        written = dotted_name(node)
        if written is None or written.split(".", 1)[0] in self.assignments:
            return None
        if written.split(".", 1)[0] in self.ambiguous:
            return written  # the callers decide: unknown when it may be an import
        qualified = self.names(node)
        if not qualified or any("<locals>" in name for name in qualified):
            return None  # shadowed in an enclosing function, or unbound
        return written

    def _assigned(self, node: cst.BaseExpression) -> cst.BaseExpression | None:
        """The value a module-level constant ``node`` names."""
        return self.assignments.get(node.value) if isinstance(node, cst.Name) else None

    def _marker_call(self, node: cst.BaseExpression) -> cst.Call | None:
        value = self._assigned(node) or node
        if isinstance(value, cst.Call) and parameter_marker(value, self.names) is not None:
            return value
        return None

    def callable_names(
        self, expression: cst.BaseExpression | None, module: cst.Module, seen: frozenset[int]
    ) -> frozenset[str] | None:
        """Names a dependency callable consumes; None when it is not known here."""
        if expression is None:
            return None
        is_local = isinstance(expression, cst.Name) and (
            expression.value in self.definitions or expression.value in self.instances
        )
        if not is_local:
            return self._imported_callable_names(expression)
        assert isinstance(expression, cst.Name)
        name = expression.value
        instance = self.instances.get(name)
        if instance is not None:
            method = _method(instance, "__call__")
            if method is None:
                return None
            return self._function_names(method, module, seen, skip_first=True)
        target = self.definitions.get(name)
        if isinstance(target, cst.FunctionDef):
            return self._function_names(target, module, seen, skip_first=False)
        if isinstance(target, cst.ClassDef):
            init = _method(target, "__init__")
            if init is not None:
                return self._function_names(init, module, seen, skip_first=True)
            # No __init__: FastAPI sees the inherited or generated one (dataclass, model).
            plain = not target.bases and not target.decorators
            return frozenset() if plain else None
        return None

    def _imported_callable_names(self, expression: cst.BaseExpression) -> frozenset[str] | None:
        written = self._written(expression)
        if written is None or written.split(".", 1)[0] in self.ambiguous:
            return None
        return self.imported.callable_names(written)

    def _function_names(
        self,
        function: cst.FunctionDef,
        module: cst.Module,
        seen: frozenset[int],
        *,
        skip_first: bool,
    ) -> frozenset[str] | None:
        if id(function) in seen:
            return frozenset()
        return self.consumed_names(
            function.params,
            function.body,
            module,
            skip_first=skip_first,
            seen=seen | {id(function)},
        )

    def _reads_path_params(
        self, param: cst.Param, body: cst.CSTNode | None, module: cst.Module
    ) -> bool:
        assert param.annotation is not None
        annotation = param.annotation.annotation
        if self.names(annotation).isdisjoint(CONNECTION_TYPES):
            return False
        return body is None or "path_params" in module.code_for_node(body)


def _method(node: cst.ClassDef, name: str) -> cst.FunctionDef | None:
    for statement in node.body.body:
        if isinstance(statement, cst.FunctionDef) and statement.name.value == name:
            return statement
    return None


def _simple_assignments(
    statement: cst.BaseStatement,
) -> Iterable[tuple[str, cst.BaseExpression | None]]:
    if not isinstance(statement, cst.SimpleStatementLine):
        return
    for small in statement.body:
        if isinstance(small, cst.Assign):
            for target in small.targets:
                if isinstance(target.target, cst.Name):
                    yield target.target.value, small.value
        elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
            yield small.target.value, small.value
