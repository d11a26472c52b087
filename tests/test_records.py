"""``records``: the caches' file layout reads back what it wrote, and nothing else."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fastapi_rules_lint.records import pack, unpack

_FIELDS = st.lists(st.none() | st.booleans() | st.integers() | st.text(max_size=5), max_size=3)


@given(
    st.dictionaries(st.text(max_size=8), st.tuples(_FIELDS, st.binary(max_size=20)), max_size=5),
    st.text(max_size=8),
)
def test_reads_back_what_it_wrote(entries: dict[str, tuple[list[object], bytes]], key: str) -> None:
    # Keys and bodies may hold newlines: only the header's own line ends at one.
    assert unpack(pack({"key": key}, entries)) == ({"key": key}, entries)


def _header(entries: object) -> bytes:
    return json.dumps({"version": 1, "entries": entries}).encode() + b"\n"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b'{"entries": {}}',  # no header line
        b"{not json\n",
        b"[]\n",
        b'{"version": 1}\n',  # no entries
        _header([]),
        _header({"a": "not a list"}) + b"x",
        _header({"a": []}),  # no length
        _header({"a": ["d", "1"]}) + b"x",
        _header({"a": ["d", -1]}),
        _header({"a": ["d", 2]}) + b"x",  # longer than the file
        _header({"a": ["d", 1]}) + b"xy",  # something after the last body
        _header({"a": ["d", 1], "b": ["d", 1]}) + b"x",
    ],
)
def test_anything_else_is_none(data: bytes) -> None:
    assert unpack(data) is None
