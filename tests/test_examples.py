"""Tests generated from every rule's own examples (the single source of truth).

For each rule: clean examples produce nothing; flagged examples produce exactly the
expected ranges (never zero); each flagged example is silenced by ``# noqa: CODE`` on
the reported rows and by a bare ``# noqa``, and not by a ``noqa`` for another code.
"""

from __future__ import annotations

import io
import tokenize

import pytest

from fastapi_rules_lint.core.registry import all_rules
from fastapi_rules_lint.core.rule import Clean, Flagged, Rule

from tests.helpers import lint_rule

CASES = [
    pytest.param(rule, example, id=f"{rule.code}-{index}-{type(example).__name__.lower()}")
    for rule in all_rules()
    for index, example in enumerate(rule.examples)
]
FLAGGED = [case for case in CASES if isinstance(case.values[1], Flagged)]


@pytest.mark.parametrize(("rule", "example"), CASES)
def test_example(rule: type[Rule], example: Clean | Flagged) -> None:
    found = lint_rule(rule, example.code, example.options, example.path)
    if isinstance(example, Clean):
        assert found == [], f"{rule.code} reported a clean example ({example.note})"
        return
    got = sorted(
        (d.location.row, d.location.column, d.end_location.row, d.end_location.column)
        for d in found
    )
    expected = sorted(example.expected())
    assert len(got) == len(expected), f"expected {expected}, got {got}"
    for (row, col, end_row, end_col), actual in zip(expected, got):
        assert (row, col) == actual[:2], f"expected {expected}, got {got}"
        if end_row is not None:
            assert (end_row, end_col) == actual[2:], f"expected {expected}, got {got}"


def _with_comment(code: str, rows: set[int], comment: str) -> str | None:
    """Append ``comment`` to each row, or None when a row ends inside a string."""
    lines = code.splitlines(keepends=True)
    for row in rows:
        line = lines[row - 1]
        stripped = line.rstrip("\r\n")
        lines[row - 1] = f"{stripped}  {comment}{line[len(stripped):] or chr(10)}"
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
    found = lint_rule(rule, example.code, example.options, example.path)
    assert found, "a flagged example must produce a diagnostic"
    rows = {d.noqa_row for d in found}
    for comment, silenced in ((f"# noqa: {rule.code}", True), ("# noqa", True), ("# noqa: XYZ999", False)):
        commented = _with_comment(example.code, rows, comment)
        if commented is None:
            pytest.skip("a reported row ends inside a string literal")
        remaining = lint_rule(rule, commented, example.options, example.path)
        assert (remaining == []) is silenced, f"{comment!r} on rows {sorted(rows)}: {remaining}"
