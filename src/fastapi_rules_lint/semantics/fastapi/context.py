"""What a rule may ask while the engine walks a module.

The engine keeps context on explicit stacks, pushed by a visitor that runs before every
rule's ``visit_*`` and popped by one that runs after every rule's ``leave_*`` (in a
batched traversal returning ``False`` from ``visit_*`` prunes nothing, and
``ParentNodeProvider`` costs a full extra pass). So inside ``visit_Call`` a rule asks
``self.context.function`` for the innermost enclosing ``def``/``lambda``: a nested sync
``def`` inside an ``async def`` is its own frame, not a reset boolean.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field

import libcst as cst

from fastapi_rules_lint.semantics.fastapi.apps import (
    APP_CONSTRUCTORS,
    FastAPIModule,
    Route,
    route_from_call,
)
from fastapi_rules_lint.semantics.python.names import (
    BindingTable,
    dotted_name,
    import_bindings,
    resolve,
)
from fastapi_rules_lint.semantics.python.signatures import all_params

ABSTRACT_DECORATORS = frozenset({"abc.abstractmethod", "typing.overload"})
_NOTHING: frozenset[str] = frozenset()


@dataclass
class FunctionFrame:
    """An enclosing ``def``, ``async def`` or ``lambda``."""

    node: cst.FunctionDef | cst.Lambda
    class_node: cst.ClassDef | None
    """The class whose body defines this function directly (a method), else None."""
    routes: tuple[Route, ...] = ()
    is_dependency: bool = False
    locals: dict[str, frozenset[str]] = field(default_factory=dict)
    """Parameters (bound to nothing known) and local imports."""
    local_apps: set[str] = field(default_factory=set)

    @property
    def name(self) -> str:
        """The function's name; ``<lambda>`` for lambdas."""
        return self.node.name.value if isinstance(self.node, cst.FunctionDef) else "<lambda>"

    @property
    def is_async(self) -> bool:
        """True for ``async def``."""
        return isinstance(self.node, cst.FunctionDef) and self.node.asynchronous is not None

    @property
    def is_lambda(self) -> bool:
        """True for lambdas."""
        return isinstance(self.node, cst.Lambda)

    @property
    def is_method(self) -> bool:
        """True for functions defined directly in a class body."""
        return self.class_node is not None

    @property
    def is_route(self) -> bool:
        """True for route handlers (decorated or registered with ``add_api_route``)."""
        return bool(self.routes)


