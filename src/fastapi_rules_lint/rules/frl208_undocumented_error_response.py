"""FRL208: a route raises ``HTTPException`` with a 4xx status its OpenAPI operation does
not document."""

from __future__ import annotations

import json
from typing import TypeGuard

import libcst as cst

from fastapi_rules_lint.engine.diagnostics import Applicability, ImportRequest
from fastapi_rules_lint.rulebase.edits import (
    NameUse,
    keyword_arg,
    name_use,
    with_argument,
    with_dict_element,
)
from fastapi_rules_lint.rulebase.rule import Clean, Flagged, NodeFix, Requires, Rule
from fastapi_rules_lint.semantics.fastapi.apps import Route, argument, string_value
from fastapi_rules_lint.semantics.fastapi.context import FunctionFrame
from fastapi_rules_lint.semantics.fastapi.http_status import (
    code_of_constant,
    constant_name,
    reason_phrase,
)
from fastapi_rules_lint.semantics.fastapi.routes import (
    documented_codes,
    is_http_exception,
    is_in_schema,
    status_argument,
    status_code_of,
)
from fastapi_rules_lint.semantics.python.names import resolve

_VALIDATION_ERROR = 422
FRL207 = "FRL207"
STATUS_MODULE_NAMES = frozenset({"fastapi.status", "starlette.status"})

# Examples that span modules: `app/routes.py` of a project whose `app/main.py` includes it.
_ROUTES = (
    "from fastapi import APIRouter, HTTPException\n\nrouter = APIRouter()\n\n\n"
    '@router.get("/items/{item_id}")\ndef read_item(item_id: int) -> None:\n'
    "    raise HTTPException(status_code=404)\n"
)
_MAIN = "from fastapi import FastAPI\n\nfrom app import routes\n\napp = FastAPI()\n"


