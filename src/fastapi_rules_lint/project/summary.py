"""Module summaries: what other modules may need to know about one module, as plain data.

A summary is a function of the module's text alone (never of its path or of other
modules), so it is cached by content hash and made once per version of a file. Names
are kept *as written* (``deps.get_db``, ``..routing.APIRouter``); the project model
(``project.model``) resolves them once it knows every module.

Summaries are made with CPython's ``ast``: it parses an order of magnitude faster than
LibCST, so summarising every file of a project costs a small fraction of linting it,
and a run given one file can summarise the files it was not given. A module ``ast``
rejects (syntax this Python does not know) has an empty summary: its facts are unknown,
and rules stay silent on unknowns.
"""

from __future__ import annotations

from dataclasses import dataclass

SUMMARY_FORMAT = 5
"""Bumped whenever the shape or meaning of a summary changes (cache key)."""


@dataclass(frozen=True)
class Marker:
    """A FastAPI marker call found in ``Annotated[...]`` metadata or a default:
    ``Depends(get_db)`` is ``Marker("Depends", "get_db")``."""

    callee: str
    """The marker's callee as written (``Depends``, ``fastapi.Path``)."""
    dependency: str | None = None
    """For ``Depends(f)``/``Security(f)``: ``f`` as written; None when absent or not a name."""
    has_alias: bool = False
    """The marker passes ``alias=``/``validation_alias=`` (the name FastAPI reads differs)."""


@dataclass(frozen=True)
class Annotation:
    """A type annotation or ``Annotated`` alias, reduced to what rules resolve."""

    head: str | None
    """The type as written when it is a name (``Session``, ``models.User``), else None."""
    metadata: tuple[Marker, ...] = ()
    """Calls in ``Annotated[...]`` metadata (FastAPI markers and anything else)."""
    is_annotated: bool = False
    opaque_metadata: bool = False
    """``Annotated`` metadata that is not a call (a name: maybe an imported marker)."""
    generic: str | None = None
    """For a subscripted type (``Iterator[Session]``): the subscripted name as written."""
    args: tuple[str | None, ...] = ()
    """...and its arguments, each as written when it is a name (else None)."""


@dataclass(frozen=True)
class Param:
    """One parameter of a function."""

    name: str
    annotation: Annotation | None = None
    default: Marker | None = None
    """The default when it is a call (``= Depends(f)``, ``= Query(10)``)."""
    is_variadic: bool = False


@dataclass(frozen=True)
class Call:
    """A call made in a function body (nested functions excluded)."""

    callee: str
    """The callee as written (``requests.get``, ``db.query``, ``helper``)."""
    line: int
    receiver_annotation: str | None = None
    """When the callee's head is a parameter annotated with a name: that name."""
    is_local_head: bool = False
    """The callee's head is a parameter or a local variable of the function."""
    is_awaited: bool = False


@dataclass(frozen=True)
class Function:
    """A module-level function or a method."""

    name: str
    line: int
    is_async: bool
    params: tuple[Param, ...]
    returns: Annotation | None
    decorators: tuple[str, ...]
    """Decorators as written, calls reduced to their callee (``router.get``)."""
    awaits: bool
    """Its own body has ``await``, ``async for`` or ``async with``."""
    calls: tuple[Call, ...]
    path_params_read: tuple[str, ...] = ()
    """Literal keys read from ``<x>.path_params[...]`` / ``.path_params.get(...)``."""
    reads_any_path_param: bool = False
    """Reads ``path_params`` with a key that is not a literal, or hands its request
    (a parameter annotated ``Request``/``HTTPConnection``/``WebSocket``) to another
    call that may read them: it may consume any path parameter."""
    returned_calls: tuple[str, ...] = ()
    """Callees of ``return f(...)`` statements."""
    returned_names: tuple[str, ...] = ()
    """Names returned by ``return X``."""
    local_classes: tuple[Class, ...] = ()
    """Classes defined directly in the body (class factories)."""
    decorator_calls: tuple[str, ...] = ()
    """Decorator callees with their first argument: ``controller(router)`` is
    ``controller:router``."""
    is_generator: bool = False
    """Its own body has ``yield`` (calling it runs nothing)."""


@dataclass(frozen=True)
class Class:
    """A class and its methods."""

    name: str
    line: int
    bases: tuple[str, ...]
    """Bases as written (calls and subscripts reduced to their head)."""
    methods: tuple[Function, ...] = ()
    decorators: tuple[str, ...] = ()
    decorator_calls: tuple[str, ...] = ()


