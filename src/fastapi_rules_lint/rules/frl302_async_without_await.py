"""FRL302: an ``async def`` route or dependency that never awaits but may block."""

from __future__ import annotations

import libcst as cst

from fastapi_rules_lint.engine.diagnostics import Applicability
from fastapi_rules_lint.engine.options import RuleOptions
from fastapi_rules_lint.rulebase.rule import Clean, Flagged, NodeFix, Requires
from fastapi_rules_lint.rulebase.tracking import ScopeTracking
from fastapi_rules_lint.semantics.asyncio.blocking import BlockingTable
from fastapi_rules_lint.semantics.asyncio.blocking_calls import display_call, find_blocking
from fastapi_rules_lint.semantics.asyncio.maybe_blocking import (
    BENIGN_METHODS,
    is_safe_name,
    is_under,
)
from fastapi_rules_lint.semantics.asyncio.project_calls import chain_labels
from fastapi_rules_lint.semantics.asyncio.receivers import KNOWN_COROUTINES
from fastapi_rules_lint.semantics.python.callgraph import CallGraph, Step
from fastapi_rules_lint.semantics.python.decorators import has_plain_decorators

ASYNC_ANNOTATION_WORDS = ("Async", "Awaitable", "Coroutine")
LITERALS = (
    cst.SimpleString,
    cst.ConcatenatedString,
    cst.FormattedString,
    cst.Dict,
    cst.List,
    cst.Set,
    cst.Tuple,
    cst.Integer,
    cst.Float,
)

_APP = "from fastapi import FastAPI\nfrom .crud import get_items\n\napp = FastAPI()\n\n"
_ROUTER = "router = APIRouter()\n\n\n"
_SERVICES = (
    "import requests\n\n\ndef fetch(url: str) -> dict[str, str]:\n"
    "    return requests.get(url, timeout=5).json()\n"
)


class AsyncWithoutAwaitOptions(RuleOptions):
    """Options of FRL302."""

    non_blocking_calls: tuple[str, ...] = ()
    """Qualified names or prefixes (``mylib.cache``) whose calls never block."""


