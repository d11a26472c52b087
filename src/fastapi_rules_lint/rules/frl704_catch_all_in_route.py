"""FRL704: a route handler's own catch-all ``except`` that shapes the error response."""

from __future__ import annotations

import libcst as cst

from fastapi_rules_lint.rulebase.rule import Clean, Flagged, Requires, Rule
from fastapi_rules_lint.semantics.fastapi.context import ModuleContext
from fastapi_rules_lint.semantics.fastapi.routes import (
    is_http_exception,
    is_response_class,
    status_argument,
    status_code_of,
)
from fastapi_rules_lint.semantics.python.exceptions import (
    caught_name,
    handler_facts,
    is_catch_all,
    is_reraise,
)

# Upstream or dependency unavailable: a deliberate status for a proxy or a health
# check whose dependency failed, not a generic "something went wrong".
_GATEWAY_STATUSES = frozenset({502, 503, 504})

_HEAD = "from fastapi import FastAPI, HTTPException\n\napp = FastAPI()\n\n"


class CatchAllInRoute(Rule):
    """## What it does
    Finds `except Exception:`, `except BaseException:` and bare `except:` clauses
    written directly in a route handler's body that turn the error into a response:
    they `raise HTTPException(...)` or `return` a `Response`/`JSONResponse`/… .

    Not reported: a clause that re-raises the error unchanged (`raise`, `raise error`)
    after cleaning up, one that answers `502`, `503` or `504` (more precise than
    RULES.md: a proxy whose upstream failed, or a readiness check whose database is
    down, chose that status on purpose), specific exceptions (`except ItemNotFound:`), catch-alls in
    helper functions or in functions nested in the route, and clauses that end some
    other way (those are FRL701's concern when they swallow the error).

    ## Why is this bad?
    Unexpected errors belong in one place: an exception handler
    (`@app.exception_handler(Exception)`) or a middleware, where they are logged and
    shaped once. A catch-all in every route repeats that work, usually without the
    logging, catches `HTTPException`s raised inside the `try` and turns a 404 into a
    500, and hides bugs behind a generic message.

    ## Example
    ```python
    @app.get("/items/{item_id}")
    def read_item(item_id: int) -> Item:
        try:
            return repository.get(item_id)
        except Exception:
            raise HTTPException(status_code=500, detail="Internal error")
    ```

    ## Use instead
    ```python
    @app.exception_handler(Exception)
    async def on_unexpected_error(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error on %s", request.url.path)
        return JSONResponse(status_code=500, content={"detail": "Internal error"})

    @app.get("/items/{item_id}")
    def read_item(item_id: int) -> Item:
        return repository.get(item_id)
    ```

    ## Fix safety
    No fix: moving error handling to one place is a design change.
    """

    code = "FRL704"
    name = "catch-all-in-route"
    message = (
        "`{clause}` in route handler `{function}` turns every error into a response;"
        " handle unexpected errors once in an exception handler or middleware"
    )
    summary = "A route handler catches every exception and turns it into a response"
    requires = Requires.FASTAPI
    examples = (
        Clean(
            _HEAD + '@app.get("/items")\ndef items() -> list[int]:\n    try:\n'
            "        return load()\n    except KeyError:\n"
            '        raise HTTPException(status_code=404, detail="Not found")\n',
            note="a specific exception",
        ),
        Clean(
            _HEAD + '@app.get("/items")\ndef items() -> list[int]:\n    try:\n'
            "        return load()\n    except Exception:\n        rollback()\n        raise\n",
            note="re-raised unchanged after cleanup",
        ),
        Clean(
            _HEAD + "def load() -> list[int]:\n    try:\n        return read()\n"
            "    except Exception:\n"
            '        raise HTTPException(status_code=500, detail="failed")\n',
            note="not a route handler",
        ),
        Clean(
            _HEAD + '@app.get("/items")\nasync def items() -> list[int]:\n'
            "    def parse() -> list[int]:\n        try:\n            return read()\n"
            "        except Exception:\n"
            '            raise HTTPException(status_code=500, detail="failed")\n'
            "    return parse()\n",
            note="a function nested in the route",
        ),
        Clean(
            "from flask import Flask\n\napp = Flask(__name__)\n\n"
            '@app.get("/items")\ndef items():\n    try:\n        return load()\n'
            "    except Exception:\n        return {}, 500\n",
            note="Flask",
        ),
        Clean(
            _HEAD + '@app.get("/ready")\nasync def ready() -> dict[str, str]:\n    try:\n'
            "        await ping_database()\n    except Exception:\n"
            '        raise HTTPException(503, detail="Database not ready")\n'
            '    return {"status": "ready"}\n',
            note="a readiness check answering 503 on purpose",
        ),
        Flagged(
            _HEAD + '@app.get("/items")\ndef items() -> list[int]:\n    try:\n'
            "        return load()\n    except Exception:\n"
            '        raise HTTPException(status_code=500, detail="Internal error")\n',
            at=("9:12-9:21",),
        ),
        Flagged(
            "from fastapi import APIRouter\nfrom fastapi.responses import JSONResponse\n\n"
            "router = APIRouter()\n\n"
            '@router.post("/items")\nasync def create() -> JSONResponse:\n    try:\n'
            "        await save()\n    except:\n"
            '        return JSONResponse(status_code=500, content={"error": "failed"})\n'
            '    return JSONResponse({"ok": True})\n',
            at=("10:5-11:74",),
            note="a bare `except:` returning a response",
        ),
    )

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        frame = self.context.function
        if frame is None or not frame.is_route:
            return
        resolve = self.context.qualified_names
        if not is_catch_all(node, resolve):
            return
        facts = handler_facts(node, resolve)
        name = caught_name(node)
        if any(is_reraise(r, name) for r in facts.raises):
            return
        shaped = [r.exc for r in facts.raises if r.exc is not None and self._is_http(r.exc)] + [
            r.value for r in facts.returns if r.value is not None and self._is_response(r.value)
        ]
        if not shaped:
            return
        if any(_status(value, self.context) in _GATEWAY_STATUSES for value in shaped):
            return
        clause = "except" if node.type is None else "except " + _source(node.type)
        target: cst.CSTNode = node.type if node.type is not None else node
        self.report_with_anchor(target, node, clause=clause, function=frame.name)

    def _is_http(self, exception: cst.BaseExpression) -> bool:
        target = exception.func if isinstance(exception, cst.Call) else exception
        return is_http_exception(target, self.context)

    def _is_response(self, value: cst.BaseExpression) -> bool:
        return isinstance(value, cst.Call) and is_response_class(value.func, self.context)


def _status(value: cst.BaseExpression, context: ModuleContext) -> int | None:
    """The status of ``HTTPException(status, ...)`` or ``XResponse(content, status)``."""
    if not isinstance(value, cst.Call):
        return None
    position = 0 if is_http_exception(value.func, context) else 1
    argument = status_argument(value, position)
    return status_code_of(argument.value, context) if argument is not None else None


def _source(node: cst.BaseExpression) -> str:
    code = cst.Module(body=()).code_for_node(node)
    return f"({code})" if isinstance(node, cst.Tuple) and not node.lpar else code
