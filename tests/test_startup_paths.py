"""What the fast paths of a run skip must not change what it computes (issue 12).

An unconfigured rule's options come from ``model_construct`` (no validator is built):
it must equal validating ``{}``. A summary cache entry that is valid JSON but no summary
is a miss (summarised again), never an error.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fastapi_rules_lint.lint.registry import all_rules
from fastapi_rules_lint.lint.settings import LintSettings
from fastapi_rules_lint.rulebase.rule import Rule
from fastapi_rules_lint.runner.summaries import CACHE_NAME, SummaryCache
from fastapi_rules_lint.runner.workspace import Workspace
from tests.test_warm_runs import rewrite_summaries


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.code)
def test_default_options_equal_validated_empty_options(rule: type[Rule]) -> None:
    default = LintSettings().options_for(rule)
    validated = rule.options_model.model_validate({})
    assert default == validated
    assert default.__dict__ == validated.__dict__
    assert default.model_fields_set == validated.model_fields_set
    assert default.model_dump() == validated.model_dump()


def test_corrupted_cache_entry_is_a_miss(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("import os\n\ndef f(x: int) -> None:\n    os.sep\n")
    (tmp_path / "b.py").write_text("from a import f\n")
    expected = Workspace(use_cache=True).project_for(tmp_path / "a.py").model
    path = next(tmp_path.rglob(CACHE_NAME))  # in the project's default cache folder
    keys = list(rewrite_summaries(path, b'{"imports": 5}'))  # valid JSON, not a summary
    cache = SummaryCache(path.parent)
    assert all(cache.summary(key) is None for key in keys)
    assert cache.is_changed
    again = Workspace(use_cache=True).project_for(tmp_path / "a.py").model
    assert again == expected
    repaired = SummaryCache(path.parent)
    assert all(repaired.summary(key) is not None for key in keys)
