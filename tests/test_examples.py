"""Tests generated from every rule's own examples (the single source of truth).

For each rule: clean examples produce nothing; flagged examples produce exactly the
expected ranges (never zero); each flagged example is silenced by ``# noqa: CODE`` on
the reported rows and by a bare ``# noqa``, and not by a ``noqa`` for another code.

Fixes: a flagged example with ``fixed=`` is fixed with that rule alone (unsafe fixes
only when the example says ``unsafe=True``) and must give ``fixed`` exactly, with
nothing refused; the result compiles, is a fixed point (fixing it again changes
nothing) and keeps no diagnostic with an applicable fix; the same code with CRLF
newlines gives the same result with CRLF newlines; an ``unsafe=True`` example that
changes the code must not be reachable with safe fixes alone. ``fixed`` equal to
``code`` means "no fix, not even an unsafe one". A rule whose ``fix_availability`` is
``none`` attaches no fix to any diagnostic.

An example with ``files`` is a small project: its code is the module at ``path`` and is
linted (and fixed) with the view ``project_views`` gives of it among those files, with
the call facts a run derives (``with_call_facts``).
"""

from __future__ import annotations

import difflib
import io
import tokenize

import pytest

from fastapi_rules_lint.engine.diagnostics import Diagnostic
from fastapi_rules_lint.lint.fixer import FixOutcome, fix_text, is_applicable
from fastapi_rules_lint.lint.linter import lint_text
from fastapi_rules_lint.lint.registry import all_rules
from fastapi_rules_lint.lint.textfix import compile_error
from fastapi_rules_lint.project.view import ModuleView, project_views
from fastapi_rules_lint.rulebase.rule import Clean, Flagged, Rule
from fastapi_rules_lint.semantics.asyncio.project_calls import with_call_facts
from tests.helpers import lint_rule, settings_for

CASES = [
    pytest.param(rule, example, id=f"{rule.code}-{index}-{type(example).__name__.lower()}")
    for rule in all_rules()
    for index, example in enumerate(rule.examples)
]
FLAGGED = [case for case in CASES if isinstance(case.values[1], Flagged)]
FIXED = [case for case in FLAGGED if case.values[1].fixed is not None]
UNFIXED = [case for case in FLAGGED if case.values[1].fixed is None]


def _project(example: Clean | Flagged, code: str) -> ModuleView | None:
    """The view of ``code`` as the module at ``example.path`` of the example's project
    (None for a single-module example: linted on its own), with the call facts a run
    derives (``with_call_facts``), as ``runner.workspace`` does."""
    if not example.files:
        return None
    sources = {**example.files, example.path: code}
    return project_views(sources, derive=with_call_facts)[example.path]


def _lint(rule: type[Rule], example: Clean | Flagged, code: str) -> list[Diagnostic]:
    if not example.files:
        return lint_rule(rule, code, example.options, example.path)
    settings = settings_for(rule, example.options)
    found = lint_text(code, example.path, settings, _project(example, code))
    return [d for d in found if d.code == rule.code]


def _fix(example: Flagged, code: str, rule: type[Rule], *, unsafe: bool) -> FixOutcome:
    settings = settings_for(rule, example.options)
    return fix_text(code, example.path, settings, unsafe=unsafe, project=_project(example, code))


@pytest.mark.parametrize(("rule", "example"), CASES)
def test_example(rule: type[Rule], example: Clean | Flagged) -> None:
    found = _lint(rule, example, example.code)
    if isinstance(example, Clean):
        assert found == [], f"{rule.code} reported a clean example ({example.note})"
        return
    got = sorted(
        (d.location.row, d.location.column, d.end_location.row, d.end_location.column)
        for d in found
    )
    expected = sorted(example.expected())
    assert len(got) == len(expected), f"expected {expected}, got {got}"
    for (row, col, end_row, end_col), actual in zip(expected, got, strict=True):
        assert (row, col) == actual[:2], f"expected {expected}, got {got}"
        if end_row is not None:
            assert (end_row, end_col) == actual[2:], f"expected {expected}, got {got}"


def _with_comment(code: str, rows: set[int], comment: str) -> str | None:
    """Append ``comment`` to each row, or None when a row ends inside a string."""
    lines = code.splitlines(keepends=True)
    for row in rows:
        line = lines[row - 1]
        stripped = line.rstrip("\r\n")
        lines[row - 1] = f"{stripped}  {comment}{line[len(stripped) :] or chr(10)}"
    result = "".join(lines)
    try:
        comments = {
            token.start[0]
            for token in tokenize.generate_tokens(io.StringIO(result).readline)
            if token.type == tokenize.COMMENT and comment in token.string
        }
    except (tokenize.TokenError, SyntaxError):
        return None
    return result if comments >= rows else None


@pytest.mark.parametrize(("rule", "example"), FLAGGED)
def test_noqa(rule: type[Rule], example: Flagged) -> None:
    found = _lint(rule, example, example.code)
    assert found, "a flagged example must produce a diagnostic"
    rows = {d.noqa_row for d in found}
    variants = ((f"# noqa: {rule.code}", True), ("# noqa", True), ("# noqa: XYZ999", False))
    for comment, silenced in variants:
        commented = _with_comment(example.code, rows, comment)
        if commented is None:
            pytest.skip("a reported row ends inside a string literal")
        remaining = _lint(rule, example, commented)
        assert (remaining == []) is silenced, f"{comment!r} on rows {sorted(rows)}: {remaining}"


def _diff(expected: str, got: str) -> str:
    lines = difflib.unified_diff(
        expected.splitlines(keepends=True), got.splitlines(keepends=True), "expected", "got"
    )
    return "".join(lines)


@pytest.mark.parametrize(("rule", "example"), FIXED)
def test_fix(rule: type[Rule], example: Flagged) -> None:
    assert example.fixed is not None
    outcome = _fix(example, example.code, rule, unsafe=example.unsafe)
    assert outcome.text == example.fixed, _diff(example.fixed, outcome.text)
    assert not outcome.refusals, f"refused: {outcome.refusals}"
    assert compile_error(outcome.text, example.path) is None
    again = _fix(example, outcome.text, rule, unsafe=example.unsafe)
    assert again.text == outcome.text, "not a fixed point:\n" + _diff(outcome.text, again.text)
    left = [d for d in outcome.remaining if is_applicable(d.fix, unsafe=example.unsafe)]
    assert not left, f"still fixable after fixing: {left}"
    crlf = _fix(example, example.code.replace("\n", "\r\n"), rule, unsafe=example.unsafe)
    assert crlf.text == example.fixed.replace("\n", "\r\n"), "CRLF newlines were not kept"
    if example.unsafe and example.fixed != example.code:
        safe = _fix(example, example.code, rule, unsafe=False)
        assert safe.text != example.fixed, "labelled unsafe, but safe fixes alone produce it"


@pytest.mark.parametrize(("rule", "example"), UNFIXED)
def test_unfixed(rule: type[Rule], example: Flagged) -> None:
    found = _lint(rule, example, example.code)
    if rule.fix_availability == "none":
        assert all(d.fix is None for d in found), f"{rule.code} says it has no fix"
    if all(d.fix is None for d in found):
        assert _fix(example, example.code, rule, unsafe=True).text == example.code
