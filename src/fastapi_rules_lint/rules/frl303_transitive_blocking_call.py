"""FRL303: ``async def`` calls a project sync function that blocks."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from fastapi_rules_lint.rulebase.rule import Clean, Flagged
from fastapi_rules_lint.rulebase.tracking import ScopeTracking
from fastapi_rules_lint.semantics.asyncio.blocking import BlockingCallsOptions, BlockingTable
from fastapi_rules_lint.semantics.asyncio.blocking_calls import display_call, find_blocking
from fastapi_rules_lint.semantics.asyncio.project_calls import chain_labels
from fastapi_rules_lint.semantics.python.callgraph import CallGraph, Step
from fastapi_rules_lint.semantics.python.decorators import has_plain_decorators

_LOAD = "def load_config() -> str:\n    with open('config.toml') as f:\n        return f.read()\n\n"


@dataclass(frozen=True)
class _Site:
    call: cst.Call
    anchor: cst.CSTNode
    function: str
    callee: cst.FunctionDef | None = None
    """A same-module function (its chain is known in ``leave_Module``)."""
    chain: tuple[str, ...] = ()
    """Otherwise: the labels of a project function's chain (another module)."""


class TransitiveBlockingCall(ScopeTracking):
    """## What it does
    Finds an `async def` calling a sync function of the project that makes a blocking
    call (FRL301's table), directly or through other sync functions of the project, in
    this module or any other, at any depth. The message names the chain, e.g.
    `load_config() → open()` or `fetch_with_retry() → fetch() → requests.get()`.

    Followed: module-level functions, functions nested in the caller, `self.m()` /
    `cls.m()` methods of the enclosing class, functions imported from other modules of
    the project, and methods of project classes on receivers of known type — plain
    sync functions only (no generators, no decorators other than
    `functools.lru_cache`/`cache`, `staticmethod`, `classmethod`, `override`). In other
    modules, receiver types come from parameter annotations (through `Annotated`
    aliases: `db: SessionDep`) and module-level values built by a known constructor
    (`client = httpx.Client()`). Calls passed to a thread (`await
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
    - `extra-blocking-calls` (default `{}`): qualified name → suggested alternative
      (chains through other modules use the default table).
    - `allowed-blocking-calls` (default `[]`): qualified names or prefixes never reported.
    """

    code = "FRL303"
    name = "transitive-blocking-call"
    message = "`{call}` blocks the event loop in `async def {function}` through `{chain}`"
    summary = "`async def` calls a project function that blocks"
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
        Flagged(
            "import asyncio\n\nfrom fastapi import APIRouter\n\nfrom app import services\n\n"
            "router = APIRouter()\n\n\n@router.get('/config')\nasync def config() -> str:\n"
            "    await asyncio.sleep(0)\n    return services.load()\n",
            at=("13:12-13:27",),
            path="app/routes.py",
            files={
                "app/services.py": "def load() -> str:\n"
                "    with open('config.toml') as f:\n        return f.read()\n",
            },
            note="a function of another module: `load() → open()`; awaiting elsewhere "
            "does not help",
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
        is_async = caller.asynchronous is not None
        if callee is not None:
            if is_async:
                self.sites.append(_Site(node, anchor, caller.name.value, callee=callee))
            else:
                self.graph.add(caller, Step(node, anchor, callee=callee))
            return
        chain = self._project_chain(node)
        if chain is not None:
            if is_async:
                self.sites.append(_Site(node, anchor, caller.name.value, chain=chain))
            else:
                first = display_call(node, chain[0].removesuffix("()"))
                label = " → ".join((first, *chain[1:]))
                self.graph.add(caller, Step(node, anchor, label=label))
            return
        if not is_async:
            match = find_blocking(node, self.scopes, self.table)
            if match is not None:
                label = display_call(node, match.qualified)
                self.graph.add(caller, Step(node, anchor, label=label))

    def _project_chain(self, call: cst.Call) -> tuple[str, ...] | None:
        """The chain of a project function of another module that blocks."""
        facts = self.scopes.project_facts(call)
        chain = facts.blocks if facts is not None else None
        if chain is None or self.table.lookup(chain.call) is None:
            return None  # pure, unknown, or a call the options allow
        return chain_labels(chain)

    def leave_Module(self, original_node: cst.Module) -> None:
        if not self.sites:
            return
        chains = self.graph.chains(self._is_followed)
        for site in self.sites:
            chain = chains.get(site.callee) if site.callee is not None else site.chain
            if not chain:
                continue
            self.report_with_anchor(
                site.call,
                site.anchor,
                call=display_call(site.call, chain[0].removesuffix("()")),
                function=site.function,
                chain=" → ".join(chain),
            )

    def _is_followed(self, function: cst.FunctionDef) -> bool:
        return function in self.plain_sync and not self.scopes.facts[function].yields
