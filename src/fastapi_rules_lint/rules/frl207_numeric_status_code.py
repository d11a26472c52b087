"""FRL207: a bare integer status code where ``fastapi.status`` has a name for it."""

from __future__ import annotations

import libcst as cst

from fastapi_rules_lint.engine.diagnostics import Applicability, ImportRequest
from fastapi_rules_lint.rulebase.edits import NameUse, name_use
from fastapi_rules_lint.rulebase.rule import Clean, Flagged, NodeFix, Requires, Rule
from fastapi_rules_lint.semantics.fastapi.apps import REGISTRATION_METHODS, ROUTE_METHODS
from fastapi_rules_lint.semantics.fastapi.http_status import OLD_NAMES, STATUSES, constant_name
from fastapi_rules_lint.semantics.fastapi.routes import (
    STATUS_MODULES,
    integer_value,
    is_http_exception,
    is_non_error_exception_status,
    is_response_class,
    status_argument,
)

_STATUS_MODULE_NAMES = frozenset(STATUS_MODULES)

_APP_METHODS = ROUTE_METHODS | REGISTRATION_METHODS


class NumericStatusCode(Rule):
    """## What it does
    Finds a bare integer status code: `status_code=404` (or the positional status)
    in `HTTPException(...)`, in route decorators and `add_api_route(...)`
    (`@app.post("/items", status_code=201)`), and in `Response`/`JSONResponse`/…
    from `fastapi.responses` or `starlette.responses`. Off by default: it is a
    readability convention, and most real code spells codes as numbers.

    ## Why is this bad?
    `status.HTTP_404_NOT_FOUND` says what the code means, editors complete it, and a
    typo (`status_code=4004`) becomes a name error instead of a wrong response.

    ## Example
    ```python
    raise HTTPException(status_code=404, detail="Item not found")
    ```

    ## Use instead
    ```python
    from fastapi import status

    raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="Item not found")
    ```

    ## Fix safety
    Safe: the constant has the same value; nothing changes at run time or in the
    OpenAPI schema. `from fastapi import status` is added
    unless `status` already names `fastapi.status`/`starlette.status`. No fix when
    `status` is bound to something else here (a parameter, a variable), for codes
    `fastapi.status` does not define, and for 413, 414, 416 and 422, whose constant
    was renamed in Starlette 0.48 (the right name depends on the installed version),
    and for a status below 400 in `HTTPException` that FRL211 reports (a `301` on a
    "not allowed" error is a mistake, and `HTTP_301_MOVED_PERMANENTLY` would bless it;
    the deliberate `204`/`304` and redirects with `headers=` still get their name).
    """

    code = "FRL207"
    name = "numeric-status-code"
    message = "Bare status code `{code}`; use {advice}"
    summary = "A bare integer status code instead of a `fastapi.status` constant"
    requires = Requires.FASTAPI
    default_enabled = False
    fix_availability = "sometimes"
    examples = (
        Clean(
            "from fastapi import FastAPI, HTTPException, status\n\napp = FastAPI()\n\n"
            '@app.post("/items", status_code=status.HTTP_201_CREATED)\n'
            "def create() -> None:\n"
            "    raise HTTPException(status_code=status.HTTP_409_CONFLICT)\n"
        ),
        Clean(
            "from fastapi import FastAPI\nfrom mylib import HTTPException\n\napp = FastAPI()\n\n"
            "def check() -> None:\n    raise HTTPException(status_code=404)\n",
            note="not FastAPI's `HTTPException`",
        ),
        Clean(
            "from flask import Flask\n\napp = Flask(__name__)\n\n"
            '@app.post("/items", status_code=201)\ndef create():\n    return {}\n',
            note="not a FastAPI module",
        ),
        Flagged(
            "from fastapi import FastAPI, HTTPException\n\napp = FastAPI()\n\n"
            '@app.get("/items/{item_id}")\ndef read_item(item_id: int) -> None:\n'
            '    raise HTTPException(status_code=404, detail="Item not found")\n',
            at=("7:37-7:40",),
            fixed="from fastapi import FastAPI, HTTPException, status\n\n"
            "app = FastAPI()\n\n"
            '@app.get("/items/{item_id}")\ndef read_item(item_id: int) -> None:\n'
            "    raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, "
            'detail="Item not found")\n',
        ),
        Flagged(
            "from fastapi import APIRouter, status\nfrom fastapi.responses import JSONResponse\n\n"
            "router = APIRouter()\n\n"
            '@router.post("/items", status_code=201)\n'
            "def create(status_filter: str) -> JSONResponse:\n"
            "    return JSONResponse({}, 202)\n",
            at=("6:36-6:39", "8:29-8:32"),
            fixed="from fastapi import APIRouter, status\n"
            "from fastapi.responses import JSONResponse\n\n"
            "router = APIRouter()\n\n"
            '@router.post("/items", status_code=status.HTTP_201_CREATED)\n'
            "def create(status_filter: str) -> JSONResponse:\n"
            "    return JSONResponse({}, status.HTTP_202_ACCEPTED)\n",
            note="decorator and positional response status; `status` already imported",
        ),
        Flagged(
            "from fastapi import FastAPI, HTTPException\n\napp = FastAPI()\n\n"
            '@app.get("/items")\ndef items(status: str) -> None:\n'
            "    raise HTTPException(422)\n",
            at=("7:25-7:28",),
            note="`status` is a parameter here, and 422's name depends on Starlette: no fix",
        ),
        Flagged(
            "from fastapi import FastAPI, HTTPException\n\napp = FastAPI()\n\n"
            '@app.get("/items")\ndef items(status: str) -> None:\n'
            "    raise HTTPException(404)\n",
            at=("7:25-7:28",),
            note="`status` is a parameter: no fix",
        ),
        Flagged(
            "from fastapi import FastAPI, HTTPException\n\napp = FastAPI()\n\n"
            '@app.get("/admin")\ndef admin() -> None:\n'
            '    raise HTTPException(status_code=301, detail="Not allowed")\n',
            at=("7:37-7:40",),
            fixed="from fastapi import FastAPI, HTTPException\n\napp = FastAPI()\n\n"
            '@app.get("/admin")\ndef admin() -> None:\n'
            '    raise HTTPException(status_code=301, detail="Not allowed")\n',
            unsafe=True,
            note="a non-error status in `HTTPException` (FRL211): no fix",
        ),
    )

    def setup(self) -> None:
        self._decorator_depth = 0

    def visit_Decorator(self, node: cst.Decorator) -> None:
        self._decorator_depth += 1

    def leave_Decorator(self, original_node: cst.Decorator) -> None:
        self._decorator_depth -= 1

    def visit_Call(self, node: cst.Call) -> None:
        arg = self._status_argument(node)
        if arg is None:
            return
        code = integer_value(arg.value)
        if code is None:
            return
        constant = constant_name(code)
        # A non-error status in HTTPException is a mistake (FRL211): naming it would
        # bless it (`301` on "not allowed" must not become `HTTP_301_MOVED_PERMANENTLY`).
        if is_http_exception(node.func, self.context) and is_non_error_exception_status(node, code):
            constant = None
        fix = self._fix(arg.value, constant) if constant is not None else None
        self.report(arg.value, fix=fix, code=code, advice=_advice(code))

    def _status_argument(self, call: cst.Call) -> cst.Arg | None:
        func = call.func
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value in _APP_METHODS
            and self.context.is_app_name(func.value)
        ):
            return status_argument(call, None)  # keyword only
        if is_http_exception(func, self.context):
            return status_argument(call, 0)
        if is_response_class(func, self.context):
            return status_argument(call, 1)
        return None

    def _fix(self, literal: cst.BaseExpression, constant: str) -> NodeFix | None:
        use = name_use(
            self.context, "status", _STATUS_MODULE_NAMES, in_decorator=self._decorator_depth > 0
        )
        if use is NameUse.TAKEN:
            return None
        replacement = cst.Attribute(value=cst.Name("status"), attr=cst.Name(constant))
        return NodeFix(
            message=f"Use `status.{constant}`",
            applicability=Applicability.SAFE,
            replacements=((literal, replacement),),
            imports=(ImportRequest("fastapi", "status"),) if use is NameUse.FREE else (),
        )


def _advice(code: int) -> str:
    status = STATUSES.get(code)
    if status is None:
        return "a `fastapi.status` constant"
    if code in OLD_NAMES:
        return f"`status.{status.name}` (`{OLD_NAMES[code]}` before Starlette 0.48)"
    return f"`status.{status.name}`"
