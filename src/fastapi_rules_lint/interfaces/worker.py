"""The per-file work of a run, in-process or in a process pool.

``Worker`` is a small picklable callable (no module globals): the pool pickles it with
each chunk of tasks. An unexpected exception on one file becomes that file's one-line
error — the other files' results are never lost; a crash while fixing still reports the
file's plain lint results when linting alone works.

``--jobs`` default (``jobs=None``): one process below ``PARALLEL_THRESHOLD`` files to
lint (starting workers and importing LibCST in each costs more than it saves on a
small run, e.g. a pre-commit batch; such a run lints in the run's standby process when
it has one, ``runner.standby``), else ``os.cpu_count()`` workers (at most
``MAX_AUTO_JOBS``); chunks are small (``runner.parallel``: the caller hands tasks out
largest first). The workers are the run's (``runner.parallel.Pool``, shared with the
summarising phase) or, without one, this call's own. A pool that cannot start (a
sandbox without ``fork``/semaphores) falls back to one process.

A worker process that dies (a segfault in LibCST's native parser, an OOM kill) costs only
the file it was on: that file is one error line naming the cause ("the parser crashed
(signal 11, SIGSEGV)"), the rest of the run completes in fresh pools and the exit status
is 2 (``interfaces.isolation``). In an in-process run nothing can contain a crash, so
the pre-check (``engine.parse``) is the defence there, and the rare file it calls
risky (deep enough that only the big stack holds it) is checked in a child process.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import islice

from fastapi_rules_lint.engine import gc_tuning
from fastapi_rules_lint.engine.diagnostics import Diagnostic
from fastapi_rules_lint.engine.parse import is_risky, on_big_stack
from fastapi_rules_lint.interfaces.isolation import Crash, run_alone, run_isolated
from fastapi_rules_lint.lint.settings import LintSettings
from fastapi_rules_lint.project.view import ModuleView
from fastapi_rules_lint.runner import parallel
from fastapi_rules_lint.runner.parallel import Pool, chunk_size

# The linter (LibCST, the semantics, the rules) is imported where a file is linted
# (``Worker.__call__``, ``lint.warm``): a process that only hands tasks to others (the
# parent of a pool or of a standby, ``runner.standby``) never imports it.

BATCH = 16
"""Files linted per hop to the big-stack thread (``engine.parse.on_big_stack``) in one
process. ``lint_text`` hops per call, and a hop cost about 0.1 ms a file (docs_src: 30-50
ms of a 0.7 s lint: thread wake-ups, and the lint running on a core whose caches hold
nothing of the file); a batch pays it once. Not every file of a run at once: Ctrl-C
reaches this thread, which waits for the batch it handed over."""
PARALLEL_THRESHOLD = parallel.PARALLEL_THRESHOLD
MAX_AUTO_JOBS = parallel.MAX_AUTO_JOBS


@dataclass(frozen=True)
class Task:
    """One decoded file to lint (or fix)."""

    display: str
    text: str
    settings: LintSettings = field(default_factory=LintSettings)
    """The file's own settings (its settings file, the command line, its ignores)."""
    project: ModuleView | None = None
    """What the file's project says to it (None: the file alone)."""


@dataclass(frozen=True)
class Outcome:
    """What became of one task."""

    display: str
    diagnostics: tuple[Diagnostic, ...]
    fixed_text: str | None = None
    """The fixed source, when a fix changed it."""
    applied: int = 0
    error: str | None = None
    refusals: tuple[str, ...] = ()
    """One line per fix the fixer refused (``path:row:col: CODE reason``)."""


@dataclass(frozen=True)
class Worker:
    """Lints (or fixes) tasks, each with its own settings."""

    fixing: bool = False
    unsafe: bool = False

    def __call__(self, task: Task) -> Outcome:
        from fastapi_rules_lint.lint.linter import lint_text

        settings = task.settings
        try:
            if self.fixing:
                # Imported when fixing only: a check never loads the fixer.
                from fastapi_rules_lint.lint.fixer import fix_text

                fixed = fix_text(
                    task.text, task.display, settings, unsafe=self.unsafe, project=task.project
                )
                count = sum(fixed.applied.values())
                text = fixed.text if fixed.is_changed and fixed.text != task.text else None
                refusals = tuple(
                    f"{task.display}:{r.location.row}:{r.location.column}: {r.code} "
                    f"fix not applied: {r.reason}"
                    for r in fixed.refusals
                )
                return Outcome(
                    task.display,
                    tuple(fixed.remaining),
                    text,
                    count if text else 0,
                    refusals=refusals,
                )
            found = lint_text(task.text, task.display, settings, task.project)
            return Outcome(task.display, tuple(found))
        except Exception as error:  # one broken file must not sink the run
            message = f"{task.display}: internal error: {type(error).__name__}: {error}"
        if self.fixing:
            try:
                found = lint_text(task.text, task.display, settings, task.project)
                return Outcome(task.display, tuple(found), error=message)
            except Exception:
                # Linting alone fails too: the first error, already in `message`, is
                # what the user sees; the file's findings are lost either way.
                pass
        return Outcome(task.display, (), error=message)


