"""FRL205: a route handler or dependency raises a built-in exception (or returns an error
as a ``JSONResponse``)."""

from __future__ import annotations

import builtins

import libcst as cst

from fastapi_rules_lint.rulebase.rule import Clean, Flagged, Requires, Rule
from fastapi_rules_lint.semantics.fastapi.apps import argument
from fastapi_rules_lint.semantics.fastapi.context import FunctionFrame
from fastapi_rules_lint.semantics.fastapi.routes import (
    JSON_RESPONSES,
    documented_codes,
    status_code_of,
)

# Not errors a client caused: placeholders, "cannot happen" markers, iteration protocol.
_NOT_REQUEST_ERRORS = (
    NotImplementedError,
    AssertionError,
    StopIteration,
    StopAsyncIteration,
    Warning,
)
BUILTIN_EXCEPTIONS: dict[str, type[BaseException]] = {
    f"builtins.{name}": value
    for name, value in vars(builtins).items()
    if isinstance(value, type)
    and issubclass(value, Exception)
    and not issubclass(value, _NOT_REQUEST_ERRORS)
}
# A handler for these is a catch-all safety net (logging, a generic 500), not a
# decision about which status an expected error gets.
_CATCH_ALL = frozenset({"builtins.Exception", "builtins.BaseException"})

# Examples that span modules: `app/routes.py` of a project whose `app/main.py` includes it.
_ROUTES = (
    "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n"
    '@router.get("/items")\ndef items() -> None:\n    raise ValueError("bad")\n'
)
_MAIN = "from fastapi import FastAPI\n\nfrom app import routes\n\napp = FastAPI()\n"
_ON_VALUE_ERROR = (
    "\n\n@app.exception_handler(ValueError)\n"
    "async def on_value_error(request: Request, exc: ValueError) -> JSONResponse:\n"
    '    return JSONResponse(status_code=400, content={"detail": str(exc)})\n'
)
_HANDLER_HEAD = (
    "from fastapi import FastAPI, Request\nfrom fastapi.responses import JSONResponse\n\n"
)


