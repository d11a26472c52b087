"""The cyclic garbage collector through a run: one policy, in three parts.

A linter run allocates millions of objects that reference counting frees (LibCST trees)
or that live to the end (imported modules, rules, the project model), and CPython's
default collector keeps re-examining the survivors: on the generated 2,000-module tree
that was most of the parent's CPU time building the model. Each part below says where
it applies; together a CLI run collects cyclic garbage as before, only without scanning
what can never be garbage.

## Startup: ``paused`` and ``imports_done``
Why: a run that must lint a file imports LibCST, the semantics and the rules mid-run
(``interfaces.check`` imports them only then). Those imports create some 100,000 objects
that live until the process ends, and the collector, triggered by the allocations,
re-scans them again and again: about 30 ms of a one-file ``check``'s 0.4 s of CPU
(``benchmarks/startup.py``), none of it finding garbage.

How: ``paused()`` (around ``check``) turns the collector off; ``registry.all_rules()``
calls ``imports_done()`` once the rules are imported, which freezes everything alive
(``gc.freeze``: later full collections skip it, so a long run scans less too) and turns
the collector back on for the linting itself. A run that forks (``runner.parallel``)
does the same before its first fork, so its workers start collecting, as they always
did. A run that neither lints here nor forks a pool (every file a cache hit, or its
files linted by the standby, ``runner.standby``, whose fork keeps the pause:
``forking_at_startup``) keeps it off to its end, building what it keeps under
``keeping`` anyway; leaving ``paused()`` turns it back on in any case. Nothing is
paused when the rules are already imported (a second run in one process: nothing left
to import), or when the collector was off already (the embedding program's choice is
kept).

## Linting: ``tune_for_linting``
Why: linting allocates without pause (a LibCST tree is some 100,000 objects per file,
most of them short-lived), and CPython's default setting runs a young collection every
700 net allocations and re-examines every object that outlived one again and again. On
the generated 150-module tree that was about a quarter of the checker's CPU time in one
process (1.1 of 4.3 s; `docs_src`: 0.10 of 1.1 s), none of it needed for the trees,
which reference counting frees.

How: ``tune_for_linting`` freezes what is alive (the imported modules, the rules, the
project model: ``gc.freeze``, so no collection scans them again) and raises the young
generation's threshold to ``YOUNG_THRESHOLD`` allocations, which cuts those figures to
0.24 s and 0.04 s. Garbage cycles are still collected, only later: the peak resident
size on that tree did not move (78 MB either way). A CLI run calls it once after its
imports, as does each pool worker when it starts; ``benchmarks/run.py`` measures its
checker rows under it. A collector that is off, or whose threshold an embedding
program set higher (or to 0: off), is left as it is.

## Bulk phases of the parent: ``keeping`` and ``release``
Building a project's model allocates about a million small objects (summaries, their
names, the model's indexes, the views) that live until the run ends. CPython's
generational collector examines every surviving object again at each full collection,
and full collections come more often the more objects survive: on a 2,000-module
project 3.1 of the 4.7 CPU seconds that building the model took in the parent were
the collector's, work that finds nothing (these objects form no garbage cycles).

``keeping`` pauses the collector while such a phase runs and then freezes what it built
(``gc.freeze``: later collections skip it); ``release`` gives the frozen objects back to
the collector when the run is over (an in-process caller such as a test runs on). Only
automatic collection is paused: memory is still freed by reference counting, and the
cyclic garbage a phase leaves is collected after it.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG_THRESHOLD = 10_000
"""Net allocations between young collections (CPython's default: 700). Measured with
``gc.callbacks`` on the generated tree: 5,000 → 0.25 s of collections, 10,000 → 0.24 s,
50,000 → 0.22 s; the default 1.1 s."""


def tune_for_linting() -> None:
    """Freeze what is alive and collect the young generation less often (see above)."""
    gc.freeze()
    young, middle, old = gc.get_threshold()
    if 0 < young < YOUNG_THRESHOLD:
        gc.set_threshold(YOUNG_THRESHOLD, middle, old)


class _State:
    """Whether this module turned the collector off. Process state on purpose: the
    collector it describes is one per process."""

    is_paused = False
    is_forking_at_startup = False


def _resume() -> None:
    if _State.is_paused:
        _State.is_paused = False
        gc.enable()


def _resume_frozen() -> None:
    if _State.is_paused:
        gc.freeze()
        _resume()


def _before_fork() -> None:
    if not _State.is_forking_at_startup:
        _resume_frozen()


# A run that forks (a worker pool, a risky file checked alone) is past its startup: the
# parent resumes before the fork, so the children start collecting too. Frozen first:
# nothing made during the pause was ever collected, so all of it is still in the
# youngest generation, and every collection in the parent and, page by page, in each
# child would otherwise scan (and copy) the whole heap. The exception is a fork in the
# middle of the startup (``forking_at_startup``).
os.register_at_fork(before=_before_fork)


@contextmanager
def forking_at_startup() -> Iterator[None]:
    """Forks in the block keep the pause: the standby linter (``runner.standby``) is
    forked while both processes still have their imports ahead, and each resumes at its
    own ``imports_done`` (the child through ``registry.all_rules``)."""
    _State.is_forking_at_startup = True
    try:
        yield
    finally:
        _State.is_forking_at_startup = False


@contextmanager
def forking_workers(*, keep_pause: bool) -> Iterator[None]:
    """Forks in the block start worker processes. ``keep_pause``: they keep the startup
    pause, as the standby does, until their own ``imports_done`` (their first task
    imports the linter: ``lint.warm``); this process resumes after the block either way,
    as at any fork."""
    if not keep_pause:
        yield
        return
    with forking_at_startup():
        yield
    _resume_frozen()


@contextmanager
def paused(*, has_imports_ahead: bool) -> Iterator[None]:
    """Run the body with the collector off until ``imports_done`` (see the module
    docstring); ``has_imports_ahead`` False (the rules are imported) pauses nothing."""
    if not has_imports_ahead or not gc.isenabled():
        yield
        return
    gc.disable()
    _State.is_paused = True
    try:
        yield
    finally:
        _resume()


def imports_done() -> None:
    """The startup imports are over: freeze what they made, collect again (no-op when
    nothing is paused)."""
    _resume_frozen()


@contextmanager
def keeping() -> Iterator[None]:
    """Collector paused during the block; what is alive after it is frozen."""
    if not gc.isenabled():  # someone else decides (a caller that disabled it)
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def release() -> None:
    """Give the frozen objects back to the collector (see the module docstring)."""
    gc.unfreeze()
