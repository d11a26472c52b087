"""The language server end to end: a real LSP client (pytest-lsp) over stdio.

Each test copies ``tests/fixtures/projects/server_app`` (a FastAPI app with a route
module and a dependency module) and starts ``python -m fastapi_rules_lint server``.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from fastapi_rules_lint.engine.diagnostics import Location
from fastapi_rules_lint.interfaces.lsp_text import TextPositions, split_lines, text_edits

PROJECT = Path(__file__).parent / "fixtures" / "projects" / "server_app"
ROUTES_CODES = ["FRL002", "FRL201", "FRL207", "FRL207", "FRL301", "FRL302"]
TIMEOUT = 30.0


@pytest.fixture
def project(tmp_path: Path) -> Path:
    target = tmp_path / "server_app"
    shutil.copytree(PROJECT, target)
    return target


def uri_of(path: Path) -> str:
    return path.resolve().as_uri()


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "fastapi_rules_lint", "server"])
)
async def client(lsp_client: LanguageClient, project: Path):  # type: ignore[no-untyped-def]
    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        return None

    params = types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        workspace_folders=[types.WorkspaceFolder(uri=uri_of(project), name="server_app")],
        initialization_options={"fastapi-rules": {"debounceMs": 20}},
    )
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


def open_file(client: LanguageClient, path: Path, text: str | None = None) -> str:
    uri = uri_of(path)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri,
                language_id="python",
                version=1,
                text=path.read_text() if text is None else text,
            )
        )
    )
    return uri


def replace_text(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def wait_for(
    client: LanguageClient,
    uri: str,
    predicate: Callable[[Sequence[types.Diagnostic]], bool],
) -> Sequence[types.Diagnostic]:
    """Poll the diagnostics published for ``uri`` until ``predicate`` holds."""
    deadline = asyncio.get_running_loop().time() + TIMEOUT
    while True:
        found = client.diagnostics.get(uri)
        if found is not None and predicate(found):
            return found
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"diagnostics never matched; last: {found}")
        await asyncio.sleep(0.02)


def codes(diagnostics: Sequence[types.Diagnostic]) -> list[str]:
    return sorted(str(d.code) for d in diagnostics)


def apply(text: str, edits: Sequence[types.TextEdit]) -> str:
    """Apply LSP edits (ASCII text: characters are code points)."""
    lines = split_lines(text)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(position: types.Position) -> int:
        if position.line >= len(lines):
            return len(text)
        return starts[position.line] + position.character

    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


def apply_action(text: str, uri: str, action: types.CodeAction) -> str:
    assert action.edit is not None and action.edit.changes is not None
    return apply(text, action.edit.changes[uri])


async def actions_at(
    client: LanguageClient,
    uri: str,
    line: int,
    diagnostics: Sequence[types.Diagnostic] = (),
    only: list[str] | None = None,
) -> list[types.CodeAction]:
    found = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(
                start=types.Position(line=line, character=0),
                end=types.Position(line=line, character=0),
            ),
            context=types.CodeActionContext(diagnostics=list(diagnostics), only=only),
        )
    )
    return [action for action in found or [] if isinstance(action, types.CodeAction)]


@pytest.mark.asyncio
async def test_diagnostics_on_open(client: LanguageClient, project: Path) -> None:
    uri = open_file(client, project / "app" / "routes.py")
    found = await wait_for(client, uri, lambda d: len(d) > 0)
    assert codes(found) == ROUTES_CODES
    by_code = {str(d.code): d for d in found}
    assert list(by_code["FRL201"].tags) == [types.DiagnosticTag.Deprecated]
    assert list(by_code["FRL002"].tags) == [types.DiagnosticTag.Unnecessary]
    blocking = by_code["FRL301"]
    assert blocking.source == "fastapi-rules"
    assert blocking.message.endswith("(blocking-call-in-async)")
    assert blocking.code_description is not None
    assert blocking.code_description.href.endswith("/FRL301.md")
    assert blocking.severity == types.DiagnosticSeverity.Warning
    assert blocking.range == types.Range(
        start=types.Position(line=19, character=4), end=types.Position(line=19, character=17)
    )


def check_fix(project: Path) -> str:
    """What ``fastapi-rules check --fix`` writes into ``app/routes.py``."""
    copy = project.parent / "cli_copy"
    shutil.copytree(project, copy)
    subprocess.run(
        [sys.executable, "-m", "fastapi_rules_lint", "check", "--fix", "--no-cache", "."],
        cwd=copy,
        capture_output=True,
        check=False,
    )
    return (copy / "app" / "routes.py").read_text()


@pytest.mark.asyncio
async def test_quick_fixes_and_fix_all(client: LanguageClient, project: Path) -> None:
    path = project / "app" / "routes.py"
    text = path.read_text()
    uri = open_file(client, path)
    found = await wait_for(client, uri, lambda d: len(d) > 0)
    status = next(d for d in found if d.code == "FRL207" and d.range.start.line == 15)
    actions = await actions_at(client, uri, 15, [status])
    titles = [action.title for action in actions]
    fix = next(a for a in actions if a.title.startswith("FRL207:") and "noqa" not in a.title)
    assert fix.kind == types.CodeActionKind.QuickFix
    assert fix.is_preferred
    fixed = apply_action(text, uri, fix)
    assert '@router.get("/items/{item_id}", status_code=status.HTTP_200_OK)' in fixed
    assert "from fastapi import APIRouter, FastAPI, HTTPException, status" in fixed
    assert "status_code=404" in fixed, "only this diagnostic is fixed"
    assert "FRL207: Add `# noqa: FRL207` to this line" in titles

    unsafe = await actions_at(client, uri, 10)
    assert any(a.title.endswith("(unsafe fix)") and a.title.startswith("FRL201") for a in unsafe)
    assert not any(a.is_preferred for a in unsafe if a.title.endswith("(unsafe fix)"))

    fix_all = await actions_at(client, uri, 0, only=["source.fixAll.fastapi-rules"])
    assert [a.kind for a in fix_all] == ["source.fixAll.fastapi-rules"]
    assert apply_action(text, uri, fix_all[0]) == check_fix(project)
    assert await actions_at(client, uri, 0, only=["source.fixAll"]) != []


@pytest.mark.asyncio
async def test_open_dependency_edit_updates_route_module(
    client: LanguageClient, project: Path
) -> None:
    routes = open_file(client, project / "app" / "routes.py")
    await wait_for(client, routes, lambda d: codes(d) == ROUTES_CODES)
    deps = open_file(client, project / "app" / "deps.py")
    await wait_for(client, deps, lambda d: True)
    blocking = 'def load_name() -> str:\n    with open("name.txt") as f:\n        return f.read()\n'
    replace_text(client, deps, 2, blocking)
    found = await wait_for(client, routes, lambda d: "FRL303" in codes(d))
    chain = next(d for d in found if d.code == "FRL303")
    assert "load_name() → open()" in chain.message
    assert chain.range.start.line == 25
    replace_text(client, deps, 3, (project / "app" / "deps.py").read_text())
    await wait_for(client, routes, lambda d: codes(d) == ROUTES_CODES)
    # Closing an unsaved buffer: the file on disk counts again.
    replace_text(client, deps, 4, blocking)
    await wait_for(client, routes, lambda d: "FRL303" in codes(d))
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=deps))
    )
    await wait_for(client, routes, lambda d: codes(d) == ROUTES_CODES)


@pytest.mark.asyncio
async def test_watched_file_change_updates_route_module(
    client: LanguageClient, project: Path
) -> None:
    routes = open_file(client, project / "app" / "routes.py")
    await wait_for(client, routes, lambda d: codes(d) == ROUTES_CODES)
    deps = project / "app" / "deps.py"
    deps.write_text('import time\n\n\ndef load_name() -> str:\n    time.sleep(1)\n    return ""\n')
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=uri_of(deps), type=types.FileChangeType.Changed)]
        )
    )
    found = await wait_for(client, routes, lambda d: "FRL303" in codes(d))
    assert any("load_name() → time.sleep()" in d.message for d in found)
    # A new module on disk joins the project, and routes may import it.
    (project / "app" / "extra.py").write_text(
        "import time\n\n\ndef nap() -> None:\n    time.sleep(1)\n"
    )
    deps.write_text(
        "from app.extra import nap\n\n\ndef load_name() -> str:\n    nap()\n    return ''\n"
    )
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[
                types.FileEvent(
                    uri=uri_of(project / "app" / "extra.py"), type=types.FileChangeType.Created
                ),
                types.FileEvent(uri=uri_of(deps), type=types.FileChangeType.Changed),
            ]
        )
    )
    await wait_for(
        client, routes, lambda d: any("load_name() → nap() → time.sleep()" in x.message for x in d)
    )


@pytest.mark.asyncio
async def test_broken_buffer_gives_frl001_and_server_keeps_serving(
    client: LanguageClient, project: Path
) -> None:
    path = project / "app" / "routes.py"
    uri = open_file(client, path)
    await wait_for(client, uri, lambda d: codes(d) == ROUTES_CODES)
    replace_text(client, uri, 2, "from fastapi import FastAPI\n\ndef broken(:\n    pass\n")
    found = await wait_for(client, uri, lambda d: codes(d) == ["FRL001"])
    assert found[0].severity == types.DiagnosticSeverity.Error
    assert found[0].range.start.line == 2
    assert await actions_at(client, uri, 2) == []  # no noqa can silence a syntax error
    replace_text(client, uri, 3, "\0\0 \x0c\r\n(((((" * 50)
    await wait_for(client, uri, lambda d: codes(d) == ["FRL001"] and d is not found)
    replace_text(client, uri, 4, path.read_text())
    await wait_for(client, uri, lambda d: codes(d) == ROUTES_CODES)


@pytest.mark.asyncio
async def test_hover_shows_the_rule_docs(client: LanguageClient, project: Path) -> None:
    uri = open_file(client, project / "app" / "routes.py")
    await wait_for(client, uri, lambda d: codes(d) == ROUTES_CODES)
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=19, character=8),
        )
    )
    assert hover is not None
    assert isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert hover.contents.value.startswith("**FRL301**")
    assert "# blocking-call-in-async (FRL301)" in hover.contents.value
    assert "## Why is this bad?" in hover.contents.value
    nothing = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=7, character=0),
        )
    )
    assert nothing is None


@pytest.mark.asyncio
async def test_add_noqa_action(client: LanguageClient, project: Path) -> None:
    path = project / "app" / "routes.py"
    text = path.read_text()
    uri = open_file(client, path)
    await wait_for(client, uri, lambda d: codes(d) == ROUTES_CODES)
    actions = await actions_at(client, uri, 10)
    noqa = next(a for a in actions if "noqa" in a.title)
    assert noqa.title == "FRL201: Add `# noqa: FRL201` to this line"
    changed = apply_action(text, uri, noqa)
    assert '@app.on_event("startup")  # noqa: FRL201\n' in changed
    replace_text(client, uri, 2, changed)
    after = await wait_for(client, uri, lambda d: "FRL201" not in codes(d))
    assert "FRL002" in codes(after)  # the existing unused one is still reported


@pytest.mark.asyncio
async def test_settings_changes_apply(client: LanguageClient, project: Path) -> None:
    uri = open_file(client, project / "app" / "routes.py")
    await wait_for(client, uri, lambda d: codes(d) == ROUTES_CODES)
    settings = project / ".fastapi-rules.toml"
    settings.write_text('extend-select = ["FRL002", "FRL207"]\nignore = ["FRL201"]\n')
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=uri_of(settings), type=types.FileChangeType.Changed)]
        )
    )
    await wait_for(client, uri, lambda d: "FRL201" not in codes(d) and "FRL301" in codes(d))
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"fastapi-rules": {"ignore": ["FRL3"]}})
    )
    found = await wait_for(client, uri, lambda d: not any(c.startswith("FRL3") for c in codes(d)))
    assert codes(found) == ["FRL002", "FRL207", "FRL207"]
    settings.write_text('select = ["NOPE"]\n')
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=uri_of(settings), type=types.FileChangeType.Changed)]
        )
    )
    # A broken settings file: shown to the user, the file linted with the defaults.
    await wait_for(client, uri, lambda d: "FRL201" in codes(d) and "FRL207" not in codes(d))
    assert any("NOPE" in m.message for m in client.messages)


def test_positions_count_utf16_units() -> None:
    text = "x = '😀é'  # ok\r\ny = 1\n"
    positions = TextPositions(text)
    assert positions.position(Location(1, 9)) == types.Position(line=0, character=9)
    assert positions.location(types.Position(line=0, character=9)) == Location(1, 9)
    assert positions.position(Location(2, 3)) == types.Position(line=1, character=2)
    utf8 = TextPositions(text, types.PositionEncodingKind.Utf8)
    assert utf8.position(Location(1, 9)) == types.Position(line=0, character=12)
    edits = text_edits(text, "x = 1\r\ny = 1\n", types.PositionEncodingKind.Utf16)
    assert [(e.range.start.line, e.range.end.line, e.new_text) for e in edits] == [
        (0, 1, "x = 1\r\n")
    ]


def test_check_does_not_import_pygls() -> None:
    code = (
        "import sys\n"
        "from fastapi_rules_lint.interfaces import cli\n"
        "assert 'pygls' not in sys.modules and 'lsprotocol' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
