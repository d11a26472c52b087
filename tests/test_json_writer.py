"""The JSON report's own indented writer is byte for byte ``json.dumps(indent=2)``."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fastapi_rules_lint.report.json_format import _indented

_LEAVES = st.none() | st.booleans() | st.integers() | st.text()
_VALUES = st.recursive(
    _LEAVES,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=30,
)


@given(_VALUES)
def test_matches_json_dumps(value: object) -> None:
    assert _indented(value, "") == json.dumps(value, indent=2, ensure_ascii=False)


def test_a_report_item() -> None:
    item = {
        "code": "FRL301",
        "message": "`time.sleep` blocks \u00e9 \"quoted\" \\ \n\t\u2028",
        "cell": None,
        "location": {"row": 1, "column": 5},
        "fix": {"applicability": "safe", "edits": []},
        "is_fixable": True,
    }
    assert _indented([item, {}], "") == json.dumps([item, {}], indent=2, ensure_ascii=False)
    assert _indented([], "") == "[]"


def test_refuses_what_a_report_never_holds() -> None:
    with pytest.raises(TypeError, match="float"):
        _indented([1.5], "")