class AsyncWithoutAwait(ScopeTracking):
    """## What it does
    Finds route handlers and dependencies declared `async def` whose own body never
    awaits (no `await`, `async for` or `async with`) **and** calls something that may
    block: a blocking call from FRL301's table, a method on a receiver of unknown type
    (`db.query(...)`, `service.fetch()`), a function of a third-party package, or a
    function of the project (this module or any other, through the project model) that
    reaches one of those. A project function whose body is visible and makes no such
    call, directly or through other project functions, is pure and does not count; nor
    does calling an `async def` or a generator function (it runs nothing yet). The
    message names the first such call and, for a project function, the call at the end
    of its chain (`upstream.fetch() → requests.get()`).

    Calls that cannot block are ignored: builtins, class constructors (same-module
    classes and capitalised names, e.g. `Item(...)`, `HTTPException(...)`), methods of
    builtin types and Pydantic models (`d.get(k)`, `item.model_dump()`), FastAPI request
    / response objects (`response.set_cookie(...)`, `tasks.add_task(...)`), and pure or
    non-blocking modules (`json`, `math`, `re`, `datetime`, `uuid`, `itertools`,
    `hashlib`, `fastapi`, `pydantic`, `logging`, …). A pure `async def` handler —
    returning a literal, building a model — is fine (FastAPI's docs recommend it) and is
    not reported. Methods of a class with base classes (which may override an async
    method) are not reported.

    ## Why is this bad?
    FastAPI calls an `async def` handler on the event loop and a plain `def` handler in
    its threadpool. An `async def` that never awaits gains nothing from being async, and
    whatever it calls that blocks stops every other request on the worker.

    ## Example
    ```python
    @app.get("/items")
    async def list_items(db: Annotated[Session, Depends(get_db)]) -> list[Item]:
        return crud.get_items(db)
    ```

    ## Use instead
    ```python
    @app.get("/items")
    def list_items(db: Annotated[Session, Depends(get_db)]) -> list[Item]:
        return crud.get_items(db)
    ```

    ## Fix safety
    Unsafe: dropping `async` changes where the function runs (FastAPI runs a sync route
    handler or dependency in its threadpool, concurrently with other requests:
    thread-safety, thread-locals, a limited pool) and breaks code that awaits it
    directly. The OpenAPI schema and validation do not change. No fix when the
    function is awaited or called anywhere in the project (`await get_current_user(...)`
    in another module), when the return annotation mentions
    `Async…`/`Awaitable`/`Coroutine`, nor when the body makes a call that FRL301 or
    FRL305 fix by adding `await` (a blocking call from the table, a coroutine called
    without `await`): those fixes keep the function async.

    ## Options
    - `non-blocking-calls` (default `[]`): qualified names or prefixes whose calls never
      block, e.g. `["myapp.cache", "myapp.utils.slugify"]`; also applied to the call at
      the end of a project function's chain.
    """

    code = "FRL302"
    name = "async-without-await"
    message = (
        "`async def {function}` never awaits but calls `{call}`, which may block the "
        "event loop; declare it with `def`"
    )
    summary = "`async def` route or dependency that never awaits but may block"
    requires = Requires.FASTAPI
    fix_availability = "unsafe"
    options_model = AsyncWithoutAwaitOptions
    options: AsyncWithoutAwaitOptions
    examples = (
        Clean(
            _APP + "@app.get('/')\nasync def index() -> dict[str, str]:\n"
            "    return {'hello': 'world'}\n",
            note="pure async handler",
        ),
        Clean(
            _APP + "@app.get('/')\nasync def index(db: object) -> list[str]:\n"
            "    await db.refresh()\n    return get_items(db)\n",
            note="it awaits",
        ),
        Clean(
            _APP + "@app.get('/')\ndef index(db: object) -> list[str]:\n    return get_items(db)\n",
            note="a def route",
        ),
        Clean(
            "import json\nfrom fastapi import FastAPI, Response\n\napp = FastAPI()\n\n"
            "@app.get('/')\nasync def index(response: Response, q: str) -> str:\n"
            "    response.set_cookie('q', q.lower())\n    return json.dumps({'q': q})\n",
            note="safe calls only",
        ),
        Clean(
            "from flask import Flask\nfrom .crud import get_items\n\napp = Flask(__name__)\n\n"
            "@app.get('/')\nasync def index() -> list[str]:\n    return get_items()\n",
            note="Flask's @app.get is not a route here",
        ),
        Clean(
            _APP + "async def helper() -> list[str]:\n    return get_items()\n",
            note="not a route or dependency",
        ),
        Clean(
            _APP + "@app.get('/')\nasync def index() -> list[str]:\n    return get_items()\n",
            options={"non-blocking-calls": [".crud"]},
        ),
        Flagged(
            _APP + "@app.get('/')\nasync def index() -> list[str]:\n    return get_items()\n",
            at=("7:11-7:16",),
            fixed=_APP + "@app.get('/')\ndef index() -> list[str]:\n    return get_items()\n",
            unsafe=True,
        ),
        Flagged(
            "from fastapi import Depends, FastAPI\n\napp = FastAPI()\n\n"
            "def load() -> str:\n    with open('config.txt') as f:\n        return f.read()\n\n"
            "async def settings() -> str:\n    return load()\n\n"
            "@app.get('/')\nasync def index(s: str = Depends(settings)) -> str:\n"
            "    return s\n",
            at=("9:11-9:19",),
            note="a dependency calling a same-module helper that blocks",
        ),
        Clean(
            "from fastapi import APIRouter\n\nfrom app.helpers import slugify\n\n"
            + _ROUTER
            + "@router.get('/items/{name}')\nasync def read(name: str) -> str:\n"
            "    return slugify(name)\n",
            path="app/routes.py",
            files={
                "app/helpers.py": "def slugify(text: str) -> str:\n"
                "    return text.strip().lower().replace(' ', '-')\n",
            },
            note="a helper of another module that makes no call that may block is pure",
        ),
        Flagged(
            "from fastapi import APIRouter\n\nfrom app.services import fetch\n\n"
            + _ROUTER
            + "@router.get('/weather')\nasync def weather() -> dict[str, str]:\n"
            "    return fetch('https://wttr.in')\n",
            at=("9:11-9:18",),
            fixed="from fastapi import APIRouter\n\nfrom app.services import fetch\n\n"
            + _ROUTER
            + "@router.get('/weather')\ndef weather() -> dict[str, str]:\n"
            "    return fetch('https://wttr.in')\n",
            unsafe=True,
            path="app/routes.py",
            files={"app/services.py": _SERVICES},
            note="calls `fetch()` of another module: the message names `fetch() → requests.get()`",
        ),
        Flagged(
            "from fastapi import Header\n\nfrom app.services import fetch\n\n\n"
            "async def get_user(token: str = Header()) -> dict[str, str]:\n"
            "    return fetch(f'https://auth.example.com/me?token={token}')\n",
            at=("6:11-6:19",),
            path="app/auth.py",
            files={
                "app/services.py": _SERVICES,
                "app/routes.py": "from typing import Annotated\n\n"
                "from fastapi import APIRouter, Depends, Header\n\n"
                "from app.auth import get_user\n\n" + _ROUTER + "@router.get('/me')\n"
                "async def me(user: Annotated[dict[str, str], Depends(get_user)]) -> str:\n"
                "    return user['name']\n\n\n"
                "@router.get('/whoami')\nasync def whoami(token: str = Header()) -> str:\n"
                "    return (await get_user(token))['name']\n",
            },
            note="no fix: `app/routes.py` awaits `get_user(...)`, which `def` would break",
        ),
    )

    def setup(self) -> None:
        self.table = BlockingTable({}, frozenset())
        self.graph = CallGraph()
        self.plain_sync: set[cst.FunctionDef] = set()
        self.candidates: list[cst.FunctionDef] = []
        # Functions where FRL301/FRL305 add `await`: dropping `async` there would clash.
        self.awaits_after_fix: set[cst.FunctionDef] = set()
        # Canonical names of top-level candidates and their methods (see `_fix`).
        self.own_names: dict[cst.FunctionDef, str] = {}

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        super().visit_FunctionDef(node)
        frame = self.context.function
        assert frame is not None
        if not frame.is_async:
            if has_plain_decorators(node, self.context.qualified_names):
                self.plain_sync.add(node)
            return
        if not (frame.is_route or frame.is_dependency):
            return
        if frame.class_node is not None and frame.class_node.bases:
            return
        self.candidates.append(node)
        if len(self.context.functions) == 1:
            owner = f"{frame.class_node.name.value}." if frame.class_node is not None else ""
            own = self.context.fastapi.view.own(f"{owner}{node.name.value}")
            if own is not None:
                self.own_names[node] = own

    def visit_Call(self, node: cst.Call) -> None:
        facts = self.scopes.frame_facts()
        if facts is None or node in self.scopes.awaited:
            return
        callee = self.scopes.local_function(node)
        if callee is not None:
            if callee.asynchronous is not None:
                self.awaits_after_fix.add(facts.node)
            self.graph.add(facts.node, Step(node, self.context.anchor, callee=callee))
            return
        if not self.scopes.callee_names(node).isdisjoint(KNOWN_COROUTINES):
            self.awaits_after_fix.add(facts.node)
        label = self._may_block(node)
        if label is not None:
            self.graph.add(facts.node, Step(node, self.context.anchor, label=label))

    def leave_Module(self, original_node: cst.Module) -> None:
        chains = self.graph.chains(self._is_followed)
        for function in self.candidates:
            if self.scopes.facts[function].awaits:
                continue
            first: str | None = None
            for step in self.graph.of(function):
                if step.label is not None:
                    first = step.label
                elif step.callee is not None and step.callee in chains:
                    first = " → ".join(chains[step.callee])
                if first is not None:
                    break
            if first is not None:
                self.report_with_anchor(
                    function.name,
                    function.name,
                    fix=self._fix(function),
                    function=function.name.value,
                    call=first,
                )

    def _is_followed(self, function: cst.FunctionDef) -> bool:
        return function in self.plain_sync and not self.scopes.facts[function].yields

    def _may_block(self, call: cst.Call) -> str | None:
        match = find_blocking(call, self.scopes, self.table)
        if match is not None:
            facts = self.scopes.frame_facts()
            if facts is not None:
                self.awaits_after_fix.add(facts.node)
            return display_call(call, match.qualified)
        names = self.scopes.callee_names(call)
        extra = self.options.non_blocking_calls
        project = self.scopes.project_facts(call)
        if project is not None:
            # A project function: the model knows whether it reaches a call that may
            # block, so the guesses below (names, capitalisation) do not apply.
            chain = project.may_block
            if chain is None:
                return None
            if extra and any(is_under(n, extra) for n in (*names, *chain.through, chain.call)):
                return None
            return " → ".join((display_call(call, chain.through[0]), *chain_labels(chain)[1:]))
        if names:
            if all(is_safe_name(name, extra) for name in names):
                return None
            return display_call(call, sorted(names)[0])
        func = call.func
        if not isinstance(func, cst.Attribute) or func.attr.value in BENIGN_METHODS:
            return None
        receiver = func.value
        if isinstance(receiver, (cst.Call, *LITERALS)) or self.scopes.local_class(receiver):
            return None
        if self.scopes.kind_of(receiver) is not None:
            return None
        return display_call(call, func.attr.value)

    def _fix(self, function: cst.FunctionDef) -> NodeFix | None:
        if function.asynchronous is None or function in self.awaits_after_fix:
            return None
        own = self.own_names.get(function)
        if own is not None and own in self.context.fastapi.view.called_elsewhere:
            return None  # `await f(...)` or `f(...)` somewhere: dropping `async` breaks it
        returns = function.returns
        if returns is not None:
            text = self.context.module.code_for_node(returns.annotation)
            if any(word in text for word in ASYNC_ANNOTATION_WORDS):
                return None
        return NodeFix(
            "Declare it with `def`",
            Applicability.UNSAFE,
            ((function.asynchronous, None),),
        )
