"""FRL201: startup/shutdown event handlers instead of a ``lifespan`` context manager."""

from __future__ import annotations

import libcst as cst

from fastapi_rules_lint.engine.diagnostics import DiagnosticTag
from fastapi_rules_lint.rulebase.rule import Requires, Rule
from fastapi_rules_lint.rules._frl201_examples import EXAMPLES
from fastapi_rules_lint.rules._frl201_lifespan import EventRegistration, lifespan_fix
from fastapi_rules_lint.semantics.fastapi.apps import APP_CONSTRUCTORS, argument, string_value
from fastapi_rules_lint.semantics.python.names import dotted_name

EVENT_KEYWORDS = {"on_startup": "startup", "on_shutdown": "shutdown"}


class StartupShutdownEvent(Rule):
    """## What it does
    Reports every startup/shutdown event registration on a FastAPI app or router:
    `@app.on_event("startup")`, `app.add_event_handler("shutdown", f)`, and the
    `on_startup=[...]`/`on_shutdown=[...]` arguments of `FastAPI(...)`/`APIRouter(...)`.
    One diagnostic per registration. When the same app also has `lifespan=`, the
    message says that the handler never runs.

    ## Why is this bad?
    Event handlers are deprecated in favour of one `lifespan` async context manager,
    which keeps setup and teardown together and can share state between them. Worse,
    an app built with `lifespan=` silently ignores its event handlers: no error, no
    warning, the startup code simply does not run.

    ## Example
    ```python
    app = FastAPI()

    @app.on_event("startup")
    async def connect() -> None:
        await database.connect()

    @app.on_event("shutdown")
    async def disconnect() -> None:
        await database.disconnect()
    ```

    ## Use instead
    ```python
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await connect()
        yield
        await disconnect()

    app = FastAPI(lifespan=lifespan)
    ```

    ## Fix safety
    Unsafe, and offered only when the app is built by `FastAPI(...)` in the same module
    without `lifespan=`. It moves every registration of that app at once (after
    `lifespan=` FastAPI would ignore any handler left behind): one `lifespan` function
    is placed before the app is built, calling the startup handlers in registration
    order before `yield` and the shutdown handlers after it; the registrations are
    removed, the handler functions are kept, and `lifespan=lifespan` is passed to
    `FastAPI(...)`. Async handlers are awaited. Sync handlers run in the threadpool,
    `await run_in_threadpool(handler)` (`fastapi.concurrency`, or the module's own
    `asyncio.to_thread`/`anyio.to_thread.run_sync` when it already calls one), so the
    generated code blocks no event loop and FRL301/FRL303 have nothing to report there.

    What changes: (1) timing and thread — FastAPI called sync handlers on the event
    loop; they now run in a worker thread (thread-locals differ, and a slow handler
    no longer holds the loop). A sync handler that refers to `asyncio`, `anyio` or
    `trio` may need the loop's own thread (`asyncio.get_event_loop()`), so it is
    called directly, on the loop, as before (if it also blocks, FRL303 reports that
    call). (2) Exceptions — if the lifespan is cancelled or fails while serving, the
    code after `yield` does not run, where FastAPI's default lifespan still ran the
    shutdown handlers. (3) Routers included into the app keep their own handlers
    (FastAPI merges their lifespans), but FastAPI 0.165 runs an included router's
    handler twice without `lifespan=` and once with it. (4) The `on_event`
    `DeprecationWarning` is gone. No fix for routers, apps built in another module, an
    existing `lifespan=`, handlers that are lambdas, imported, decorated otherwise, or
    registered conditionally, or when the name `lifespan` (or `run_in_threadpool`,
    when needed) is taken.
    """

    code = "FRL201"
    name = "startup-shutdown-event"
    message = "`{registration}` {problem}"
    summary = "Startup/shutdown event handlers instead of a `lifespan` context manager"
    requires = Requires.FASTAPI
    fix_availability = "sometimes"
    tags = frozenset({DiagnosticTag.DEPRECATED})
    examples = EXAMPLES

    def setup(self) -> None:
        self._registrations: list[EventRegistration] = []
        self._decorators: dict[int, tuple[cst.Decorator, cst.FunctionDef]] = {}

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        for decorator in node.decorators:
            self._decorators[id(decorator.decorator)] = (decorator, node)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in ("on_event", "add_event_handler"):
            self._event_method(node, func)
        elif self.context.resolves_to(func, APP_CONSTRUCTORS):
            self._constructor(node)

    def _event_method(self, node: cst.Call, func: cst.Attribute) -> None:
        owner = dotted_name(func.value)
        if owner is None or not self.context.is_app_name(func.value):
            return
        event_arg = argument(node, "event_type", 0)
        event = string_value(event_arg.value) if event_arg is not None else None
        anchor = self.context.anchor
        if func.attr.value == "add_event_handler":
            handler = argument(node, "func", 1)
            kind, handlers = ("call", (handler.value,)) if handler is not None else ("other", ())
            registration = EventRegistration(owner, kind, node, anchor, event, handlers)
            self._registrations.append(registration)
            return
        found = self._decorators.get(id(node))
        if found is None:  # `app.on_event("startup")(f)`: possible, never fixed
            self._registrations.append(EventRegistration(owner, "other", node, anchor, event))
            return
        decorator, function = found
        self._registrations.append(
            EventRegistration(
                owner, "decorator", node, anchor, event, (function.name,), decorator, function
            )
        )

    def _constructor(self, node: cst.Call) -> None:
        owner = next((name for name, call in self.context.fastapi.apps.items() if call is node), "")
        for arg in node.args:
            if arg.keyword is None or arg.keyword.value not in EVENT_KEYWORDS:
                continue
            value = arg.value
            handlers: tuple[cst.BaseExpression, ...] | None = None
            if isinstance(value, (cst.List, cst.Tuple)) and all(
                isinstance(element, cst.Element) for element in value.elements
            ):
                handlers = tuple(element.value for element in value.elements)
            self._registrations.append(
                EventRegistration(
                    owner,
                    "keyword" if handlers is not None else "other",
                    arg,
                    self.context.anchor,
                    EVENT_KEYWORDS[arg.keyword.value],
                    handlers or (),
                )
            )

    def leave_Module(self, original_node: cst.Module) -> None:
        if not self._registrations:
            return
        apps = self.context.fastapi.apps
        by_owner: dict[str, list[EventRegistration]] = {}
        for registration in self._registrations:
            by_owner.setdefault(registration.owner, []).append(registration)
        fixes = {}
        for owner, registrations in by_owner.items():
            constructor = apps.get(owner)
            if constructor is None:
                continue
            fix = lifespan_fix(original_node, self.context.table, owner, constructor, registrations)
            if fix is not None:
                # One `lifespan` per module: a second app waits for the next run,
                # where the name is taken and it gets no fix.
                fixes[owner] = fix
                break
        for registration in self._registrations:
            constructor = apps.get(registration.owner)
            lifespan = argument(constructor, "lifespan") if constructor is not None else None
            # `lifespan=None` is the default: the handlers still run.
            has_lifespan = lifespan is not None and not (
                isinstance(lifespan.value, cst.Name) and lifespan.value.value == "None"
            )
            self.report_with_anchor(
                registration.node,
                registration.anchor,
                fix=fixes.get(registration.owner),
                registration=_describe(registration),
                problem=_problem(registration, has_lifespan=has_lifespan),
            )


def _describe(registration: EventRegistration) -> str:
    event = f'"{registration.event}"' if registration.event is not None else "..."
    if registration.kind == "keyword" or isinstance(registration.node, cst.Arg):
        return f"on_{registration.event}="
    if registration.kind == "call" or (
        isinstance(registration.node, cst.Call)
        and isinstance(registration.node.func, cst.Attribute)
        and registration.node.func.attr.value == "add_event_handler"
    ):
        return f"add_event_handler({event}, ...)"
    return f"on_event({event})"


def _problem(registration: EventRegistration, *, has_lifespan: bool) -> str:
    event = registration.event or "event"
    if has_lifespan:
        return (
            f"never runs: `{registration.owner}` also has `lifespan=`, and FastAPI then "
            f"ignores {event} handlers; call it from the lifespan instead"
        )
    return f"registers a deprecated {event} handler; use a `lifespan` context manager"
