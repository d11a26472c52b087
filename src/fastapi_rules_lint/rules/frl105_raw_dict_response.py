"""FRL105: a route handler responds with an unvalidated dict."""

from __future__ import annotations

import libcst as cst

from fastapi_rules_lint.rulebase.rule import Clean, Flagged, Requires, Rule
from fastapi_rules_lint.semantics.fastapi.apps import argument
from fastapi_rules_lint.semantics.fastapi.routes import is_in_schema
from fastapi_rules_lint.semantics.python.annotations import is_dict_type

DICT = frozenset({"builtins.dict"})

_HEAD = "from typing import Any\n\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n"


class RawDictResponse(Rule):
    """## What it does
    In a route handler (not a websocket route), reports a response that is an
    unvalidated dict:
    - a dict-like return annotation (`dict`, `Dict[...]`, `Mapping`,
      `MutableMapping`, also under `Optional`/`Annotated`) when no route of the
      handler sets a `response_model` (which FastAPI would use instead);
    - `response_model=dict` (or `Dict[...]`, ...) in the route decorator or
      `add_api_route(...)`;
    - with no return annotation and no `response_model` (`response_model=None` is
      none), a `return {...}`, a dict comprehension or `return dict(...)` in the
      handler's own body (not in its nested functions).

    Reported at the annotation, the `response_model` value, or the returned
    expression.

    ## Why is this bad?
    FastAPI validates, filters and documents a response declared as a Pydantic model
    (the return annotation or `response_model`). A dict is sent as it is: a typo in a
    key, a leaked internal field or a wrong type reaches the client, and the OpenAPI
    schema says nothing about the response.

    ## Example
    ```python
    @app.get("/users/{user_id}")
    async def read_user(user_id: int):
        return {"id": user_id, "name": "Ada"}
    ```

    ## Use instead
    ```python
    class User(BaseModel):
        id: int
        name: str

    @app.get("/users/{user_id}")
    async def read_user(user_id: int) -> User:
        return User(id=user_id, name="Ada")
    ```

    ## Fix safety
    No fix: the model's fields need a human.
    """

    code = "FRL105"
    name = "raw-dict-response"
    message = "Route handler `{function}` {what}; use a Pydantic response model"
    summary = "A route handler responds with a raw dict"
    requires = Requires.FASTAPI
    examples = (
        Clean(
            "from flask import Flask\n\napp = Flask(__name__)\n\n"
            "@app.get('/')\ndef index():\n    return {'ok': True}\n",
            note="Flask's `@app.get` is not a FastAPI route",
        ),
        Clean(
            _HEAD + "@app.get('/', response_model=Item)\ndef index() -> dict[str, Any]:\n"
            "    return {'name': 'x'}\n",
            note="`response_model` validates the returned dict",
        ),
        Clean(
            _HEAD + "@app.get('/')\ndef index():\n    def helper():\n"
            "        return {'ok': True}\n    return helper()\n",
            note="a dict returned by a nested function",
        ),
        Clean(
            "from fastapi import FastAPI\nfrom mylib import Dict\n\napp = FastAPI()\n\n"
            "@app.get('/')\ndef index() -> Dict: ...\n",
            note="a `Dict` that is not typing's",
        ),
        Clean(
            _HEAD + "@app.websocket('/ws')\nasync def ws():\n    return {'ok': True}\n\n"
            "def helper():\n    return {'ok': True}\n",
            note="a websocket route; not a route handler",
        ),
        Flagged(
            _HEAD + "@app.get('/')\ndef index() -> dict[str, Any]:\n    return {}\n",
            at=("9:16-9:30",),
        ),
        Flagged(
            "from typing import Dict\n\nimport fastapi\n\napp = fastapi.FastAPI()\n\n\n"
            "@app.post('/', response_model=Dict[str, int])\ndef create():\n"
            "    return {'a': 1}\n",
            at=("8:31-8:45",),
        ),
        Flagged(
            _HEAD + "@app.get('/')\nasync def index(flag: bool):\n"
            "    if flag:\n        return {'ok': True}\n    return dict(ok=False)\n",
            at=("11:16-11:28", "12:12-12:26"),
        ),
        Clean(
            "from fastapi import FastAPI\nfrom fastapi.responses import JSONResponse\n\n"
            "app = FastAPI()\n\n\n@app.get('/')\ndef index() -> JSONResponse:\n"
            "    return JSONResponse({'ok': True})\n",
            note="an explicit response class",
        ),
        Flagged(
            "from typing import Mapping, Optional\n\nfrom fastapi import APIRouter\n\n"
            "router = APIRouter()\n\n\n@router.get('/a')\n"
            "def a() -> Optional[Mapping[str, int]]: ...\n\n\n"
            "@router.get('/b', response_model=None)\ndef b():\n"
            "    return {k: 1 for k in 'ab'}\n\n\n"
            "def c(): ...\n\n\nrouter.add_api_route('/c', c, response_model=dict)\n",
            at=("9:12-9:39", "14:12-14:32", "20:46-20:50"),
            note="`Optional[Mapping]`, `response_model=None`, a comprehension, `add_api_route`",
        ),
        Clean(
            "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n"
            "@router.get('/debug')\ndef debug():\n    return {'ok': True}\n",
            path="app/debug.py",
            files={
                "app/main.py": "from fastapi import FastAPI\n\nfrom app import debug\n\n"
                "app = FastAPI()\napp.include_router(debug.router, include_in_schema=False)\n",
            },
            note="across modules: the router is included out of the schema",
        ),
    )

    def setup(self) -> None:
        self._collecting: set[int] = set()
        """Handlers whose own `return {...}` statements are reported."""

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        frame = self.context.function
        if frame is None or frame.node is not node:
            return
        routes = [
            route
            for route in frame.routes
            if not route.is_websocket and is_in_schema(route, self.context)
        ]
        if not routes:
            return
        function = node.name.value
        has_model = False
        for route in routes:
            model = argument(route.call, "response_model")
            if model is None or _is_none(model.value):
                continue
            has_model = True
            if is_dict_type(model.value, self.context.signature_qualified_names):
                self.report(
                    model.value, what="declares a raw dict `response_model`", function=function
                )
        if node.returns is not None:
            annotation = node.returns.annotation
            if not has_model and is_dict_type(annotation, self.context.signature_qualified_names):
                self.report(annotation, what="is annotated to return a raw dict", function=function)
        elif not has_model:
            self._collecting.add(id(node))

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._collecting.discard(id(original_node))

    def visit_Return(self, node: cst.Return) -> None:
        frame = self.context.function
        if frame is None or id(frame.node) not in self._collecting or node.value is None:
            return
        value = node.value
        if isinstance(value, (cst.Dict, cst.DictComp)) or (
            isinstance(value, cst.Call) and self.context.resolves_to(value.func, DICT)
        ):
            self.report(value, what="returns a raw dict", function=frame.name)


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"
