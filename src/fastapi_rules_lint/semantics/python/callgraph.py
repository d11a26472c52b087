"""Call graphs for FRL302/FRL303: which sync functions reach a blocking call.

During the traversal a rule records, for each function's own body and in source order,
*terminal* calls (a call that blocks, or may block) and calls to same-module functions.
In ``leave_Module`` ``chains`` answers, for every function, the shortest chain of
same-module sync functions that ends in a terminal call (``load_config() → open()``).
Computed once per module by a breadth-first search backwards from the functions that
make a terminal call, so any depth is fine and cycles are safe. ``shortest_chains`` is
that search over any nodes: the project's functions use it too
(``semantics.asyncio.project_calls``).

Only plain sync functions take part: an ``async def`` runs its body when awaited (not
when called), a generator function when iterated, and an unknown decorator may change
what calling the function does (``@celery.task``, a decorator moving work to a thread).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

# The search (``shortest_chains``) serves the project model, built without LibCST;
# the tree's nodes appear here only as keys and annotations.
if TYPE_CHECKING:
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
        links = {
            function: [(step.callee, step.label) for step in steps]
            for function, steps in self.steps.items()
        }
        return {
            function: (*(f"{node.name.value}()" for node in through), label)
            for function, (through, label) in shortest_chains(links, is_followed).items()
        }


Node = TypeVar("Node", bound=Hashable)
Terminal = TypeVar("Terminal")


def shortest_chains(
    links: Mapping[Node, Sequence[tuple[Node | None, Terminal | None]]],
    is_followed: Callable[[Node], bool],
) -> dict[Node, tuple[tuple[Node, ...], Terminal]]:
    """For each followed function that reaches a terminal: the followed functions of the
    shortest chain (itself first) and the terminal at its end.

    ``links`` holds each function's steps in source order: a call to another function
    or a terminal. A function's own first terminal wins over longer chains."""
    callers: dict[Node, list[Node]] = {}
    next_hop: dict[Node, Node] = {}
    ends: dict[Node, Terminal] = {}
    queue: deque[Node] = deque()
    for function, steps in links.items():
        if not is_followed(function):
            continue
        for callee, _ in steps:
            if callee is not None and is_followed(callee):
                callers.setdefault(callee, []).append(function)
        terminal = next((found for _, found in steps if found is not None), None)
        if terminal is not None:
            ends[function] = terminal
            queue.append(function)
    while queue:
        function = queue.popleft()
        for caller in callers.get(function, ()):
            if caller not in ends and caller not in next_hop:
                next_hop[caller] = function
                queue.append(caller)
    found: dict[Node, tuple[tuple[Node, ...], Terminal]] = {}
    for function in (*ends, *next_hop):
        through = [function]
        while through[-1] not in ends:
            through.append(next_hop[through[-1]])
        found[function] = (tuple(through), ends[through[-1]])
    return found
