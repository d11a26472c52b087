"""Mapping a function over many files in worker processes: how many, in what order.

Both phases of a run go through here: summarising the project's modules (``ast``, in
``runner.workspace``) and linting them (``interfaces.worker``). Decisions:

- ``jobs=None`` (the default): one process below ``PARALLEL_THRESHOLD`` items (starting
  workers costs more than it saves on a pre-commit batch), else ``os.cpu_count()`` (at
  most ``MAX_AUTO_JOBS``, and no more than one per 8 items).
- **Largest first.** Callers hand work out by size, so one huge file is started early
  instead of finishing last while the other workers idle (``largest_first``).
- **Small chunks.** A chunk is at most ``MAX_CHUNK`` items and about 1/``CHUNKS_PER_WORKER``
  of a worker's share: with sizes sorted, big chunks at the start would leave one worker
  with most of the work; the pickling cost of more chunks is negligible.
- A pool that cannot start (a sandbox without ``fork`` or semaphores) or breaks falls
  back to this process for what is left (``map_files``; the lint phase has its own crash
  isolation in ``interfaces.worker``).
- **Start method**: the platform's default (``pool_context``): fork on Linux, spawn on
  macOS and Windows (a fork server would need an ``if __name__ == "__main__"`` guard in
  every script that runs a check with workers).
- **One pool per run, started early** (``Pool``). A forked worker's resident memory
  starts at its parent's: forked after the project model and the views were built (234
  MB on a 2,000-module project), each worker peaked at 295 MB, while a fresh process
  lints the same files in under 90 MB (its own per-file growth is small). So ``check``
  starts its workers once, before the model exists (``Pool.start``: as soon as it has
  found the files, before reading them), and both phases use them: summarising, then
  linting (the views travel with the tasks). Workers are forked all at once on the
  first submission; started early, each first imports the linter (its ``warm_up``),
  in parallel with the parent's reading and model building.
- **A standby below the threshold** (``runner.standby``): a run too small for a pool
  lints in the standby process the CLI forked at its start, if it has one
  (``Pool.standby``); a pool that lints closes it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, TypeVar

from fastapi_rules_lint.engine.gc_tuning import forking_workers, tune_for_linting
from fastapi_rules_lint.runner.standby import Standby

# `multiprocessing` and `concurrent.futures.process` are imported where a pool starts:
# a run in one process does not pay for them.
if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing.context import BaseContext

PARALLEL_THRESHOLD = 40
MAX_AUTO_JOBS = 16
MAX_CHUNK = 16
CHUNKS_PER_WORKER = 16

_In = TypeVar("_In")
_Out = TypeVar("_Out")


def pool_context() -> BaseContext:
    """How every worker process of a run is started (see the module docstring)."""
    import multiprocessing

    return multiprocessing.get_context()


def resolve_jobs(jobs: int | None, count: int) -> int:
    """How many processes to use for ``count`` items (see the module docstring)."""
    if jobs is not None and jobs > 0:
        return max(1, min(jobs, count))
    if count < PARALLEL_THRESHOLD:
        return 1
    return max(1, min(os.cpu_count() or 1, MAX_AUTO_JOBS, count // 8 or 1))


def chunk_size(count: int, processes: int) -> int:
    """Items per chunk handed to a worker (see the module docstring)."""
    return max(1, min(MAX_CHUNK, count // (processes * CHUNKS_PER_WORKER)))


def largest_first(sizes: Sequence[int]) -> list[int]:
    """Indices of ``sizes`` from the largest to the smallest (ties in their order)."""
    return sorted(range(len(sizes)), key=lambda index: -sizes[index])


class Pool:
    """The worker processes of one run, shared by its phases (see the module docstring).

    Nothing starts until ``start`` (or the first ``executor_for`` that needs workers);
    the number of processes is fixed then. A pool that cannot start, or breaks, is not
    used again (callers fall back to this process or to fresh pools)."""

    def __init__(self, jobs: int | None, standby: Standby | None = None) -> None:
        self.jobs = jobs
        self._executor: ProcessPoolExecutor | None = None
        self._processes = 0
        self.is_broken = False
        self.standby = standby if standby is not None else Standby()
        """The run's standby linter (``runner.standby``), when its caller started one:
        it lints when the pool does not (too few files); closed when the pool lints."""

    def start(self, count: int, warm_up: Callable[[], None] | None = None) -> None:
        """Fork the workers now if ``count`` items would use them (see the module
        docstring: the earlier, the smaller they stay): they lint every file, so a
        standby would only take a core from them. ``warm_up``: what each runs first
        (importing the linter while this process goes on)."""
        if self.executor_for(count, warm_up) is not None:
            self.standby.close()

    def executor_for(
        self, count: int, warm_up: Callable[[], None] | None = None
    ) -> ProcessPoolExecutor | None:
        """The running pool for a phase of ``count`` items; None: run in this process.
        ``warm_up`` (when this call starts the pool): each worker's first task."""
        if self.is_broken or resolve_jobs(self.jobs, count) < 2:
            return None
        if self._executor is None:
            from concurrent.futures import ProcessPoolExecutor
            from concurrent.futures.process import BrokenProcessPool

            processes = resolve_jobs(self.jobs, count)
            try:
                executor = ProcessPoolExecutor(
                    max_workers=processes,
                    mp_context=pool_context(),
                    initializer=warm_up or tune_for_linting,
                )
                # With fork, every worker is started now; one that warms up first keeps
                # the startup's collector pause until its imports are done.
                with forking_workers(keep_pause=warm_up is not None):
                    executor.submit(int)
            except (OSError, NotImplementedError, BrokenProcessPool):
                self.is_broken = True
                return None
            self._executor, self._processes = executor, processes
        return self._executor

    @property
    def processes(self) -> int:
        """How many workers run (0: none started)."""
        return self._processes if self._executor is not None else 0

    def broke(self) -> None:
        """The pool broke (a worker died): shut it down and never use it again."""
        self.is_broken = True
        self.close()

    def close(self) -> None:
        """Stop the workers (waits for them) and the standby."""
        self.standby.close()
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def __enter__(self) -> Pool:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def map_files(
    function: Callable[[_In], _Out],
    items: Sequence[_In],
    jobs: int | None,
    pool: Pool | None = None,
) -> list[_Out]:
    """``[function(item) for item in items]``, in ``jobs`` processes (``pool``'s when
    given); results in order. ``function`` must be a picklable module-level function."""
    results: list[_Out] = []
    executor = pool.executor_for(len(items)) if pool is not None else None
    if executor is not None and pool is not None:
        from concurrent.futures.process import BrokenProcessPool

        try:
            chunk = chunk_size(len(items), pool.processes)
            results.extend(executor.map(function, items, chunksize=chunk))
            return results
        except BrokenProcessPool:
            pool.broke()  # the rest in this process
    elif pool is None and resolve_jobs(jobs, len(items)) > 1:
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        processes = resolve_jobs(jobs, len(items))
        try:
            with ProcessPoolExecutor(max_workers=processes, mp_context=pool_context()) as own:
                chunk = chunk_size(len(items), processes)
                results.extend(own.map(function, items, chunksize=chunk))
                return results
        except (OSError, BrokenProcessPool, NotImplementedError):
            pass  # the rest in this process
    results.extend(function(item) for item in items[len(results) :])
    return results
