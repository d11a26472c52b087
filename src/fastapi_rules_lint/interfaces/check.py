"""The ``check`` pipeline: settings per file → discovery → project model → lint/fix → report.

A thin adapter: it reads files, asks the core (``lint_text``/``fix_text``), writes files
and renders; it knows no rule. Every problem of the run itself (an unreadable or
unwritable file, an internal error on one file) is one ``fastapi-rules: error: ...``
line on stderr and makes the exit status 2, after every other file has been handled.

The pipeline's other steps: ``interfaces.check_files`` reads the files (disk, stdin,
notebooks) into the run's state, ``interfaces.check_finish`` settles each linted file's
outcome and ends the run (baseline, ``--add-noqa``, diff or report).

Decisions (those of reading and finishing are in those modules):
- Each file is checked with its own settings (``runner.settings``) and its own
  project's model (``runner.workspace``), so its diagnostics do not depend on which
  files the run was given. Run-wide choices (``fix``, ``unsafe-fixes``,
  ``force-exclude``) come from the settings of the first path (or the
  ``--stdin-filename``, or the working folder); command-line values win over them.
- Progress (``interfaces.progress``) on a terminal's stderr for runs over a second; a
  warning when a run found no Python file to check.
- A cached result without applicable fixes spares ``--fix`` a parse.
- One pool of worker processes per run (``runner.parallel.Pool``) summarises the
  project and lints its files; with ``--no-cache`` it is forked as soon as the files
  are found, before they are read, while this process is small (a forked worker starts
  as big as its parent) and has not imported the linter: each worker imports it
  (``lint.warm``) while this process reads the files and builds the model. (Importing
  it here first, for the workers to inherit, was 0.1 s that nothing else overlapped.)
  This process pauses its cyclic collector while it builds what it keeps to the end
  (the model, the views, the outcomes, the report: ``engine.gc_tuning``).
- Each file's view is cut as its lint task is made (``interfaces.worker.run_tasks``):
  a pool's workers lint the first (largest) files while this process cuts the rest,
  instead of waiting for every view (0.5 s on a 2,000-module project).
- Startup: LibCST, the rules and the worker are imported (inside the functions that
  lint) only when a file must be linted, and a file's ``ModuleView`` is computed only
  when the cache's project key misses (``cache``): a warm run whose files are all cache
  hits imports no LibCST, builds no rule and no project model.
- A run that lints without a pool lints in the standby the CLI forked as it started
  (``runner.standby``), which imported the linter meanwhile. Either way this process
  imports no LibCST at all (the model and the views need none). Without a pool or a
  standby (``--jobs 1``, one CPU, no ``fork``) it lints here, as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi_rules_lint.cache import Cache
from fastapi_rules_lint.config import ConfigResolver
from fastapi_rules_lint.engine import gc_tuning
from fastapi_rules_lint.engine.diagnostics import Diagnostic, Fix
from fastapi_rules_lint.interfaces.check_files import (
    CheckFile,
    CheckOptions,
    CheckRun,
    Mode,
    discover_files,
    read_files,
    stdin_file,
)
from fastapi_rules_lint.interfaces.check_finish import finish, settle, unified_diff
from fastapi_rules_lint.interfaces.console import Console
from fastapi_rules_lint.interfaces.progress import Progress
from fastapi_rules_lint.lint.warm import warm_up
from fastapi_rules_lint.runner.parallel import Pool, largest_first, resolve_jobs
from fastapi_rules_lint.runner.settings import RunSettings
from fastapi_rules_lint.runner.standby import Standby
from fastapi_rules_lint.runner.workspace import Workspace

if TYPE_CHECKING:
    from fastapi_rules_lint.interfaces.worker import Outcome

__all__ = ["CheckOptions", "Mode", "run_check", "unified_diff"]


def run_check(options: CheckOptions, console: Console, standby: Standby | None = None) -> int:
    """Run ``check``; returns the exit status. ``standby``: a linter process the caller
    started (``runner.standby``), used if the run lints and starts no pool."""
    if options.stdin_filename is not None:
        start = Path(options.stdin_filename)
    else:
        start = options.paths[0] if options.paths and not options.reads_stdin else Path(".")
    run_settings = RunSettings(
        ConfigResolver(options.config), options.select, options.ignore, options.extend_select
    )
    config = run_settings.config_for(start)
    config.lint_settings(options.select, options.ignore, options.extend_select)  # bad codes
    fixing = options.fix if options.fix is not None else config.settings.fix
    unsafe = (
        options.unsafe_fixes if options.unsafe_fixes is not None else config.settings.unsafe_fixes
    )
    mode: Mode = (
        "noqa" if options.add_noqa else "diff" if options.diff else "fix" if fixing else "lint"
    )
    output_format = options.output_format or config.settings.output_format or "text"
    force_exclude = options.force_exclude or config.settings.force_exclude
    run = CheckRun(options, run_settings, console, mode, unsafe, output_format, force_exclude)
    try:
        with Pool(options.jobs, standby) as pool:
            if options.reads_stdin:
                files = stdin_file(run, console)
            else:
                paths = discover_files(run, config)
                if options.no_cache and resolve_jobs(options.jobs, len(paths)) > 1:
                    # Every file will be linted: fork the workers now, while this process
                    # is small (``runner.parallel``: a worker starts as big as its
                    # parent). Each imports the linter (``lint.warm``) while this process
                    # reads the files and builds the model, which need none of it.
                    pool.start(len(paths), warm_up)
                files = read_files(run, paths)
            if not files and not options.reads_stdin and not run.failed and not options.quiet:
                console.warning("No Python files found under the given path(s)")
            return _check_files(run, files, pool)
    finally:
        gc_tuning.release()


def _check_files(run: CheckRun, files: list[CheckFile], pool: Pool) -> int:
    """Cache lookups, the project model and views, linting, the report."""
    options, console, mode, unsafe = run.options, run.console, run.mode, run.unsafe
    buffers = {
        file.path: file.source.text
        for file in files
        if options.reads_stdin and file.source and not file.notebook
    }
    workspace = Workspace(
        use_cache=not options.no_cache, buffers=buffers, jobs=options.jobs, pool=pool
    )
    fixing = mode in ("fix", "diff")
    caches = _Caches(enabled=not (options.no_cache or options.reads_stdin))
    pending: list[CheckFile] = []
    # The files, and the model and views a cache lookup may need, live to the end of the
    # run (``engine.gc_tuning``; ``run_tasks`` keeps the views it makes the same way).
    with gc_tuning.keeping():
        for file in files:
            run.files[file.display] = file
            if file.source is None:
                from fastapi_rules_lint.lint.linter import lint_bytes  # lazy: see "Startup"

                found = lint_bytes(file.data, file.display, file.settings).diagnostics
                run.diagnostics.extend(found)
                if options.reads_stdin and mode == "fix":
                    console.out_bytes(file.data)  # an editor expects its buffer back
                continue
            run.sources[file.display] = file.source.text
            cached = _from_cache(caches.for_file(file), file, workspace)
            if cached is None or (
                fixing and any(d.fix and _is_applicable(d.fix, unsafe) for d in cached)
            ):
                pending.append(file)
            else:
                run.diagnostics.extend(cached)
    if not pending:
        pool.standby.close()  # nothing to lint: free its core now
    if pending:
        outcomes = _lint_pending(run, pending, fixing, workspace, pool)
        for file, outcome in zip(pending, outcomes, strict=True):
            settle(run, file, outcome, caches.for_file(file))
            file.view = None  # the report needs no model: it reuses the model's memory
        del outcomes
    del workspace
    caches.save()
    with gc_tuning.keeping():  # the report: plain data to the end of the run
        return finish(run)


def _is_applicable(fix: Fix, unsafe: bool) -> bool:
    from fastapi_rules_lint.lint.fixer import is_applicable  # lazy: see "Startup"

    return is_applicable(fix, unsafe=unsafe)


def _ensure_view(file: CheckFile, workspace: Workspace) -> None:
    if not file.has_view and file.source is not None:
        file.view = workspace.view_for(file.path, file.source.text)
        file.has_view = True


def _lint_pending(
    run: CheckRun, pending: list[CheckFile], fixing: bool, workspace: Workspace, pool: Pool
) -> list[Outcome]:
    """Lint (or fix) the files the cache did not answer. Each file's view is cut as its
    task is made (``run_tasks``: a pool lints the first files meanwhile)."""
    from fastapi_rules_lint.interfaces.worker import Task, Worker, run_tasks

    worker = Worker(fixing=fixing, unsafe=run.unsafe)
    options, console = run.options, run.console
    texts = [file.source.text if file.source else "" for file in pending]  # each has one
    # Largest first (``runner.parallel``): a huge file started last would finish last.
    order = largest_first([len(text) for text in texts])

    def tasks() -> Iterator[Task]:
        for index in order:
            file = pending[index]
            _ensure_view(file, workspace)
            yield Task(file.display, texts[index], file.settings, file.view)

    progress = Progress(len(pending), console.progress_stream())
    try:
        done = run_tasks(worker, tasks(), options.jobs, progress.advance, pool, len(pending))
    finally:
        progress.close()
    outcomes: list[Outcome] = list(done)
    for outcome, index in zip(done, order, strict=True):
        outcomes[index] = outcome
    return outcomes


@dataclass
class _Caches:
    """One diagnostics cache per settings file (its ``cache-dir`` and rule options)."""

    enabled: bool
    opened: dict[int, Cache | None] = field(default_factory=dict)

    def for_file(self, file: CheckFile) -> Cache | None:
        if not self.enabled:
            return None
        key = id(file.config)
        if key not in self.opened:
            folder = file.config.root / file.config.settings.cache_dir
            self.opened[key] = Cache.open(folder, file.settings)
        return self.opened[key]

    def save(self) -> None:
        for cache in self.opened.values():
            if cache is not None:
                cache.save()


def _from_cache(
    cache: Cache | None, file: CheckFile, workspace: Workspace
) -> tuple[Diagnostic, ...] | None:
    if cache is None:
        return None
    _keys(cache, file, workspace, file.data)
    return cache.lookup(
        file.display, file.cache_key or "", lambda: _view_key(cache, file, workspace)
    )


def _keys(cache: Cache, file: CheckFile, workspace: Workspace, data: bytes) -> None:
    """Set the file's project key (the view key is computed when needed)."""
    fingerprint = workspace.fingerprint_for(file.path)
    file.cache_key = cache.project_key(file.display, data, file.settings.enabled, fingerprint)
    file.view_key = None


def _view_key(cache: Cache, file: CheckFile, workspace: Workspace) -> str:
    if file.view_key is None:
        _ensure_view(file, workspace)
        file.view_key = cache.entry_key(file.display, file.data, file.settings.enabled, file.view)
    return file.view_key
