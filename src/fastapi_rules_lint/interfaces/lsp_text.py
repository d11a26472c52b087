"""Positions and edits between the engine and the Language Server Protocol.

The engine counts 1-based rows and columns in code points; LSP counts 0-based lines and
characters in the negotiated encoding's code units (UTF-16 unless the client offered
UTF-8 or UTF-32). Lines end at ``\\r\\n``, ``\\r`` or ``\\n`` in both (not at the other
characters ``str.splitlines`` breaks on). A changed text goes back to the editor as the
smallest run of whole changed lines (``text_edits``), so cursors and marks elsewhere stay put.
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_right
from collections.abc import Sequence

from lsprotocol import types

from fastapi_rules_lint.engine.diagnostics import Location

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def split_lines(text: str) -> list[str]:
    """The lines of ``text``, each with its line break."""
    return _LINE.findall(text)


def _units(text: str, encoding: str) -> int:
    if encoding == types.PositionEncodingKind.Utf32:
        return len(text)
    if encoding == types.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


class TextPositions:
    """Converts positions within one text (see the module docstring)."""

    def __init__(self, text: str, encoding: str = types.PositionEncodingKind.Utf16) -> None:
        self.text = text
        self.encoding = encoding
        self.lines = split_lines(text)
        self.starts: list[int] = []
        offset = 0
        for line in self.lines:
            self.starts.append(offset)
            offset += len(line)

    def _line(self, index: int) -> str:
        if 0 <= index < len(self.lines):
            return self.lines[index].rstrip("\r\n")
        return ""

    def position(self, location: Location) -> types.Position:
        """The LSP position of an engine location."""
        line = location.row - 1
        prefix = self._line(line)[: max(location.column - 1, 0)]
        return types.Position(line=max(line, 0), character=_units(prefix, self.encoding))

    def position_at(self, offset: int) -> types.Position:
        """The LSP position of a character offset into the text."""
        if not self.lines:
            return types.Position(line=0, character=0)
        index = max(bisect_right(self.starts, offset) - 1, 0)
        column = offset - self.starts[index]
        full = self.lines[index]
        if column >= len(full) and full.endswith(("\n", "\r")):
            return types.Position(line=index + 1, character=0)
        return types.Position(line=index, character=_units(full[:column], self.encoding))

    def location(self, position: types.Position) -> Location:
        """The engine location of an LSP position (clamped to its line)."""
        line = self._line(position.line)
        count = 0
        column = 0
        for char in line:
            if count >= position.character:
                break
            count += _units(char, self.encoding)
            column += 1
        return Location(position.line + 1, column + 1)

    def range(self, start: Location, end: Location) -> types.Range:
        """The LSP range between two engine locations."""
        return types.Range(start=self.position(start), end=self.position(end))


def overlaps(first: types.Range, second: types.Range) -> bool:
    """True when two ranges share a position (touching ends count)."""
    return _key(first.start) <= _key(second.end) and _key(second.start) <= _key(first.end)


def contains(outer: types.Range, position: types.Position) -> bool:
    """True when ``position`` lies within ``outer`` (both ends included)."""
    return _key(outer.start) <= _key(position) <= _key(outer.end)


def _key(position: types.Position) -> tuple[int, int]:
    return position.line, position.character


def text_edits(old: str, new: str, encoding: str) -> list[types.TextEdit]:
    """Edits that turn ``old`` into ``new``, one per run of changed lines."""
    if old == new:
        return []
    positions = TextPositions(old, encoding)
    before: Sequence[str] = positions.lines
    after = split_lines(new)
    total = len(old)
    edits: list[types.TextEdit] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, first, last, new_first, new_last in matcher.get_opcodes():
        if tag == "equal":
            continue
        start = positions.starts[first] if first < len(before) else total
        end = positions.starts[last] if last < len(before) else total
        edits.append(
            types.TextEdit(
                range=types.Range(
                    start=positions.position_at(start), end=positions.position_at(end)
                ),
                new_text="".join(after[new_first:new_last]),
            )
        )
    return edits
