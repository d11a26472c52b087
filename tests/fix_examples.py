"""Pick real fixes for CLI tests from the rules' own examples, so the tests exercise
whatever rules exist (and skip cleanly when none has a fix yet)."""

from __future__ import annotations

from fastapi_rules_lint.lint.registry import all_rules
from fastapi_rules_lint.rulebase.rule import Flagged


def fix_example(*, unsafe: bool) -> tuple[str, str, str] | None:
    """(code, source, fixed source) of the first option-free example whose fix needs
    ``--unsafe-fixes`` exactly when ``unsafe``."""
    for rule in all_rules():
        for example in rule.examples:
            if (
                isinstance(example, Flagged)
                and example.fixed is not None
                and example.unsafe is unsafe
                and not example.options
                and example.path == "example.py"
            ):
                return rule.code, example.code, example.fixed
    return None


def safe_fix_example() -> tuple[str, str, str] | None:
    """A safe fix example (applied by ``--fix``)."""
    return fix_example(unsafe=False)
