"""The ``check`` pipeline: settings per file → discovery → project model → lint/fix → report.

A thin adapter: it reads files, asks the core (``lint_text``/``fix_text``), writes files
and renders; it knows no rule. Every problem of the run itself (an unreadable or
unwritable file, an internal error on one file) is one ``fastapi-rules: error: ...``
line on stderr and makes the exit status 2, after every other file has been handled.

Decisions:
- Each file is checked with its own settings (``runner.settings``) and its own
  project's model (``runner.workspace``), so its diagnostics do not depend on which
  files the run was given. Run-wide choices (``fix``, ``unsafe-fixes``,
  ``force-exclude``) come from the settings of the first path (or the
  ``--stdin-filename``, or the working folder); command-line values win over them.
- ``--diff``: the diff on stdout, "Would fix N errors." on stderr, nothing written; exit
  1 exactly when there is a diff (ruff's behaviour).
- Only regular files are read: a FIFO, device or socket named on the command line, or
  an unreadable file, is one error line (exit 2) and the run goes on; a closed stdin is
  one error line too. A file (or stdin buffer) over ``max-file-size`` (default 2 MiB) is
  skipped with one warning line, the exit status unaffected.
- ``--stdin-filename``: the name drives config discovery and ``per-file-ignores``; with
  ``--fix`` the fixed (or unchanged) source goes to stdout and the report to stderr, as
  editors expect. Stdin is never cached.
- ``--write-baseline`` records every diagnostic and exits 0 without a report;
  ``--add-noqa`` exits 0 and says on stderr how many directives it added.
- ``force-exclude`` (option or settings) applies to ``--stdin-filename`` too: an
  excluded name gets no diagnostics and, with ``--fix``, its buffer back unchanged.
- The report format is ``--output-format``, else the settings' ``output-format``, else
  text; ``--output-file`` writes the report there (uncoloured) instead of stdout.
- Progress (``interfaces.progress``) on a terminal's stderr for runs over a second; a
  warning when a run found no Python file to check.
- Notebooks (``notebooks``): linted as their code cells' module text; fixes go back into
  the cells (or are refused with a warning), diffs are per cell, ``--add-noqa`` leaves
  them alone.
- A cached result without applicable fixes spares ``--fix`` a parse; files whose fix
  was written are cached under their new content.
- Startup: LibCST, the rules and the worker are imported (inside the functions that
  lint) only when a file must be linted, and a file's ``ModuleView`` is computed only
  when the cache's project key misses (``cache``): a warm run whose files are all cache
  hits imports no LibCST, builds no rule and no project model.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from fastapi_rules_lint.cache import Cache
from fastapi_rules_lint.config import ConfigResolver, LoadedConfig, display_path
from fastapi_rules_lint.engine.diagnostics import Diagnostic, Fix
from fastapi_rules_lint.engine.source import DecodedSource, SourceDecodeError, decode_source
from fastapi_rules_lint.files import (
    FileAccessError,
    FileTooLargeError,
    check_size,
    read_source,
    write_atomic,
)
from fastapi_rules_lint.interfaces import baseline
from fastapi_rules_lint.interfaces.console import Console
from fastapi_rules_lint.interfaces.progress import Progress
from fastapi_rules_lint.lint.settings import LintSettings
from fastapi_rules_lint.notebooks import Notebook, NotebookError, NotebookWriteError, is_notebook
from fastapi_rules_lint.report import RENDERERS, ReportInput
from fastapi_rules_lint.report.base import plural
from fastapi_rules_lint.runner.parallel import largest_first
from fastapi_rules_lint.runner.settings import RunSettings
from fastapi_rules_lint.runner.workspace import Workspace

if TYPE_CHECKING:
    from fastapi_rules_lint.interfaces.worker import Outcome
    from fastapi_rules_lint.project.view import ModuleView

Mode = Literal["lint", "fix", "diff", "noqa"]


@dataclass(frozen=True)
class CheckOptions:
    """The ``check`` command's options (None: take the config file's value)."""

    paths: tuple[Path, ...] = ()
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    fix: bool | None = None
    unsafe_fixes: bool | None = None
    diff: bool = False
    output_format: str | None = None
    """None: the settings' ``output-format``, else ``text``."""
    output_file: Path | None = None
    statistics: bool = False
    show_source: bool = False
    exit_zero: bool = False
    quiet: bool = False
    config: Path | None = None
    no_cache: bool = False
    jobs: int | None = None
    stdin_filename: str | None = None
    baseline: Path | None = None
    write_baseline: Path | None = None
    prune_baseline: bool = False
    add_noqa: bool = False
    force_exclude: bool = False

    @property
    def reads_stdin(self) -> bool:
        """True when the source comes from stdin (``--stdin-filename`` or ``-``)."""
        return self.stdin_filename is not None or self.paths == (Path("-"),)


