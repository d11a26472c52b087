"""``LineIndex``: its fast path for ``\\n``-only text finds the line starts the regex does."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from fastapi_rules_lint.engine.lines import _NEWLINE, LineIndex


@given(st.text(alphabet="ab\n\r\u2028\x0c", max_size=40))
def test_line_starts_are_where_each_newline_ends(text: str) -> None:
    expected = (0, *(match.end() for match in _NEWLINE.finditer(text)))
    assert LineIndex.of(text).line_starts == expected


def test_rows_and_columns() -> None:
    index = LineIndex.of("ab\ncd\n\ne")
    places = [index.location(offset) for offset in (0, 2, 3, 6, 7)]
    expected = [(1, 1), (1, 3), (2, 1), (3, 1), (4, 1)]
    assert [(place.row, place.column) for place in places] == expected
