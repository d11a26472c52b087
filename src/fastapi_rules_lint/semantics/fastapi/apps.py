"""FastAPI semantics, answered once for every rule (like ruff's route helpers).

- *FastAPI module*: the module imports from ``fastapi`` or ``starlette``. Flask also has
  ``@app.get``; a module that imports neither has no routes.
- *App*: a name bound to ``FastAPI(...)``/``APIRouter(...)`` in the module (at module
  level, or earlier in the same function for router factories) — or to a call of
  anything the project model knows builds one: a subclass of either defined anywhere in
  the project, a factory function returning one, a class returned by a class factory
  (``APIRouter = make_router_class(...)``) — or any imported name in a FastAPI module
  (``from .main import app``).
- *Route handler*: a function decorated with ``@app.get/.post/.put/.patch/.delete/
  .options/.head/.trace/.api_route/.websocket(...)`` or registered with
  ``app.add_api_route(path, f)`` / ``app.add_api_websocket_route(path, f)`` at module
  level.
- *Dependency*: a function referenced by ``Depends(f)`` / ``Security(f)`` anywhere in
  the project (in signatures, ``Annotated`` aliases, ``dependencies=[...]``), resolved
  through imports by the project model, so a dependency defined in ``deps.py`` and used
  in ``routes.py`` is known in both, whichever files a run is given. A class referenced
  so has its ``__init__`` and ``__call__`` treated as dependencies.

Handler parameters are in ``params``, route-level questions (status codes, documented
responses) in ``routes``; what other modules say comes from the module's
``project.view.ModuleView``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

import libcst as cst

from fastapi_rules_lint.project.view import ModuleView
from fastapi_rules_lint.semantics.python.literals import string_literal
from fastapi_rules_lint.semantics.python.names import BindingTable, dotted_name, resolve

ROUTE_METHODS = frozenset(
    {"get", "post", "put", "patch", "delete", "options", "head", "trace", "api_route", "websocket"}
)
REGISTRATION_METHODS = frozenset({"add_api_route", "add_api_websocket_route"})
APP_CONSTRUCTORS = frozenset(
    {
        "fastapi.FastAPI",
        "fastapi.applications.FastAPI",
        "fastapi.APIRouter",
        "fastapi.routing.APIRouter",
    }
)
@dataclass(frozen=True)
class Route:
    """One registration of a route handler."""

    owner: str
    """The app or router name (``app``, ``router``)."""
    kind: str
    """The decorator or registration method: ``get``, ``api_route``, ``add_api_route``."""
    call: cst.Call
    """The decorator call or the ``add_api_route(...)`` call."""
    path: str | None
    path_node: cst.BaseExpression | None
    methods: tuple[str, ...]
    """Upper-case HTTP methods; ``("WEBSOCKET",)`` for websocket routes."""
    decorator: cst.Decorator | None = None

    @property
    def is_websocket(self) -> bool:
        """True for websocket routes, which have no HTTP response."""
        return self.methods == ("WEBSOCKET",)


def string_value(node: cst.BaseExpression | None) -> str | None:
    """The value of a plain (or implicitly concatenated) string literal."""
    return string_literal(node)


def argument(call: cst.Call, keyword: str, position: int | None = None) -> cst.Arg | None:
    """The argument passed as ``keyword=`` or, when given, at ``position``."""
    positional = 0
    for arg in call.args:
        if arg.keyword is not None:
            if arg.keyword.value == keyword:
                return arg
        elif arg.star:
            # After `*args` positions are unknowable; keywords may still follow.
            position = None
        else:
            if position is not None and positional == position:
                return arg
            positional += 1
    return None


def _route_methods(kind: str, call: cst.Call) -> tuple[str, ...]:
    if kind in {"websocket", "add_api_websocket_route"}:
        return ("WEBSOCKET",)
    if kind in {"api_route", "add_api_route"}:
        methods_arg = argument(call, "methods")
        if methods_arg is None:
            return ("GET",)
        value = methods_arg.value
        if isinstance(value, (cst.List, cst.Tuple, cst.Set)):
            found = tuple(
                text.upper()
                for element in value.elements
                if (text := string_value(element.value)) is not None
            )
            return found
        return ()
    return (kind.upper(),)


def route_from_call(
    call: cst.Call, app_names: Collection[str], *, registration: bool
) -> Route | None:
    """A ``Route`` when ``call`` is ``app.<method>(path, ...)`` on a known app."""
    func = call.func
    if not isinstance(func, cst.Attribute):
        return None
    kind = func.attr.value
    if kind not in (REGISTRATION_METHODS if registration else ROUTE_METHODS):
        return None
    owner = dotted_name(func.value)
    if owner is None or owner not in app_names:
        return None
    path_arg = argument(call, "path", 0)
    path_node = path_arg.value if path_arg is not None else None
    return Route(
        owner=owner,
        kind=kind,
        call=call,
        path=string_value(path_node),
        path_node=path_node,
        methods=_route_methods(kind, call),
    )


@dataclass
class FastAPIModule:
    """Module-level FastAPI facts, computed before the traversal."""

    uses_fastapi: bool
    apps: dict[str, cst.Call] = field(default_factory=dict)
    """Module-level app/router names and the constructor call that built each."""
    imported_names: frozenset[str] = frozenset()
    registrations: dict[str, list[Route]] = field(default_factory=dict)
    """Function name → its ``add_api_route`` registrations."""
    dependency_names: frozenset[str] = frozenset()
    """Top-level names of this module used as dependencies (``get_db``, ``Checker``)."""
    view: ModuleView = field(default_factory=ModuleView)
    """What the project knows, as seen from this module."""
    include_calls: dict[str, list[cst.Call]] = field(default_factory=dict)
    """Router name → the module-level ``X.include_router(router, ...)`` calls including it."""

    def is_app_name(self, name: str, local_apps: Iterable[str] = ()) -> bool:
        """True when ``name`` names a FastAPI app or router in this module."""
        if not self.uses_fastapi:
            return False
        return name in self.apps or name in self.imported_names or name in local_apps


def is_app_constructor(
    call: cst.Call, table: BindingTable, view: ModuleView | None = None
) -> bool:
    """True for ``FastAPI(...)``/``APIRouter(...)`` resolved through imports, or a call of
    a project class or factory that builds one (``view``)."""
    if not resolve(call.func, table).isdisjoint(APP_CONSTRUCTORS):
        return True
    name = dotted_name(call.func) if view is not None else None
    return name is not None and view is not None and view.canonical(name) in view.router_classes


def analyse_module(module: cst.Module, table: BindingTable, view: ModuleView) -> FastAPIModule:
    """Collect the module's apps, registrations and dependencies from its top level."""
    # A module that builds routes on a project router (`router = AirflowRouter()`)
    # need not import FastAPI itself.
    uses_fastapi = table.imports_module("fastapi", "starlette") or bool(view.router_classes)
    facts = FastAPIModule(uses_fastapi=uses_fastapi, view=view)
    if not uses_fastapi:
        return facts
    facts.imported_names = frozenset(
        name for name, bound in table.bindings.items() if "<local>" not in bound
    )
    prefix = f"{view.module.name}." if view.module is not None else ""
    facts.dependency_names = frozenset(
        name.removeprefix(prefix) for name in view.dependencies if name.startswith(prefix)
    ) | view.local_dependency_names
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            _collect_app(small, table, facts, view)
            if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
                _collect_registration(small.value, facts)
                _collect_include(small.value, facts)
    return facts


