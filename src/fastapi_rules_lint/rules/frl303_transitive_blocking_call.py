"""FRL303: ``async def`` calls a same-module sync function that blocks."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from fastapi_rules_lint.rulebase.rule import Clean, Flagged
from fastapi_rules_lint.rulebase.tracking import ScopeTracking
from fastapi_rules_lint.semantics.asyncio.blocking import (
    BlockingCallsOptions,
    BlockingTable,
    display_call,
    find_blocking,
)
from fastapi_rules_lint.semantics.python.callgraph import CallGraph, Step, has_plain_decorators

_LOAD = "def load_config() -> str:\n    with open('config.toml') as f:\n        return f.read()\n\n"


@dataclass(frozen=True)
class _Site:
    call: cst.Call
    anchor: cst.CSTNode
    callee: cst.FunctionDef
    function: str


class TransitiveBlockingCall(ScopeTracking):
    """## What it does
    Finds an `async def` calling a sync function of the same module that makes a
    blocking call (FRL301's table), directly or through other same-module sync
    functions, at any depth. The message names the chain, e.g.
    `load_config() → open()`.

    Followed: module-level functions, functions nested in the caller, and `self.m()` /
    `cls.m()` methods of the enclosing class — plain sync functions only (no
    generators, no decorators other than `functools.lru_cache`/`cache`, `staticmethod`,
    `classmethod`, `override`). Calls passed to a thread (`await
    run_in_threadpool(load_config)`) are not calls on the loop and are not reported.

    ## Why is this bad?
    Moving a blocking call into a helper does not take it off the event loop: the helper
    runs on the loop when an `async def` calls it, and stalls every other request just
    as the call itself would. ruff and flake8-async only see direct calls.

    ## Example
    ```python
    def load_config() -> str:
        with open("config.toml") as f:
            return f.read()

    @app.get("/config")
    async def config() -> str:
        return load_config()
    ```

    ## Use instead
    ```python
    @app.get("/config")
    async def config() -> str:
        return await run_in_threadpool(load_config)
    ```
    or make the helper async (`aiofiles`, `anyio`), or declare the route with `def`.

    ## Fix safety
    No fix: whether to move the call to a thread or rewrite the helper is a design
    choice.

    ## Options
    The same as FRL301's, applied to the blocking calls at the end of a chain:
    - `extra-blocking-calls` (default `{}`): qualified name → suggested alternative.
    - `allowed-blocking-calls` (default `[]`): qualified names or prefixes never reported.
    """

    code = "FRL303"
    name = "transitive-blocking-call"
    message = "`{call}` blocks the event loop in `async def {function}` through `{chain}`"
    summary = "`async def` calls a same-module function that blocks"
    options_model = BlockingCallsOptions
    options: BlockingCallsOptions
    examples = (
        Clean(
            "from fastapi.concurrency import run_in_threadpool\n\n"
            + _LOAD
            + "async def handler() -> str:\n    return await run_in_threadpool(load_config)\n",
            note="passed to a thread",
        ),
        Clean(
            _LOAD + "def handler() -> str:\n    return load_config()\n",
            note="a sync caller",
        ),
        Clean(
            "import functools\n\n"
            "def read() -> int:\n    return 1\n\n"
            "async def handler() -> int:\n    return read()\n",
            note="the helper does not block",
        ),
        Clean(
            "from tasks import celery\n\n@celery.task\n"
            + _LOAD
            + "async def handler() -> None:\n    load_config()\n",
            note="unknown decorator",
        ),
        Clean(
            "def lines() -> object:\n    with open('x') as f:\n        yield from f\n\n"
            "async def handler() -> object:\n    return lines()\n",
            note="generator: calling it runs nothing",
        ),
        Clean(
            _LOAD + "async def handler() -> str:\n    return load_config()\n",
            options={"allowed-blocking-calls": ["builtins.open"]},
        ),
        Flagged(
            _LOAD + "async def handler() -> str:\n    return load_config()\n",
            at=("6:12-6:25",),
        ),
        Flagged(
            "import time as t\n\ndef a() -> None:\n    b()\n\ndef b() -> None:\n    a()\n"
            "    c()\n\ndef c() -> None:\n    t.sleep(1)\n\n"
            "async def handler() -> None:\n    a()\n",
            at=("14:5-14:8",),
            note="any depth, cycles: a() → b() → c() → t.sleep()",
        ),
        Flagged(
            "import requests\n\nclass Client:\n    def fetch(self) -> object:\n"
            "        return requests.get('https://x')\n\n"
            "    async def run(self) -> object:\n        return self.fetch()\n",
            at=("8:16-8:28",),
            note="a method of the same class",
        ),
        Flagged(
            "import subprocess\n\nasync def handler() -> None:\n"
            "    def work() -> None:\n        subprocess.run(['ls'])\n\n    work()\n",
            at=("7:5-7:11",),
            note="a nested sync def called on the loop",
        ),
    )

    def setup(self) -> None:
        self.table = BlockingTable.from_options(self.options)
        self.graph = CallGraph()
        self.plain_sync: set[cst.FunctionDef] = set()
        self.sites: list[_Site] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        super().visit_FunctionDef(node)
        if node.asynchronous is None and has_plain_decorators(node, self.context.qualified_names):
            self.plain_sync.add(node)

    def visit_Call(self, node: cst.Call) -> None:
        facts = self.scopes.frame_facts()
        if facts is None or node in self.scopes.awaited:
            return
        caller = facts.node
        callee = self.scopes.local_function(node)
        anchor = self.context.anchor
        if callee is not None:
            if caller.asynchronous is not None:
                self.sites.append(_Site(node, anchor, callee, caller.name.value))
            else:
                self.graph.add(caller, Step(node, anchor, callee=callee))
            return
        if caller.asynchronous is None:
            match = find_blocking(node, self.scopes, self.table)
            if match is not None:
                label = display_call(node, match.qualified)
                self.graph.add(caller, Step(node, anchor, label=label))

    def leave_Module(self, original_node: cst.Module) -> None:
        if not self.sites:
            return
        chains = self.graph.chains(self._is_followed)
        for site in self.sites:
            chain = chains.get(site.callee)
            if chain is None:
                continue
            self.report_with_anchor(
                site.call,
                site.anchor,
                call=display_call(site.call, site.callee.name.value),
                function=site.function,
                chain=" → ".join(chain),
            )

    def _is_followed(self, function: cst.FunctionDef) -> bool:
        return function in self.plain_sync and not self.scopes.facts[function].yields
