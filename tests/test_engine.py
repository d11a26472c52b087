"""Engine behaviours no single rule owns."""

from __future__ import annotations

from fastapi_rules_lint.lint.linter import LintSettings, lint_text
from fastapi_rules_lint.lint.registry import select_codes


def test_deeply_nested_tree_does_not_crash() -> None:
    # An implicitly concatenated string is a right-nested tree as deep as its parts
    # (pydoc_data/topics.py has such strings); Python's default recursion limit is not.
    parts = "\n".join(f"    'part {index} '" for index in range(3000))
    source = f"TOPICS = (\n{parts}\n)\n"
    settings = LintSettings(enabled=select_codes(["ALL"]))
    assert [d.code for d in lint_text(source, "topics.py", settings)] == []


def test_decorator_diagnostic_noqa_row_is_its_own_line() -> None:
    source = (
        "from functools import lru_cache\n\n\n"
        "@lru_cache\n"
        "async def rates() -> dict[str, float]:\n"
        "    return {}\n"
    )
    found = [d for d in lint_text(source, "a.py") if d.code == "FRL304"]
    assert [(d.location.row, d.noqa_row) for d in found] == [(4, 4)]
