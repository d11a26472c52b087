"""The route registrations of a module, for its summary (``summary.RouteRegistration``).

Only registrations that run when the module is imported: decorators of module-level
functions and of methods of module-level classes (a class body runs at import), and
module-level ``add_api_route`` calls. Registrations inside functions belong to
whoever calls the function (a factory builds a new router each time) and are left out.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from fastapi_rules_lint.project.ast_blocks import blocks, chain
from fastapi_rules_lint.project.summary import RouteRegistration

_HTTP_DECORATORS = frozenset({"get", "post", "put", "patch", "delete", "options", "head", "trace"})
_DECORATORS = _HTTP_DECORATORS | {"api_route", "websocket"}
_REGISTRATIONS = frozenset({"add_api_route", "add_api_websocket_route"})
_WEBSOCKETS = frozenset({"websocket", "add_api_websocket_route"})


def route_registrations(body: list[ast.stmt]) -> tuple[RouteRegistration, ...]:
    """Every registration of a module's body, in line order."""
    found = list(_statements(body, is_conditional=False))
    return tuple(sorted(found, key=lambda route: route.line))


def _statements(body: list[ast.stmt], *, is_conditional: bool) -> Iterator[RouteRegistration]:
    for statement in body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield from _decorated(statement, is_conditional)
        elif isinstance(statement, ast.ClassDef):
            for member in statement.body:
                if isinstance(member, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    yield from _decorated(member, is_conditional)
        elif isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
            call = statement.value
            if isinstance(call.func, ast.Attribute) and call.func.attr in _REGISTRATIONS:
                endpoint = _argument(call, "endpoint", 1)
                route = _route(call, call.func, is_conditional)
                if route is not None:
                    yield _with_endpoint(route, chain(endpoint) if endpoint else None)
        else:
            for block in blocks(statement):
                yield from _statements(block, is_conditional=True)


def _decorated(
    function: ast.FunctionDef | ast.AsyncFunctionDef, is_conditional: bool
) -> Iterator[RouteRegistration]:
    for decorator in function.decorator_list:
        if (
            isinstance(decorator, ast.Call)
            and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr in _DECORATORS
        ):
            route = _route(decorator, decorator.func, is_conditional)
            if route is not None:
                yield _with_endpoint(route, function.name)


def _route(call: ast.Call, func: ast.Attribute, is_conditional: bool) -> RouteRegistration | None:
    owner = chain(func.value)
    if owner is None:
        return None
    path = _argument(call, "path", 0)
    return RouteRegistration(
        owner=owner,
        kind=func.attr,
        path=path.value if isinstance(path, ast.Constant) and isinstance(path.value, str) else None,
        methods=_methods(func.attr, call),
        line=call.lineno,
        endpoint=None,
        is_conditional=is_conditional,
    )


def _with_endpoint(route: RouteRegistration, endpoint: str | None) -> RouteRegistration:
    return RouteRegistration(
        route.owner,
        route.kind,
        route.path,
        route.methods,
        route.line,
        endpoint,
        route.is_conditional,
    )


def _methods(kind: str, call: ast.Call) -> tuple[str, ...] | None:
    if kind in _WEBSOCKETS:
        return ("WEBSOCKET",)
    if kind in _HTTP_DECORATORS:
        return (kind.upper(),)
    if any(keyword.arg is None for keyword in call.keywords):
        return None  # `**options` may hold `methods=`
    value = next((k.value for k in call.keywords if k.arg == "methods"), None)
    if value is None:
        return ("GET",)  # FastAPI's default for `api_route` / `add_api_route`
    if not isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        return None
    methods: list[str] = []
    for element in value.elts:
        if not (isinstance(element, ast.Constant) and isinstance(element.value, str)):
            return None
        methods.append(element.value.upper())
    return tuple(dict.fromkeys(methods))


def _argument(call: ast.Call, keyword: str, position: int) -> ast.expr | None:
    """The argument given as ``keyword=`` or at ``position`` (unknown after ``*args``)."""
    for given in call.keywords:
        if given.arg == keyword:
            return given.value
    for index, arg in enumerate(call.args):
        if isinstance(arg, ast.Starred):
            return None
        if index == position:
            return arg
    return None
