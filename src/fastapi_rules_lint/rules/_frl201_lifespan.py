"""Startup/shutdown event registrations and the migration to one ``lifespan`` (FRL201).

The fix is all-or-nothing per app: once ``lifespan=`` is passed, FastAPI silently
stops calling ``on_startup``/``on_shutdown`` handlers, so a partial migration would
drop the handlers it left behind. It is offered only when every registration of the
app can be moved faithfully:

- the app is built by a module-level ``name = FastAPI(...)`` (not a router, not
  imported), bound once, with no ``lifespan=`` and no ``*``/``**`` arguments;
- every registration runs unconditionally at import time: a decorator on a
  module-level ``def``, a module-level ``app.add_event_handler(...)`` statement, or
  the constructor's ``on_startup=[...]``/``on_shutdown=[...]`` list, with a literal
  event name;
- every handler is a module-level ``def`` bound once, whose only decorators are this
  app's ``on_event`` registrations, callable without arguments, and not an async
  generator: so we know whether to ``await`` it, as Starlette decides at run time;
- ``lifespan`` is free at module level, and ``asynccontextmanager``/``AsyncIterator``
  are free or already imported from the standard library.

Registration order is kept: the constructor's lists first, then module statements in
source order (stacked decorators register bottom-up, as Python applies them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst

from fastapi_rules_lint.engine.diagnostics import Applicability, ImportRequest
from fastapi_rules_lint.engine.traversal import visit_readonly
from fastapi_rules_lint.rulebase.edits import keyword_arg, with_argument
from fastapi_rules_lint.rulebase.fix_imports import top_imports
from fastapi_rules_lint.rulebase.rule import NodeFix
from fastapi_rules_lint.semantics.asyncio.thread_helpers import (
    THREADPOOL,
    existing_thread_helper,
)
from fastapi_rules_lint.semantics.python.module_bindings import module_bindings
from fastapi_rules_lint.semantics.python.names import BindingTable, resolve

EVENTS = ("startup", "shutdown")
FASTAPI_CONSTRUCTORS = frozenset({"fastapi.FastAPI", "fastapi.applications.FastAPI"})
ASYNC_CONTEXT_MANAGERS = frozenset({"contextlib.asynccontextmanager"})
ASYNC_ITERATORS = frozenset(
    {"collections.abc.AsyncIterator", "typing.AsyncIterator", "typing_extensions.AsyncIterator"}
)
LIFESPAN = "lifespan"
LOOP_MODULES = frozenset({"asyncio", "anyio", "trio"})


@dataclass(frozen=True)
class EventRegistration:
    """One registration of startup/shutdown handlers, as FRL201 reports it."""

    owner: str
    """The app or router expression (``app``, ``router``)."""
    kind: str
    """``decorator``, ``call`` (``add_event_handler``), ``keyword`` or ``other``."""
    node: cst.CSTNode
    """The reported node: the decorator's call, the call, or the keyword argument."""
    anchor: cst.CSTNode
    event: str | None
    """``startup``/``shutdown`` when literal."""
    handlers: tuple[cst.BaseExpression, ...] = ()
    decorator: cst.Decorator | None = None
    function: cst.FunctionDef | None = None


@dataclass(frozen=True)
class _Handler:
    name: str
    is_async: bool
    uses_event_loop: bool = False
    """A sync handler that refers to asyncio/anyio: it may need the loop's thread."""


class _LoopUse(cst.CSTVisitor):
    """Whether a function body refers to a module-level name bound to asyncio/anyio."""

    def __init__(self, table: BindingTable) -> None:
        super().__init__()
        self.table = table
        self.found = False

    def visit_Name(self, node: cst.Name) -> None:
        for qualified in self.table.bindings.get(node.value, ()):
            if qualified.split(".")[0] in LOOP_MODULES:
                self.found = True


