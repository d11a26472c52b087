"""The language server's state: client options, open documents, the lint thread.

``RulesServer`` is the pygls ``LanguageServer`` that ``interfaces.server`` registers its
handlers on: it keeps each open document's last lint (``Linted``), lints on one worker
thread over ``runner.live.LiveProjects``, debounces edits and publishes diagnostics.
The decisions are in ``interfaces.server``'s docstring.
"""

from __future__ import annotations

import asyncio
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from fastapi_rules_lint import __version__
from fastapi_rules_lint.config import ConfigResolver
from fastapi_rules_lint.config.discovery import clear_caches
from fastapi_rules_lint.config.validate import ConfigError
from fastapi_rules_lint.interfaces.lsp_actions import NAME, Linted, to_lsp
from fastapi_rules_lint.interfaces.lsp_text import TextPositions
from fastapi_rules_lint.lint.linter import LintSettings, lint_text
from fastapi_rules_lint.lint.registry import UnknownCodeError
from fastapi_rules_lint.runner.live import LiveProjects
from fastapi_rules_lint.runner.settings import RunSettings

DEBOUNCE = 0.15
FAST_REBUILD = 0.05
"""A model rebuild that took less than this (seconds) runs before the edited document
is linted; a slower one runs after its diagnostics are published."""

_T = TypeVar("_T")


