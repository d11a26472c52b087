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
  macOS and Windows. A fork server that preloads LibCST and the rules (so that workers
  do not hold the parent's project model) was measured on a 2,000-module project and
  dropped: workers peaked higher (453 MB against 305 MB: their own per-file growth
  dominates, not the parent's pages), and every script that runs a check with workers
  would need an ``if __name__ == "__main__"`` guard.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

PARALLEL_THRESHOLD = 40
MAX_AUTO_JOBS = 16
MAX_CHUNK = 16
CHUNKS_PER_WORKER = 16

_In = TypeVar("_In")
_Out = TypeVar("_Out")


def pool_context() -> BaseContext:
    """How every worker process of a run is started (see the module docstring)."""
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


def map_files(
    function: Callable[[_In], _Out], items: Sequence[_In], jobs: int | None
) -> list[_Out]:
    """``[function(item) for item in items]``, in ``jobs`` processes; results in order.
    ``function`` must be a picklable module-level function."""
    processes = resolve_jobs(jobs, len(items))
    results: list[_Out] = []
    if processes > 1:
        try:
            with ProcessPoolExecutor(max_workers=processes, mp_context=pool_context()) as pool:
                chunk = chunk_size(len(items), processes)
                results.extend(pool.map(function, items, chunksize=chunk))
                return results
        except (OSError, BrokenProcessPool, NotImplementedError):
            pass  # the rest in this process
    results.extend(function(item) for item in items[len(results) :])
    return results
