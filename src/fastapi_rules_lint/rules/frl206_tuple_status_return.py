"""FRL206: a Flask-style ``return body, 404`` in a route handler."""

from __future__ import annotations

import libcst as cst

from fastapi_rules_lint.engine.diagnostics import Applicability, ImportRequest
from fastapi_rules_lint.rulebase.edits import NameUse, keyword_arg, name_use
from fastapi_rules_lint.rulebase.rule import Clean, Flagged, NodeFix, Requires, Rule
from fastapi_rules_lint.semantics.fastapi.apps import argument, string_value
from fastapi_rules_lint.semantics.fastapi.context import FunctionFrame
from fastapi_rules_lint.semantics.fastapi.routes import HTTP_EXCEPTIONS, status_code_of
from fastapi_rules_lint.semantics.python.branches import BranchTracking

TUPLE_TYPES = frozenset({"builtins.tuple", "typing.Tuple", "typing_extensions.Tuple"})
UNIONS = frozenset(
    f"{module}.{name}"
    for module in ("typing", "typing_extensions")
    for name in ("Union", "Optional")
)
_BODY_NODES = (
    cst.Dict,
    cst.DictComp,
    cst.List,
    cst.ListComp,
    cst.SimpleString,
    cst.ConcatenatedString,
    cst.FormattedString,
    cst.Call,
    cst.Name,
    cst.Attribute,
    cst.Subscript,
)
ERROR_KEYS = frozenset({"detail", "error", "message"})


