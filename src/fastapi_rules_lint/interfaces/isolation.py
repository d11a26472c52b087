"""Contain a worker process that dies: only the item it was on is lost.

The last line of defence behind ``engine.parse`` (whose pre-check and big stack keep
LibCST's native parser from crashing on every input we know of): if a process still
dies — a segfault in native code, an OOM kill, ``os._exit`` — a ``ProcessPoolExecutor``
breaks and fails every item it had not finished, and it cannot say which one killed it.

``run_isolated`` finishes such a run: the items go to a fresh pool with at most one item
in flight per process, so when that pool breaks the suspects are the few in flight;
each suspect is then run alone in its own process (``run_alone``), where a death names
its culprit exactly, and the rest go on in another fresh pool. An item is reported as
crashed only when it killed a process it had to itself; every other item gets its real
result. Each round settles at least the suspects, so the run always ends.

``run_alone`` is also how an in-process run (``--jobs 1``, or a small run) checks the
rare file the pre-check calls risky (``engine.parse.is_risky``): in a child process, so
that a crash on it cannot take the run down.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

# `multiprocessing` and `concurrent.futures.process` are imported where a process is
# started: a run that starts none (one file, not risky) does not pay for them.
if TYPE_CHECKING:
    from concurrent.futures import Future
    from multiprocessing.connection import Connection

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Crash:
    """An item whose process died; ``cause`` is one line ("the parser crashed (...)")."""

    cause: str


@dataclass(frozen=True)
class _Call(Generic[T, R]):
    function: Callable[[T], R]
    item: T


def describe_exit(exitcode: int | None) -> str:
    """What a dead process's exit code says, as one line for the user."""
    if exitcode is None:
        return "the worker process died"
    if exitcode < 0:
        number = -exitcode
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = "unknown signal"
        if number == getattr(signal, "SIGKILL", None):
            return f"the worker process was killed (signal {number}, {name}; out of memory?)"
        return f"the parser crashed (signal {number}, {name})"
    return f"the worker process exited unexpectedly (status {exitcode})"


def _send(call: _Call[T, R], sender: Connection) -> None:
    sender.send(call.function(call.item))
    sender.close()


def run_alone(function: Callable[[T], R], item: T) -> R | Crash:
    """``function(item)`` in a child process of its own; a ``Crash`` when it dies."""
    import multiprocessing

    context = multiprocessing.get_context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_send, args=(_Call(function, item), sender), daemon=True)
    process.start()
    sender.close()
    try:
        result: R = receiver.recv()
    except EOFError:  # the child died before sending anything
        process.join()
        return Crash(describe_exit(process.exitcode))
    finally:
        receiver.close()
    process.join()
    return result


def run_isolated(
    function: Callable[[T], R],
    items: Sequence[T],
    processes: int,
    on_result: Callable[[int, R | Crash], None],
) -> None:
    """Run ``function`` over ``items`` in pools of ``processes`` workers, calling
    ``on_result(index, result)`` once per item (see the module docs)."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    pending = list(range(len(items)))
    while pending:
        suspects: list[int] = []
        with ProcessPoolExecutor(max_workers=processes) as pool:
            in_flight: dict[Future[R], int] = {}
            queue = iter(pending)
            pending = []
            try:
                for index in queue:
                    in_flight[pool.submit(function, items[index])] = index
                    if len(in_flight) < processes:
                        continue
                    _settle(in_flight, on_result)
                while in_flight:
                    _settle(in_flight, on_result)
            except BrokenProcessPool:
                suspects = sorted(in_flight.values())
                pending = list(queue)
        for index in suspects:
            on_result(index, run_alone(function, items[index]))


def _settle(in_flight: dict[Future[R], int], on_result: Callable[[int, R | Crash], None]) -> None:
    """Wait for at least one in-flight item and report what finished (a broken pool
    raises ``BrokenProcessPool``, leaving the unfinished items in ``in_flight``)."""
    from concurrent.futures import FIRST_COMPLETED, wait

    done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
    for future in done:
        result = future.result()  # raises BrokenProcessPool for the lost ones
        on_result(in_flight.pop(future), result)