class ModuleContext:
    """Facts about the module being linted plus the traversal's stacks."""

    def __init__(
        self,
        module: cst.Module,
        path: str,
        table: BindingTable,
        fastapi: FastAPIModule,
        enabled: frozenset[str] = frozenset(),
    ) -> None:
        self.module = module
        self.enabled = enabled
        """The codes enabled for this file: a fix may follow a style another rule
        enforces (FRL208 writes ``status.*`` keys when FRL207 is on)."""
        self.path = path
        self.table = table
        self.fastapi = fastapi
        self.functions: list[FunctionFrame] = []
        self.classes: list[cst.ClassDef] = []
        self.scopes: list[FunctionFrame | cst.ClassDef] = []
        # The node whose first row is the row a noqa comment must sit on.
        self.anchors: list[cst.CSTNode] = [module]

    # --- questions rules ask -------------------------------------------------------
    @property
    def function(self) -> FunctionFrame | None:
        """The innermost enclosing function or lambda."""
        return self.functions[-1] if self.functions else None

    @property
    def class_(self) -> cst.ClassDef | None:
        """The innermost enclosing class."""
        return self.classes[-1] if self.classes else None

    @property
    def anchor(self) -> cst.CSTNode:
        """The node that owns the current logical line (for ``noqa_row``)."""
        return self.anchors[-1]

    def local_scopes(self) -> Iterator[dict[str, frozenset[str]]]:
        """Local bindings of the enclosing functions, innermost first."""
        for frame in reversed(self.functions):
            yield frame.locals

    def qualified_names(self, node: cst.BaseExpression) -> frozenset[str]:
        """What a Name/Attribute chain refers to, through imports and aliases."""
        # The hottest question rules ask (every Name, for FRL103): `resolve` inlined.
        if isinstance(node, cst.Name):
            head, rest = node.value, ""
        elif isinstance(node, cst.Attribute):
            dotted = dotted_name(node)
            if dotted is None:
                return _NOTHING
            head, _, rest = dotted.partition(".")
        else:
            return _NOTHING
        for frame in reversed(self.functions):
            if head in frame.locals:
                bases = frame.locals[head]
                break
        else:
            bases = self.table.resolve_name(head)
        if not rest:
            return bases
        return frozenset(f"{base}.{rest}" for base in bases)

    def signature_qualified_names(self, node: cst.BaseExpression) -> frozenset[str]:
        """Like ``qualified_names`` for a name in the innermost function's signature or
        decorators, which are evaluated in the enclosing scopes, not the function's own."""
        if not isinstance(node, (cst.Name, cst.Attribute)):
            return frozenset()
        frames = self.functions[:-1]
        return resolve(node, self.table, (frame.locals for frame in reversed(frames)))

    def resolves_to(self, node: cst.BaseExpression, names: frozenset[str] | set[str]) -> bool:
        """True when ``node`` refers to one of ``names`` (qualified)."""
        return not self.qualified_names(node).isdisjoint(names)

    def is_app_name(self, node: cst.BaseExpression) -> bool:
        """True when ``node`` names a FastAPI app or router."""
        name = dotted_name(node)
        if name is None:
            return False
        local_apps = (app for frame in self.functions for app in frame.local_apps)
        return self.fastapi.is_app_name(name, local_apps)

    # --- maintained by the engine ---------------------------------------------------
    def enter_function(self, node: cst.FunctionDef | cst.Lambda) -> FunctionFrame:
        """Push a frame for ``node`` (called before any rule visits it)."""
        innermost = self.scopes[-1] if self.scopes else None
        class_node = (
            innermost
            if isinstance(node, cst.FunctionDef) and isinstance(innermost, cst.ClassDef)
            else None
        )
        frame = FunctionFrame(node=node, class_node=class_node)
        if isinstance(node, cst.FunctionDef):
            frame.routes = self._routes_of(node)
            frame.is_dependency = self._is_dependency(node, class_node)
        for param in all_params(node.params):
            frame.locals[param.name.value] = frozenset()
        self.functions.append(frame)
        self.scopes.append(frame)
        if self.fastapi.uses_fastapi:
            frame.local_apps.update(self._app_parameters(node))
        return frame

    def _app_parameters(self, node: cst.FunctionDef | cst.Lambda) -> Iterator[str]:
        """Parameters annotated as an app or router (``def init_views(app: FastAPI)``):
        routes decorated with them inside the function are routes."""
        view = self.fastapi.view
        for param in all_params(node.params):
            if param.annotation is None:
                continue
            annotation = param.annotation.annotation
            written = dotted_name(annotation)
            is_custom = written is not None and view.canonical(written) in view.router_classes
            if is_custom or not self.signature_qualified_names(annotation).isdisjoint(
                APP_CONSTRUCTORS
            ):
                yield param.name.value

    def leave_function(self) -> None:
        """Pop the innermost function."""
        self.functions.pop()
        self.scopes.pop()

    def enter_class(self, node: cst.ClassDef) -> None:
        """Push a class (called before any rule visits it)."""
        self.classes.append(node)
        self.scopes.append(node)

    def leave_class(self) -> None:
        """Pop the innermost class."""
        self.classes.pop()
        self.scopes.pop()

    def record_local_import(self, node: cst.Import | cst.ImportFrom) -> None:
        """A function-local import binds names in the innermost function."""
        frame = self.function
        if frame is None:
            return
        for bound, qualified in import_bindings(node):
            frame.locals[bound] = frozenset({qualified})

    def record_local_assignment(
        self, targets: list[cst.BaseExpression], value: cst.BaseExpression
    ) -> None:
        """Track routers built inside functions (``router = APIRouter()``)."""
        frame = self.function
        if frame is None or not isinstance(value, cst.Call) or not self.fastapi.uses_fastapi:
            return
        view = self.fastapi.view
        written = dotted_name(value.func)
        is_custom = written is not None and view.canonical(written) in view.router_classes
        if self.resolves_to(value.func, APP_CONSTRUCTORS) or is_custom:
            frame.local_apps.update(t.value for t in targets if isinstance(t, cst.Name))

    def _routes_of(self, node: cst.FunctionDef) -> tuple[Route, ...]:
        facts = self.fastapi
        if not facts.uses_fastapi:
            return ()
        local_apps = {app for frame in self.functions for app in frame.local_apps}
        app_names = facts.apps.keys() | facts.imported_names | local_apps
        routes: list[Route] = []
        for decorator in node.decorators:
            if isinstance(decorator.decorator, cst.Call):
                route = route_from_call(decorator.decorator, app_names, registration=False)
                if route is not None:
                    routes.append(dataclasses.replace(route, decorator=decorator))
        if not self.scopes:
            routes.extend(facts.registrations.get(node.name.value, ()))
        return tuple(routes)

    def _is_dependency(self, node: cst.FunctionDef, class_node: cst.ClassDef | None) -> bool:
        names = self.fastapi.dependency_names
        if not names:
            return False
        if class_node is not None:
            return node.name.value in {"__init__", "__call__"} and class_node.name.value in names
        return node.name.value in names


def is_abstract(node: cst.FunctionDef, context: ModuleContext) -> bool:
    """Decorated ``@abstractmethod`` or ``@overload``."""
    return any(
        context.resolves_to(decorator.decorator, ABSTRACT_DECORATORS)
        for decorator in node.decorators
    )
