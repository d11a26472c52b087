"""FRL306: a task created and dropped: ``asyncio.create_task(...)`` as a statement."""

from __future__ import annotations

import libcst as cst

from fastapi_rules_lint.rulebase.rule import Clean, Flagged
from fastapi_rules_lint.rulebase.tracking import ScopeTracking
from fastapi_rules_lint.semantics.asyncio.receivers import LOOP

TASK_FACTORIES = frozenset(
    {
        "asyncio.create_task",
        "asyncio.ensure_future",
        f"{LOOP}.create_task",
        "asyncio.tasks.create_task",
        "asyncio.tasks.ensure_future",
    }
)

_HEAD = "import asyncio\n\nasync def work() -> None: ...\n\n"


class DanglingTask(ScopeTracking):
    """## What it does
    Finds `asyncio.create_task(...)`, `asyncio.ensure_future(...)` and
    `loop.create_task(...)` (on a loop from `asyncio.get_running_loop()`,
    `get_event_loop()`, `new_event_loop()` or annotated `AbstractEventLoop`) whose result
    is dropped: the call is a statement of its own, or only has a done-callback attached
    (`asyncio.create_task(...).add_done_callback(...)`). A `TaskGroup`'s
    `tg.create_task(...)` keeps its tasks and is not reported.

    ## Why is this bad?
    The event loop keeps only a weak reference to a task. A task nobody references can be
    garbage-collected before it finishes — the work silently stops, and its exception is
    never seen ("Task was destroyed but it is pending!").

    ## Example
    ```python
    @app.post("/orders")
    async def create_order(order: Order) -> Order:
        asyncio.create_task(send_confirmation(order))
        return order
    ```

    ## Use instead
    ```python
    background_tasks: set[asyncio.Task[None]] = set()

    @app.post("/orders")
    async def create_order(order: Order) -> Order:
        task = asyncio.create_task(send_confirmation(order))
        background_tasks.add(task)
        task.add_done_callback(background_tasks.discard)
        return order
    ```
    or FastAPI's `BackgroundTasks`, or an `asyncio.TaskGroup`.

    ## Fix safety
    No fix: where to keep the task is a design choice.
    """

    code = "FRL306"
    name = "dangling-task"
    message = (
        "the task `{call}` creates is not stored and can be garbage-collected before it finishes"
    )
    summary = "`create_task`/`ensure_future` result dropped"
    examples = (
        Clean(
            _HEAD + "tasks: set[asyncio.Task[None]] = set()\n\nasync def main() -> None:\n"
            "    task = asyncio.create_task(work())\n    tasks.add(task)\n"
            "    tasks.add(asyncio.ensure_future(work()))\n    await asyncio.create_task(work())\n",
        ),
        Clean(
            _HEAD + "async def main() -> None:\n    async with asyncio.TaskGroup() as tg:\n"
            "        tg.create_task(work())\n",
            note="a TaskGroup keeps its tasks",
        ),
        Clean(
            _HEAD + "async def main(scheduler: object) -> None:\n"
            "    scheduler.create_task(work())\n",
            note="receiver of unknown type",
        ),
        Flagged(
            _HEAD + "async def main() -> None:\n    asyncio.create_task(work())\n",
            at=("6:5-6:32",),
        ),
        Flagged(
            "from asyncio import ensure_future as schedule, get_running_loop\n\n"
            "async def work() -> None: ...\n\nasync def main() -> None:\n"
            "    schedule(work())\n    loop = get_running_loop()\n    loop.create_task(work())\n"
            "    loop.create_task(work()).add_done_callback(print)\n",
            at=("6:5-6:21", "8:5-8:29", "9:5-9:29"),
            note="aliases, loops, a done-callback only",
        ),
    )

    def visit_Expr(self, node: cst.Expr) -> None:
        call = node.value
        if not isinstance(call, cst.Call):
            return
        func = call.func
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value == "add_done_callback"
            and isinstance(func.value, cst.Call)
        ):
            call = func.value
        if not self.scopes.callee_names(call).isdisjoint(TASK_FACTORIES):
            self.report(call, call=self.context.module.code_for_node(call.func) + "(...)")
