"""Rules' ``tags`` (rule metadata) and the LSP diagnostic tags the server derives from them."""

from __future__ import annotations

from lsprotocol import types

from fastapi_rules_lint.engine.diagnostics import Diagnostic, DiagnosticTag, Location
from fastapi_rules_lint.interfaces.lsp_actions import to_lsp
from fastapi_rules_lint.interfaces.lsp_text import TextPositions
from fastapi_rules_lint.lint.registry import all_rules

UNNECESSARY = {"FRL002", "FRL203"}
DEPRECATED = {"FRL201", "FRL401", "FRL402", "FRL403", "FRL404", "FRL405", "FRL407"} | {
    "FRL501",
    "FRL502",
    "FRL503",
}


def _tagged(tag: DiagnosticTag) -> set[str]:
    return {rule.code for rule in all_rules() if tag in rule.tags}


def test_rules_carry_their_tags() -> None:
    assert _tagged(DiagnosticTag.UNNECESSARY) == UNNECESSARY
    assert _tagged(DiagnosticTag.DEPRECATED) == DEPRECATED
    for rule in all_rules():
        assert isinstance(rule.tags, frozenset)
        assert all(isinstance(tag, DiagnosticTag) for tag in rule.tags)


def _shown(code: str) -> types.Diagnostic:
    diagnostic = Diagnostic(
        "x.py", Location(1, 1), code, Location(1, 2), message="message", noqa_row=1
    )
    return to_lsp(diagnostic, TextPositions("x = 1\n", "utf-16"))


def test_lsp_tags_follow_the_rules() -> None:
    assert _shown("FRL002").tags == [types.DiagnosticTag.Unnecessary]
    assert _shown("FRL503").tags == [types.DiagnosticTag.Deprecated]
    assert _shown("FRL301").tags is None
    assert _shown("FRL999").tags is None  # an unknown code: no rule, no tags
    assert _shown("FRL999").message == "message"
