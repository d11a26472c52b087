"""The ``fastapi-rules`` command line (click): ``check``, ``rule``, ``rules``, ``--version``.

A thin adapter over the core: it parses options and hands them to ``check.run_check``.
Exit status: 0 clean, 1 diagnostics remain, 2 the run failed. Every failure — a bad
option, an unknown code, a missing path, an invalid config, an unexpected exception —
is one ``fastapi-rules: error: ...`` line on stderr, never a traceback (the group's
``main`` wraps everything, so ``CliRunner`` sees exactly what users see).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from fastapi_rules_lint import __version__
from fastapi_rules_lint.engine import gc_tuning
from fastapi_rules_lint.interfaces.console import PROGRAM, Console
from fastapi_rules_lint.lint.registry import are_rules_imported
from fastapi_rules_lint.lint.warm import warm_up
from fastapi_rules_lint.report import RENDERERS

# The check pipeline (config and Pydantic, the project model, the cache) is imported by
# `check` itself, with the garbage collector paused (`engine.gc_tuning`): importing it here
# would cost every run, `--version` and `rule` too, and with the collector on.


def _run_errors() -> tuple[type[Exception], ...]:
    """The failures of a run reported as one line (imported when one is raised)."""
    from fastapi_rules_lint.config import ConfigError
    from fastapi_rules_lint.files import FileAccessError, MissingPathError
    from fastapi_rules_lint.interfaces.baseline import BaselineError
    from fastapi_rules_lint.lint.registry import UnknownCodeError

    return (ConfigError, UnknownCodeError, MissingPathError, FileAccessError, BaselineError)


class _Cli(click.Group):
    """A group whose ``main`` turns every failure into one line and exit status 2."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: object,
    ) -> None:
        console = Console.detect()
        try:
            status = super().main(
                args, prog_name or PROGRAM, complete_var, standalone_mode=False, **extra
            )
        except click.exceptions.Abort:
            console.error("interrupted")
            status = 130
        except BrokenPipeError:
            _silence_stdout()  # `fastapi-rules check | head`: the reader left; no noise
            status = 1
        except click.ClickException as error:
            console.error(_one_line(error.format_message()))
            status = error.exit_code if error.exit_code else 2
        except Exception as error:  # the promise: never a traceback
            if isinstance(error, _run_errors()):
                console.error(_one_line(str(error)))
            else:
                console.error(f"internal error: {type(error).__name__}: {_one_line(str(error))}")
            status = 2
        sys.exit(status if isinstance(status, int) else 0)


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _one_line(message: str) -> str:
    return " ".join(message.split())


def _codes(values: tuple[str, ...]) -> tuple[str, ...]:
    """``--select A,B --select C`` → ``("A", "B", "C")``."""
    return tuple(code.strip() for value in values for code in value.split(",") if code.strip())


@click.group(cls=_Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name=PROGRAM, message="%(prog)s %(version)s")
def cli() -> None:
    """fastapi-rules: a linter with autofixes for FastAPI code."""


_CODES_HELP = "Comma-separated rule codes or prefixes (FRL3, FRL301, ALL)."


