"""What a ``check`` run reads: its options and state, and the files it lints.

The files come from disk (discovered under the given paths) or from stdin; a notebook is
read as its code cells' module text. The rest of the pipeline is ``interfaces.check``
(imports inside functions are deliberate there and here: see its "Startup").

Decisions:
- Only regular files are read: a FIFO, device or socket named on the command line, or
  an unreadable file, is one error line (exit 2) and the run goes on; a closed stdin is
  one error line too. A file (or stdin buffer) over ``max-file-size`` (default 2 MiB) is
  skipped with one warning line, the exit status unaffected.
- ``--stdin-filename``: the name drives config discovery and ``per-file-ignores``.
  Stdin is never cached.
- ``force-exclude`` (option or settings) applies to ``--stdin-filename`` too: an
  excluded name gets no diagnostics and, with ``--fix``, its buffer back unchanged.
- Notebooks (``notebooks``): linted as their code cells' module text.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from fastapi_rules_lint.config import LoadedConfig, display_path
from fastapi_rules_lint.engine.diagnostics import Diagnostic
from fastapi_rules_lint.engine.source import DecodedSource, SourceDecodeError, decode_source
from fastapi_rules_lint.files import FileAccessError, FileTooLargeError, check_size, read_source
from fastapi_rules_lint.interfaces.console import Console
from fastapi_rules_lint.lint.settings import LintSettings
from fastapi_rules_lint.notebooks import Notebook, NotebookError, is_notebook
from fastapi_rules_lint.runner.settings import RunSettings

if TYPE_CHECKING:
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
class CheckFile:
    """One file of the run: its bytes and text, its settings, its cache keys and view."""

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
class CheckRun:
    """One ``check`` run: its choices and what its files gave (diagnostics, fixes, errors)."""

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
    files: dict[str, CheckFile] = field(default_factory=dict)
    fixed: int = 0
    failed: bool = False

    def error(self, message: str) -> None:
        self.failed = True
        self.console.error(message)


def stdin_file(run: CheckRun, console: Console) -> list[CheckFile]:
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


def _is_excluded(run: CheckRun, config: LoadedConfig, path: Path) -> bool:
    """Whether the excludes drop ``path`` (a name that need not exist on disk): those of
    the run's first settings, or of the settings that govern it (up to their root)."""
    discovery = run.settings.discovery_for(config)
    if discovery.is_excluded(Path(os.path.abspath(path)), is_dir=False):
        return True
    return run.settings.is_excluded_by_own_settings(path)


def _load(
    run: CheckRun, path: Path, display: str, data: bytes, settings: LintSettings, own: LoadedConfig
) -> CheckFile | None:
    """The file to lint; a notebook is linted as its code cells' module text."""
    if not is_notebook(path.name):
        return CheckFile(path, display, data, _decode(data), settings, own)
    try:
        notebook = Notebook(data)
    except NotebookError as error:
        run.error(f"{display}: cannot read notebook: {error}")
        return None
    source = DecodedSource(notebook.text, "utf-8", has_bom=False)
    return CheckFile(path, display, data, source, settings, own, notebook=notebook)


def _decode(data: bytes) -> DecodedSource | None:
    try:
        return decode_source(data)
    except SourceDecodeError:
        return None


def discover_files(run: CheckRun, config: LoadedConfig) -> list[Path]:
    """The files the run's paths name (``config``: the run's first settings)."""
    discovery = run.settings.discovery_for(config)
    force_exclude = run.force_exclude
    named = {os.path.abspath(path) for path in run.options.paths if not os.path.isdir(path)}
    found: list[Path] = []
    paths = run.options.paths or (Path("."),)
    for path in discovery.files(paths, force_exclude=force_exclude):
        is_named = os.path.abspath(path) in named
        if (not is_named or force_exclude) and run.settings.is_excluded_by_own_settings(path):
            continue  # a nested project's own excludes
        found.append(path)
    return found


def read_files(run: CheckRun, paths: list[Path]) -> list[CheckFile]:
    """Read and decode ``paths`` (from ``discover_files``), each with its own settings."""
    files: list[CheckFile] = []
    for path in paths:
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
