"""Which "run this sync function in a thread" helper a module already uses, so that a
fix moving a call to a thread writes the same one instead of adding a second style."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import libcst as cst

from fastapi_rules_lint.engine.traversal import visit_readonly
from fastapi_rules_lint.semantics.python.names import BindingTable, resolve

ANYIO_RUN_SYNC = "anyio.to_thread.run_sync"
ASYNCIO_TO_THREAD = "asyncio.to_thread"
THREADPOOL = frozenset(
    {"fastapi.concurrency.run_in_threadpool", "starlette.concurrency.run_in_threadpool"}
)
THREAD_HELPERS = frozenset({ANYIO_RUN_SYNC, ASYNCIO_TO_THREAD, *THREADPOOL})


@dataclass(frozen=True)
class ThreadHelper:
    """A helper as the module spells it: ``spelling`` is the called expression
    (``anyio.to_thread.run_sync``, ``to_thread.run_sync``, ``run_in_threadpool``),
    whose leftmost name ``head`` is bound at module level to ``meaning``."""

    qualified: str
    spelling: cst.BaseExpression
    head: str
    meaning: frozenset[str]

    @property
    def takes_keywords(self) -> bool:
        """False for anyio's ``run_sync``, which passes only positional arguments on."""
        return self.qualified != ANYIO_RUN_SYNC


def _head(node: cst.BaseExpression) -> str | None:
    while isinstance(node, cst.Attribute):
        node = node.value
    return node.value if isinstance(node, cst.Name) else None


class _Collector(cst.CSTVisitor):
    def __init__(self, table: BindingTable) -> None:
        super().__init__()
        self.table = table
        self.found: list[ThreadHelper] = []

    def visit_Call(self, node: cst.Call) -> None:
        head = _head(node.func)
        if head is None or head not in self.table.bindings:
            return
        for qualified in resolve(node.func, self.table) & THREAD_HELPERS:
            meaning = frozenset(self.table.bindings[head])
            self.found.append(ThreadHelper(qualified, node.func, head, meaning))
            return


def existing_thread_helper(module: cst.Module, table: BindingTable) -> ThreadHelper | None:
    """The thread helper ``module`` calls most (the first one called on a tie), through
    a module-level import; None when it calls none."""
    collector = _Collector(table)
    visit_readonly(module, collector)
    if not collector.found:
        return None
    counts = Counter(helper.qualified for helper in collector.found)
    most = max(counts.values())
    return next(helper for helper in collector.found if counts[helper.qualified] == most)
