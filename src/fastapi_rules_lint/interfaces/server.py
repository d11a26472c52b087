"""``fastapi-rules server``: the Language Server (LSP over stdio, pygls 2).

A thin adapter like the CLI: it knows no rule. It asks ``lint_text``/``fix_text`` for
diagnostics and fixes, ``runner.settings.RunSettings`` for each file's settings (the
same discovery as ``check``) and ``runner.live.LiveProjects`` for the project model,
kept in memory and updated from open buffers and watched files. This module registers
the protocol's handlers; ``lsp_documents.RulesServer`` holds the state they act on
(client options, each open document's last lint, the lint thread, publishing) and
``lsp_actions`` turns a lint into diagnostics, code actions and hovers.

Decisions:
- Diagnostics on open and save at once, on change after ``debounce`` (150 ms) of quiet.
  An edit that changes what a module tells its project (its summary) marks the model
  stale; the edited document is linted first with the model as it stands when a rebuild
  would be slow (the last one took over ``FAST_REBUILD``), and the model is rebuilt right
  after: every open document whose ``ModuleView`` changed (``routes.py`` when
  ``deps.py`` changed) is linted and published again.
- Settings: each file's settings file (re-read when a settings file or ``.gitignore``
  changes, through watched files or a save), with the client's ``select``, ``ignore``,
  ``extendSelect`` and ``configuration`` (an explicit settings file) over them, from the
  initialization options or ``workspace/didChangeConfiguration``. A broken settings file
  is shown once and the file is linted with the defaults. Files the settings exclude,
  and files over ``max-file-size``, get no diagnostics.
- Code actions: "fix this" (safe; the unsafe fix is a separate action titled "... (unsafe
  fix)"), "Add `# noqa: CODE`" (``add_noqa``), and ``source.fixAll.fastapi-rules``: what
  ``check --fix`` writes (``fix_text``, the file's ``unsafe-fixes`` setting included).
- Tags: ``Unnecessary`` for findings about code that does nothing (an unused ``noqa``,
  a redundant ``response_model``), ``Deprecated`` for APIs their library deprecated
  (``on_event``, Pydantic v1, SQLAlchemy 1.x); FRL406 is a behaviour change, not a
  deprecation. Each rule says which in its ``tags`` (``engine.diagnostics.DiagnosticTag``);
  the server knows no rule.
- Every handler's failure is logged to the client (``window/logMessage``, the first of
  each kind also shown): the server never dies of one document.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from lsprotocol import types

from fastapi_rules_lint.interfaces.lsp_actions import (
    FIX_ALL,
    NAME,
    code_actions,
    hover_text,
    path_of,
)
from fastapi_rules_lint.interfaces.lsp_documents import ClientOptions, RulesServer
from fastapi_rules_lint.interfaces.lsp_text import TextPositions, contains

SETTINGS_FILES = frozenset({"pyproject.toml", ".fastapi-rules.toml", "fastapi-rules.toml"})
_WATCHED = ("**/*.py", "**/*.pyi", *(f"**/{name}" for name in SETTINGS_FILES), "**/.gitignore")

logger = logging.getLogger(__name__)


def create_server() -> RulesServer:
    """A server with every feature registered."""
    server = RulesServer()
    _register(server)
    return server


def _register(server: RulesServer) -> None:
    @server.feature(types.INITIALIZE)
    def initialize(params: types.InitializeParams) -> None:
        server.options = ClientOptions.parse(params.initialization_options)
        folders = [f.uri for f in params.workspace_folders or ()]
        if not folders and params.root_uri:
            folders = [params.root_uri]
        paths = [p for p in map(path_of, folders) if p is not None]
        server.projects.set_folders(paths)
        server.reload_settings()

    @server.feature(types.INITIALIZED)
    async def initialized(params: types.InitializedParams) -> None:
        capabilities = server.client_capabilities.workspace
        watched = capabilities.did_change_watched_files if capabilities else None
        if watched is None or not watched.dynamic_registration:
            return
        watchers = [types.FileSystemWatcher(glob_pattern=glob) for glob in _WATCHED]
        registration = types.Registration(
            id=f"{NAME}-watched-files",
            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
        )
        try:
            await server.client_register_capability_async(
                types.RegistrationParams(registrations=[registration])
            )
        except Exception as error:  # the client may refuse; diagnostics still work
            server.report(f"cannot watch files: {error}")

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        server.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        server.schedule(params.text_document.uri, server.options.debounce)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        path = path_of(params.text_document.uri)
        if path is not None and path.name in SETTINGS_FILES | {".gitignore"}:
            server.reload_settings()
            server.state.needs_sweep = True
        server.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        pending = server.state.pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        server.state.linted.pop(uri, None)
        server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )
        path = path_of(uri)
        if path is not None and await server.in_worker(
            lambda: server.projects.close_buffer(path), False
        ):
            await server.refresh_all()

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def did_change_watched_files(params: types.DidChangeWatchedFilesParams) -> None:
        def apply() -> None:
            moved: list[Path] = []
            for change in params.changes:
                path = path_of(change.uri)
                if path is None:
                    continue
                if path.name in SETTINGS_FILES or path.name == ".gitignore":
                    server.reload_settings()
                elif change.type is not types.FileChangeType.Changed:
                    moved.append(path)
                else:
                    server.projects.file_changed(path)
            server.projects.files_moved(moved)

        await server.in_worker(apply, None)
        await server.refresh_all()

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(params: types.DidChangeConfigurationParams) -> None:
        raw = params.settings  # pushed: {"fastapi-rules": {...}} (or the keys alone)
        if not raw:
            capabilities = server.client_capabilities.workspace
            if capabilities is not None and capabilities.configuration:
                found = await server.workspace_configuration_async(
                    types.ConfigurationParams(items=[types.ConfigurationItem(section=NAME)])
                )
                raw = {NAME: found[0]} if found and isinstance(found[0], dict) else None
        options = ClientOptions.parse(raw)
        await server.in_worker(lambda: server.reload_settings(options), None)
        await server.refresh_all()

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    async def did_change_folders(params: types.DidChangeWorkspaceFoldersParams) -> None:
        folders = [path_of(folder.uri) for folder in server.workspace.folders.values()]

        def apply() -> None:
            server.projects.set_folders(p for p in folders if p is not None)
            server.reload_settings()

        await server.in_worker(apply, None)
        await server.refresh_all()

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL],
            resolve_provider=False,
        ),
    )
    async def code_action(params: types.CodeActionParams) -> list[types.CodeAction] | None:
        uri = params.text_document.uri
        linted = await server.current(uri)
        if linted is None:
            return None
        current = linted
        return await server.in_worker(
            lambda: code_actions(uri, current, params, server.encoding), None
        )

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(params: types.HoverParams) -> types.Hover | None:
        linted = await server.current(params.text_document.uri)
        if linted is None:
            return None
        positions = TextPositions(linted.text, server.encoding)
        found = [
            d
            for d in linted.diagnostics
            if contains(positions.range(d.location, d.end_location), params.position)
        ]
        if not found:
            return None
        value = hover_text(found)
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=value),
            range=positions.range(found[0].location, found[0].end_location),
        )


def serve() -> None:
    """Run the server over stdin/stdout until the client says exit."""
    logging.basicConfig(level=os.environ.get("FASTAPI_RULES_LOG", "WARNING").upper())
    create_server().start_io()


__all__ = ["ClientOptions", "RulesServer", "create_server", "serve"]
