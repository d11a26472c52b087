"""FRL104: a route handler takes its request body as a raw dict or reads it by hand."""

from __future__ import annotations

import libcst as cst

from fastapi_rules_lint.rulebase.rule import Clean, Flagged, Requires, Rule
from fastapi_rules_lint.semantics.fastapi.params import is_body_parameter
from fastapi_rules_lint.semantics.python.annotations import is_dict_type, unwrap_annotation
from fastapi_rules_lint.semantics.python.signatures import all_params

REQUEST_TYPES = frozenset(
    {"fastapi.Request", "fastapi.requests.Request", "starlette.requests.Request"}
)
JSON_LOADS = frozenset({"json.loads", "orjson.loads", "ujson.loads"})

_HEAD = (
    "from typing import Annotated, Any\n\n"
    "from fastapi import Body, Depends, FastAPI, Query, Request\n\n"
    "app = FastAPI()\n\n\n"
)


class RawDictRequest(Rule):
    """## What it does
    In a route handler (not a websocket route), reports request input that skips
    validation:
    - a parameter annotated `dict`, `Dict[...]`, `Mapping`, `MutableMapping` (also
      under `Optional` or `Annotated`) that FastAPI reads from the request body — not
      a path parameter and not marked `Depends`, `Security`, `Query`, `Header`,
      `Cookie`, `Path`, `Form` or `File` (an explicit `Body()` is still the body);
    - reading the body by hand: `request.json()` or `json.loads(await request.body())`
      (also `orjson`/`ujson`), where `request` is a parameter of the handler
      annotated `fastapi.Request` or `starlette.requests.Request`. A `.json()` on any
      other receiver is not reported.

    ## Why is this bad?
    FastAPI validates, converts and documents a body declared as a Pydantic model. A
    raw dict accepts any JSON object: missing or mistyped fields reach your code
    (and fail there with a 500), and the OpenAPI schema shows an empty object.

    ## Example
    ```python
    @app.post("/items")
    async def create_item(payload: dict) -> Item:
        return Item(name=payload["name"])
    ```

    ## Use instead
    ```python
    class ItemIn(BaseModel):
        name: str

    @app.post("/items")
    async def create_item(payload: ItemIn) -> Item:
        return Item(name=payload.name)
    ```

    ## Fix safety
    No fix: the model's fields need a human.
    """

    code = "FRL104"
    name = "raw-dict-request"
    message = "Route handler `{function}` {what}; declare a Pydantic model parameter"
    summary = "A route handler reads its request body as a raw dict"
    requires = Requires.FASTAPI
    examples = (
        Clean(
            "from flask import Flask\n\napp = Flask(__name__)\n\n"
            "@app.post('/items')\ndef create(payload: dict) -> None: ...\n",
            note="Flask's `@app.post` is not a FastAPI route",
        ),
        Clean(
            _HEAD + "def get_settings() -> dict[str, str]: ...\n\n"
            "@app.get('/items/{item_id}')\n"
            "def read(item_id: int, settings: dict = Depends(get_settings),\n"
            "         other: Annotated[dict, Depends(get_settings)] = None) -> None: ...\n",
            note="dicts provided by dependencies",
        ),
        Clean(
            "from fastapi import FastAPI\nfrom mylib import dict\n\napp = FastAPI()\n\n"
            "@app.post('/items')\ndef create(payload: dict) -> None: ...\n",
            note="a `dict` imported from elsewhere",
        ),
        Clean(
            _HEAD + "@app.post('/items')\nasync def create(client: Any) -> None:\n"
            "    data = await client.json()\n",
            note="`.json()` on a receiver that is not a `Request`",
        ),
        Clean(
            _HEAD + "def helper(payload: dict) -> None: ...\n\n"
            "@app.websocket('/ws')\nasync def ws(data: dict) -> None: ...\n",
            note="not a route handler; a websocket route",
        ),
        Flagged(
            _HEAD + "@app.post('/items')\n"
            "def create(payload: dict[str, Any], extra: Annotated[dict, Body()]) -> None: ...\n",
            at=("9:12-9:19", "9:37-9:42"),
        ),
        Flagged(
            "import json\n\nimport starlette.requests\nfrom fastapi import APIRouter\n\n"
            "router = APIRouter()\n\n\n@router.post('/raw')\n"
            "async def raw(request: starlette.requests.Request) -> None:\n"
            "    data = await request.json()\n"
            "    same = json.loads(await request.body())\n",
            at=("11:18-11:32", "12:12-12:44"),
            note="reading the body by hand",
        ),
        Clean(
            _HEAD + "from deps import CurrentUser\n\n"
            "@app.get('/items/{data}')\n"
            "def read(data: dict, user: Annotated[dict, CurrentUser],\n"
            "         q: Annotated[dict, Query()] = None) -> None: ...\n",
            note="a path parameter; metadata that may hide a `Depends`; `Query()`",
        ),
        Flagged(
            "from collections.abc import Mapping\nfrom typing import Optional\n\n"
            "import fastapi\n\napp = fastapi.FastAPI()\n\n\n"
            "def create(a: Optional[dict] = None, b: Mapping[str, int] = {}) -> None: ...\n\n\n"
            "app.add_api_route('/items', create, methods=['POST'])\n",
            at=("9:12-9:13", "9:38-9:39"),
            note="`Optional`, `collections.abc.Mapping`, `add_api_route`",
        ),
        Flagged(
            _HEAD + "@app.post('/items')\nasync def create(request: Request) -> None:\n"
            "    data = await request.json()\n",
            at=("10:18-10:32",),
            note="`fastapi.Request`",
        ),
    )

    def setup(self) -> None:
        self._requests: dict[int, frozenset[str]] = {}
        """Handler node id → its parameters annotated as a request."""

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        frame = self.context.function
        if frame is None or frame.node is not node:
            return
        routes = [route for route in frame.routes if not route.is_websocket]
        if not routes:
            return
        requests: set[str] = set()
        for param in all_params(node.params):
            if param.annotation is None or param.star != "":
                continue
            annotation = param.annotation.annotation
            if is_dict_type(
                annotation, self.context.signature_qualified_names
            ) and is_body_parameter(param, routes, self.context.signature_qualified_names):
                self.report(
                    param,
                    what=f"takes its request body as a raw dict (`{param.name.value}`)",
                    function=node.name.value,
                )
                continue
            core, _ = unwrap_annotation(annotation, self.context.signature_qualified_names)
            if not self.context.signature_qualified_names(core).isdisjoint(REQUEST_TYPES):
                requests.add(param.name.value)
        if requests:
            self._requests[id(node)] = frozenset(requests)

    def visit_Call(self, node: cst.Call) -> None:
        frame = self.context.function
        requests = self._requests.get(id(frame.node)) if frame is not None else None
        if frame is None or not requests:
            return
        if self._is_request_call(node, "json", requests):
            what = f"reads its request body by hand (`{self._receiver(node)}.json()`)"
        elif loads := sorted(self.context.qualified_names(node.func) & JSON_LOADS):
            if not self._loads_body(node, requests):
                return
            what = f"parses its request body by hand (`{loads[0]}()`)"
        else:
            return
        self.report(node, what=what, function=frame.name)

    def _loads_body(self, node: cst.Call, requests: frozenset[str]) -> bool:
        if not node.args or node.args[0].keyword is not None or node.args[0].star:
            return False
        value = node.args[0].value
        return (
            isinstance(value, cst.Await)
            and isinstance(value.expression, cst.Call)
            and self._is_request_call(value.expression, "body", requests)
        )

    @staticmethod
    def _is_request_call(node: cst.Call, method: str, requests: frozenset[str]) -> bool:
        func = node.func
        return (
            isinstance(func, cst.Attribute)
            and func.attr.value == method
            and isinstance(func.value, cst.Name)
            and func.value.value in requests
            and not node.args
        )

    @staticmethod
    def _receiver(node: cst.Call) -> str:
        func = node.func
        assert isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)
        return func.value.value