def resolve_jobs(jobs: int | None, task_count: int) -> int:
    """How many processes to use (see the module docstring)."""
    return parallel.resolve_jobs(jobs, task_count)


def run_tasks(
    worker: Worker,
    tasks: Iterable[Task],
    jobs: int | None,
    on_done: Callable[[], None] | None = None,
    pool: Pool | None = None,
    count: int | None = None,
) -> list[Outcome]:
    """Run ``worker`` over ``tasks``; results in task order. ``on_done`` is called as
    each result arrives (the CLI's progress line). ``pool``: the run's worker processes
    (``runner.parallel.Pool``), else a pool of this call's own.

    ``tasks`` may be made as they are taken (a generator; ``count`` says how many): a
    pool's workers lint the first batches while this process makes the next ones
    (``interfaces.check`` cuts a file's view as it makes its task). Without a pool
    they are all made first."""
    if count is None:
        tasks = list(tasks)
        count = len(tasks)
    source = iter(tasks)
    made: list[Task] = []
    results: list[Outcome] = []

    def record(outcome: Outcome) -> None:
        results.append(outcome)
        if on_done is not None:
            on_done()

    owned = pool is None
    if pool is None:
        pool = Pool(jobs)
    try:
        executor = pool.executor_for(count)
        if executor is not None:
            # Imported with the pool (`runner.parallel`): a one-process run skips it.
            from concurrent.futures.process import BrokenProcessPool

            pool.standby.close()  # the pool lints: free the standby's core
            processes = pool.processes
            chunk = chunk_size(count, processes)
            try:
                # What this process makes and collects lives to the end of the run
                # (``engine.gc_tuning``).
                with gc_tuning.keeping():
                    futures = []
                    while batch := list(islice(source, chunk)):
                        made.extend(batch)
                        futures.append(executor.submit(lint_batch, worker, batch))
                    for future in futures:
                        for outcome in future.result():
                            record(outcome)
                return results
            except BrokenProcessPool:
                # A worker died (a segfault, an OOM kill): only its file is lost.
                pool.broke()
                rest = [*made[len(results) :], *source]
                return results + _recover(worker, rest, processes, on_done)
            except (OSError, NotImplementedError):
                pool.broke()  # the rest in this process
        with gc_tuning.keeping():
            made.extend(source)
        done = pool.standby.map(worker, made[len(results) :])
        if done is not None:
            for outcome in done:
                record(outcome)
            if len(results) < len(made):  # the standby died: only its file is lost
                return results + _recover(worker, made[len(results) :], 1, on_done)
            return results
    finally:
        if owned:
            pool.close()
    rest = made[len(results) :]
    for start in range(0, len(rest), BATCH):
        # A file the pre-check calls risky is checked in a child process of its own.
        for outcome in on_big_stack(partial(_guarded, worker, rest[start : start + BATCH])):
            record(outcome)
    return results


def lint_batch(worker: Worker, tasks: Sequence[Task]) -> list[Outcome]:
    """``worker`` over ``tasks`` with one hop to the big-stack thread for all of them
    (``BATCH``); a pool's workers run this per chunk."""
    return on_big_stack(lambda: [worker(task) for task in tasks])


def _guarded(worker: Worker, tasks: Sequence[Task]) -> list[Outcome]:
    return [_alone(worker, task) if is_risky(task.text) else worker(task) for task in tasks]


def _crashed(task: Task, result: Outcome | Crash) -> Outcome:
    if isinstance(result, Crash):
        return Outcome(task.display, (), error=f"{task.display}: {result.cause}")
    return result


def _alone(worker: Worker, task: Task) -> Outcome:
    try:
        return _crashed(task, run_alone(worker, task))
    except OSError:  # no child processes here: checked in this process after all
        return worker(task)


def _recover(
    worker: Worker,
    tasks: Sequence[Task],
    processes: int,
    on_done: Callable[[], None] | None,
) -> list[Outcome]:
    """Finish a run whose pool broke (``interfaces.isolation``); results in task order."""
    outcomes: dict[int, Outcome] = {}

    def record(index: int, result: Outcome | Crash) -> None:
        outcomes[index] = _crashed(tasks[index], result)
        if on_done is not None:
            on_done()

    try:
        run_isolated(worker, tasks, processes, record)
    except (OSError, NotImplementedError):  # no more processes: the rest in this one
        for index, task in enumerate(tasks):
            if index not in outcomes:
                record(index, _alone(worker, task))
    return [outcomes[index] for index in range(len(tasks))]