class _YieldFinder(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def visit_Yield(self, node: cst.Yield) -> None:
        self.found = True

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False


def _callable_without_arguments(params: cst.Parameters) -> bool:
    required = [p for p in (*params.posonly_params, *params.params) if p.default is None]
    required += [p for p in params.kwonly_params if p.default is None]
    return not required


class _Planner:
    def __init__(
        self,
        module: cst.Module,
        table: BindingTable,
        owner: str,
        registrations: Sequence[EventRegistration],
    ) -> None:
        self.module = module
        self.table = table
        self.owner = owner
        self.registrations = registrations
        self.assignments = module_bindings(module)
        self.decorators = {id(r.decorator) for r in registrations if r.decorator is not None}

    def handler(self, expression: cst.BaseExpression) -> _Handler | None:
        if not isinstance(expression, cst.Name) or expression.value == "app":
            return None
        bound = self.assignments.get(expression.value, [])
        if len(bound) != 1 or not isinstance(bound[0], cst.FunctionDef):
            return None
        function = bound[0]
        if function not in self.module.body or not _callable_without_arguments(function.params):
            return None
        if any(id(d) not in self.decorators for d in function.decorators):
            return None
        is_async = function.asynchronous is not None
        if is_async:
            finder = _YieldFinder()
            visit_readonly(function.body, finder)
            if finder.found:
                return None
            return _Handler(expression.value, is_async)
        loop_use = _LoopUse(self.table)
        visit_readonly(function.body, loop_use)
        return _Handler(expression.value, is_async, uses_event_loop=loop_use.found)

    def thread_runner(self) -> tuple[str, ImportRequest | None] | None:
        """How the lifespan runs a sync handler in a thread: the helper the module
        already calls, else `run_in_threadpool` (what FastAPI runs sync dependencies
        with); with the import it needs. None when the name is taken."""
        helper = existing_thread_helper(self.module, self.table)
        if helper is not None and self.name_for(helper.head, helper.meaning) == (
            helper.head,
            False,
        ):
            return self.module.code_for_node(helper.spelling), None
        found = self.name_for("run_in_threadpool", THREADPOOL)
        if found is None:
            return None
        name, needs_import = found
        return name, ImportRequest("fastapi.concurrency", name) if needs_import else None

    def statement_of(self, call: cst.CSTNode) -> cst.SimpleStatementLine | None:
        for statement in self.module.body:
            if (
                isinstance(statement, cst.SimpleStatementLine)
                and len(statement.body) == 1
                and isinstance(statement.body[0], cst.Expr)
                and statement.body[0].value is call
            ):
                return statement
        return None

    def app_statement(self, constructor: cst.Call) -> cst.SimpleStatementLine | None:
        if len(self.assignments.get(self.owner, [])) != 1:
            return None
        for statement in self.module.body:
            if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
                small = statement.body[0]
                if isinstance(small, (cst.Assign, cst.AnnAssign)) and small.value is constructor:
                    return statement
        return None

    def name_for(self, name: str, meanings: frozenset[str]) -> tuple[str, bool] | None:
        """(name to write, import needed?) or None when the name is taken."""
        bound = self.table.bindings.get(name)
        if bound is None and name not in self.assignments:
            return name, True
        # Only an unconditional import at the top is sure to run before the lifespan.
        top = top_imports(self.module).get(name)
        if top and bound == top and top <= meanings:
            return name, False
        return None


def _ordered(registrations: Sequence[EventRegistration]) -> list[EventRegistration]:
    keywords = [r for r in registrations if r.kind == "keyword"]
    others = [r for r in registrations if r.kind != "keyword"]
    ordered: list[EventRegistration] = []
    index = 0
    while index < len(others):
        function = others[index].function
        group = [others[index]]
        while (
            function is not None
            and index + len(group) < len(others)
            and others[index + len(group)].function is function
        ):
            group.append(others[index + len(group)])
        ordered.extend(reversed(group) if function is not None else group)
        index += len(group)
    return keywords + ordered


def _new_constructor(constructor: cst.Call) -> cst.Call:
    lifespan = cst.Name(LIFESPAN)
    events = [
        arg
        for arg in constructor.args
        if arg.keyword is not None and arg.keyword.value in ("on_startup", "on_shutdown")
    ]
    if not events:
        return with_argument(constructor, keyword_arg(LIFESPAN, lifespan))
    args: list[cst.Arg] = []
    for arg in constructor.args:
        if arg is events[0]:
            args.append(arg.with_changes(keyword=cst.Name(LIFESPAN), value=lifespan))
        elif arg not in events:
            args.append(arg)
    if constructor.args[-1] in events[1:]:
        args[-1] = args[-1].with_changes(comma=constructor.args[-1].comma)
    return constructor.with_changes(args=args)


def _call(handler: _Handler, runner: str) -> str:
    if handler.is_async:
        return f"await {handler.name}()"
    if handler.uses_event_loop:
        return f"{handler.name}()"
    return f"await {runner}({handler.name})"


def _lifespan_code(
    module: cst.Module,
    constructor: cst.Call,
    names: tuple[str, str, str],
    calls: dict[str, list[_Handler]],
    app_statement: cst.SimpleStatementLine,
) -> str:
    newline, indent = module.default_newline, module.default_indent
    decorator, iterator, runner = names
    app_type = module.code_for_node(constructor.func)
    lines = [
        f"@{decorator}",
        f"async def {LIFESPAN}(app: {app_type}) -> {iterator}[None]:",
        *(f"{indent}{_call(h, runner)}" for h in calls["startup"]),
        f"{indent}yield",
        *(f"{indent}{_call(h, runner)}" for h in calls["shutdown"]),
    ]
    blank = 0
    for line in app_statement.leading_lines:
        if line.comment is not None:
            break
        blank += 1
    prefix = newline * 2 if module.body[0] is not app_statement else ""
    return prefix + newline.join(lines) + newline + newline * max(0, 2 - blank)


def lifespan_fix(
    module: cst.Module,
    table: BindingTable,
    owner: str,
    constructor: cst.Call,
    registrations: Sequence[EventRegistration],
) -> NodeFix | None:
    """The fix moving every registration of ``owner`` into one ``lifespan``, or None
    when it cannot be done faithfully (see the module docs)."""
    if resolve(constructor.func, table).isdisjoint(FASTAPI_CONSTRUCTORS):
        return None
    if any(arg.star or (arg.keyword and arg.keyword.value == LIFESPAN) for arg in constructor.args):
        return None
    planner = _Planner(module, table, owner, registrations)
    app_statement = planner.app_statement(constructor)
    if app_statement is None or LIFESPAN in planner.assignments or LIFESPAN in table.bindings:
        return None
    decorator = planner.name_for("asynccontextmanager", ASYNC_CONTEXT_MANAGERS)
    iterator = planner.name_for("AsyncIterator", ASYNC_ITERATORS)
    if decorator is None or iterator is None:
        return None
    calls: dict[str, list[_Handler]] = {event: [] for event in EVENTS}
    removals: list[tuple[cst.CSTNode, cst.CSTNode | None]] = []
    for registration in _ordered(registrations):
        if registration.event not in EVENTS:
            return None
        if registration.kind == "decorator":
            if registration.function not in module.body or registration.decorator is None:
                return None
            removals.append((registration.decorator, None))
        elif registration.kind == "call":
            statement = planner.statement_of(registration.node)
            if statement is None:
                return None
            removals.append((statement, None))
        elif registration.kind != "keyword":
            return None
        for expression in registration.handlers:
            handler = planner.handler(expression)
            if handler is None:
                return None
            calls[registration.event].append(handler)
    imports = tuple(
        request
        for (_, needed), request in (
            (decorator, ImportRequest("contextlib", "asynccontextmanager")),
            (iterator, ImportRequest("collections.abc", "AsyncIterator")),
        )
        if needed
    )
    runner_name = ""
    if any(
        not h.is_async and not h.uses_event_loop for h in (*calls["startup"], *calls["shutdown"])
    ):
        runner = planner.thread_runner()
        if runner is None:
            return None
        runner_name, runner_import = runner
        imports += (runner_import,) if runner_import is not None else ()
    code = _lifespan_code(
        module, constructor, (decorator[0], iterator[0], runner_name), calls, app_statement
    )
    return NodeFix(
        message="Move the startup and shutdown handlers into a `lifespan` context manager",
        applicability=Applicability.UNSAFE,
        replacements=((constructor, _new_constructor(constructor)), *removals),
        imports=imports,
        text_insertions=((app_statement, code, True),),
    )
