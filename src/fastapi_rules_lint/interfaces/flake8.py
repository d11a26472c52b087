"""The flake8 plugin: a thin adapter over the engine.

``flake8 --select FRL`` (and every editor that runs flake8) reports what
``fastapi-rules check`` reports for the same file, in flake8's conventions:

- **Source.** The text is flake8's own ``lines`` (already decoded, BOM stripped), so
  stdin and editor buffers work (only the check for undecodable files below ever
  looks at the file on disk). Rows are 1-based, columns
  0-based (flake8 adds one when printing, so ``path:row:col`` matches the CLI).
- **Which rules.** The plugin emits exactly the set the CLI would emit with the same
  config (``select``/``ignore``/``extend-select``, rule options, ``per-file-ignores``),
  found as the CLI finds it (``config.discovery.find_config``: the nearest
  ``.fastapi-rules.toml``, ``fastapi-rules.toml`` or ``pyproject.toml`` with a
  ``[tool.fastapi-rules]`` table, walking up from the checked file). flake8's
  ``--select``/``--ignore``/``--extend-ignore`` then filter that set as they filter any
  plugin's codes. So ``flake8 --select FRL`` does *not* turn on rules that are off by
  default: opt in with ``extend-select`` in ``[tool.fastapi-rules]``, and both tools agree.
  The config's ``exclude`` is not applied: flake8's own ``exclude`` decides which files
  are checked.
- **Suppression.** flake8 applies its own ``# noqa`` and ``--per-file-ignores`` to our
  codes (every message starts with its code). The engine drops what the CLI's
  suppressions drop (a ``# noqa`` on the first or last row of a multi-line statement,
  the ``# fastapi-rules: noqa`` file comments); with flake8's ``--disable-noqa`` the
  plugin lints with every suppression off, so those come back too (and FRL002, which
  judges suppressions, reports nothing). flake8 hands its options to a plugin only
  through the ``parse_options`` class hook (called in every worker process too), so
  that one flag is class state, as in flake8's own pyflakes plugin.
- **Syntax errors.** flake8 parses the file with CPython first and reports ``E999``
  itself; it never calls tree plugins for such a file, so there is no second, FRL001
  report of the same error. FRL001 appears only where CPython accepts the file and
  LibCST cannot parse it: fastapi-rules could not check that file, and says so.
  flake8 reads a file whose bytes are invalid in its encoding (or whose coding cookie
  names no codec) as latin-1 and reports nothing. To tell, the plugin reads the bytes
  of a file whose text is not pure ASCII or mentions a coding cookie, and where they do
  not decode (and flake8's text is their latin-1 reading) it reports the CLI's FRL001
  ("cannot decode file ...").
- **Failures.** The plugin never raises into flake8 (an exception in ``run`` would
  abort the whole flake8 run). An invalid settings file yields one
  ``FRL000`` at 1:1 of each file naming the key and the file (as the CLI's exit 2 would);
  an internal error yields one ``FRL000`` with the exception, so the user sees that the
  file went unchecked and can report it, while flake8 goes on with other files.
- **The whole project.** flake8 hands a plugin one file, but the plugin lints it with
  its project's model (``runner.workspace``: the project is found from the file, its
  modules' summaries read from the summary cache or made once per flake8 process), so
  a dependency defined in one module and used in another, an exception handler
  registered in ``main.py`` or a router built by a project factory are known exactly
  as ``fastapi-rules check`` knows them. When flake8's text differs from the file on
  disk (stdin, an editor buffer), that text stands for the file in the project.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import ClassVar, Protocol

from fastapi_rules_lint import __version__
from fastapi_rules_lint.config import (
    ConfigError,
    ConfigFile,
    LoadedConfig,
    find_config,
    load_config_file,
)
from fastapi_rules_lint.engine.diagnostics import Diagnostic
from fastapi_rules_lint.engine.source import SourceDecodeError, decode_source
from fastapi_rules_lint.lint.linter import LintSettings, lint_bytes, lint_text
from fastapi_rules_lint.runner.workspace import Workspace

INTERNAL_ERROR = "FRL000"

Result = tuple[int, int, str, type["Flake8Plugin"]]


@dataclass(frozen=True)
class _Configured:
    """A directory's config and the engine settings built from it, built once."""

    config: LoadedConfig
    settings: LintSettings