class UndocumentedErrorResponse(Rule):
    """## What it does
    Finds a route handler that raises `HTTPException` with a 4xx status (an integer
    literal or a `status.HTTP_4xx_*` constant) directly in its body, while neither the
    route decorator nor its router declares that status in `responses=`. Router-level
    declarations count: `APIRouter(responses=...)`, `FastAPI(responses=...)` and
    `include_router(router, responses=...)` in the same module; when a router may get
    responses from elsewhere (it is built in another module, or another file of the
    run includes it with `responses=` or builds an app or router with `responses=`),
    nothing is reported. 422 is not reported for handlers with parameters: FastAPI
    documents it for them. Off by default: most real codebases leave these out.

    ## Why is this bad?
    The OpenAPI schema, and every client generated from it, only knows the success
    response and 422: an expected error the handler raises on purpose is invisible to
    the API's users.

    ## Example
    ```python
    @app.get("/items/{item_id}")
    def read_item(item_id: int) -> Item:
        if item_id not in items:
            raise HTTPException(status_code=404, detail="Item not found")
        return items[item_id]
    ```

    ## Use instead
    ```python
    @app.get("/items/{item_id}", responses={404: {"description": "Item not found"}})
    def read_item(item_id: int) -> Item:
        ...
    ```

    ## Fix safety
    Unsafe: it changes the published OpenAPI schema (the operation gains a response
    entry, and clients generated from it learn the status); requests, responses and
    validation are unchanged. The fix adds `responses={N: {"description": ...}}` to
    the route decorator (or the entry to its literal `responses` dict), described by
    the literal `detail` string or else the HTTP reason phrase. Offered when the
    handler has a single route. The new key is written like the dict's keys (integers,
    strings or `status.*` names); in a new dict it is a `status.*` name when FRL207 is
    enabled (importing `status`) or the module already imports `status`, else an
    integer — never depending on which raise is fixed first. An entry added to a
    multi-line dict goes after the last one, whose trailing comment stays with it.
    """

    code = "FRL208"
    name = "undocumented-error-response"
    message = "`{function}` raises a {code} that its route does not declare in `responses=`"
    summary = "An `HTTPException` status missing from the route's `responses`"
    requires = Requires.FASTAPI
    default_enabled = False
    fix_availability = "sometimes"
    examples = (
        Clean(
            "from fastapi import FastAPI, HTTPException\n\napp = FastAPI()\n\n"
            '@app.get("/items/{item_id}", responses={"404": {"description": "Missing"}})\n'
            "def read_item(item_id: int) -> None:\n"
            "    raise HTTPException(status_code=404)\n",
            note="string keys count",
        ),
        Clean(
            "from fastapi import APIRouter, FastAPI, HTTPException, status\n\n"
            "router = APIRouter(responses={status.HTTP_403_FORBIDDEN: {}})\napp = FastAPI()\n\n"
            '@router.get("/items")\ndef items() -> None:\n'
            "    raise HTTPException(status.HTTP_403_FORBIDDEN)\n\n"
            'app.include_router(router, responses={404: {"description": "Missing"}})\n\n'
            '@router.get("/other")\ndef other() -> None:\n'
            "    raise HTTPException(status_code=404)\n",
            note="router-level responses, constant keys",
        ),
        Clean(
            "from fastapi import FastAPI, HTTPException\n\napp = FastAPI()\n\n"
            '@app.get("/items")\ndef items() -> None:\n'
            "    def check() -> None:\n        raise HTTPException(status_code=404)\n"
            "    raise HTTPException(status_code=500)\n",
            note="nested function, and a 5xx",
        ),
        Clean(
            "from fastapi import FastAPI, HTTPException\nfrom .common import RESPONSES\n\n"
            "app = FastAPI()\n\n"
            '@app.get("/items", responses=RESPONSES)\ndef items() -> None:\n'
            "    raise HTTPException(status_code=404)\n",
            note="responses we cannot read",
        ),
        Flagged(
            "from fastapi import FastAPI, HTTPException\n\napp = FastAPI()\n\n"
            '@app.get("/items/{item_id}")\ndef read_item(item_id: int) -> None:\n'
            '    raise HTTPException(status_code=404, detail="Item not found")\n',
            at=("7:11-7:66",),
            fixed="from fastapi import FastAPI, HTTPException\n\napp = FastAPI()\n\n"
            '@app.get("/items/{item_id}", responses={404: {"description": "Item not found"}})\n'
            "def read_item(item_id: int) -> None:\n"
            '    raise HTTPException(status_code=404, detail="Item not found")\n',
            unsafe=True,
        ),
        Flagged(
            "from fastapi import APIRouter, HTTPException, status\n\nrouter = APIRouter()\n\n"
            "@router.delete(\n"
            '    "/items/{item_id}",\n'
            '    responses={\n        404: {"description": "Not found"},  # keep\n    },\n'
            ")\n"
            "def delete_item(item_id: int) -> None:\n"
            '    raise HTTPException(status.HTTP_409_CONFLICT, detail=f"busy {item_id}")\n',
            at=("12:11-12:76",),
            fixed="from fastapi import APIRouter, HTTPException, status\n\nrouter = APIRouter()\n\n"
            "@router.delete(\n"
            '    "/items/{item_id}",\n'
            "    responses={\n"
            '        404: {"description": "Not found"},  # keep\n'
            '        409: {"description": "Conflict"},\n'
            "    },\n"
            ")\n"
            "def delete_item(item_id: int) -> None:\n"
            '    raise HTTPException(status.HTTP_409_CONFLICT, detail=f"busy {item_id}")\n',
            unsafe=True,
            note="merged into the literal dict, in its key style, after the comment of the "
            "last entry; reason phrase for a non-literal detail",
        ),
        Flagged(
            "from fastapi import FastAPI, HTTPException\nfrom fastapi import status as st\n\n"
            "app = FastAPI()\n\n"
            '@app.get(\n    "/items",\n    responses={st.HTTP_403_FORBIDDEN: {}}  # auth\n)\n'
            "def items() -> None:\n    raise HTTPException(404)\n",
            at=("11:11-11:29",),
            fixed="from fastapi import FastAPI, HTTPException\nfrom fastapi import status as st\n\n"
            "app = FastAPI()\n\n"
            '@app.get(\n    "/items",\n    responses={\n        st.HTTP_403_FORBIDDEN: {},\n'
            '        st.HTTP_404_NOT_FOUND: {"description": "Not Found"},\n    }  # auth\n)\n'
            "def items() -> None:\n    raise HTTPException(404)\n",
            unsafe=True,
            note="`status.*` keys in the dict: the new key is one too",
        ),
        Flagged(
            "from fastapi import FastAPI, HTTPException, status\n\napp = FastAPI()\n\n"
            '@app.post("/items", status_code=status.HTTP_201_CREATED)\n'
            "def create() -> None:\n    raise HTTPException(409)\n",
            at=("7:11-7:29",),
            fixed="from fastapi import FastAPI, HTTPException, status\n\napp = FastAPI()\n\n"
            '@app.post(\n    "/items",\n    status_code=status.HTTP_201_CREATED,\n'
            '    responses={status.HTTP_409_CONFLICT: {"description": "Conflict"}},\n)\n'
            "def create() -> None:\n    raise HTTPException(409)\n",
            unsafe=True,
            note="a new dict: `status.*` keys where the module imports `status` (or FRL207 "
            "is on), else integers",
        ),
        Flagged(
            "from fastapi import FastAPI, HTTPException\n\napp = FastAPI()\n\n"
            '@app.get("/health")\ndef health() -> None:\n'
            "    raise HTTPException(status_code=422)\n",
            at=("7:11-7:41",),
            fixed="from fastapi import FastAPI, HTTPException\n\napp = FastAPI()\n\n"
            '@app.get("/health", responses={422: {"description": "Unprocessable Content"}})\n'
            "def health() -> None:\n"
            "    raise HTTPException(status_code=422)\n",
            unsafe=True,
            note="422 without parameters: FastAPI does not document it",
        ),
        Clean(
            _ROUTES,
            path="app/routes.py",
            files={
                "app/main.py": _MAIN + "app.include_router(\n"
                '    routes.router, responses={404: {"description": "Missing"}}\n)\n',
            },
            note="across modules: the include documents 404",
        ),
        Flagged(
            _ROUTES,
            at=("8:11-8:41",),
            fixed=_ROUTES.replace(
                '"/items/{item_id}"',
                '"/items/{item_id}", responses={404: {"description": "Not Found"}}',
            ),
            unsafe=True,
            path="app/routes.py",
            files={
                "app/main.py": _MAIN
                + 'app.include_router(routes.router, responses={403: {"description": "No"}})\n',
            },
            note="across modules: the include documents another status",
        ),
    )

    def visit_Raise(self, node: cst.Raise) -> None:
        frame = self.context.function
        exception = node.exc
        if frame is None or not frame.is_route or not isinstance(exception, cst.Call):
            return
        if not is_http_exception(exception.func, self.context):
            return
        status = status_argument(exception, 0)
        code = status_code_of(status.value, self.context) if status is not None else None
        if code is None or not 400 <= code <= 499 or self._is_automatic(frame, code):
            return
        missing = [
            r
            for r in frame.routes
            if is_in_schema(r, self.context) and code not in documented_codes(r, self.context)
        ]
        if not missing:
            return
        fix = None
        if len(frame.routes) == 1 and status is not None:
            fix = self._fix(missing[0], exception, status.value, code)
        self.report(exception, fix=fix, function=frame.name, code=code)

    def _is_automatic(self, frame: FunctionFrame, code: int) -> bool:
        """FastAPI documents 422 itself for routes that validate something."""
        if code != _VALIDATION_ERROR:
            return False
        node = frame.node
        has_params = bool(
            node.params.params or node.params.kwonly_params or node.params.posonly_params
        )
        return has_params or any(argument(r.call, "dependencies") for r in frame.routes)

    def _fix(
        self, route: Route, exception: cst.Call, status: cst.BaseExpression, code: int
    ) -> NodeFix | None:
        detail = argument(exception, "detail", 1)
        description = string_value(detail.value) if detail is not None else None
        if description is None:
            description = reason_phrase(code) or str(code)
        responses = argument(route.call, "responses")
        if responses is not None and not isinstance(responses.value, cst.Dict):
            return None
        existing = responses.value if responses is not None else None
        assert existing is None or isinstance(existing, cst.Dict)
        key, imports = self._key(existing, code)
        entry = cst.DictElement(
            key=key,
            value=cst.parse_expression(
                '{"description": ' + json.dumps(description, ensure_ascii=False) + "}"
            ),
        )
        replacement: tuple[cst.CSTNode, cst.CSTNode]
        if existing is not None:
            replacement = (existing, with_dict_element(existing, entry))
        else:
            mapping = cst.Dict(elements=(entry,))
            replacement = (route.call, with_argument(route.call, keyword_arg("responses", mapping)))
        return NodeFix(
            message=f"Declare {code} in `responses=`",
            applicability=Applicability.UNSAFE,
            replacements=(replacement,),
            imports=imports,
        )

    def _key(
        self, existing: cst.Dict | None, code: int
    ) -> tuple[cst.BaseExpression, tuple[ImportRequest, ...]]:
        """The new key, written as the dict's keys already are (integers, strings or
        ``status.*`` names); in a new or mixed dict a ``status.*`` name when FRL207 is
        on or the module already imports ``status``, else the integer. It never depends
        on the raised expression, so several fixes on one route agree in any order."""
        constant = constant_name(code)
        keys = (
            [e.key for e in existing.elements if isinstance(e, cst.DictElement)] if existing else []
        )
        if keys and all(isinstance(k, cst.Integer) for k in keys):
            return cst.Integer(str(code)), ()
        if keys and all(isinstance(k, cst.SimpleString) for k in keys):
            return cst.SimpleString(f'"{code}"'), ()
        module_names = [k.value for k in keys if self._is_status_constant(k)]
        if keys and len(module_names) == len(keys) and constant is not None:
            return cst.Attribute(value=module_names[0], attr=cst.Name(constant)), ()
        bound = next(
            (n for n, q in self.context.table.bindings.items() if q and q <= STATUS_MODULE_NAMES),
            None,
        )
        if constant is not None and (bound is not None or FRL207 in self.context.enabled):
            name = bound or "status"
            use = name_use(self.context, name, STATUS_MODULE_NAMES, in_decorator=True)
            if use is not NameUse.TAKEN:
                imports = (ImportRequest("fastapi", "status"),) if use is NameUse.FREE else ()
                return cst.Attribute(value=cst.Name(name), attr=cst.Name(constant)), imports
        return cst.Integer(str(code)), ()

    def _is_status_constant(self, key: cst.BaseExpression) -> TypeGuard[cst.Attribute]:
        """``status.HTTP_404_NOT_FOUND`` spelled as an attribute of the status module
        (resolved at module level, where the decorator runs)."""
        if not isinstance(key, cst.Attribute) or not isinstance(key.value, cst.Name):
            return False
        module = resolve(key.value, self.context.table)
        return (
            bool(module)
            and module <= STATUS_MODULE_NAMES
            and code_of_constant(key.attr.value) is not None
        )
