"""``LintSettings``: which rules run on a file, with which options and code style.

Apart from ``lint.linter`` (which re-exports it) so that reading settings and the cache
need not import LibCST: a warm run whose files are all cache hits never does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from fastapi_rules_lint.engine.options import RuleOptions
from fastapi_rules_lint.engine.style import CodeStyle
from fastapi_rules_lint.lint.registry import select_codes

if TYPE_CHECKING:
    from fastapi_rules_lint.rulebase.rule import Rule


@dataclass(frozen=True)
class LintSettings:
    """Which rules run and with which options. Build once per run."""

    enabled: frozenset[str] = field(default_factory=select_codes)
    options: Mapping[str, RuleOptions] = field(default_factory=dict)
    honour_noqa: bool = True
    """False lints with every ``noqa`` directive ignored (flake8's ``--disable-noqa``);
    FRL002 then reports nothing."""
    style: CodeStyle = field(default_factory=CodeStyle)
    """How fixes lay out what they write (imports, long lines)."""

    def options_for(self, rule: type[Rule]) -> RuleOptions:
        """The configured options of ``rule`` (its defaults when not configured)."""
        configured = self.options.get(rule.code)
        return configured if configured is not None else _default_options(rule)


@cache
def _default_options(rule: type[Rule]) -> RuleOptions:
    # Built once, not per rule per file; options are frozen. `model_construct` equals
    # validating `{}` (every field has a plain default; see `RuleOptions`) without
    # building the model's validator, which costs milliseconds per options class.
    return rule.options_model.model_construct()