@dataclass
class _File:
    path: Path
    display: str
    data: bytes
    source: DecodedSource | None
    settings: LintSettings
    config: LoadedConfig
    cache_key: str | None = None
    """The cache's project key of the file (see ``cache``); None: not cached."""
    view_key: str | None = None
    view: ModuleView | None = None
    """What the file's project says to it (see ``runner.workspace``); set for every file
    that is linted (None until then: a cache hit never needs it)."""
    has_view: bool = False
    notebook: Notebook | None = None
    """A ``.ipynb`` file: ``source`` is its code cells' module text (``notebooks``)."""


@dataclass
class _Run:
    options: CheckOptions
    settings: RunSettings
    console: Console
    mode: Mode
    unsafe: bool
    output_format: str = "text"
    force_exclude: bool = False
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    diffs: list[str] = field(default_factory=list)
    files: dict[str, _File] = field(default_factory=dict)
    fixed: int = 0
    failed: bool = False

    def error(self, message: str) -> None:
        self.failed = True
        self.console.error(message)


def run_check(options: CheckOptions, console: Console) -> int:
    """Run ``check``; returns the exit status."""
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
    run = _Run(options, run_settings, console, mode, unsafe, output_format, force_exclude)
    files = _stdin_file(run, console) if options.reads_stdin else _read_files(run, config)
    if not files and not options.reads_stdin and not run.failed and not options.quiet:
        console.warning("No Python files found under the given path(s)")
    buffers = {
        file.path: file.source.text
        for file in files
        if options.reads_stdin and file.source and not file.notebook
    }
    workspace = Workspace(use_cache=not options.no_cache, buffers=buffers, jobs=options.jobs)
    fixing = mode in ("fix", "diff")
    caches = _Caches(enabled=not (options.no_cache or options.reads_stdin))
    pending: list[_File] = []
    for file in files:
        run.files[file.display] = file
        if file.source is None:
            from fastapi_rules_lint.lint.linter import lint_bytes  # lazy: see "Startup"

            run.diagnostics.extend(lint_bytes(file.data, file.display, file.settings).diagnostics)
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
    for file in pending:
        _ensure_view(file, workspace)
    if pending:
        outcomes = _lint_pending(run, pending, fixing)
        for file, outcome in zip(pending, outcomes, strict=True):
            _settle(run, file, outcome, caches.for_file(file))
    caches.save()
    return _finish(run)


def _is_applicable(fix: Fix, unsafe: bool) -> bool:
    from fastapi_rules_lint.lint.fixer import is_applicable  # lazy: see "Startup"

    return is_applicable(fix, unsafe=unsafe)


def _ensure_view(file: _File, workspace: Workspace) -> None:
    if not file.has_view and file.source is not None:
        file.view = workspace.view_for(file.path, file.source.text)
        file.has_view = True


def _lint_pending(run: _Run, pending: list[_File], fixing: bool) -> list[Outcome]:
    """Lint (or fix) the files the cache did not answer."""
    from fastapi_rules_lint.interfaces.worker import Task, Worker, run_tasks  # lazy: "Startup"

    worker = Worker(fixing=fixing, unsafe=run.unsafe)
    options, console = run.options, run.console
    tasks = [
        Task(file.display, file.source.text, file.settings, file.view)
        for file in pending
        if file.source
    ]
    # Largest first (``runner.parallel``): a huge file started last would finish last.
    order = largest_first([len(task.text) for task in tasks])
    progress = Progress(len(tasks), console.progress_stream())
    try:
        done = run_tasks(worker, [tasks[index] for index in order], options.jobs, progress.advance)
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

    def for_file(self, file: _File) -> Cache | None:
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


