"""Route-level FastAPI questions rules share: what status a call sets, which error
responses a route documents, which app a registration belongs to.

Built on ``apps`` (routes, apps, the project index) and the traversal context; it
lives apart from ``apps`` because it needs ``ModuleContext`` (``context``), which is
built from ``apps``.
"""

from __future__ import annotations

import http

import libcst as cst

from fastapi_rules_lint.semantics.fastapi.apps import (
    APP_CONSTRUCTORS,
    Route,
    argument,
    string_value,
)
from fastapi_rules_lint.semantics.fastapi.context import ModuleContext
from fastapi_rules_lint.semantics.fastapi.http_status import code_of_constant
from fastapi_rules_lint.semantics.python.literals import integer_literal
from fastapi_rules_lint.semantics.python.names import dotted_name

HTTP_EXCEPTIONS = frozenset(
    {
        "fastapi.HTTPException",
        "fastapi.exceptions.HTTPException",
        "starlette.exceptions.HTTPException",
    }
)
STATUS_MODULES = ("fastapi.status", "starlette.status")
_RESPONSE_MODULES = ("fastapi.responses", "starlette.responses")
JSON_RESPONSES = frozenset(
    f"{module}.{name}"
    for module in _RESPONSE_MODULES
    for name in ("JSONResponse", "ORJSONResponse", "UJSONResponse")
) | {"fastapi.JSONResponse"}


def integer_value(node: cst.BaseExpression) -> int | None:
    """The value of a plain decimal integer literal (``404``, ``1_000``)."""
    return integer_literal(node)


def status_constant_code(node: cst.BaseExpression, context: ModuleContext) -> int | None:
    """404 for ``status.HTTP_404_NOT_FOUND`` (``fastapi.status``/``starlette.status``,
    however imported) and for ``http.HTTPStatus.NOT_FOUND``; None otherwise."""
    for qualified in context.qualified_names(node):
        module, _, name = qualified.rpartition(".")
        if module in STATUS_MODULES:
            code = code_of_constant(name)
            if code is not None:
                return code
        elif module == "http.HTTPStatus" and name in http.HTTPStatus.__members__:
            return http.HTTPStatus[name].value
    return None


def status_code_of(node: cst.BaseExpression, context: ModuleContext) -> int | None:
    """The status code an expression surely denotes: an integer literal or a status
    constant; None when it cannot be known."""
    literal = integer_value(node)
    return literal if literal is not None else status_constant_code(node, context)


def status_argument(call: cst.Call, position: int | None) -> cst.Arg | None:
    """The ``status_code`` argument of a call (``position`` when it may be positional)."""
    return argument(call, "status_code", position)


def is_http_exception(node: cst.BaseExpression, context: ModuleContext) -> bool:
    """True for ``HTTPException`` (FastAPI's or Starlette's) however imported."""
    return context.resolves_to(node, HTTP_EXCEPTIONS)


def is_response_class(node: cst.BaseExpression, context: ModuleContext) -> bool:
    """True for ``Response`` and the ``*Response`` classes of ``fastapi.responses`` and
    ``starlette.responses`` (and their ``fastapi`` re-exports)."""
    for qualified in context.qualified_names(node):
        module, _, name = qualified.rpartition(".")
        if name.endswith("Response") and (module in _RESPONSE_MODULES or module == "fastapi"):
            return True
    return False


# --- documented responses ------------------------------------------------------------
ALL_CODES: frozenset[int] = frozenset(range(100, 600))
_FASTAPI = frozenset({"fastapi.FastAPI", "fastapi.applications.FastAPI"})


def response_codes(value: cst.BaseExpression, context: ModuleContext) -> frozenset[int]:
    """The status codes a ``responses=`` value documents. ``ALL_CODES`` when it cannot
    be read (a variable, ``**spread``, a non-literal key) or when it has a ``"4XX"``
    range or ``"default"`` key, so callers stay silent."""
    if not isinstance(value, cst.Dict):
        return ALL_CODES
    codes: set[int] = set()
    for element in value.elements:
        if not isinstance(element, cst.DictElement):
            return ALL_CODES
        code = status_code_of(element.key, context)
        if code is None:
            text = string_value(element.key)
            if text is None or not text.isdigit():
                return ALL_CODES
            code = int(text)
        codes.add(code)
    return frozenset(codes)


def _keyword_codes(call: cst.Call, context: ModuleContext) -> frozenset[int]:
    arg = argument(call, "responses")
    return response_codes(arg.value, context) if arg is not None else frozenset()