@cli.command(
    epilog="Exit status: 0 no diagnostics (or all fixed), 1 diagnostics remain, "
    "2 the run failed (bad option or config, unknown code, missing path, I/O error)."
)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--select", multiple=True, metavar="CODES", help=f"Enable only these. {_CODES_HELP}")
@click.option("--ignore", multiple=True, metavar="CODES", help=f"Disable these. {_CODES_HELP}")
@click.option(
    "--extend-select", multiple=True, metavar="CODES", help=f"Enable these too. {_CODES_HELP}"
)
@click.option("--fix/--no-fix", default=None, help="Apply safe fixes.")
@click.option(
    "--unsafe-fixes/--no-unsafe-fixes",
    default=None,
    help="Treat unsafe fixes as applicable (with --fix: apply them).",
)
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff; write nothing.")
@click.option(
    "--output-format",
    type=click.Choice(sorted(RENDERERS)),
    default=None,
    help="How to print diagnostics [default: the config's output-format, else text].",
)
@click.option(
    "-o",
    "--output-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the report to this file instead of stdout.",
)
@click.option(
    "--statistics", is_flag=True, help="Print the number of diagnostics per code (text or json)."
)
@click.option("--show-source", is_flag=True, help="Show the offending line under each diagnostic.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when diagnostics remain.")
@click.option("-q", "--quiet", is_flag=True, help="Print diagnostics, no summary.")
@click.option(
    "--config",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The pyproject.toml to read (default: the nearest one up from the first path).",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=None,
    metavar="N",
    help="Worker processes (default/0: one for small runs, else one per CPU).",
)
@click.option(
    "--stdin-filename",
    metavar="PATH",
    help="Read the source from stdin, reported as PATH; with --fix print the fixed source.",
)
@click.option(
    "--baseline",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Report only diagnostics not recorded in this baseline file.",
)
@click.option(
    "--write-baseline",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Record every current diagnostic in this baseline file and exit 0.",
)
@click.option(
    "--prune-baseline",
    is_flag=True,
    help="With --baseline: drop the entries no diagnostic matches any more.",
)
@click.option("--add-noqa", is_flag=True, help="Add `# noqa: CODE` to every offending line.")
@click.option(
    "--force-exclude",
    is_flag=True,
    help="Apply exclude/extend-exclude to files named explicitly too (for pre-commit).",
)
def check(
    paths: tuple[Path, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    extend_select: tuple[str, ...],
    fix: bool | None,
    unsafe_fixes: bool | None,
    diff: bool,
    output_format: str | None,
    output_file: Path | None,
    statistics: bool,
    show_source: bool,
    exit_zero: bool,
    quiet: bool,
    config: Path | None,
    no_cache: bool,
    jobs: int | None,
    stdin_filename: str | None,
    baseline: Path | None,
    write_baseline: Path | None,
    prune_baseline: bool,
    add_noqa: bool,
    force_exclude: bool,
) -> int:
    """Lint PATHS (files and folders; default: the current folder)."""
    if prune_baseline and baseline is None:
        raise click.UsageError("--prune-baseline needs --baseline")
    if add_noqa and (fix or diff):
        raise click.UsageError("--add-noqa cannot be combined with --fix or --diff")
    if add_noqa and (stdin_filename is not None or paths == (Path("-"),)):
        raise click.UsageError("--add-noqa cannot be used with source from stdin")
    if stdin_filename is not None and paths == (Path("-"),):
        paths = ()  # `--stdin-filename FILE -`, as editor integrations written for ruff pass
    if stdin_filename is not None and paths:
        raise click.UsageError("--stdin-filename reads stdin: do not pass paths as well")
    has_imports_ahead = not are_rules_imported()
    with gc_tuning.paused(has_imports_ahead=has_imports_ahead):
        from fastapi_rules_lint.runner.standby import Standby

        # Forked first, so that it imports the linter while this process imports the
        # rest of the pipeline and builds the views (``runner.standby``); pointless when
        # this process has the linter already (a second run in one process).
        standby = Standby()
        if has_imports_ahead:
            standby.start(warm_up, jobs or None)
        from fastapi_rules_lint.interfaces.check import CheckOptions, run_check

        gc_tuning.tune_for_linting()  # this process and the workers it forks (engine.gc_tuning)
        options = CheckOptions(
            paths=paths,
            select=_codes(select) if select else None,
            ignore=_codes(ignore),
            extend_select=_codes(extend_select),
            fix=fix,
            unsafe_fixes=unsafe_fixes,
            diff=diff,
            output_format=output_format,
            output_file=output_file,
            statistics=statistics,
            show_source=show_source,
            exit_zero=exit_zero,
            quiet=quiet,
            config=config,
            no_cache=no_cache,
            jobs=jobs or None,
            stdin_filename=stdin_filename,
            baseline=baseline,
            write_baseline=write_baseline,
            prune_baseline=prune_baseline,
            add_noqa=add_noqa,
            force_exclude=force_exclude,
        )
        try:
            return run_check(options, Console.detect(), standby)
        finally:
            standby.close()  # the run failed early, or never needed it


@cli.command(short_help="Show a rule's documentation.")
@click.argument("code")
def rule(code: str) -> int:
    """Show the documentation of the rule CODE (a code like FRL103, or a name)."""
    # Imported here, not at the top: the docs import every rule (and LibCST), which
    # `check` must not pay for on a warm run.
    from fastapi_rules_lint.docs import find_rule, render_rule

    Console.detect().out(render_rule(find_rule(code)))
    return 0


@cli.command(short_help="List every rule.")
@click.option(
    "--output-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="A table, or a JSON array of {code, name, summary, default_enabled, fix, url}.",
)
def rules(output_format: str) -> int:
    """List every rule: code, name, default, fix, summary."""
    from fastapi_rules_lint.docs import rules_json, rules_listing  # see `rule`

    Console.detect().out(rules_json() if output_format == "json" else rules_listing())
    return 0


@cli.command(short_help="Run the language server (LSP over stdio).")
def server() -> int:
    """Run the language server: LSP over stdin/stdout, for editors (docs/editors.md)."""
    # Imported here: `check` never loads pygls.
    from fastapi_rules_lint.interfaces.server import serve

    serve()
    return 0


def main(argv: Sequence[str] | None = None) -> None:
    """The console script's entry point."""
    cli.main(args=list(argv) if argv is not None else None, prog_name=PROGRAM)