@dataclass(frozen=True)
class ClientOptions:
    """What the client may set (initialization options, ``didChangeConfiguration``)."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    configuration: Path | None = None
    debounce: float = DEBOUNCE

    @classmethod
    def parse(cls, raw: object) -> ClientOptions:
        """Read options leniently: a ``fastapi-rules`` section or the keys themselves."""
        if not isinstance(raw, dict):
            return cls()
        section = raw.get(NAME, raw.get("fastapiRules", raw))
        if not isinstance(section, dict):
            return cls()

        def codes(key: str) -> tuple[str, ...] | None:
            value = section.get(key)
            if isinstance(value, str):
                value = value.split(",")
            if not isinstance(value, list):
                return None
            return tuple(str(code).strip() for code in value if str(code).strip())

        debounce = section.get("debounceMs")
        config = section.get("configuration")
        return cls(
            select=codes("select"),
            ignore=codes("ignore") or (),
            extend_select=codes("extendSelect") or (),
            configuration=Path(config) if isinstance(config, str) and config else None,
            debounce=debounce / 1000 if isinstance(debounce, (int, float)) else DEBOUNCE,
        )


@dataclass
class _State:
    linted: dict[str, Linted] = field(default_factory=dict)
    pending: dict[str, asyncio.Task[None]] = field(default_factory=dict)
    shown_errors: set[str] = field(default_factory=set)
    needs_sweep: bool = False


class RulesServer(LanguageServer):
    """The server: LSP wiring over ``LiveProjects`` and the linter."""

    def __init__(self) -> None:
        super().__init__(NAME, __version__)
        self.projects = LiveProjects()
        self.options = ClientOptions()
        self.run_settings = self._new_settings()
        self.state = _State()
        # One thread does all the linting: the model is not thread-safe, and the event
        # loop stays free to read the client's messages meanwhile.
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=NAME)

    # -- settings -------------------------------------------------------------------

    def _new_settings(self) -> RunSettings:
        clear_caches()
        cwd = self.projects.folders[0] if self.projects.folders else None
        resolver = ConfigResolver(self.options.configuration, cwd=cwd)
        options = self.options
        return RunSettings(resolver, options.select, options.ignore, options.extend_select)

    def reload_settings(self, options: ClientOptions | None = None) -> None:
        """Re-read settings files (and take new client options)."""
        if options is not None:
            self.options = options
        self.run_settings = self._new_settings()
        self.projects.forget()
        self.state.shown_errors.clear()

    def _settings_for(self, path: Path) -> tuple[LintSettings, bool] | None:
        """The file's lint settings and ``unsafe-fixes``; None: not to be linted."""
        try:
            if self.run_settings.is_excluded_by_own_settings(path):
                return None
            config = self.run_settings.config_for(path)
            return self.run_settings.settings_for(path), config.settings.unsafe_fixes
        except (ConfigError, UnknownCodeError) as error:
            self.report(f"{error} (linting with the default settings)", show=True)
            return LintSettings(), False

    # -- reporting ------------------------------------------------------------------

    def report(self, message: str, *, show: bool = False, detail: str = "") -> None:
        """Log ``message`` to the client; ``show`` it too the first time."""
        self.window_log_message(
            types.LogMessageParams(
                type=types.MessageType.Error, message=f"{message}\n{detail}".rstrip()
            )
        )
        if show and message not in self.state.shown_errors:
            self.state.shown_errors.add(message)
            self.window_show_message(
                types.ShowMessageParams(type=types.MessageType.Error, message=f"{NAME}: {message}")
            )

    async def in_worker(self, job: Callable[[], _T], fallback: _T) -> _T:
        """Run ``job`` on the lint thread; an exception is reported, ``fallback`` returned."""
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self.executor, job)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            message = f"internal error: {type(error).__name__}: {error}"
            self.report(message, show=True, detail=traceback.format_exc())
            return fallback

    # -- linting (on the lint thread) -----------------------------------------------

    def lint_document(self, uri: str) -> Linted | None:
        """Lint the open document ``uri`` as it is now (and remember the result)."""
        if uri not in self.workspace.text_documents:
            return None  # closed meanwhile: its file on disk counts again, not a buffer
        document = self.workspace.get_text_document(uri)
        text = document.source
        path_text = to_fs_path(uri) if uri.startswith("file:") else None
        if path_text is None:
            found = lint_text(text, uri, LintSettings())
            linted = Linted(document.version, text, tuple(found), None, None)
            self.state.linted[uri] = linted
            return linted
        path = Path(path_text)
        if self.projects.set_buffer(path, text):
            self.state.needs_sweep = True
        resolved = self._settings_for(path)
        if resolved is None or self._is_too_large(path, text):
            linted = Linted(document.version, text, (), None, None)
        else:
            settings, unsafe = resolved
            is_fast = self.projects.last_build_seconds < FAST_REBUILD
            view = self.projects.view_for(path, text, refresh=is_fast)
            found = lint_text(text, str(path), settings, view)
            linted = Linted(document.version, text, tuple(found), view, settings, unsafe)
        self.state.linted[uri] = linted
        return linted

    def _is_too_large(self, path: Path, text: str) -> bool:
        try:
            limit = self.run_settings.config_for(path).settings.file_size_limit
        except ConfigError:
            return False
        return limit is not None and len(text.encode("utf-8", "surrogatepass")) > limit

    def sweep(self) -> list[tuple[str, Linted]]:
        """Rebuild stale models; lint again every open document whose view or settings
        changed (or that was never linted)."""
        self.state.needs_sweep = False
        updated: list[tuple[str, Linted]] = []
        for uri in list(self.workspace.text_documents):
            document = self.workspace.get_text_document(uri)
            previous = self.state.linted.get(uri)
            path_text = to_fs_path(uri) if uri.startswith("file:") else None
            if path_text is None:
                continue
            path = Path(path_text)
            resolved = self._settings_for(path)
            settings = resolved[0] if resolved is not None else None
            view = self.projects.view_for(path, document.source) if resolved else None
            if (
                previous is not None
                and previous.version == document.version
                and previous.view == view
                and previous.settings == settings
            ):
                continue
            linted = self.lint_document(uri)
            if linted is not None:
                updated.append((uri, linted))
        return updated

    # -- publishing (on the event loop) ----------------------------------------------

    def publish(self, uri: str, linted: Linted) -> None:
        """Send ``linted``'s diagnostics (unless the document moved on meanwhile)."""
        if uri not in self.workspace.text_documents:
            return
        if self.workspace.get_text_document(uri).version != linted.version:
            return
        positions = TextPositions(linted.text, self.encoding)
        found = [to_lsp(d, positions) for d in linted.diagnostics]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=found, version=linted.version)
        )

    @property
    def encoding(self) -> str:
        """The position encoding agreed with the client."""
        return str(self.workspace.position_encoding or types.PositionEncodingKind.Utf16)

    def schedule(self, uri: str, delay: float) -> None:
        """Lint ``uri`` after ``delay`` seconds of quiet (a newer request replaces it)."""
        earlier = self.state.pending.pop(uri, None)
        if earlier is not None:
            earlier.cancel()
        self.state.pending[uri] = asyncio.ensure_future(self._check(uri, delay))

    async def _check(self, uri: str, delay: float) -> None:
        if delay > 0:
            await asyncio.sleep(delay)
        linted = await self.in_worker(lambda: self.lint_document(uri), None)
        if self.state.pending.get(uri) is asyncio.current_task():
            del self.state.pending[uri]
        if linted is not None:
            self.publish(uri, linted)
        if self.state.needs_sweep:
            await self.refresh_all()

    async def refresh_all(self) -> None:
        """Re-lint the open documents whose project facts or settings changed."""
        nothing: list[tuple[str, Linted]] = []
        for uri, linted in await self.in_worker(self.sweep, nothing):
            self.publish(uri, linted)

    async def current(self, uri: str) -> Linted | None:
        """The lint of the document's current version (linted now if need be)."""
        linted = self.state.linted.get(uri)
        document = self.workspace.get_text_document(uri)
        if linted is not None and linted.version == document.version:
            return linted
        return await self.in_worker(lambda: self.lint_document(uri), None)


__all__ = ["DEBOUNCE", "FAST_REBUILD", "ClientOptions", "RulesServer"]
