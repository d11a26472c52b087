"""FRL209: the same method and path registered twice on the same app or router."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from fastapi_rules_lint.project.routes import route_key, route_pattern
from fastapi_rules_lint.rulebase.rule import Clean, Flagged, Requires, Rule
from fastapi_rules_lint.semantics.fastapi.apps import (
    REGISTRATION_METHODS,
    Route,
    argument,
    route_from_call,
)
from fastapi_rules_lint.semantics.fastapi.routes import owner_scope
from fastapi_rules_lint.semantics.python.branches import BranchPath, BranchTracking, are_exclusive
from fastapi_rules_lint.semantics.python.names import dotted_name

_ITEMS_PROJECT = {
    "app/__init__.py": "",
    "app/routes/__init__.py": "",
    "app/routes/items.py": "from fastapi import APIRouter\n\n"
    'router = APIRouter(prefix="/items")\n\n'
    '@router.get("/{id}")\ndef read_item(id: int) -> None: ...\n',
}


@dataclass(frozen=True)
class _Registration:
    handler: str
    branches: BranchPath


class DuplicateRoute(BranchTracking, Rule):
    """## What it does
    Finds a method and path registered twice on the same app or router in a module:
    decorators (`@app.get`, `@router.post`, `@app.api_route(methods=[...])`,
    `@app.websocket`) and `add_api_route(...)`/`add_api_websocket_route(...)` calls.
    `api_route` methods are compared one by one, and placeholders match whatever
    their names (`/items/{id}` and `/items/{item_id}` are the same route). Reported
    at the later registration.

    Across modules, through the project: routers' `prefix=` and `include_router(...,
    prefix=...)` chains up to each app give every route its full path, and a route an
    earlier one from another module shadows on the same app is reported too (the
    message names the file and line of the first one). Only orders the code fixes
    count: an app's own routes and includes in line order, a router's routes in line
    order; routes registered or included under `if`/`try`/`with`, or added to a router
    after it was included, are never taken as the first one.

    Not reported: different methods on one path, different apps or routers,
    prefixes or paths that are not literal strings (the full path is unknown),
    registrations made in different functions (each call of a router factory builds
    a new router), registrations in alternative branches (`if`/`else`,
    `try`/`except`, `match` cases) or in different `with` blocks (`with
    pytest.raises(...)`), paths that are not literal strings.

    ## Why is this bad?
    Routing takes the first match: the second handler never receives a request, and
    the OpenAPI schema lists the operation twice (with a duplicate `operationId`
    warning). Usually a copy-paste slip or a merge left both versions.

    ## Example
    ```python
    @app.get("/items/{item_id}")
    def read_item(item_id: int): ...

    @app.get("/items/{id}")
    def read_item_v2(id: int): ...
    ```

    ## Use instead
    ```python
    @app.get("/items/{item_id}")
    def read_item(item_id: int): ...

    @app.get("/v2/items/{item_id}")
    def read_item_v2(item_id: int): ...
    ```

    ## Fix safety
    No fix: which handler should stay needs a human.
    """

    code = "FRL209"
    name = "duplicate-route"
    message = (
        "`{method} {path}` is already registered on `{owner}` by `{first}`{where}; "
        "this route never runs"
    )
    summary = "The same method and path registered twice on one app or router"
    requires = Requires.FASTAPI
    examples = (
        Clean(
            "from fastapi import FastAPI\n\napp = FastAPI()\n\n"
            '@app.get("/items")\ndef list_items() -> list[str]:\n    return []\n\n'
            '@app.post("/items")\ndef create_item() -> None: ...\n\n'
            '@app.get("/items/")\ndef list_items_slash() -> list[str]:\n    return []\n',
            note="different methods, and a different path (trailing slash)",
        ),
        Clean(
            "from fastapi import APIRouter, FastAPI\n\napp = FastAPI()\nrouter = APIRouter()\n\n"
            '@app.get("/items")\ndef a() -> None: ...\n\n'
            '@router.get("/items")\ndef b() -> None: ...\n',
            note="different owners",
        ),
        Clean(
            "from flask import Flask\n\napp = Flask(__name__)\n\n"
            '@app.get("/items")\ndef a(): ...\n\n@app.get("/items")\ndef b(): ...\n',
            note="Flask",
        ),
        Clean(
            "import os\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n"
            'if os.environ.get("DEBUG"):\n'
            '    @app.get("/info")\n    def debug_info() -> dict[str, str]:\n        return {}\n'
            "else:\n"
            '    @app.get("/info")\n    def info() -> dict[str, str]:\n        return {}\n',
            note="alternative branches",
        ),
        Clean(
            "from fastapi import APIRouter\n\n"
            "def make_a() -> APIRouter:\n    router = APIRouter()\n\n"
            '    @router.get("/")\n    def root() -> None: ...\n\n    return router\n\n'
            "def make_b() -> APIRouter:\n    router = APIRouter()\n\n"
            '    @router.get("/")\n    def root() -> None: ...\n\n    return router\n',
            note="a router per factory function",
        ),
        Clean(
            "import pytest\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n"
            "def test_rejected() -> None:\n"
            "    with pytest.raises(AssertionError):\n"
            '        @app.get("/")\n        def a() -> None: ...\n'
            "    with pytest.raises(AssertionError):\n"
            '        @app.get("/")\n        def b() -> None: ...\n',
            note="registrations in `with` blocks that may stop them",
        ),
        Flagged(
            "import os\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n"
            'if os.environ.get("A"):\n    pass\nelif os.environ.get("B"):\n'
            '    @app.get("/info")\n    def info_b() -> None: ...\n\n'
            '@app.get("/info")\ndef info() -> None: ...\n',
            at=("12:1-12:18",),
            note="a branch and the code after it both run",
        ),
        Flagged(
            "from fastapi import FastAPI\n\napp = FastAPI()\n\n"
            '@app.get("/items/{item_id}")\ndef read_item(item_id: int) -> None: ...\n\n'
            '@app.get("/items/{id}")\ndef read_item_v2(id: int) -> None: ...\n',
            at=("8:1-8:24",),
        ),
        Flagged(
            "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n"
            '@router.api_route("/items", methods=["GET", "POST"])\ndef items() -> None: ...\n\n'
            "def create() -> None: ...\n\n"
            'router.add_api_route("/items", create, methods=["POST"])\n',
            at=("10:1-10:57",),
            note="api_route and add_api_route overlap on POST",
        ),
        Flagged(
            "from fastapi import FastAPI\n\nfrom app.routes import items\n\napp = FastAPI()\n"
            'app.include_router(items.router, prefix="/api")\n\n'
            '@app.get("/api/items/{item_id}")\ndef read_item_v2(item_id: int) -> None: ...\n',
            at=("8:1-8:33",),
            path="app/main.py",
            files=_ITEMS_PROJECT,
            note="across modules: `/api` + `/items` + `/{id}` is served first",
        ),
        Clean(
            "import os\n\nfrom fastapi import FastAPI\n\nfrom app.routes import items\n\n"
            "app = FastAPI()\n"
            'if os.environ.get("LEGACY"):\n'
            '    app.include_router(items.router, prefix="/api")\n\n'
            '@app.get("/api/items/{item_id}")\ndef read_item_v2(item_id: int) -> None: ...\n',
            path="app/main.py",
            files=_ITEMS_PROJECT,
            note="across modules: a conditional include may not run",
        ),
    )

    def setup(self) -> None:
        self.setup_branches()
        self._seen: dict[tuple[tuple[int, str], str, str], list[_Registration]] = {}

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        frame = self.context.function
        if frame is None:
            return
        for route in frame.routes:
            if route.decorator is not None:
                self._register(route, route.decorator, node.name.value, in_decorator=True)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in REGISTRATION_METHODS:
            return
        owner = dotted_name(func.value)
        if owner is None or not self.context.is_app_name(func.value):
            return
        route = route_from_call(node, (owner,), registration=True)
        if route is not None:
            endpoint = argument(node, "endpoint", 1)
            handler = dotted_name(endpoint.value) if endpoint is not None else None
            self._register(route, node, handler)

    def _register(
        self, route: Route, node: cst.CSTNode, handler: str | None, *, in_decorator: bool = False
    ) -> None:
        if route.path is None:
            return
        scope = owner_scope(route.owner, self.context, in_decorator=in_decorator)
        pattern = route_pattern(route.path)
        current = _Registration(handler or "another handler", self.branch_path)
        reported = False
        for method in route.methods:
            previous = self._seen.setdefault((scope, method, pattern), [])
            first = next(
                (r for r in previous if not are_exclusive(r.branches, current.branches)), None
            )
            if first is not None and not reported:
                reported = True
                self.report(
                    node,
                    method=method,
                    path=route.path,
                    owner=route.owner,
                    first=first.handler,
                    where="",
                )
            previous.append(current)
        if not reported and scope[0] == 0:
            # Registrations made when the module is imported: the project knows them.
            key = route_key(route.owner, route.kind, route.path, handler)
            shadowed = self.context.fastapi.view.shadowed_routes.get(key)
            if shadowed is not None:
                self.report(
                    node,
                    method=shadowed.method,
                    path=shadowed.path,
                    owner=shadowed.root,
                    first=shadowed.first_endpoint or "another handler",
                    where=f" in `{shadowed.first_location}`",
                )
