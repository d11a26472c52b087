"""The per-file work of a run, in-process or in a process pool.

``Worker`` is a small picklable callable (no module globals): the pool pickles it with
each chunk of tasks. An unexpected exception on one file becomes that file's one-line
error — the other files' results are never lost; a crash while fixing still reports the
file's plain lint results when linting alone works.

``--jobs`` default (``jobs=None``): one process below ``PARALLEL_THRESHOLD`` files to
lint (starting workers and importing LibCST in each costs more than it saves on a
small run, e.g. a pre-commit batch), else ``os.cpu_count()`` workers (at most
``MAX_AUTO_JOBS``). A pool that cannot start (a sandbox without ``fork``/semaphores)
falls back to one process.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

from fastapi_rules_lint.engine.diagnostics import Diagnostic
from fastapi_rules_lint.lint.fixer import fix_text
from fastapi_rules_lint.lint.linter import LintSettings, lint_text
from fastapi_rules_lint.project.view import ModuleView

PARALLEL_THRESHOLD = 40
MAX_AUTO_JOBS = 16


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
        settings = task.settings
        try:
            if self.fixing:
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
    if jobs is not None and jobs > 0:
        return max(1, min(jobs, task_count))
    if task_count < PARALLEL_THRESHOLD:
        return 1
    return max(1, min(os.cpu_count() or 1, MAX_AUTO_JOBS, task_count // 8 or 1))


def run_tasks(
    worker: Worker,
    tasks: Sequence[Task],
    jobs: int | None,
    on_done: Callable[[], None] | None = None,
) -> list[Outcome]:
    """Run ``worker`` over ``tasks``; results in task order. ``on_done`` is called as
    each result arrives (the CLI's progress line)."""
    processes = resolve_jobs(jobs, len(tasks))
    results: list[Outcome] = []
    if processes > 1:
        chunk = max(1, len(tasks) // (processes * 4))
        try:
            with ProcessPoolExecutor(max_workers=processes) as pool:
                for outcome in pool.map(worker, tasks, chunksize=chunk):
                    results.append(outcome)
                    if on_done is not None:
                        on_done()
                return results
        except (OSError, BrokenProcessPool, NotImplementedError):
            pass  # fall back to this process for what is left
    for task in tasks[len(results) :]:
        results.append(worker(task))
        if on_done is not None:
            on_done()
    return results