def _stdin_file(run: _Run, console: Console) -> list[_File]:
    display = run.options.stdin_filename or "-"
    path = Path(display)
    config = run.settings.config_for(path if run.options.stdin_filename else Path("."))
    settings = run.settings.settings_for(path)
    if not run.options.stdin_filename:
        settings = config.lint_settings(
            run.settings.select, run.settings.ignore, run.settings.extend_select
        )
    try:
        data = console.read_stdin()
    except OSError as error:
        run.error(f"cannot read stdin: {error.strerror or error}")
        return []
    if run.options.stdin_filename and run.force_exclude and _is_excluded(run, config, path):
        if run.mode == "fix":
            console.out_bytes(data)  # an editor expects its buffer back, untouched
        return []
    shown = display_path(path) if run.options.stdin_filename else display
    try:
        check_size(shown, len(data), config.settings.file_size_limit)
    except FileTooLargeError as error:
        if not run.options.quiet:
            console.warning(str(error))
        if run.mode == "fix":
            console.out_bytes(data)  # an editor expects its buffer back, untouched
        return []
    loaded = _load(run, path, shown, data, settings, config)
    return [loaded] if loaded else []


def _is_excluded(run: _Run, config: LoadedConfig, path: Path) -> bool:
    """Whether the excludes drop ``path`` (a name that need not exist on disk): those of
    the run's first settings, or of the settings that govern it (up to their root)."""
    discovery = run.settings.discovery_for(config)
    if discovery.is_excluded(Path(os.path.abspath(path)), is_dir=False):
        return True
    return run.settings.is_excluded_by_own_settings(path)


def _load(
    run: _Run, path: Path, display: str, data: bytes, settings: LintSettings, own: LoadedConfig
) -> _File | None:
    """The file to lint; a notebook is linted as its code cells' module text."""
    if not is_notebook(path.name):
        return _File(path, display, data, _decode(data), settings, own)
    try:
        notebook = Notebook(data)
    except NotebookError as error:
        run.error(f"{display}: cannot read notebook: {error}")
        return None
    source = DecodedSource(notebook.text, "utf-8", has_bom=False)
    return _File(path, display, data, source, settings, own, notebook=notebook)


def _encode(file: _File, text: str) -> bytes:
    """The bytes of ``file`` with the (fixed) text ``text``."""
    assert file.source is not None
    return file.notebook.write(text) if file.notebook else file.source.encode(text)


def _notebook_fix(run: _Run, file: _File, outcome: Outcome) -> Outcome:
    """A notebook fix that cannot go back into the cells safely is dropped, with a warning."""
    if file.notebook is None or outcome.fixed_text is None or file.source is None:
        return outcome
    try:
        file.notebook.write(outcome.fixed_text)
    except NotebookWriteError as error:
        if not run.options.quiet:
            run.console.warning(f"{file.display}: fixes not applied: {error}")
        from fastapi_rules_lint.lint.linter import lint_text  # lazy: see "Startup"

        found = lint_text(file.source.text, file.display, file.settings, file.view)
        return replace(outcome, diagnostics=tuple(found), fixed_text=None, applied=0)
    return outcome


def _decode(data: bytes) -> DecodedSource | None:
    try:
        return decode_source(data)
    except SourceDecodeError:
        return None


def _read_files(run: _Run, config: LoadedConfig) -> list[_File]:
    discovery = run.settings.discovery_for(config)
    force_exclude = run.force_exclude
    named = {os.path.abspath(path) for path in run.options.paths if not os.path.isdir(path)}
    files: list[_File] = []
    paths = run.options.paths or (Path("."),)
    for path in discovery.files(paths, force_exclude=force_exclude):
        is_named = os.path.abspath(path) in named
        if (not is_named or force_exclude) and run.settings.is_excluded_by_own_settings(path):
            continue  # a nested project's own excludes
        own = run.settings.config_for(path)
        try:
            data = read_source(path, own.settings.file_size_limit)
        except FileAccessError as error:
            run.error(str(error))
            continue
        except FileTooLargeError as error:
            if not run.options.quiet:
                run.console.warning(str(error))
            continue
        settings = run.settings.settings_for(path)
        loaded = _load(run, path, display_path(path), data, settings, own)
        if loaded is not None:
            files.append(loaded)
    return files


