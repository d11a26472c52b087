"""FRL301's fixes: which one a blocking call gets, and building it.

``time.sleep(x)`` becomes ``await asyncio.sleep(x)`` (safe). Other calls move to a
thread (unsafe): with the helper the module already calls (``existing_thread_helper``:
``anyio.to_thread.run_sync`` — through ``functools.partial`` for keyword arguments —,
``asyncio.to_thread``, ``run_in_threadpool``), else ``run_in_threadpool`` in FastAPI
modules, else ``asyncio.to_thread``. ``open()`` gets no fix (the file object would still
be read on the loop), nor does a call whose fix needs a name bound to something else.
Where a fix may go at all (a statement or an assignment's value, not in ``finally:``)
is the rule's question.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from fastapi_rules_lint.engine.diagnostics import Applicability, ImportRequest
from fastapi_rules_lint.rulebase.edits import NameUse, name_use
from fastapi_rules_lint.rulebase.rule import NodeFix
from fastapi_rules_lint.semantics.asyncio.blocking_calls import BlockingMatch
from fastapi_rules_lint.semantics.asyncio.thread_helpers import (
    THREADPOOL,
    ThreadHelper,
    existing_thread_helper,
)
from fastapi_rules_lint.semantics.fastapi.context import ModuleContext

NO_THREAD_FIX = frozenset({"builtins.open", "io.open", "io.open_code", "codecs.open"})


class BlockingCallFixes:
    """Builds FRL301's fixes in one module (its thread helper is looked up once). Asked
    while the rule visits the call: ``name_use`` answers for the current position."""

    def __init__(self, context: ModuleContext) -> None:
        self.context = context
        self._helper: ThreadHelper | None = None
        self._has_looked_up_helper = False

    def fix(self, node: cst.Call, match: BlockingMatch) -> NodeFix | None:
        """The fix of the blocking call ``node`` (None: none)."""
        if match.qualified == "time.sleep" and match.entry.category == "sleep":
            return self._sleep_fix(node)
        if match.qualified in NO_THREAD_FIX or match.qualified.endswith("Path.open"):
            return None
        return self._thread_fix(node)

    def _sleep_fix(self, node: cst.Call) -> NodeFix | None:
        imports = self._asyncio_import()
        if imports is None:
            return None
        sleep = cst.Attribute(value=cst.Name("asyncio"), attr=cst.Name("sleep"))
        new = cst.Await(expression=node.with_changes(func=sleep))
        return NodeFix(
            "Use `await asyncio.sleep(...)`", Applicability.SAFE, ((node, new),), imports
        )

    def _thread_fix(self, node: cst.Call) -> NodeFix | None:
        found = self._runner(node)
        if found is None:
            return None
        runner, imports, needs_partial = found
        func, args = node.func, node.args
        if needs_partial:  # anyio's `run_sync` passes no keyword arguments on
            use = name_use(self.context, "functools", frozenset({"functools"}))
            if use is NameUse.TAKEN:
                return None
            if use is NameUse.FREE:
                imports = (*imports, ImportRequest("functools"))
            partial = cst.Attribute(value=cst.Name("functools"), attr=cst.Name("partial"))
            func, args = cst.Call(func=partial, args=(_first_arg(func, args), *args)), ()
        call = cst.Call(func=runner, args=(_first_arg(func, args), *args))
        return NodeFix(
            "Run the blocking call in a thread",
            Applicability.UNSAFE,
            ((node, cst.Await(expression=call)),),
            imports,
        )

    def _runner(
        self, node: cst.Call
    ) -> tuple[cst.BaseExpression, tuple[ImportRequest, ...], bool] | None:
        """The thread helper to call, the imports it needs and whether the call must be
        wrapped in `functools.partial`: the helper the module already uses, else
        `run_in_threadpool` in FastAPI modules, else `asyncio.to_thread`."""
        has_keywords = any(arg.keyword is not None or arg.star == "**" for arg in node.args)
        has_func_keyword = any(
            arg.keyword is not None and arg.keyword.value == "func" for arg in node.args
        )
        helper = self._existing_helper()
        if helper is not None:
            is_usable = name_use(
                self.context, helper.head, helper.meaning
            ) is NameUse.BOUND and not (helper.qualified in THREADPOOL and has_func_keyword)
            if is_usable:
                return helper.spelling.deep_clone(), (), has_keywords and not helper.takes_keywords
        table = self.context.table
        if self.context.fastapi.uses_fastapi and not has_func_keyword:
            module = "fastapi" if table.imports_module("fastapi") else "starlette"
            use = name_use(self.context, "run_in_threadpool", THREADPOOL)
            if use is not NameUse.TAKEN:
                imports = (
                    (ImportRequest(f"{module}.concurrency", "run_in_threadpool"),)
                    if use is NameUse.FREE
                    else ()
                )
                return cst.Name("run_in_threadpool"), imports, False
        asyncio_imports = self._asyncio_import()
        if asyncio_imports is None:
            return None
        to_thread = cst.Attribute(value=cst.Name("asyncio"), attr=cst.Name("to_thread"))
        return to_thread, asyncio_imports, False

    def _existing_helper(self) -> ThreadHelper | None:
        if not self._has_looked_up_helper:
            self._helper = existing_thread_helper(self.context.module, self.context.table)
            self._has_looked_up_helper = True
        return self._helper

    def _asyncio_import(self) -> tuple[ImportRequest, ...] | None:
        use = name_use(self.context, "asyncio", frozenset({"asyncio"}))
        if use is NameUse.TAKEN:
            return None
        return (ImportRequest("asyncio"),) if use is NameUse.FREE else ()


def _first_arg(func: cst.BaseExpression, rest: Sequence[cst.Arg]) -> cst.Arg:
    """``func`` as the first argument of a helper call followed by ``rest``."""
    comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")) if rest else None
    return cst.Arg(value=func, comma=comma or cst.MaybeSentinel.DEFAULT)
