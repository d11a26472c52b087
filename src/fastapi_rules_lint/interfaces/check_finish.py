"""How a ``check`` run ends: each linted file's outcome settled (its fix written or
diffed, the cache filled), then the baseline, ``--add-noqa`` or the report.

The rest of the pipeline is ``interfaces.check`` (imports inside functions are
deliberate here: see its "Startup").

Decisions:
- ``--diff``: the diff on stdout, "Would fix N errors." on stderr, nothing written; exit
  1 exactly when there is a diff (ruff's behaviour).
- ``--stdin-filename`` with ``--fix``: the fixed (or unchanged) source goes to stdout
  and the report to stderr, as editors expect.
- ``--write-baseline`` records every diagnostic and exits 0 without a report;
  ``--add-noqa`` exits 0 and says on stderr how many directives it added.
- The report format is ``--output-format``, else the settings' ``output-format``, else
  text; ``--output-file`` writes the report there (uncoloured) instead of stdout.
- Notebooks (``notebooks``): fixes go back into the cells (or are refused with a
  warning), diffs are per cell, ``--add-noqa`` leaves them alone.
- Files whose fix was written are cached under their new content.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi_rules_lint.cache import Cache
from fastapi_rules_lint.engine.diagnostics import Diagnostic
from fastapi_rules_lint.files import FileAccessError, write_atomic
from fastapi_rules_lint.interfaces import baseline
from fastapi_rules_lint.interfaces.check_files import CheckFile, CheckRun
from fastapi_rules_lint.notebooks import Notebook, NotebookWriteError
from fastapi_rules_lint.report import RENDERERS, ReportInput
from fastapi_rules_lint.report.base import plural

if TYPE_CHECKING:
    from fastapi_rules_lint.interfaces.worker import Outcome


def settle(run: CheckRun, file: CheckFile, outcome: Outcome, cache: Cache | None) -> None:
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

            diagnostics = tuple(lint_text(file.source.text, file.display, file.settings, file.view))
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


def _encode(file: CheckFile, text: str) -> bytes:
    """The bytes of ``file`` with the (fixed) text ``text``."""
    assert file.source is not None
    return file.notebook.write(text) if file.notebook else file.source.encode(text)


def _notebook_fix(run: CheckRun, file: CheckFile, outcome: Outcome) -> Outcome:
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


def _diff(file: CheckFile, fixed: str) -> str:
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


def _match_baseline(run: CheckRun, path: Path, found: list[Diagnostic]) -> list[Diagnostic]:
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


def finish(run: CheckRun) -> int:
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


def _write_report(run: CheckRun, report: ReportInput) -> None:
    """``--output-file``: the report goes to the file; a failure is a run error."""
    path = run.options.output_file
    assert path is not None
    output = RENDERERS[run.output_format](report)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(output, encoding="utf-8")
    except OSError as error:
        run.error(f"{path}: cannot write the report: {error.strerror or error}")


def _would_fix(run: CheckRun, remaining: Sequence[Diagnostic]) -> str:
    hidden = 0 if run.unsafe else sum(1 for d in remaining if d.fix is not None)
    note = (
        f" ({plural(hidden, 'hidden fix', 'es')} can be enabled with the `--unsafe-fixes` option)"
        if hidden
        else ""
    )
    if run.fixed:
        return f"Would fix {plural(run.fixed, 'error')}{note}.\n"
    return f"No errors would be fixed{note}.\n"


def _add_noqa(run: CheckRun, found: Sequence[Diagnostic]) -> None:
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