def _owner_codes(owner: str, context: ModuleContext, seen: frozenset[str]) -> frozenset[int]:
    """Codes every route of router ``owner`` inherits: its constructor's ``responses``,
    the ``include_router(owner, responses=...)`` calls of this module and, through
    them, what the including router declares. ``ALL_CODES`` when part is unknowable."""
    facts = context.fastapi
    canonical = facts.view.canonical(owner)
    router = facts.view.routers.get(canonical) if canonical is not None else None
    codes: set[int] = set()
    if router is not None:
        # Inclusions and ancestors anywhere in the project (None: some are unreadable).
        if router.inherited_codes is None or router.declared_codes is None:
            return ALL_CODES
        codes.update(router.inherited_codes, router.declared_codes)
    constructor = facts.apps.get(owner)
    if owner in seen or (constructor is None and router is None):
        return ALL_CODES  # unknown (or a cycle): its responses are unknown
    if constructor is None:
        return frozenset(codes)  # built in another module: the project model read it
    includes = facts.include_calls.get(owner, [])
    codes |= _keyword_codes(constructor, context)
    for include in includes:
        codes |= _keyword_codes(include, context)
        parent = include.func.value if isinstance(include.func, cst.Attribute) else None
        parent_name = dotted_name(parent) if parent is not None else None
        if parent_name is None:
            return ALL_CODES
        codes |= _owner_codes(parent_name, context, seen | {owner})
    return frozenset(codes)


def documented_codes(route: Route, context: ModuleContext) -> frozenset[int]:
    """The status codes a route's OpenAPI operation documents beyond the defaults: its
    own ``responses=`` plus what its router declares (``ALL_CODES`` when unknowable)."""
    own = _keyword_codes(route.call, context)
    if own is ALL_CODES:
        return ALL_CODES
    return own | _owner_codes(route.owner, context, frozenset())


# --- which app or router a registration belongs to ------------------------------------
def owner_scope(
    owner: str, context: ModuleContext, *, in_decorator: bool = False
) -> tuple[int, str]:
    """A key for "registrations on ``owner`` made in this scope": the innermost function
    the registration runs in (``in_decorator``: a decorator of the innermost function,
    which runs in the scope around it) and the owner's name. Registrations made in
    different functions are not compared: each call of a factory builds a new router,
    and a function that registers on a module-level app may never run."""
    frames = context.functions[:-1] if in_decorator else context.functions
    return (id(frames[-1].node) if frames else 0), owner


def is_app_constructor_call(node: cst.BaseExpression, context: ModuleContext) -> bool:
    """True for a ``FastAPI(...)``/``APIRouter(...)`` call resolved through imports."""
    return isinstance(node, cst.Call) and context.resolves_to(node.func, APP_CONSTRUCTORS)


def _is_false(arg: cst.Arg | None) -> bool:
    return arg is not None and isinstance(arg.value, cst.Name) and arg.value.value == "False"


def _is_none(arg: cst.Arg | None) -> bool:
    return arg is not None and isinstance(arg.value, cst.Name) and arg.value.value == "None"


def is_in_schema(route: Route, context: ModuleContext) -> bool:
    """False for a route the OpenAPI schema leaves out: ``include_in_schema=False`` on
    the route, or on its app/router (its constructor or every inclusion of it, in any
    module), or an app built with ``openapi_url=None``; True when unknown."""
    if _is_false(argument(route.call, "include_in_schema")):
        return False
    facts = context.fastapi
    constructor = facts.apps.get(route.owner)
    if constructor is not None and (
        _is_false(argument(constructor, "include_in_schema"))
        or _is_none(argument(constructor, "openapi_url"))
    ):
        return False
    canonical = facts.view.canonical(route.owner)
    router = facts.view.routers.get(canonical) if canonical is not None else None
    return router is None or not router.is_hidden


# --- HTTPException with a status that is not an error (FRL211, FRL207) -----------------
EMPTY_BODY_CODES = frozenset({204, 304})
"""Statuses Starlette's ``HTTPException`` handler answers with an empty body on purpose."""


def is_non_error_exception_status(call: cst.Call, code: int) -> bool:
    """``HTTPException(code, ...)`` (``call``) uses ``code`` for something that is not an
    error by mistake: below 400, except 204/304 (deliberate empty answers) and a 3xx
    with ``headers=`` that may carry a ``Location`` (a redirect from a dependency)."""
    if code >= 400 or code in EMPTY_BODY_CODES:
        return False
    return not (300 <= code < 400 and _may_set_location(call))


def _may_set_location(call: cst.Call) -> bool:
    """``headers=`` is present and not a literal dict known to lack ``Location``."""
    headers = argument(call, "headers", 2)
    if headers is None:
        return False
    value = headers.value
    if not isinstance(value, cst.Dict):
        return True
    for element in value.elements:
        if not isinstance(element, cst.DictElement):
            return True
        key = string_value(element.key)
        if key is None or key.lower() == "location":
            return True
    return False
