"""FastAPI semantics, answered once for every rule (like ruff's route helpers).

- *FastAPI module*: the module imports from ``fastapi`` or ``starlette``. Flask also has
  ``@app.get``; a module that imports neither has no routes.
- *App*: a name bound to ``FastAPI(...)``/``APIRouter(...)`` in the module (at module
  level, or earlier in the same function for router factories), or any imported name
  in a FastAPI module (``from .main import app``).
- *Route handler*: a function decorated with ``@app.get/.post/.put/.patch/.delete/
  .options/.head/.trace/.api_route/.websocket(...)`` or registered with
  ``app.add_api_route(path, f)`` / ``app.add_api_websocket_route(path, f)`` at module
  level.
- *Dependency*: a function referenced by ``Depends(f)`` / ``Security(f)``. References
  are found by a text scan of every file in the run (``ProjectIndex``), so a
  dependency defined in ``deps.py`` and used in ``routes.py`` is known in both; the
  scan matches the last name of the reference (``Depends(deps.get_db)`` → ``get_db``)
  against functions defined in the module. A class referenced so has its ``__init__``
  and ``__call__`` treated as dependencies.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

import libcst as cst

from fastapi_rules_lint.core.annotations import Qualifier, is_dict_type, unwrap_annotation
from fastapi_rules_lint.core.names import BindingTable, dotted_name, resolve
from fastapi_rules_lint.core.project_scan import (
    constructors_with_responses,
    handled_exception_names,
    routers_included_with_responses,
)

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
DEPENDENCY_MARKERS = frozenset(
    {"fastapi.Depends", "fastapi.Security", "fastapi.params.Depends", "fastapi.params.Security"}
)

_DEPENDENCY_REFERENCE = re.compile(
    r"\b(?:Depends|Security)\(\s*(?:dependency\s*=\s*)?([A-Za-z_][\w.]*)"
)


# `Depends()` without a callable depends on the annotated class: `p: Paginator = Depends()`
# or `Annotated[Paginator, Depends()]`.
_CLASS_DEPENDENCY = re.compile(
    r":\s*([A-Za-z_][\w.]*)\s*=\s*(?:[\w.]+\.)?(?:Depends|Security)\(\s*\)"
    r"|\bAnnotated\[\s*([A-Za-z_][\w.]*)\s*,\s*(?:[\w.]+\.)?(?:Depends|Security)\(\s*\)"
)


def dependency_references(source: str) -> frozenset[str]:
    """Last names of the callables referenced by ``Depends(...)``/``Security(...)``, and
    of the classes annotated on a ``Depends()`` without one."""
    found = {match.rsplit(".", 1)[-1] for match in _DEPENDENCY_REFERENCE.findall(source)}
    for default_form, annotated_form in _CLASS_DEPENDENCY.findall(source):
        found.add((default_form or annotated_form).rsplit(".", 1)[-1])
    return frozenset(found)


_ANNOTATED_ALIAS = re.compile(
    r"^[ \t]*(?:type[ \t]+)?([A-Za-z_]\w*)[ \t]*(?::[^=\n]*)?=[ \t]*(?:[\w.]+\.)?Annotated\[",
    re.MULTILINE,
)


def annotated_aliases(source: str) -> frozenset[str]:
    """Names assigned an ``Annotated[...]`` type (``ItemDep = Annotated[Item,
    Depends(get_item)]``): imported elsewhere, such an alias may carry a marker."""
    if "Annotated[" not in source:
        return frozenset()
    return frozenset(_ANNOTATED_ALIAS.findall(source))


@dataclass(frozen=True)
class ProjectIndex:
    """Facts gathered across all files of a run before any file is linted."""

    dependency_names: frozenset[str] = frozenset()
    handled_exceptions: frozenset[str] = frozenset()
    """Last names of exception classes some file registers an exception handler for."""
    routers_with_responses: frozenset[str] = frozenset()
    """Last names of routers some file includes with ``include_router(..., responses=)``."""
    constructors_with_responses: int = 0
    """How many ``FastAPI(...)``/``APIRouter(...)`` calls pass ``responses=``."""
    annotated_aliases: frozenset[str] = frozenset()
    """Names some file binds to an ``Annotated[...]`` type (see ``annotated_aliases``)."""

    @classmethod
    def from_sources(cls, sources: Iterable[str]) -> ProjectIndex:
        """Scan the texts of every file in the run."""
        names: set[str] = set()
        handled: set[str] = set()
        routers: set[str] = set()
        constructors = 0
        aliases: set[str] = set()
        for source in sources:
            if "Depends" in source or "Security" in source:
                names |= dependency_references(source)
            aliases |= annotated_aliases(source)
            handled |= handled_exception_names(source)
            routers |= routers_included_with_responses(source)
            constructors += constructors_with_responses(source)
        return cls(
            frozenset(names), frozenset(handled), frozenset(routers), constructors,
            annotated_aliases=frozenset(aliases),
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
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


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
    project: ProjectIndex = field(default_factory=lambda: ProjectIndex())
    """The run's cross-file facts (see ``ProjectIndex``)."""
    own: ProjectIndex = field(default_factory=lambda: ProjectIndex())
    """The same facts scanned from this module's text alone (also when linted alone)."""
    include_calls: dict[str, list[cst.Call]] = field(default_factory=dict)
    """Router name → the module-level ``X.include_router(router, ...)`` calls including it."""

    def is_app_name(self, name: str, local_apps: Iterable[str] = ()) -> bool:
        """True when ``name`` names a FastAPI app or router in this module."""
        if not self.uses_fastapi:
            return False
        return name in self.apps or name in self.imported_names or name in local_apps