class BuiltinExceptionInRoute(Rule):
    """## What it does
    Finds route handlers and dependencies that `raise` a built-in exception
    (`ValueError`, `KeyError`, `RuntimeError`, `PermissionError`, `Exception`, …) in
    their own body, and ones that `return JSONResponse(status_code=4xx/5xx, ...)` for an
    error.

    Not reported: bare `raise` (re-raising), custom exception classes, `HTTPException`,
    `NotImplementedError` and `AssertionError` (placeholders and "cannot happen"
    markers), raises inside nested functions, built-in exceptions the
    project registers a specific exception handler for (`@app.exception_handler(
    ValueError)`, `add_exception_handler`, `exception_handlers={...}`, in any module
    of the same application — the modules connected to this one by imports, whichever
    files a run is given; a catch-all `Exception` handler does not count), and a `JSONResponse`
    whose status the route documents in `responses=` (FastAPI's documented pattern for
    additional responses), and a `RuntimeError` raised `from` the error an enclosing
    `except ... as error:` of a dependency caught (`raise RuntimeError("no database")
    from error`): a deliberate 500 for a failure the client did not cause, such as a
    backing service being down. `raise ValueError(...) from error` is still reported,
    and so is the same `RuntimeError` in a route handler or raised `from None`.

    ## Why is this bad?
    FastAPI turns an unhandled built-in exception into `500 Internal Server Error`:
    the client cannot tell a bad request from a crash, and the error is missing from
    the OpenAPI schema. `HTTPException(status_code=..., detail=...)` says what went
    wrong with the right status; a custom exception class can be mapped to a status
    once with an exception handler. A `JSONResponse` returned for an error bypasses
    the route's `response_model` and exception handlers, and inside a dependency it
    is not even sent.

    ## Example
    ```python
    @app.get("/items/{item_id}")
    def read_item(item_id: int) -> Item:
        if item_id not in items:
            raise KeyError(item_id)
        return items[item_id]
    ```

    ## Use instead
    ```python
    @app.get("/items/{item_id}")
    def read_item(item_id: int) -> Item:
        if item_id not in items:
            raise HTTPException(status_code=404, detail="Item not found")
        return items[item_id]
    ```

    ## Fix safety
    No fix: the right status code needs a human.
    """

    code = "FRL205"
    name = "builtin-exception-in-route"
    message = (
        "{what} in {kind} `{function}`; raise `HTTPException` with a status code"
        " (or a custom exception with a handler)"
    )
    summary = "A route handler or dependency raises a built-in exception"
    requires = Requires.FASTAPI
    examples = (
        Clean(
            "from fastapi import FastAPI, HTTPException\n\napp = FastAPI()\n\n"
            '@app.get("/items/{item_id}")\n'
            "def read_item(item_id: int) -> dict[str, int]:\n"
            "    if item_id < 0:\n"
            '        raise HTTPException(status_code=404, detail="Item not found")\n'
            '    return {"id": item_id}\n'
        ),
        Clean(
            "from flask import Flask\n\napp = Flask(__name__)\n\n"
            '@app.get("/items")\ndef items():\n    raise ValueError("flask")\n',
            note="Flask has `@app.get` too",
        ),
        Clean(
            "from fastapi import FastAPI\n\napp = FastAPI()\n\n"
            "class ItemNotFound(Exception):\n    pass\n\n"
            '@app.get("/items/{item_id}")\n'
            "def read_item(item_id: int) -> None:\n    raise ItemNotFound(item_id)\n",
            note="custom exception classes can have exception handlers",
        ),
        Clean(
            "from fastapi import FastAPI\n\napp = FastAPI()\n\n"
            '@app.get("/items")\ndef items() -> int:\n'
            "    def parse(text: str) -> int:\n"
            "        raise ValueError(text)\n"
            '    try:\n        return parse("x")\n    except ValueError:\n        raise\n',
            note="a nested function's raise and a bare re-raise",
        ),
        Clean(
            "from fastapi import FastAPI, Request\nfrom fastapi.responses import JSONResponse\n\n"
            "app = FastAPI()\n\n@app.exception_handler(ValueError)\n"
            "async def on_value_error(request: Request, exc: ValueError) -> JSONResponse:\n"
            '    return JSONResponse(status_code=400, content={"detail": str(exc)})\n\n'
            '@app.get("/items")\ndef items() -> None:\n    raise ValueError("bad")\n',
            note="the exception has a handler; the handler's own JSONResponse is fine",
        ),
        Clean(
            "from fastapi import FastAPI\nfrom fastapi.responses import JSONResponse\n\n"
            "app = FastAPI()\n\n"
            '@app.get("/items/{item_id}", responses={404: {"description": "Not found"}})\n'
            "def read_item(item_id: str) -> JSONResponse:\n"
            '    return JSONResponse(status_code=404, content={"message": "Item not found"})\n',
            note="a documented additional response",
        ),
        Clean(
            "from fastapi import FastAPI\nfrom fastapi.responses import JSONResponse\n\n"
            "app = FastAPI()\n\n"
            '@app.put("/items/{item_id}")\ndef upsert(item_id: str) -> JSONResponse:\n'
            "    return JSONResponse(status_code=201, content={})\n",
            note="a success status",
        ),
        Clean(
            "from fastapi import FastAPI\nfrom .errors import ValueError\n\napp = FastAPI()\n\n"
            '@app.get("/items")\ndef items() -> None:\n    raise ValueError("domain error")\n',
            note="a same-named class imported from elsewhere is not the built-in",
        ),
        Flagged(
            "from fastapi import FastAPI\n\napp = FastAPI()\n\n"
            '@app.get("/items/{item_id}")\n'
            "def read_item(item_id: int) -> None:\n"
            "    raise KeyError(item_id)\n",
            at=("7:11-7:28",),
        ),
        Flagged(
            "from fastapi import Depends, FastAPI\n\napp = FastAPI()\n\n"
            "def current_user(token: str) -> str:\n"
            "    if not token:\n"
            "        raise PermissionError\n"
            "    return token\n\n"
            '@app.get("/me")\ndef me(user: str = Depends(current_user)) -> str:\n'
            "    return user\n",
            at=("7:15-7:30",),
            note="a dependency, the class raised without a call",
        ),
        Flagged(
            "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n"
            '@router.post("/items")\nasync def create(name: str) -> None:\n'
            "    try:\n        int(name)\n    except TypeError as error:\n"
            '        raise ValueError("bad name") from error\n',
            at=("10:15-10:37",),
            note="chained raise on a router",
        ),
        Flagged(
            "from fastapi import FastAPI\nfrom starlette.responses import JSONResponse\n\n"
            "app = FastAPI()\n\n"
            '@app.get("/items/{item_id}")\ndef read_item(item_id: str) -> JSONResponse:\n'
            '    return JSONResponse({"error": "missing"}, 404)\n',
            at=("8:12-8:51",),
            note="an error returned as an undocumented JSONResponse",
        ),
        Flagged(
            "from fastapi import FastAPI\n\napp = FastAPI()\n\n"
            "@app.exception_handler(Exception)\nasync def on_error(request, exc):\n    ...\n\n"
            '@app.get("/items")\ndef items() -> None:\n    raise RuntimeError("boom")\n',
            at=("11:11-11:31",),
            note="a catch-all `Exception` handler is a safety net, not a status decision",
        ),
        Clean(
            "from fastapi import Depends, FastAPI\n\napp = FastAPI()\n\n"
            "def get_db() -> object:\n"
            "    try:\n        return connect()\n"
            "    except OSError as error:\n"
            '        raise RuntimeError("database unavailable") from error\n\n'
            '@app.get("/items")\ndef items(db: object = Depends(get_db)) -> None:\n    pass\n',
            note="a dependency's deliberate 500, chained to the caught error",
        ),
        Flagged(
            "from fastapi import Depends, FastAPI\n\napp = FastAPI()\n\n"
            "def get_db() -> object:\n"
            "    try:\n        return connect()\n"
            "    except OSError:\n"
            '        raise RuntimeError("database unavailable") from None\n\n'
            '@app.get("/items")\ndef items(db: object = Depends(get_db)) -> None:\n    pass\n',
            at=("9:15-9:51",),
            note="`from None` hides the cause: not the deliberate-500 idiom",
        ),
        Clean(
            _ROUTES,
            path="app/routes.py",
            files={
                "app/main.py": _HANDLER_HEAD + "from app import routes\n\napp = FastAPI()\n"
                "app.include_router(routes.router)\n" + _ON_VALUE_ERROR,
            },
            note="across modules: the app including the router handles `ValueError`",
        ),
        Flagged(
            _ROUTES,
            at=("8:11-8:28",),
            path="app/routes.py",
            files={
                "app/main.py": _MAIN + "app.include_router(routes.router)\n",
                "app/admin.py": _HANDLER_HEAD + "app = FastAPI()\n" + _ON_VALUE_ERROR,
            },
            note="across modules: the handler is on another app, which does not import it",
        ),
    )

    def setup(self) -> None:
        self._caught: list[str | None] = []

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        name = node.name.name if node.name is not None else None
        self._caught.append(name.value if isinstance(name, cst.Name) else None)

    def leave_ExceptHandler(self, original_node: cst.ExceptHandler) -> None:
        self._caught.pop()

    def visit_Raise(self, node: cst.Raise) -> None:
        frame = self._frame()
        if frame is None or node.exc is None or self._is_deliberate_500(node, frame):
            return
        exception = node.exc
        target = exception.func if isinstance(exception, cst.Call) else exception
        for qualified in self.context.qualified_names(target):
            cls = BUILTIN_EXCEPTIONS.get(qualified)
            if cls is not None and not self._is_handled(cls):
                self.report(
                    exception,
                    what=f"Built-in `{cls.__name__}` raised (a 500 response)",
                    kind=_kind(frame),
                    function=frame.name,
                )
                return

    def visit_Return(self, node: cst.Return) -> None:
        frame = self._frame()
        value = node.value
        if frame is None or not isinstance(value, cst.Call):
            return
        if not self.context.resolves_to(value.func, JSON_RESPONSES):
            return
        status = argument(value, "status_code", 1)
        code = status_code_of(status.value, self.context) if status is not None else None
        if code is None or code < 400:
            return
        if frame.routes and all(code in documented_codes(r, self.context) for r in frame.routes):
            return
        self.report(
            value,
            what=f"Error returned as `JSONResponse(status_code={code})`",
            kind=_kind(frame),
            function=frame.name,
        )

    def _is_deliberate_500(self, node: cst.Raise, frame: FunctionFrame) -> bool:
        """``raise RuntimeError(...) from error`` in a dependency, ``error`` caught by
        an enclosing ``except``: a failure the client did not cause, meant as a 500."""
        if frame.is_route or node.cause is None or not isinstance(node.cause.item, cst.Name):
            return False
        if node.cause.item.value not in self._caught:
            return False
        exception = node.exc
        target = exception.func if isinstance(exception, cst.Call) else exception
        return target is not None and self.context.resolves_to(
            target, frozenset({"builtins.RuntimeError"})
        )

    def _frame(self) -> FunctionFrame | None:
        frame = self.context.function
        if frame is None or not (frame.is_route or frame.is_dependency):
            return None
        return frame

    def _is_handled(self, cls: type[BaseException]) -> bool:
        handled = self.context.fastapi.view.handled_exceptions - _CATCH_ALL
        return any(f"builtins.{base.__name__}" in handled for base in cls.__mro__)


def _kind(frame: FunctionFrame) -> str:
    return "route handler" if frame.is_route else "dependency"
