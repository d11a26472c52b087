"""Character offsets to rows and columns (``LineIndex``), without LibCST.

Apart from ``engine.positions`` (which re-exports it) so that reporters need not import
LibCST: a warm run whose files are all cache hits never does.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from itertools import accumulate

from fastapi_rules_lint.engine.diagnostics import Location

_NEWLINE = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class LineIndex:
    """Maps character offsets of a source text to 1-based rows and columns."""

    line_starts: tuple[int, ...]

    @classmethod
    def of(cls, text: str) -> LineIndex:
        """Index the line starts of ``text`` (``\\n``, ``\\r\\n`` and ``\\r`` newlines)."""
        if "\r" in text:
            # A regex scan, not a Python loop over every character.
            return cls((0, *(match.end() for match in _NEWLINE.finditer(text))))
        # Only ``\n``: each line starts one past the previous line's end, summed in C.
        lengths = map(len, text.split("\n")[:-1])
        return cls(tuple(accumulate(map((1).__add__, lengths), initial=0)))

    def location(self, offset: int) -> Location:
        """The row and column of ``offset``."""
        row = bisect.bisect_right(self.line_starts, offset)
        return Location(row, offset - self.line_starts[row - 1] + 1)
