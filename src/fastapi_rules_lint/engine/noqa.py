"""Suppression comments, in ruff's and flake8's spellings.

- ``# noqa`` silences every code on its row; ``# noqa: FRL301, FRL302`` (comma or space
  separated, ``:`` optionally followed by spaces) silences those codes or prefixes.
- A diagnostic is silenced by a comment on its own row or on its ``noqa_row`` (the first
  row of the statement it sits in), so one comment covers a multi-line statement.
- ``# fastapi-rules: noqa`` alone on a line silences the file;
  ``# fastapi-rules: noqa: FRL101`` one code (or prefix) in the file. ``# flake8: noqa``
  silences the file as it does for flake8.

Only real comments count: the source is tokenized (only when it mentions ``noqa`` at
all), so ``"# noqa"`` inside a string does not suppress anything.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

_CODE_LIST = r"[A-Z]+[0-9]*(?:[\s,]+[A-Z]+[0-9]*)*"
_LINE_NOQA = re.compile(rf"#\s*noqa(?::\s?(?P<codes>{_CODE_LIST}))?", re.IGNORECASE)
_FILE_NOQA = re.compile(
    rf"^#\s*(?:fastapi-rules|flake8)\s*:\s*noqa(?::\s*(?P<codes>{_CODE_LIST}))?\s*$",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"[\s,]+")


def _codes(text: str | None) -> frozenset[str] | None:
    if text is None:
        return None
    return frozenset(code.upper() for code in _SPLIT.split(text.strip()) if code)


@dataclass(frozen=True)
class Suppressions:
    """The noqa comments of one file. ``None`` codes mean "all codes"."""

    by_row: dict[int, frozenset[str] | None] = field(default_factory=dict)
    file_codes: frozenset[str] | None = frozenset()
    """Codes silenced in the whole file; ``None`` silences everything."""

    def is_suppressed(self, code: str, rows: Iterable[int]) -> bool:
        """True when ``code`` is silenced on any of ``rows`` or file-wide."""
        if self.file_codes is None or _matches(code, self.file_codes):
            return True
        for row in rows:
            if row in self.by_row:
                codes = self.by_row[row]
                if codes is None or _matches(code, codes):
                    return True
        return False


def _matches(code: str, codes: frozenset[str]) -> bool:
    return code in codes or any(code.startswith(prefix) for prefix in codes)


NO_SUPPRESSIONS = Suppressions()


def _comments(text: str) -> Iterator[tuple[int, str, bool]]:
    """(row, comment, alone on its line) for every comment in ``text``."""
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                alone = not token.line[: token.start[1]].strip()
                yield token.start[0], token.string, alone
    except (tokenize.TokenError, SyntaxError):
        # A file LibCST parses but this Python's tokenizer rejects (newer syntax):
        # fall back to the text after the first `#` of each line.
        for row, line in enumerate(text.splitlines(), start=1):
            index = line.find("#")
            if index >= 0:
                yield row, line[index:], not line[:index].strip()


def parse_suppressions(text: str) -> Suppressions:
    """Collect the noqa comments of ``text``."""
    if "noqa" not in text and "NOQA" not in text.upper():
        return NO_SUPPRESSIONS
    by_row: dict[int, frozenset[str] | None] = {}
    file_codes: set[str] = set()
    silence_file = False
    for row, comment, alone in _comments(text):
        file_match = _FILE_NOQA.match(comment) if alone else None
        if file_match is not None:
            codes = _codes(file_match.group("codes"))
            if codes is None:
                silence_file = True
            else:
                file_codes |= codes
            continue
        line_match = _LINE_NOQA.search(comment)
        if line_match is not None:
            codes = _codes(line_match.group("codes"))
            previous = by_row.get(row, frozenset())
            by_row[row] = None if codes is None or previous is None else previous | codes
    return Suppressions(by_row, None if silence_file else frozenset(file_codes))
