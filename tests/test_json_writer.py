"""The JSON report's item template writes what ``json.dumps(indent=2)`` writes."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from fastapi_rules_lint.report.json_format import (
    _Edit,
    _Fields,
    _Fix,
    _item,
    _item_text,
    _items_text,
)

# Text that needs escaping: quotes, backslashes, control and non-ASCII characters.
_TEXT = st.text(alphabet=st.sampled_from('ab"\\\n\t\x00\u00e9\u2028\U0001f600'), max_size=8)
_PLACE = st.tuples(st.integers(1, 10**6), st.integers(1, 10**6))
_FIX = st.builds(
    _Fix,
    applicability=st.sampled_from(["safe", "unsafe"]),
    message=_TEXT,
    edits=st.lists(st.builds(_Edit, _TEXT, _PLACE, _PLACE), max_size=3).map(tuple),
)
_FIELDS = st.builds(
    _Fields,
    code=_TEXT,
    message=_TEXT,
    filename=_TEXT,
    cell=st.none() | st.integers(1, 99),
    location=_PLACE,
    end_location=_PLACE,
    noqa_row=st.integers(1, 10**6),
    fix=st.none() | _FIX,
    name=_TEXT,
    url=st.none() | _TEXT,
)


@given(st.lists(_FIELDS, max_size=4))
def test_the_template_writes_what_json_dumps_does(items: list[_Fields]) -> None:
    strings: dict[str | None, str] = {}  # one memo for the report, as `render` keeps it
    written = _items_text([_item_text(fields, strings) for fields in items])
    expected = json.dumps([_item(fields) for fields in items], indent=2, ensure_ascii=False)
    assert written == expected + "\n"