def _collect_app(
    small: cst.BaseSmallStatement, table: BindingTable, facts: FastAPIModule, view: ModuleView
) -> None:
    value: cst.BaseExpression | None = None
    targets: list[cst.BaseExpression] = []
    if isinstance(small, cst.Assign):
        value = small.value
        targets = [target.target for target in small.targets]
    elif isinstance(small, cst.AnnAssign) and small.value is not None:
        value = small.value
        targets = [small.target]
    if isinstance(value, cst.Call) and is_app_constructor(value, table, view):
        for target in targets:
            if isinstance(target, cst.Name):
                facts.apps[target.value] = value


def _collect_registration(call: cst.Call, facts: FastAPIModule) -> None:
    route = route_from_call(call, facts.apps.keys() | facts.imported_names, registration=True)
    if route is None:
        return
    endpoint = argument(call, "endpoint", 1)
    if endpoint is not None and isinstance(endpoint.value, cst.Name):
        facts.registrations.setdefault(endpoint.value.value, []).append(route)


def _collect_include(call: cst.Call, facts: FastAPIModule) -> None:
    func = call.func
    if not isinstance(func, cst.Attribute) or func.attr.value != "include_router":
        return
    router = argument(call, "router", 0)
    name = dotted_name(router.value) if router is not None else None
    if name is not None:
        facts.include_calls.setdefault(name, []).append(call)