class TupleStatusReturn(BranchTracking, Rule):
    """## What it does
    Finds Flask-style `return body, status` in route handlers: a two-element tuple of
    a body (dict, list, string, model, variable) and a status code (an integer
    literal from 200 to 599 or a `status.HTTP_*` constant).

    Not reported: handlers whose return annotation or `response_model` is a tuple
    (they mean to return one), websocket routes, nested functions, and modules that
    do not use FastAPI (Flask really does read `return body, 404`).

    ## Why is this bad?
    FastAPI does not read a status from the return value: it serialises the tuple as
    a JSON array (`[{"detail": "Not found"}, 404]`) and answers `200 OK`. Clients see
    success, and the OpenAPI schema is wrong.

    ## Example
    ```python
    @app.get("/items/{item_id}")
    def read_item(item_id: int):
        if item_id not in items:
            return {"detail": "Item not found"}, 404
        return items[item_id]
    ```

    ## Use instead
    ```python
    @app.get("/items/{item_id}")
    def read_item(item_id: int):
        if item_id not in items:
            raise HTTPException(status_code=404, detail="Item not found")
        return items[item_id]
    ```

    ## Fix safety
    Unsafe: it changes the response (an error status instead of `200`), which is the
    point but changes behaviour. Offered only when the body is a dict with a single
    `detail`/`error`/`message` entry and the status is an error (400 or more): the
    return becomes `raise HTTPException(status_code=..., detail=...)` and
    `from fastapi import HTTPException` is added. Not offered inside a `try` block
    with handlers (the new exception could be caught), or when the name
    `HTTPException` is bound to something else. What changes besides the status: the
    body is `{"detail": ...}` (an `error`/`message` key becomes `detail`); the response
    is now made by the `HTTPException` handler (a custom
    `@app.exception_handler(HTTPException)` shapes it); the response model no longer
    validates it; and the exception passes through dependencies with `yield` (an
    `except` around their `yield`, e.g. a rollback, now runs). A success status (`return item,
    201`) is reported without a fix: use `status_code=` on the decorator or a
    `Response` parameter.
    """

    code = "FRL206"
    name = "tuple-status-return"
    message = "FastAPI serialises `return ..., {status}` as a JSON array with status 200; {advice}"
    summary = "A Flask-style `return body, status` in a route handler"
    requires = Requires.FASTAPI
    fix_availability = "sometimes"
    examples = (
        Clean(
            "from flask import Flask\n\napp = Flask(__name__)\n\n"
            '@app.get("/items")\ndef items():\n    return {"detail": "missing"}, 404\n',
            note="Flask has `@app.get` too, and reads the status",
        ),
        Clean(
            "from fastapi import FastAPI\n\napp = FastAPI()\n\n"
            '@app.get("/pair")\ndef pair() -> tuple[str, int]:\n    return "a", 404\n',
            note="the handler means to return a tuple",
        ),
        Clean(
            "from typing import Union\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n"
            '@app.get("/pairs")\ndef pairs() -> Union[tuple[str, int], None]:\n'
            '    return "a", 404\n',
            note="a tuple in a union",
        ),
        Clean(
            "from fastapi import FastAPI\n\napp = FastAPI()\n\n"
            '@app.get("/point")\ndef point():\n    def helper():\n'
            '        return {"x": 1}, 404\n    return {"x": 1, "y": 2}\n',
            note="a nested function's return",
        ),
        Clean(
            "from fastapi import FastAPI\n\napp = FastAPI()\n\n"
            '@app.get("/size")\ndef size():\n    return "width", 2\n',
            note="2 is not an HTTP status",
        ),
        Flagged(
            "from fastapi import FastAPI\n\napp = FastAPI()\n\n"
            '@app.get("/items/{item_id}")\ndef read_item(item_id: int):\n'
            "    if item_id > 10:\n"
            '        return {"detail": "Item not found"}, 404\n'
            '    return {"id": item_id}\n',
            at=("8:16-8:49",),
            fixed="from fastapi import FastAPI, HTTPException\n\n"
            "app = FastAPI()\n\n"
            '@app.get("/items/{item_id}")\ndef read_item(item_id: int):\n'
            "    if item_id > 10:\n"
            '        raise HTTPException(status_code=404, detail="Item not found")\n'
            '    return {"id": item_id}\n',
            unsafe=True,
        ),
        Flagged(
            "from fastapi import APIRouter, HTTPException, status\n\n"
            "router = APIRouter()\n\n"
            '@router.delete("/items/{item_id}")\nasync def delete_item(item_id: int):\n'
            '    return {"error": f"cannot delete {item_id}"}, status.HTTP_409_CONFLICT\n',
            at=("7:12-7:75",),
            fixed="from fastapi import APIRouter, HTTPException, status\n\n"
            "router = APIRouter()\n\n"
            '@router.delete("/items/{item_id}")\nasync def delete_item(item_id: int):\n'
            "    raise HTTPException(\n"
            '        status_code=status.HTTP_409_CONFLICT, detail=f"cannot delete {item_id}"\n'
            "    )\n",
            unsafe=True,
            note="a status constant; `HTTPException` already imported",
        ),
        Flagged(
            "from fastapi import FastAPI\n\napp = FastAPI()\n\n"
            '@app.post("/items")\ndef create(name: str):\n'
            '    item = {"name": name}\n    return item, 201\n',
            at=("8:12-8:21",),
            note="a success status: no fix (use `status_code=` on the decorator)",
        ),
        Flagged(
            "from fastapi import FastAPI\n\napp = FastAPI()\n\n"
            '@app.get("/items")\ndef items():\n    try:\n        return load()\n'
            '    except OSError:\n        return {"detail": "storage down"}, 503\n',
            at=("10:16-10:47",),
            note="the return is in a handler, not in the `try` body: fixed",
            fixed="from fastapi import FastAPI, HTTPException\n\n"
            "app = FastAPI()\n\n"
            '@app.get("/items")\ndef items():\n    try:\n        return load()\n'
            "    except OSError:\n"
            '        raise HTTPException(status_code=503, detail="storage down")\n',
            unsafe=True,
        ),
        Flagged(
            "from fastapi import FastAPI\n\napp = FastAPI()\n\n"
            '@app.get("/items")\ndef items():\n    try:\n'
            '        return {"detail": "not yet"}, 404\n    except Exception:\n        return []\n',
            at=("8:16-8:42",),
            note="inside a `try` body the new exception would be caught: no fix",
        ),
    )

    def setup(self) -> None:
        self.setup_branches()

    def visit_Return(self, node: cst.Return) -> None:
        frame = self.context.function
        value = node.value
        if frame is None or not frame.is_route or not isinstance(value, cst.Tuple):
            return
        if all(route.is_websocket for route in frame.routes) or self._returns_tuple(frame):
            return
        elements = value.elements
        if len(elements) != 2 or any(isinstance(e, cst.StarredElement) for e in elements):
            return
        body, status = elements[0].value, elements[1].value
        code = status_code_of(status, self.context)
        if code is None or not 200 <= code <= 599 or not isinstance(body, _BODY_NODES):
            return
        fix = self._fix(node, body, status) if code >= 400 else None
        advice = (
            "raise `HTTPException` for an error"
            if code >= 400
            else "set the status with `status_code=` on the decorator or a `Response` parameter"
        )
        self.report(value, fix=fix, status=self.context.module.code_for_node(status), advice=advice)

    def _returns_tuple(self, frame: FunctionFrame) -> bool:
        node = frame.node
        annotations: list[cst.BaseExpression] = []
        if isinstance(node, cst.FunctionDef) and node.returns is not None:
            annotations.append(node.returns.annotation)
        for route in frame.routes:
            model = argument(route.call, "response_model")
            if model is not None:
                annotations.append(model.value)
        return any(self._mentions_tuple(annotation) for annotation in annotations)

    def _mentions_tuple(self, annotation: cst.BaseExpression) -> bool:
        """``tuple[...]``/``Tuple[...]``, also as a member of ``X | Y``, ``Union[...]``
        and ``Optional[...]``."""
        if isinstance(annotation, cst.BinaryOperation) and isinstance(
            annotation.operator, cst.BitOr
        ):
            return self._mentions_tuple(annotation.left) or self._mentions_tuple(annotation.right)
        root = annotation.value if isinstance(annotation, cst.Subscript) else annotation
        if self.context.resolves_to(root, TUPLE_TYPES):
            return True
        if isinstance(annotation, cst.Subscript) and self.context.resolves_to(root, UNIONS):
            return any(
                isinstance(element.slice, cst.Index) and self._mentions_tuple(element.slice.value)
                for element in annotation.slice
            )
        return False

    def _fix(
        self, node: cst.Return, body: cst.BaseExpression, status: cst.BaseExpression
    ) -> NodeFix | None:
        if not isinstance(body, cst.Dict) or len(body.elements) != 1 or self.in_try_body():
            return None
        entry = body.elements[0]
        if not isinstance(entry, cst.DictElement) or string_value(entry.key) not in ERROR_KEYS:
            return None
        use = name_use(self.context, "HTTPException", HTTP_EXCEPTIONS)
        if use is NameUse.TAKEN:
            return None
        exception = cst.Call(
            func=cst.Name("HTTPException"),
            args=(
                keyword_arg("status_code", status).with_changes(
                    comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
                ),
                keyword_arg("detail", entry.value),
            ),
        )
        imports = (ImportRequest("fastapi", "HTTPException"),) if use is NameUse.FREE else ()
        return NodeFix(
            message="Raise `HTTPException` instead",
            applicability=Applicability.UNSAFE,
            replacements=((node, cst.Raise(exc=exception, semicolon=node.semicolon)),),
            imports=imports,
        )
