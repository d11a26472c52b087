"""FRL305: a coroutine function called as a statement, without ``await``."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from fastapi_rules_lint.engine.diagnostics import Applicability
from fastapi_rules_lint.rulebase.rule import Clean, Flagged, NodeFix
from fastapi_rules_lint.rulebase.tracking import ScopeTracking
from fastapi_rules_lint.semantics.asyncio.blocking_calls import display_call
from fastapi_rules_lint.semantics.asyncio.receivers import KNOWN_COROUTINES
from fastapi_rules_lint.semantics.python.decorators import are_plain_decorators

_HEAD = "import asyncio\n\n"


@dataclass(frozen=True)
class _Site:
    call: cst.Call
    anchor: cst.CSTNode
    callee: cst.FunctionDef | None
    in_async: bool


class UnawaitedCoroutine(ScopeTracking):
    """## What it does
    Finds an expression statement that calls a coroutine function without `await`:
    an `async def` of the same module (module-level, nested, or `self.m()` in its
    class; not async generators, nor functions with decorators other than route
    decorators, `functools` caches, `staticmethod` and `classmethod`), a known
    coroutine function (`asyncio.sleep`, `asyncio.wait_for`, `asyncio.wait`,
    `asyncio.to_thread`, `run_in_threadpool`, `anyio.sleep`, …) or a coroutine method
    of a receiver of known type (`request.json()`, `websocket.send_text(...)`,
    `file.read()` on an `UploadFile`, `httpx.AsyncClient` and `AsyncSession` methods).

    ## Why is this bad?
    Calling a coroutine function only creates the coroutine; without `await` its body
    never runs (Python warns "coroutine ... was never awaited" at garbage collection,
    long after the bug).

    ## Example
    ```python
    @app.websocket("/ws")
    async def ws(websocket: WebSocket) -> None:
        await websocket.accept()
        websocket.send_text("hello")
    ```

    ## Use instead
    ```python
        await websocket.send_text("hello")
    ```

    ## Fix safety
    Inside an `async def`, adding `await` is safe: it runs the code the statement
    meant to run. That code did not run before, so its effects are new: the caller
    now waits for it, and its exceptions propagate into the caller. Elsewhere there
    is no fix (`await` is not allowed in a sync function; use `asyncio.run` or
    schedule a task).
    """

    code = "FRL305"
    name = "unawaited-coroutine"
    message = "coroutine `{call}` is never awaited, so it never runs"
    summary = "Coroutine function called without `await`"
    fix_availability = "sometimes"
    examples = (
        Clean(_HEAD + "async def main() -> None:\n    await asyncio.sleep(1)\n"),
        Clean(
            _HEAD + "async def work() -> None: ...\n\nasync def main() -> None:\n"
            "    task = asyncio.create_task(work())\n    await task\n",
            note="passed on, not a statement",
        ),
        Clean(
            "async def stream() -> object:\n    yield 1\n\nasync def main() -> None:\n"
            "    stream()\n",
            note="async generator: not a coroutine",
        ),
        Clean(
            "def work() -> None: ...\n\nasync def main(sleep: object) -> None:\n    work()\n",
            note="a sync function",
        ),
        Clean(
            "async def main(client: object) -> None:\n    client.get('https://x')\n",
            note="receiver of unknown type",
        ),
        Clean(
            "from mylib import run_sync\n\n@run_sync\nasync def work() -> None: ...\n\n"
            "def main() -> None:\n    work()\n",
            note="an unknown decorator may make it sync",
        ),
        Flagged(
            _HEAD + "async def main() -> None:\n    asyncio.sleep(1)\n",
            at=("4:5-4:21",),
            fixed=_HEAD + "async def main() -> None:\n    await asyncio.sleep(1)\n",
        ),
        Flagged(
            "from fastapi import FastAPI, WebSocket\n\napp = FastAPI()\n\n"
            "@app.websocket('/ws')\nasync def ws(websocket: WebSocket) -> None:\n"
            "    await websocket.accept()\n    websocket.send_text('hello')\n",
            at=("8:5-8:33",),
            fixed="from fastapi import FastAPI, WebSocket\n\napp = FastAPI()\n\n"
            "@app.websocket('/ws')\nasync def ws(websocket: WebSocket) -> None:\n"
            "    await websocket.accept()\n    await websocket.send_text('hello')\n",
        ),
        Flagged(
            "async def notify() -> None: ...\n\ndef sync_caller() -> None:\n    notify()\n\n"
            "class Service:\n    async def save(self) -> None: ...\n\n"
            "    async def run(self) -> None:\n        self.save()\n",
            at=("4:5-4:13", "10:9-10:20"),
            fixed="async def notify() -> None: ...\n\ndef sync_caller() -> None:\n    notify()\n\n"
            "class Service:\n    async def save(self) -> None: ...\n\n"
            "    async def run(self) -> None:\n        await self.save()\n",
            note="no fix in a sync function; methods",
        ),
    )

    def setup(self) -> None:
        self.sites: list[_Site] = []
        self.coroutine_functions: set[cst.FunctionDef] = set()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        super().visit_FunctionDef(node)
        frame = self.context.function
        if node.asynchronous is None or frame is None:
            return
        # A route decorator returns the function itself; an unknown one may not.
        routes = {route.decorator for route in frame.routes}
        others = (d for d in node.decorators if d not in routes)
        if are_plain_decorators(others, self.context.qualified_names):
            self.coroutine_functions.add(node)

    def visit_Expr(self, node: cst.Expr) -> None:
        call = node.value
        if not isinstance(call, cst.Call):
            return
        facts = self.scopes.frame_facts()
        frame = self.context.function
        in_async = facts is not None and frame is not None and frame.is_async
        callee = self.scopes.local_function(call)
        if callee is None and self.scopes.callee_names(call).isdisjoint(KNOWN_COROUTINES):
            return
        if callee is not None and callee.asynchronous is None:
            return
        self.sites.append(_Site(call, self.context.anchor, callee, in_async))

    def leave_Module(self, original_node: cst.Module) -> None:
        for site in self.sites:
            callee = site.callee
            if callee is not None and (
                callee not in self.coroutine_functions or self.scopes.facts[callee].yields
            ):
                continue
            fix = (
                NodeFix(
                    "Add `await`",
                    Applicability.SAFE,
                    ((site.call, cst.Await(expression=site.call)),),
                )
                if site.in_async
                else None
            )
            name = callee.name.value if callee is not None else ""
            self.report_with_anchor(
                site.call, site.anchor, fix=fix, call=display_call(site.call, name)
            )
