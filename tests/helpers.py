"""Shared test helpers: lint one rule's example with that rule alone enabled."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi_rules_lint.engine.diagnostics import Diagnostic
from fastapi_rules_lint.lint.linter import LintSettings, lint_text
from fastapi_rules_lint.rulebase.rule import Rule


def settings_for(rule: type[Rule], options: Mapping[str, object] | None = None) -> LintSettings:
    """Settings that enable only ``rule``, with ``options`` validated by its model."""
    return LintSettings(
        enabled=frozenset({rule.code}),
        options={rule.code: rule.options_model.model_validate(dict(options or {}))},
    )


def lint_rule(
    rule: type[Rule],
    code: str,
    options: Mapping[str, object] | None = None,
    path: str = "example.py",
) -> list[Diagnostic]:
    """Diagnostics of ``rule`` alone on ``code``."""
    return [d for d in lint_text(code, path, settings_for(rule, options)) if d.code == rule.code]