# Both caches live per process (flake8's workers each build their own). A file's config
# (the CLI's discovery: the nearest settings file, skipping a pyproject.toml without our
# table) is found once per folder; a settings file is parsed and validated once per run,
# not once per file or folder: a large pyproject.toml takes 15-30 ms to parse. Without a
# settings file the defaults apply (their root is irrelevant: they ignore no paths).
@lru_cache(maxsize=1024)
def _config_file_for(directory: Path) -> ConfigFile | None:
    return find_config(directory)


@lru_cache(maxsize=64)
def _configured(config_file: ConfigFile | None) -> _Configured | ConfigError:
    try:
        config = load_config_file(config_file) if config_file is not None else LoadedConfig()
        return _Configured(config, config.lint_settings())
    except ConfigError as error:
        return error


def _undecodable_bytes(path: Path, text: str) -> bytes | None:
    """The file's bytes when flake8 could only read them by falling back to latin-1."""
    head = text.split("\n", 2)[:2]
    if text.isascii() and not any("coding" in line for line in head):
        return None  # ASCII without a cookie always decodes: the usual, free case
    try:
        data = path.read_bytes()
        decode_source(data)
    except OSError:
        return None  # stdin, or a buffer whose file is gone: flake8's lines are all we have
    except SourceDecodeError:
        # Only if flake8's text is the latin-1 reading of these very bytes (not, say, an
        # editor buffer passed on stdin under this file's name).
        fallback = data.decode("latin-1").replace("\r\n", "\n").replace("\r", "\n")
        return data if fallback == text.replace("\r\n", "\n").replace("\r", "\n") else None
    return None


@lru_cache(maxsize=1)
def _workspace() -> Workspace:
    """One per process (flake8's workers each build their own): each project's model is
    built once, from the summary cache, and serves every file of the run."""
    return Workspace()


class _Flake8Options(Protocol):
    disable_noqa: bool


class Flake8Plugin:
    """flake8 ``tree`` plugin for the ``FRL`` codes (see the module docs)."""

    name = "fastapi-rules-lint"
    version = __version__
    honours_noqa: ClassVar[bool] = True
    """False under flake8's ``--disable-noqa`` (set by ``parse_options``)."""

    @classmethod
    def parse_options(cls, options: _Flake8Options) -> None:
        """flake8's hook: read ``--disable-noqa``."""
        cls.honours_noqa = not getattr(options, "disable_noqa", False)

    def __init__(self, tree: ast.AST, lines: Sequence[str], filename: str) -> None:
        # `tree` is requested only because flake8 classifies plugins by their
        # parameters; the engine parses with LibCST from `lines`.
        self._lines = lines
        self._filename = filename

    def run(self) -> Iterator[Result]:
        """Yield ``(row, column0, "FRLxxx message", type)`` for every diagnostic."""
        try:
            found = self._diagnostics()
        except ConfigError as error:
            yield self._internal(f"invalid fastapi-rules configuration: {error}")
            return
        except Exception as error:  # flake8 must never see a traceback
            yield self._internal(
                f"fastapi-rules failed on this file ({type(error).__name__}: {error}); "
                "please report it"
            )
            return
        for diagnostic in found:
            yield (
                diagnostic.location.row,
                diagnostic.location.column - 1,
                f"{diagnostic.code} {diagnostic.message}",
                type(self),
            )

    def _diagnostics(self) -> list[Diagnostic]:
        path = Path(self._filename)
        configured = _configured(_config_file_for(path.absolute().parent))
        if isinstance(configured, ConfigError):
            raise configured
        ignored = configured.config.ignored_codes_for(path)
        settings = configured.settings
        if not self.honours_noqa:
            settings = replace(settings, honour_noqa=False)
        text = "".join(self._lines)
        undecodable = _undecodable_bytes(path, text)
        if undecodable is not None:
            result = lint_bytes(undecodable, self._filename, settings)
            found = list(result.diagnostics)
        else:
            view = _workspace().view_for_text(path, text)
            found = lint_text(text, self._filename, settings, view)
        return [diagnostic for diagnostic in found if diagnostic.code not in ignored]

    def _internal(self, message: str) -> Result:
        return (1, 0, f"{INTERNAL_ERROR} {' '.join(message.split())}", type(self))