def _from_cache(
    cache: Cache | None, file: _File, workspace: Workspace
) -> tuple[Diagnostic, ...] | None:
    if cache is None:
        return None
    _keys(cache, file, workspace, file.data)
    return cache.lookup(
        file.display, file.cache_key or "", lambda: _view_key(cache, file, workspace)
    )


def _keys(cache: Cache, file: _File, workspace: Workspace, data: bytes) -> None:
    """Set the file's project key (the view key is computed when needed)."""
    fingerprint = workspace.fingerprint_for(file.path)
    file.cache_key = cache.project_key(file.display, data, file.settings.enabled, fingerprint)
    file.view_key = None


def _view_key(cache: Cache, file: _File, workspace: Workspace) -> str:
    if file.view_key is None:
        _ensure_view(file, workspace)
        file.view_key = cache.entry_key(file.display, file.data, file.settings.enabled, file.view)
    return file.view_key


def _settle(run: _Run, file: _File, outcome: Outcome, cache: Cache | None) -> None:
    """Record one file's outcome: write or diff its fix, fill the cache."""
    assert file.source is not None
    outcome = _notebook_fix(run, file, outcome)
    if outcome.error is not None:
        run.error(outcome.error)
    if not run.options.quiet:
        for refusal in outcome.refusals:
            run.console.warning(refusal)
    diagnostics = outcome.diagnostics
    if outcome.fixed_text is not None and run.mode == "diff":
        run.diffs.append(_diff(file, outcome.fixed_text))
        run.fixed += outcome.applied
    elif outcome.fixed_text is not None:
        try:
            data = _encode(file, outcome.fixed_text)
            if not run.options.reads_stdin:
                write_atomic(file.path, data, root=file.config.root)
        except (FileAccessError, UnicodeEncodeError) as error:
            if isinstance(error, UnicodeEncodeError):
                error = FileAccessError(f"{file.display}: cannot encode the fixed source: {error}")
            run.error(str(error))
            from fastapi_rules_lint.lint.linter import lint_text  # lazy: see "Startup"

            diagnostics = tuple(
                lint_text(file.source.text, file.display, file.settings, file.view)
            )
        else:
            run.fixed += outcome.applied
            run.sources[file.display] = outcome.fixed_text
            file.data = data
            if file.notebook is not None:  # its cells' rows moved
                file.notebook = Notebook(data)
            file.cache_key = None
            if cache is not None:
                # The project key of the old content's project can never match again.
                enabled = file.settings.enabled
                file.cache_key = ""
                file.view_key = cache.entry_key(file.display, data, enabled, file.view)
    storable = outcome.fixed_text is None or run.mode == "fix"
    if cache is not None and file.cache_key is not None and outcome.error is None and storable:
        if file.view_key is None:
            enabled = file.settings.enabled
            file.view_key = cache.entry_key(file.display, file.data, enabled, file.view)
        cache.store(file.display, file.cache_key, file.view_key, diagnostics)
    run.diagnostics.extend(diagnostics)
    if run.options.reads_stdin and run.mode == "fix":
        text = outcome.fixed_text if outcome.fixed_text is not None else file.source.text
        run.console.out_bytes(_encode(file, text))


def _diff(file: _File, fixed: str) -> str:
    """The diff of one file's fix; a notebook's per changed cell (``path:cell N``)."""
    assert file.source is not None
    if file.notebook is None:
        return unified_diff(file.display, file.source.text, fixed)
    changed = file.notebook.diffs(file.display, fixed)
    return "".join(unified_diff(name, old, new) for name, old, new in changed)


def unified_diff(display: str, before: str, after: str) -> str:
    """A unified diff of one file's fix, every line newline-terminated."""
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=display,
        tofile=display,
    )
    parts = []
    for line in lines:
        if line.endswith(("\n", "\r")):
            parts.append(line)
        else:
            parts.append(f"{line}\n\\ No newline at end of file\n")
    return "".join(parts)


