"""FRL210: ``CORSMiddleware`` added before another middleware on the same app."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from fastapi_rules_lint.rulebase.rule import Clean, Flagged, Requires, Rule
from fastapi_rules_lint.semantics.fastapi.apps import argument
from fastapi_rules_lint.semantics.fastapi.routes import owner_scope
from fastapi_rules_lint.semantics.python.branches import BranchPath, BranchTracking, are_exclusive
from fastapi_rules_lint.semantics.python.names import dotted_name

CORS_MIDDLEWARE = frozenset(
    {"fastapi.middleware.cors.CORSMiddleware", "starlette.middleware.cors.CORSMiddleware"}
)
# Middleware that never answers a request itself: running outside CORS loses nothing.
PASS_THROUGH = frozenset(
    {
        "fastapi.middleware.gzip.GZipMiddleware",
        "starlette.middleware.gzip.GZipMiddleware",
        "starlette.middleware.sessions.SessionMiddleware",
        "uvicorn.middleware.proxy_headers.ProxyHeadersMiddleware",
    }
)


@dataclass
class _Cors:
    call: cst.Call
    anchor: cst.CSTNode
    """The statement a `# noqa` for this registration sits on."""
    branches: BranchPath
    is_reported: bool = False


class CorsMiddlewareOrder(BranchTracking, Rule):
    """## What it does
    Finds `app.add_middleware(CORSMiddleware, ...)` (from `fastapi.middleware.cors`
    or `starlette.middleware.cors`) followed, on the same app and in the same scope,
    by another `add_middleware(...)` or an `@app.middleware("http")` function.
    Reported at the `CORSMiddleware` registration.

    Not reported: middleware that never answers a request itself (`GZipMiddleware`,
    `SessionMiddleware`, uvicorn's `ProxyHeadersMiddleware`), other apps, and
    registrations in alternative branches (`if`/`else`) or other functions.

    ## Why is this bad?
    The middleware added last runs first. A middleware added after CORS sees every
    request before CORS does: when it answers on its own (an authentication check
    returning 401, a rate limiter, an error handler) its response carries no CORS
    headers, so the browser reports a CORS failure instead of the real error, and
    an `OPTIONS` preflight it rejects never reaches CORS at all.

    ## Example
    ```python
    app.add_middleware(CORSMiddleware, allow_origins=["https://example.com"])
    app.add_middleware(AuthMiddleware)
    ```

    ## Use instead
    ```python
    app.add_middleware(AuthMiddleware)
    app.add_middleware(CORSMiddleware, allow_origins=["https://example.com"])
    ```

    ## Fix safety
    No fix: reordering middleware changes behaviour in ways that need a human.
    """

    code = "FRL210"
    name = "cors-middleware-order"
    message = (
        "`CORSMiddleware` is added before {later}, which then runs first and answers"
        " without CORS headers; add `CORSMiddleware` last"
    )
    summary = "`CORSMiddleware` added before another middleware"
    requires = Requires.FASTAPI
    examples = (
        Clean(
            "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n"
            "from .auth import AuthMiddleware\n\napp = FastAPI()\n\n"
            "app.add_middleware(AuthMiddleware)\n"
            'app.add_middleware(CORSMiddleware, allow_origins=["*"])\n',
            note="CORS added last",
        ),
        Clean(
            "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n"
            "from fastapi.middleware.gzip import GZipMiddleware\n\napp = FastAPI()\n\n"
            'app.add_middleware(CORSMiddleware, allow_origins=["*"])\n'
            "app.add_middleware(GZipMiddleware)\n",
            note="GZip never answers a request itself",
        ),
        Clean(
            "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n"
            "from .auth import AuthMiddleware\n\napp = FastAPI()\nadmin = FastAPI()\n\n"
            'app.add_middleware(CORSMiddleware, allow_origins=["*"])\n'
            "admin.add_middleware(AuthMiddleware)\n",
            note="another app",
        ),
        Clean(
            "from starlette.applications import Starlette\n"
            "from starlette.middleware.cors import CORSMiddleware\n"
            "from .auth import AuthMiddleware\n\napp = Starlette()\n\n"
            'app.add_middleware(CORSMiddleware, allow_origins=["*"])\n'
            "app.add_middleware(AuthMiddleware)\n",
            note="Starlette-only code: not a FastAPI app",
        ),
        Clean(
            "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n"
            "from .auth import AuthMiddleware\nfrom .settings import PUBLIC\n\n"
            "app = FastAPI()\n\n"
            "if PUBLIC:\n"
            '    app.add_middleware(CORSMiddleware, allow_origins=["*"])\n'
            "else:\n    app.add_middleware(AuthMiddleware)\n",
            note="alternative branches",
        ),
        Flagged(
            "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n"
            "from .auth import AuthMiddleware\n\napp = FastAPI()\n\n"
            'app.add_middleware(CORSMiddleware, allow_origins=["*"])\n'
            "app.add_middleware(AuthMiddleware)\n",
            at=("7:1-7:56",),
        ),
        Flagged(
            "from fastapi import FastAPI, Request\n"
            "from starlette.middleware.cors import CORSMiddleware as Cors\n\n"
            "def create_app() -> FastAPI:\n    app = FastAPI()\n"
            '    app.add_middleware(Cors, allow_origins=["*"])\n\n'
            '    @app.middleware("http")\n'
            "    async def check_key(request: Request, call_next):\n"
            "        return await call_next(request)\n\n"
            "    return app\n",
            at=("6:5-6:50",),
            note="an aliased import, an app factory, an `@app.middleware` function",
        ),
    )

    def setup(self) -> None:
        self.setup_branches()
        self._cors: dict[tuple[int, str], list[_Cors]] = {}
        self._decorator_depth = 0

    def visit_Decorator(self, node: cst.Decorator) -> None:
        self._decorator_depth += 1

    def leave_Decorator(self, original_node: cst.Decorator) -> None:
        self._decorator_depth -= 1

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in {
            "add_middleware",
            "middleware",
        }:
            return
        owner = dotted_name(func.value)
        if owner is None or not self.context.is_app_name(func.value):
            return
        is_decorator = func.attr.value == "middleware"
        key = owner_scope(owner, self.context, in_decorator=self._decorator_depth > 0)
        if is_decorator:
            later = f"`{owner}.middleware(...)`"
            if self._decorator_depth > 0:
                later = f"the `@{owner}.middleware(...)` function `{self._function_name()}`"
            self._after_cors(key, later)
            return
        middleware = argument(node, "middleware_class", 0)
        if middleware is None:
            return
        names = self.context.qualified_names(middleware.value)
        if not names.isdisjoint(CORS_MIDDLEWARE):
            self._cors.setdefault(key, []).append(
                _Cors(node, self.context.anchor, self.branch_path)
            )
        elif names.isdisjoint(PASS_THROUGH):
            label = dotted_name(middleware.value) or "another middleware"
            self._after_cors(key, f"`{label}`")

    def _function_name(self) -> str:
        frame = self.context.function
        return frame.name if frame is not None else "?"

    def _after_cors(self, key: tuple[int, str], later: str) -> None:
        for cors in self._cors.get(key, ()):
            if not cors.is_reported and not are_exclusive(cors.branches, self.branch_path):
                cors.is_reported = True
                self.report_with_anchor(cors.call, cors.anchor, later=later)
