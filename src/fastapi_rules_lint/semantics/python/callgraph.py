"""Same-module call graph for FRL302/FRL303: which sync functions reach a blocking call.

During the traversal a rule records, for each function's own body and in source order,
*terminal* calls (a call that blocks, or may block) and calls to same-module functions.
In ``leave_Module`` ``chains`` answers, for every function, the shortest chain of
same-module sync functions that ends in a terminal call (``load_config() → open()``).
Computed once per module by a breadth-first search backwards from the functions that
make a terminal call, so any depth is fine and cycles are safe.

Only plain sync functions take part: an ``async def`` runs its body when awaited (not
when called), a generator function when iterated, and an unknown decorator may change
what calling the function does (``@celery.task``, a decorator moving work to a thread).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import libcst as cst

TRANSPARENT_DECORATORS = frozenset(
    {
        "functools.lru_cache",
        "functools.cache",
        "builtins.staticmethod",
        "builtins.classmethod",
        "typing.override",
        "typing_extensions.override",
    }
)


@dataclass(frozen=True)
class Step:
    """A call in a function's own body: terminal (``label`` set) or to ``callee``."""

    call: cst.Call
    anchor: cst.CSTNode
    label: str | None = None
    callee: cst.FunctionDef | None = None


@dataclass
class CallGraph:
    """Per-function steps, in source order."""

    steps: dict[cst.FunctionDef, list[Step]] = field(default_factory=dict)

    def add(self, caller: cst.FunctionDef, step: Step) -> None:
        """Record one step of ``caller``."""
        self.steps.setdefault(caller, []).append(step)

    def of(self, caller: cst.FunctionDef) -> list[Step]:
        """The steps of ``caller`` (empty when it calls nothing of interest)."""
        return self.steps.get(caller, [])

    def chains(
        self, is_followed: Callable[[cst.FunctionDef], bool]
    ) -> dict[cst.FunctionDef, tuple[str, ...]]:
        """For each followed function that reaches a terminal call: the labels of the
        shortest chain, ``("load_config()", "read()", "open()")``."""
        callers: dict[cst.FunctionDef, list[cst.FunctionDef]] = {}
        next_hop: dict[cst.FunctionDef, cst.FunctionDef | str] = {}
        queue: deque[cst.FunctionDef] = deque()
        for function, steps in self.steps.items():
            if not is_followed(function):
                continue
            for step in steps:
                if step.callee is not None and is_followed(step.callee):
                    callers.setdefault(step.callee, []).append(function)
            terminal = next((step.label for step in steps if step.label is not None), None)
            if terminal is not None:
                next_hop[function] = terminal
                queue.append(function)
        while queue:
            function = queue.popleft()
            for caller in callers.get(function, ()):
                if caller not in next_hop:
                    next_hop[caller] = function
                    queue.append(caller)
        return {function: tuple(_walk(function, next_hop)) for function in next_hop}


def _walk(
    function: cst.FunctionDef, next_hop: dict[cst.FunctionDef, cst.FunctionDef | str]
) -> Iterator[str]:
    current: cst.FunctionDef | str = function
    while isinstance(current, cst.FunctionDef):
        yield f"{current.name.value}()"
        current = next_hop[current]
    yield current


def has_plain_decorators(
    node: cst.FunctionDef, qualified: Callable[[cst.BaseExpression], frozenset[str]]
) -> bool:
    """No decorators, or only ones that keep calling the function a plain call."""
    for decorator in node.decorators:
        expression = decorator.decorator
        if isinstance(expression, cst.Call):
            expression = expression.func
        if qualified(expression).isdisjoint(TRANSPARENT_DECORATORS):
            return False
    return True