def _match_baseline(run: _Run, path: Path, found: list[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics ``path`` does not account for; says how many of its entries are
    stale (and drops them with ``--prune-baseline``)."""
    enabled = {
        name: file.settings.enabled - file.config.ignored_codes_for(file.path)
        for name, file in run.files.items()
    }
    matched = baseline.match_baseline(path, found, run.sources, enabled)
    stale = len(matched.stale)
    entries = f"{stale} baseline {'entry' if stale == 1 else 'entries'}"
    if run.options.prune_baseline:
        if stale:
            baseline.prune_baseline(path, matched.kept)
        run.console.err(f"Removed {entries} that no longer matched from {path}.\n")
    elif stale:
        run.console.err(
            f"{entries} no longer {'matches' if stale == 1 else 'match'} anything "
            "(drop them with --prune-baseline).\n"
        )
    return matched.new


def _finish(run: _Run) -> int:
    options = run.options
    found = sorted(run.diagnostics)
    if options.write_baseline is not None:
        count = baseline.write_baseline(options.write_baseline, found, run.sources)
        run.console.err(f"Wrote {plural(count, 'diagnostic')} to {options.write_baseline}.\n")
        return 2 if run.failed else 0
    if options.baseline is not None:
        found = _match_baseline(run, options.baseline, found)
    if run.mode == "noqa":
        _add_noqa(run, found)
        return 2 if run.failed else 0
    report = ReportInput(
        diagnostics=found,
        sources=run.sources,
        unsafe_fixes=run.unsafe,
        fixed=run.fixed,
        is_fix_run=run.mode == "fix",
        show_source=options.show_source,
        statistics=options.statistics,
        color=run.console.color,
        quiet=options.quiet,
        had_errors=bool(run.failed),
        notebooks={name: f.notebook.cells for name, f in run.files.items() if f.notebook},
    )
    if run.mode == "diff":
        run.console.out("".join(run.diffs))
        if not options.quiet:
            run.console.err(_would_fix(run, found))
        return 2 if run.failed else 1 if run.diffs else 0
    if options.output_file is not None:
        _write_report(run, replace(report, color=False))
    elif options.reads_stdin and run.mode == "fix":
        run.console.err(RENDERERS[run.output_format](report))
    else:
        run.console.out(RENDERERS[run.output_format](report))
    if run.failed:
        return 2
    return 1 if found and not options.exit_zero else 0


def _write_report(run: _Run, report: ReportInput) -> None:
    """``--output-file``: the report goes to the file; a failure is a run error."""
    path = run.options.output_file
    assert path is not None
    output = RENDERERS[run.output_format](report)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(output, encoding="utf-8")
    except OSError as error:
        run.error(f"{path}: cannot write the report: {error.strerror or error}")


def _would_fix(run: _Run, remaining: Sequence[Diagnostic]) -> str:
    hidden = 0 if run.unsafe else sum(1 for d in remaining if d.fix is not None)
    note = (
        f" ({plural(hidden, 'hidden fix', 'es')} can be enabled with the `--unsafe-fixes` option)"
        if hidden
        else ""
    )
    if run.fixed:
        return f"Would fix {plural(run.fixed, 'error')}{note}.\n"
    return f"No errors would be fixed{note}.\n"


def _add_noqa(run: _Run, found: Sequence[Diagnostic]) -> None:
    files = {
        display: (file.path, file.source)
        for display, file in run.files.items()
        if file.source is not None and file.notebook is None  # no noqa into notebook JSON
    }
    from fastapi_rules_lint.interfaces.add_noqa import write_noqa  # lazy: see "Startup"

    outcome = write_noqa(files, found)
    for error in outcome.errors:
        run.error(error)
    message = f"Added {plural(outcome.added, 'noqa directive')}."
    if outcome.skipped:
        skipped = plural(outcome.skipped, "diagnostic")
        message += f" {skipped} could not take one (no row of their statement can carry it)."
    run.console.err(message + "\n")