def is_app_constructor(call: cst.Call, table: BindingTable) -> bool:
    """True for ``FastAPI(...)``/``APIRouter(...)`` resolved through imports."""
    return not resolve(call.func, table).isdisjoint(APP_CONSTRUCTORS)


def analyse_module(
    module: cst.Module, table: BindingTable, source: str, project: ProjectIndex
) -> FastAPIModule:
    """Collect the module's apps, registrations and dependencies from its top level."""
    uses_fastapi = table.imports_module("fastapi", "starlette")
    facts = FastAPIModule(uses_fastapi=uses_fastapi)
    if not uses_fastapi:
        return facts
    facts.imported_names = frozenset(
        name for name, bound in table.bindings.items() if "<local>" not in bound
    )
    facts.dependency_names = project.dependency_names | dependency_references(source)
    facts.project = project
    facts.own = ProjectIndex.from_sources((source,))
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            _collect_app(small, table, facts)
            if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
                _collect_registration(small.value, facts)
                _collect_include(small.value, facts)
    return facts


def _collect_app(small: cst.BaseSmallStatement, table: BindingTable, facts: FastAPIModule) -> None:
    value: cst.BaseExpression | None = None
    targets: list[cst.BaseExpression] = []
    if isinstance(small, cst.Assign):
        value = small.value
        targets = [target.target for target in small.targets]
    elif isinstance(small, cst.AnnAssign) and small.value is not None:
        value = small.value
        targets = [small.target]
    if isinstance(value, cst.Call) and is_app_constructor(value, table):
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


# --- where a handler parameter comes from -----------------------------------------
PARAMETER_MARKER_NAMES = frozenset(
    {"Depends", "Security", "Query", "Header", "Cookie", "Path", "Form", "File", "Body"}
)
_MARKER_MODULES = ("fastapi", "fastapi.params", "fastapi.param_functions")
_PATH_PARAMETER = re.compile(r"{([A-Za-z_]\w*)(?::[^}]*)?}")


def parameter_marker(expression: cst.BaseExpression, names: Qualifier) -> str | None:
    """``"Query"`` for ``Query(...)`` (``fastapi``, ``fastapi.params``,
    ``fastapi.param_functions``): the FastAPI marker a call builds, else None."""
    if not isinstance(expression, cst.Call):
        return None
    for qualified in names(expression.func):
        module, _, marker = qualified.rpartition(".")
        if module in _MARKER_MODULES and marker in PARAMETER_MARKER_NAMES:
            return marker
    return None


def path_parameter_names(routes: Iterable[Route]) -> frozenset[str]:
    """The ``{name}``/``{name:path}`` placeholders of the routes' literal paths."""
    return frozenset(
        name for route in routes if route.path for name in _PATH_PARAMETER.findall(route.path)
    )


def is_body_parameter(param: cst.Param, routes: Iterable[Route], names: Qualifier) -> bool:
    """True when FastAPI surely reads handler parameter ``param`` from the request body.

    Conservative: an explicit ``Body()`` (as default or ``Annotated`` metadata), or a
    dict-like annotation with no other marker on a parameter that is not in the path.
    Other unmarked types (models, lists) are body or query depending on what they
    are, which this does not decide: False. So is a default or ``Annotated`` metadata
    that may hide a marker (``Annotated[dict, CurrentUser]``, ``= deps[0]``).
    """
    if param.star in {"*", "**"} or param.annotation is None:
        return False
    _, metadata = unwrap_annotation(param.annotation.annotation, names)
    candidates = (*metadata, *((param.default,) if param.default is not None else ()))
    markers = {parameter_marker(candidate, names) for candidate in candidates} - {None}
    if markers:
        return markers == {"Body"}
    if param.name.value in path_parameter_names(routes):
        return False
    if not all(_is_inert(candidate, names) for candidate in candidates):
        return False
    return is_dict_type(param.annotation.annotation, names)


_INERT_MODULES = ("pydantic", "annotated_types", "typing", "typing_extensions", "dataclasses")


def _is_inert(node: cst.BaseExpression, names: Qualifier) -> bool:
    """A literal or a call into a library that cannot build a FastAPI marker."""
    if isinstance(node, cst.Call):
        return any(
            qualified.split(".", 1)[0] in _INERT_MODULES for qualified in names(node.func)
        )
    if isinstance(node, cst.Name):
        return node.value in {"None", "True", "False"}
    return isinstance(
        node,
        (
            cst.BaseNumber,
            cst.BaseString,
            cst.Ellipsis,
            cst.Dict,
            cst.List,
            cst.Tuple,
            cst.Set,
            cst.UnaryOperation,
        ),
    )
