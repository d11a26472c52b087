"""A linting process started before the run knows it needs one (issue 12: ``check FILE``).

A run of a few files that must lint one spends most of its time in two serial chains:
importing LibCST, the semantics and the rules (about 0.2 s), and importing the check
pipeline, reading the settings, scanning the project and building the views (about
0.15 s). Neither needs the other until a file is linted, so on a machine with a core to
spare the ``check`` command forks one *standby* process as it starts (before importing
its pipeline): the standby imports the linter (``warm_up``) while this process does the
rest, then lints the files this process hands it (``map``). This process never imports
LibCST: the project model and the views need none.

Results are the same as linting here: the same ``Worker`` runs the same tasks, only in
another process (``tests/test_standby.py``).

Decisions:
- Speculative, and cheap when not needed: a run whose files are all cache hits kills
  the standby unused as soon as its lookups are done. That costs this process the fork,
  the ``multiprocessing`` import and the kill (about 10 ms), and the other core the
  standby's work until then (0.1-0.2 s of CPU; wall time unchanged within noise). A run
  that lints many files closes it when its pool starts (``runner.parallel``).
- Only where a fork is cheap and a core is free: the ``fork`` start method (a spawned
  process would start Python and import everything again, as slow as doing it here), more
  than one usable CPU, not ``--jobs 1`` (one process, as asked), and not when this
  process has the linter imported already (a second run in one process).
- Both processes keep the startup's collector pause through the fork
  (``engine.gc_tuning.forking_at_startup``): both have their imports ahead.
- A standby that dies while linting (a segfault in the native parser, an OOM kill) loses
  no file: ``map`` yields what it finished, and the caller runs the rest as a run whose
  pool broke does (``interfaces.isolation``). One that cannot start is simply not used.
- Results stream back one per item, in order, so a caller's progress and recovery work
  as with a pool. A standby serves one request, then exits.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, TypeVar

from fastapi_rules_lint.engine import gc_tuning

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

_In = TypeVar("_In")
_Out = TypeVar("_Out")


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity, where the platform tells)."""
    affinity = getattr(os, "sched_getaffinity", None)
    if affinity is not None:
        return len(affinity(0))
    return os.cpu_count() or 1


class Standby:
    """One forked process that imports the linter now and lints later (module docstring)."""

    def __init__(self) -> None:
        self._process: BaseProcess | None = None
        self._connection: Connection | None = None

    @property
    def is_running(self) -> bool:
        """Whether a standby was started and has not been closed."""
        return self._process is not None

    def start(self, warm_up: Callable[[], None], jobs: int | None) -> None:
        """Fork the standby, which runs ``warm_up`` at once, when it can pay off."""
        if self._process is not None or jobs == 1 or usable_cpus() < 2:
            return
        import multiprocessing

        context = multiprocessing.get_context()
        if context.get_start_method() != "fork":
            return
        receiver, sender = context.Pipe()
        process = context.Process(target=_serve, args=(sender, warm_up), daemon=True)
        try:
            with gc_tuning.forking_at_startup():
                process.start()
        except OSError:
            receiver.close()
            sender.close()
            return
        sender.close()
        self._process, self._connection = process, receiver

    def map(
        self, function: Callable[[_In], _Out], items: Sequence[_In]
    ) -> Iterator[_Out] | None:
        """``function`` over ``items`` in the standby, results in order as they come;
        None when there is no standby. A standby that dies ends the iterator early
        (the caller runs the rest) and is closed."""
        connection = self._connection
        if connection is None:
            return None
        try:
            connection.send((function, items))
        except (OSError, ValueError):
            self.close()
            return None
        return self._results(connection, len(items))

    def _results(self, connection: Connection, count: int) -> Iterator[_Out]:
        try:
            for _ in range(count):
                result: _Out = connection.recv()
                yield result
        except (EOFError, OSError):
            pass  # it died: the caller runs what is left
        finally:
            self.close()  # it serves one request

    def close(self) -> None:
        """Stop the standby (killed if still busy; nothing it could say is needed)."""
        process, connection = self._process, self._connection
        self._process = self._connection = None
        if connection is not None:
            connection.close()
        if process is not None:
            if process.is_alive():
                process.kill()
            process.join()


def _serve(connection: Connection, warm_up: Callable[[], None]) -> None:
    """The standby: warm up, then answer one request (``Standby.map``) and exit."""
    # Ctrl-C reaches the whole process group: the parent handles it (and kills this
    # process); here it would only print a traceback from the middle of an import.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        warm_up()
        function, items = connection.recv()
    except EOFError:  # closed unused
        return
    except Exception:  # noqa: FRL701 - no traceback here: the parent lints itself, and shows it
        return

    def answer() -> None:
        try:
            for item in items:
                connection.send(function(item))
        except Exception:  # noqa: FRL701 - the parent recovers what was not sent
            return

    # The items are files to lint: on the big-stack thread all at once (``engine.parse``;
    # one hop instead of one per file). Nothing here waits for Ctrl-C (see above).
    # Imported here: the CLI's process imports this module as it starts.
    from fastapi_rules_lint.engine.parse import on_big_stack

    on_big_stack(answer)
    connection.close()
