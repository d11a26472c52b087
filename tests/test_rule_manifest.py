"""The rule manifest (``lint/_rule_manifest.py``) matches the rule classes.

The registry answers selection and settings validation from it without importing the
rules (a warm run imports no LibCST); regenerate it with ``--update-fixtures``.
"""

from __future__ import annotations

import pytest

from fastapi_rules_lint.lint import registry


def test_manifest_is_current(request: pytest.FixtureRequest) -> None:
    expected = registry.manifest_text()
    if request.config.getoption("--update-fixtures"):
        registry.write_manifest()
    actual = registry._MANIFEST.read_text(encoding="utf-8")
    command = "pytest tests/test_rule_manifest.py --update-fixtures"
    assert actual == expected, f"lint/_rule_manifest.py is stale: run `{command}`"


def test_infos_match_the_rule_classes() -> None:
    assert registry.rule_infos() == tuple(map(registry.info_of, registry.all_rules()))


def test_rule_for_imports_the_rule_class() -> None:
    for rule in registry.all_rules():
        assert registry.rule_for(rule.code.lower()) is rule