@dataclass(frozen=True)
class Assignment:
    """A module-level ``NAME = value`` (or annotated / ``type`` alias)."""

    name: str
    line: int
    call: str | None = None
    """The callee when the value is a call (``router = APIRouter(...)``)."""
    keywords: tuple[tuple[str, str], ...] = ()
    """Literal-ish keyword arguments of that call: ``("openapi_url", "None")``,
    ``("include_in_schema", "False")``, ``("responses", "{...}")``, ``("prefix", "/x")``."""
    response_codes: tuple[int, ...] | None = ()
    """Status codes the call's ``responses=`` documents; None when they cannot be read."""
    alias_of: str | None = None
    """The value when it is a plain name (``X = SomeRouter``)."""
    annotated: Annotation | None = None
    """The value when it is ``Annotated[...]``."""


@dataclass(frozen=True)
class Include:
    """``owner.include_router(router, prefix=..., responses=..., ...)``."""

    owner: str
    router: str
    line: int
    prefix: str | None = None
    response_codes: tuple[int, ...] | None = ()
    """Status codes its ``responses=`` documents; None when they cannot be read."""
    include_in_schema: bool = True
    dependencies: tuple[str, ...] = ()
    """Dependencies given with ``dependencies=[Depends(f)]``, ``f`` as written."""
    is_prefix_known: bool = True
    """False when ``prefix=`` is not a string literal (or ``**kwargs`` may hold one)."""
    is_conditional: bool = False
    """Made inside a module-level block (``if``, ``try``, ``with``, a loop): may not run."""


@dataclass(frozen=True)
class RouteRegistration:
    """A route registered when the module runs: ``@owner.get(path)`` (any route
    decorator) on a module-level function or a method, or a module-level
    ``owner.add_api_route(path, endpoint)`` / ``add_api_websocket_route``."""

    owner: str
    """The app or router as written (a name or dotted name)."""
    kind: str
    """The decorator or method: ``get``, ``api_route``, ``websocket``, ``add_api_route``."""
    path: str | None
    """The path when it is a string literal."""
    methods: tuple[str, ...] | None
    """Upper-case methods (``("WEBSOCKET",)`` for websockets); None when not literal."""
    line: int
    """The line of the decorator or of the call."""
    endpoint: str | None
    """The decorated function's name, or the ``endpoint`` argument as written."""
    is_conditional: bool = False
    """Made inside a module-level block (``if``, ``try``, ``with``, a loop): may not run."""


@dataclass(frozen=True)
class Import:
    """One binding made by an import: ``bound`` → ``target``.

    ``target`` is dotted; relative imports keep their leading dots (``..deps.get_db``)."""

    bound: str
    target: str
    is_module: bool = False
    """``import a.b`` / ``import a.b as c`` (the target is a module, not a member)."""


@dataclass(frozen=True)
class ModuleSummary:
    """Everything other modules may ask of one module."""

    imports: tuple[Import, ...] = ()
    star_imports: tuple[str, ...] = ()
    """Modules imported with ``from x import *``."""
    defined: tuple[str, ...] = ()
    """Names defined at module level (def, class, assignment) in any branch."""
    functions: tuple[Function, ...] = ()
    classes: tuple[Class, ...] = ()
    assignments: tuple[Assignment, ...] = ()
    includes: tuple[Include, ...] = ()
    routes: tuple[RouteRegistration, ...] = ()
    """Route registrations, in line order (see ``RouteRegistration``)."""
    dependency_references: tuple[str, ...] = ()
    """Every ``Depends(f)``/``Security(f)`` target as written, anywhere in the module;
    and the annotated class of a bare ``Depends()`` (``p: Pager = Depends()``)."""
    exception_handlers: tuple[str, ...] = ()
    """Exception classes handlers are registered for, as written."""
    called: tuple[str, ...] = ()
    """Every callee as written, anywhere in the module (for "is it called anywhere?")."""
    awaited: tuple[str, ...] = ()
    """Callees of ``await f(...)``, anywhere in the module."""
    route_decorators: int = 0
    """``@<x>.<http method>(`` decorators: an independent count for measurements."""
    is_parsed: bool = True
    """False when ``ast`` could not parse the module (every fact unknown)."""
