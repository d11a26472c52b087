"""What the language server says about one document: diagnostics, code actions, hover.

Pure functions over a document's last lint (``Linted``), used by ``interfaces.server``:
no protocol state here. See that module's docstring for the decisions (titles, tags,
what fix-all applies). A diagnostic's tags are its rule's ``tags`` (rule metadata).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types
from pygls.uris import to_fs_path

from fastapi_rules_lint.docs import find_rule, render_rule, rule_url
from fastapi_rules_lint.engine.diagnostics import Applicability, Diagnostic, DiagnosticTag
from fastapi_rules_lint.interfaces.add_noqa import add_noqa
from fastapi_rules_lint.interfaces.lsp_text import TextPositions, overlaps, text_edits
from fastapi_rules_lint.lint.fixer import apply_fix, fix_text, is_applicable
from fastapi_rules_lint.lint.linter import SYNTAX_ERROR, LintSettings
from fastapi_rules_lint.lint.registry import UnknownCodeError, rule_for
from fastapi_rules_lint.project.view import ModuleView
from fastapi_rules_lint.rulebase.rule import Rule

NAME = "fastapi-rules"
FIX_ALL = f"{types.CodeActionKind.SourceFixAll.value}.{NAME}"
_LSP_TAGS = (
    (DiagnosticTag.UNNECESSARY, types.DiagnosticTag.Unnecessary),
    (DiagnosticTag.DEPRECATED, types.DiagnosticTag.Deprecated),
)


@dataclass(frozen=True)
class Linted:
    """One document's last lint: the text it saw and what it found."""

    version: int | None
    text: str
    diagnostics: tuple[Diagnostic, ...]
    view: ModuleView | None
    settings: LintSettings | None
    unsafe: bool = False
    """The file's ``unsafe-fixes`` setting (the fix-all action follows it)."""


def severity(diagnostic: Diagnostic) -> types.DiagnosticSeverity:
    """Errors for what stops the file from parsing, warnings for the rest."""
    is_syntax = diagnostic.code == SYNTAX_ERROR
    return types.DiagnosticSeverity.Error if is_syntax else types.DiagnosticSeverity.Warning


def to_lsp(diagnostic: Diagnostic, positions: TextPositions) -> types.Diagnostic:
    """One engine diagnostic as the client sees it."""
    try:
        rule: type[Rule] | None = rule_for(diagnostic.code)
    except UnknownCodeError:
        rule = None
    name = rule.name if rule is not None else ""
    tags = [lsp_tag for tag, lsp_tag in _LSP_TAGS if rule is not None and tag in rule.tags]
    return types.Diagnostic(
        range=positions.range(diagnostic.location, diagnostic.end_location),
        message=f"{diagnostic.message} ({name})" if name else diagnostic.message,
        severity=severity(diagnostic),
        code=diagnostic.code,
        code_description=types.CodeDescription(href=rule_url(diagnostic.code)),
        source=NAME,
        tags=tags or None,
    )


def path_of(uri: str) -> Path | None:
    """The file a ``file:`` URI names (None for other schemes: an unsaved buffer)."""
    path = to_fs_path(uri) if uri.startswith("file:") else None
    return Path(path) if path is not None else None


def _workspace_edit(uri: str, old: str, new: str, encoding: str) -> types.WorkspaceEdit:
    return types.WorkspaceEdit(changes={uri: text_edits(old, new, encoding)})


def _is_asked_about(shown: types.Diagnostic, params: types.CodeActionParams) -> bool:
    """A diagnostic the client listed, or one on the lines of the requested range (an
    editor asks with the cursor's position, which rarely lies inside the range)."""
    if any(d.range == shown.range and d.code == shown.code for d in params.context.diagnostics):
        return True
    lines = types.Range(
        start=types.Position(line=params.range.start.line, character=0),
        end=types.Position(line=params.range.end.line, character=2**31 - 1),
    )
    return overlaps(shown.range, lines)


def code_actions(
    uri: str, linted: Linted, params: types.CodeActionParams, encoding: str
) -> list[types.CodeAction]:
    """Fix this (safe / unsafe), add noqa, fix all: those ``params`` asks for."""
    wanted = params.context.only
    positions = TextPositions(linted.text, encoding)
    path = str(path_of(uri) or uri)

    def asked(kind: str) -> bool:
        return wanted is None or any(kind == k or kind.startswith(f"{k}.") for k in wanted)

    actions: list[types.CodeAction] = []
    if asked(types.CodeActionKind.QuickFix):
        for diagnostic in linted.diagnostics:
            shown = to_lsp(diagnostic, positions)
            if not _is_asked_about(shown, params):
                continue
            fix = diagnostic.fix
            if fix is not None:
                settings = linted.settings or LintSettings()
                fixed = apply_fix(linted.text, path, fix, settings, linted.view)
                if fixed is not None:
                    is_safe = fix.applicability is Applicability.SAFE
                    suffix = "" if is_safe else " (unsafe fix)"
                    actions.append(
                        types.CodeAction(
                            title=f"{diagnostic.code}: {fix.message}{suffix}",
                            kind=types.CodeActionKind.QuickFix,
                            diagnostics=[shown],
                            is_preferred=is_safe,
                            edit=_workspace_edit(uri, linted.text, fixed, encoding),
                        )
                    )
            code = diagnostic.code
            if code != SYNTAX_ERROR:
                noqa = add_noqa(linted.text, [diagnostic])
                if noqa.added:
                    actions.append(
                        types.CodeAction(
                            title=f"{diagnostic.code}: Add `# noqa: {code}` to this line",
                            kind=types.CodeActionKind.QuickFix,
                            diagnostics=[shown],
                            edit=_workspace_edit(uri, linted.text, noqa.text, encoding),
                        )
                    )
    has_fixes = any(is_applicable(d.fix, unsafe=linted.unsafe) for d in linted.diagnostics)
    if asked(FIX_ALL) and has_fixes and linted.settings is not None:
        fixed = fix_text(
            linted.text, path, linted.settings, unsafe=linted.unsafe, project=linted.view
        ).text
        if fixed != linted.text:
            actions.append(
                types.CodeAction(
                    title=f"{NAME}: Fix all auto-fixable problems",
                    kind=FIX_ALL,
                    edit=_workspace_edit(uri, linted.text, fixed, encoding),
                )
            )
    return actions


def hover_text(diagnostics: Sequence[Diagnostic]) -> str:
    """The docs of the rules behind ``diagnostics`` (each rule once)."""
    parts: list[str] = []
    seen: set[str] = set()
    for diagnostic in diagnostics:
        if diagnostic.code in seen:
            continue
        seen.add(diagnostic.code)
        try:
            docs = render_rule(find_rule(diagnostic.code))
        except UnknownCodeError:
            docs = ""
        parts.append(f"**{diagnostic.code}**: {diagnostic.message}\n\n{docs}".rstrip())
    return "\n\n---\n\n".join(parts)
